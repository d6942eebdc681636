"""A story's photo as the commands take it (`new --image`, `photo set`): the file a command
line names, the alt text (given, or asked for on a terminal), and what is said afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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
    error (exit 2) otherwise."""
    if alt is not None and alt.strip():
        return alt
    from newscli.cli.asking import ask, required

    if no_input or not env.stdin_isatty:
        raise UsageError(_(ALT_REQUIRED))
    return ask(
        env,
        _("Alt text (what does the photo show?)"),
        check=required(_("the alt text cannot be empty: say what the photo shows")),
    )


def warn_about(env: Environment, newsroom: Newsroom, story: Summary, image: Image | None) -> None:
    """What check's photo rules would say about the story's photo, as warnings now."""
    from newscli.checks import load_settings, photo_notices
    from newscli.photos import replace_image

    settings = load_settings(newsroom.root)
    for notice in photo_notices(newsroom, replace_image(story, image), settings):
        warn(env, f"{story.path}: {notice.message}")


def photo_note(placed: Placed) -> str:
    """Where the photo went, for stderr."""
    if placed.created:
        return _("Photo copied to {src}").format(src=placed.src)
    return _("Photo already in the newsroom as {src}; used as it is").format(src=placed.src)
