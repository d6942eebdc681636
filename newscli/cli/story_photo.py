"""A story's photo as the commands take it (`new --image`, `photo set`): the file a command
line names, the alt text (given, or asked for on a terminal), and what is said afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newscli.cli.common import warn
from newscli.errors import UsageError
from newscli.i18n import N_, _

if TYPE_CHECKING:
    from newscli.article import Image, Summary
    from newscli.environment import Environment
    from newscli.newsroom import Newsroom
    from newscli.photos import PhotoFile, Placed

ALT_REQUIRED = N_(
    "--alt is required with a photo: describe what it shows for readers who cannot see it "
    "(WCAG 2.1, success criterion 1.1.1); nothing was written"
)


def read_photo_argument(env: Environment, newsroom: Newsroom, given: str) -> PhotoFile:
    """The photo file a command line names: relative to the working directory, else to the
    newsroom root (where `new --image images/x.jpg` used to look); checked, or exit 2."""
    from newscli.photos import read_photo

    path = Path(given)
    if not path.is_absolute():
        here, there = env.cwd / path, newsroom.root / path
        try:
            path = here if here.exists() or not there.exists() else there
        except (OSError, ValueError):
            path = here
    return read_photo(path, shown_as=given)


def ask_alt(env: Environment, alt: str | None, no_input: bool) -> str:
    """The alt text: given, or asked for on a terminal until it is not empty; a usage
    error (exit 2) otherwise. Only invisible characters (a zero-width space) are empty."""
    from newscli.photos import shows_nothing

    if alt is not None and not shows_nothing(alt):
        return alt
    from newscli.cli.asking import ask, required

    if no_input or not env.stdin_isatty:
        raise UsageError(_(ALT_REQUIRED))
    not_empty = required(_("the alt text cannot be empty: say what the photo shows"))
    return ask(
        env,
        _("Alt text (what does the photo show?)"),
        check=lambda answer: not_empty("" if shows_nothing(answer) else answer),
    )


def warn_about(env: Environment, newsroom: Newsroom, story: Summary, image: Image | None) -> None:
    """What check's photo rules would say about the story's photo, as warnings now."""
    from newscli.checks import load_settings, photo_notices
    from newscli.photos import replace_image

    settings = load_settings(newsroom.root)
    for notice in photo_notices(newsroom, replace_image(story, image), settings):
        warn(env, f"{story.path}: {notice.message}")


def photo_note(placed: Placed) -> str:
    """Where the photo went, and what private metadata the copy left out, for stderr."""
    from newscli.photo_privacy import removed_words

    if placed.created:
        note = _("Photo copied to {src}").format(src=placed.src)
    else:
        note = _("Photo already in the newsroom as {src}; used as it is").format(src=placed.src)
    if placed.removed:
        note += " " + _("(without its {removed}; --keep-metadata keeps them)").format(
            removed=removed_words(placed.removed)
        )
    return note


KeepMetadataOption = Annotated[
    bool,
    typer.Option(
        "--keep-metadata",
        help="Copy the photo as it came, with its location (GPS), serial numbers and owner's name.",
    ),
]
