"""Commands for a story's photo: photo set, photo remove; and what `new --image` shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from newscli.cli.common import RootOption, environment, open_newsroom, report_broken, say
from newscli.cli.selection import RefArgument
from newscli.cli.story_photo import (
    KeepMetadataOption,
    ask_alt,
    photo_note,
    read_photo_argument,
    warn_about,
)
from newscli.errors import UsageError
from newscli.i18n import _

if TYPE_CHECKING:
    from newscli.article import Article
    from newscli.environment import Environment
    from newscli.newsroom import Newsroom
    from newscli.photos import PhotoChange

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="A story's photo: set it (copied into images/, checked) or take it off.",
)

AltOption = Annotated[
    str | None,
    typer.Option("--alt", help="What the photo shows, for readers who cannot see it (alt text)."),
]
CaptionOption = Annotated[str | None, typer.Option(help="Photo caption.")]
CreditOption = Annotated[str | None, typer.Option(help="Photographer credit (shown as 'Foto: …').")]
NoInputOption = Annotated[
    bool, typer.Option("--no-input", help="Never prompt; fail if alt text is missing.")
]


def _said(env: Environment, change: PhotoChange) -> None:
    print(change.path, file=env.stdout, flush=True)
    if change.placed is not None:
        say(env, photo_note(change.placed))


def _story(env: Environment, newsroom: Newsroom, ref: str) -> Article:
    """The story a REF names, as show and edit find it; broken files met on the way warned."""
    from newscli.catalog import Catalog

    with Catalog(newsroom) as catalog:
        found = catalog.resolve(ref)
    report_broken(env, found.broken)
    return found.one


def set_photo(
    ctx: typer.Context,
    ref: RefArgument,
    path: Annotated[
        str | None,
        typer.Argument(
            help="Photo file (JPEG, PNG, WebP or AVIF); without it, only the texts change."
        ),
    ] = None,
    alt: AltOption = None,
    caption: CaptionOption = None,
    credit: CreditOption = None,
    no_input: NoInputOption = False,
    keep_metadata: KeepMetadataOption = False,
    root: RootOption = None,
) -> None:
    """Give a story a photo, or new texts for its photo: the file is checked, copied to
    images/YYYY/MM/<slug>.<ext> (never over another photo) and [image] is filled in. Prints
    the story's path."""
    from newscli.photos import set_photo as set_story_photo

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    photo = None if path is None else read_photo_argument(env, newsroom, path)
    story = _story(env, newsroom, ref)
    if path is None and alt is None and caption is None and credit is None:
        raise UsageError(_("give a photo file, or --alt, --caption or --credit to change"))
    if photo is not None and story.image is None:  # words an import kept for this photo
        from newscli.photos import waiting_words

        waiting = waiting_words(story)
        alt = alt if alt is not None else waiting.get("alt")
        caption = caption if caption is not None else waiting.get("caption")
        credit = credit if credit is not None else waiting.get("credit")
    if alt is not None or photo is not None or story.image is None or not story.image.alt:
        alt = ask_alt(env, alt, no_input)
    change = set_story_photo(
        newsroom,
        newsroom.file_of(story),
        photo,
        alt=alt,
        caption=caption,
        credit=credit,
        wait=lambda: say(env, _("waiting for another newscli run to finish…")),
        keep_metadata=keep_metadata,
    )
    _said(env, change)
    if change.before == change.after:
        say(env, _("No changes."))
    warn_about(env, newsroom, story, change.after)


def remove_photo(
    ctx: typer.Context,
    ref: RefArgument,
    root: RootOption = None,
) -> None:
    """Take the photo off a story: its [image] is cleared. The photo file stays in images/,
    and the old [image] in git's history: nothing is ever lost. Prints the story's path."""
    from newscli.photos import remove_photo as remove_story_photo

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    story = _story(env, newsroom, ref)
    if story.image is None:
        say(env, _("{path} has no photo; nothing changed").format(path=story.path))
        return
    change = remove_story_photo(
        newsroom,
        newsroom.file_of(story),
        wait=lambda: say(env, _("waiting for another newscli run to finish…")),
    )
    _said(env, change)
    if change.before is not None:
        say(env, _("The photo file {src} is kept").format(src=change.before.src))


app.command("set")(set_photo)
app.command("remove")(remove_photo)
