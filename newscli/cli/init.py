"""newscli init: make a new newsroom (newscli.founding does the work)."""

from __future__ import annotations

import enum
import shlex
from pathlib import Path
from typing import Annotated

import typer

from newscli.cli.asking import ask, confirm
from newscli.cli.common import environment, say, warn
from newscli.errors import ExitStatus, NewsError
from newscli.i18n import _


class Language(enum.StrEnum):
    sv = "sv"
    en = "en"


def init(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(help="Folder of the new newsroom (made if missing).", metavar="DIR")
    ] = Path("."),
    title: Annotated[str | None, typer.Option(help="The site's title.")] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url", help="The site's address, like https://www.example.se/aktuellt/."
        ),
    ] = None,
    language: Annotated[
        Language | None, typer.Option(help="Language of the exported pages: sv or en.")
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(help="Timezone of dates typed without an offset (default Europe/Stockholm)."),
    ] = None,
    author: Annotated[str | None, typer.Option(help="Author line of new stories.")] = None,
    git: Annotated[
        bool | None,
        typer.Option("--git/--no-git", help="Start a git repository there (asked on a terminal)."),
    ] = None,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never ask; what no option gives is the default.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Make it also in a folder that is not empty, or inside a newsroom."
        ),
    ] = False,
) -> None:
    """Make a new newsroom: newscli.toml, articles/ and a .gitignore; asks for the settings
    on a terminal. The folder must be new or empty (hidden files and an articles/ folder
    may be there) and not inside another newsroom, unless --force."""
    from newscli import founding

    env = environment(ctx)
    target = folder if folder.is_absolute() else env.cwd / folder
    founding.refuse_existing(target, force=force)  # before any question
    # Options are checked before anything is asked, and asked again on a terminal only.
    given_title = founding.checked_title(title) if title is not None else None
    given_url = founding.checked_base_url(base_url) if base_url is not None else None
    given_zone = founding.checked_timezone(timezone) if timezone is not None else None
    chosen_language = language.value if language else None
    interactive = not no_input and bool(env.stdin_isatty)
    if interactive:
        say(env, _("A new newsroom in {folder}").format(folder=target))
        given_title = given_title or ask(
            env, _("Site title"), default=founding.DEFAULT_TITLE["sv"], check=founding.checked_title
        )
        if given_url is None:
            given_url = ask(
                env,
                _("Base URL of the site (empty: set it later)"),
                check=founding.checked_base_url,
            )
        chosen_language = chosen_language or ask(
            env, _("Language of the pages (sv, en)"), default="sv", check=founding.checked_language
        )
        given_zone = given_zone or ask(
            env,
            _("Timezone"),
            default=founding.DEFAULT_TIMEZONE,
            check=founding.checked_timezone,
        )
        if author is None:
            author = ask(env, _("Default author of new stories (empty: none)"))
    chosen_language = chosen_language or "sv"
    settings = founding.Founding(
        title=given_title or founding.DEFAULT_TITLE[chosen_language],
        base_url=given_url or "",
        language=chosen_language,
        timezone=given_zone or founding.DEFAULT_TIMEZONE,
        author=author.strip() if author else "",
    )
    offered = git is None and interactive and founding.git_available()
    if offered and not founding.in_repository(target):
        git = confirm(env, _("Start a git repository there (git init)?"), default=True)
    made = founding.found_newsroom(target, settings, force=force)
    say(
        env,
        _("Made a newsroom in {folder}: {files}").format(
            folder=target, files=", ".join(made.created)
        ),
    )
    status = ExitStatus.OK
    if git:
        try:
            founding.start_repository(target)
            say(env, _("Started a git repository there."))
        except NewsError as exc:
            warn(env, str(exc))
            status = ExitStatus.FAILURE
    where = "" if target == env.cwd else f"cd {shlex.quote(str(folder))} && "
    say(env, _("Next: {where}newscli new").format(where=where))
    if status:
        raise typer.Exit(status)
