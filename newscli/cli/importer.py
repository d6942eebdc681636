"""Import commands: `import feed|text|wordpress`, bringing a newsroom's existing stories in.

(`import` is a Python keyword: the module is importer.)"""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newscli.cli.common import (
    RootOption,
    environment,
    open_newsroom,
    progress,
    report_broken,
    say,
    warn,
)
from newscli.errors import ExitStatus, UsageError
from newscli.i18n import N_, _, ngettext, number
from newscli.text import terminal_safe

if TYPE_CHECKING:
    from newscli.environment import Environment
    from newscli.importing.core import ImportReport, Outcome
    from newscli.importing.fetch import Fetcher
    from newscli.importing.incoming import Read
    from newscli.newsroom import Newsroom

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help=N_(
        "Bring existing stories in: from a feed, copied pages or a WordPress export. "
        "Run it again at any time: what was imported is found again, never doubled."
    ),
)


class ImportStatus(enum.StrEnum):
    draft = "draft"
    published = "published"


class DateMissing(enum.StrEnum):
    skip = "skip"
    now = "now"
    draft = "draft"


DryRunOption = Annotated[
    bool,
    typer.Option(
        "--dry-run", help=N_("List what would be created, updated or skipped; write nothing.")
    ),
]
StatusOption = Annotated[
    ImportStatus,
    typer.Option(
        "--status",
        help=N_(
            "published (default: as the source has it) or draft, for review before publishing."
        ),
    ),
]
UpdateOption = Annotated[
    bool,
    typer.Option(
        "--update",
        help=N_(
            "Rewrite imported stories that changed at the source (never one edited since it "
            "was imported)."
        ),
    ),
]
DateMissingOption = Annotated[
    DateMissing,
    typer.Option(
        "--date-missing",
        help=N_(
            "Stories without a date: skip them (default), date them now, or make them drafts "
            "dated today, to be dated before publishing (draft)."
        ),
    ),
]
TextDateMissingOption = Annotated[
    DateMissing,
    typer.Option(
        "--date-missing",
        help=N_(
            "Pages without a date: drafts dated today, to be dated before publishing "
            "(default), dated now (now), or skipped (skip)."
        ),
    ),
]


_DONE = {
    "create": N_("created"),
    "update": N_("updated"),
}
_WOULD = {
    "create": N_("would create"),
    "update": N_("would update"),
}


def summary(report: ImportReport) -> str:
    """'3 created, 1 updated, 2 skipped (1 edited since import), 1 refused'."""
    from newscli.importing.core import SKIPPED, Action

    def counted(text: str, count: int) -> str:  # text: the ngettext form for count
        return text.format(n=number(count))

    created, updated = report.count(Action.CREATE), report.count(Action.UPDATE)
    if report.dry_run:
        parts = [
            counted(ngettext("{n} to create", "{n} to create", created), created),
            counted(ngettext("{n} to update", "{n} to update", updated), updated),
        ]
    else:
        parts = [
            counted(ngettext("{n} created", "{n} created", created), created),
            counted(ngettext("{n} updated", "{n} updated", updated), updated),
        ]
    unchanged, edited = report.count(Action.UNCHANGED), report.count(Action.EDITED)
    changed, no_date = report.count(Action.CHANGED), report.count(Action.NO_DATE)
    twice, skipped = report.count(Action.DUPLICATE), report.count(*SKIPPED)
    private, elsewhere = report.count(Action.PRIVATE), report.count(Action.ELSEWHERE)
    notes = [
        counted(ngettext("{n} unchanged", "{n} unchanged", unchanged), unchanged),
        counted(ngettext("{n} edited since import", "{n} edited since import", edited), edited),
        counted(
            ngettext(
                "{n} changed at the source: --update",
                "{n} changed at the source: --update",
                changed,
            ),
            changed,
        ),
        counted(ngettext("{n} without a date", "{n} without a date", no_date), no_date),
        counted(ngettext("{n} twice in the source", "{n} twice in the source", twice), twice),
        counted(
            ngettext(
                "{n} imported through another feed",
                "{n} imported through another feed",
                elsewhere,
            ),
            elsewhere,
        ),
        counted(
            ngettext("{n} not public at the source", "{n} not public at the source", private),
            private,
        ),
    ]
    shown = [
        note
        for note, n in zip(
            notes, (unchanged, edited, changed, no_date, twice, elsewhere, private), strict=True
        )
        if n
    ]
    skipped_text = counted(ngettext("{n} skipped", "{n} skipped", skipped), skipped)
    if shown:
        skipped_text += f" ({', '.join(shown)})"
    parts.append(skipped_text)
    refused = report.refused
    parts.append(counted(ngettext("{n} refused", "{n} refused", refused), refused))
    line = ", ".join(parts)
    if report.dry_run:
        line += " " + _("(dry run: nothing was written)")
    return line


def _line(outcome: Outcome, dry_run: bool) -> str:
    from newscli.importing.core import Action

    if outcome.action in (Action.CREATE, Action.UPDATE):
        verb = _(_WOULD[outcome.action] if dry_run else _DONE[outcome.action])
    else:
        verb = _("skip") if dry_run else _("skipped")
    path = f" {outcome.path}" if outcome.path is not None else ""
    title = f" {outcome.title!r}" if outcome.title else ""
    reason = f": {outcome.reason}" if outcome.reason else ""
    return f"{verb}{path}{title} ({outcome.where}){reason}"


def _report(env: Environment, report: ImportReport) -> None:
    """One line per entry that was written (or would be, or was skipped, in a dry run), a
    warning per skipped entry that needs a look, one error line per refused entry, and the
    summary; exit 1 when anything was refused."""
    from newscli.importing.core import Action

    report_broken(env, report.broken)
    for outcome in report.outcomes:
        if outcome.action is Action.REFUSED:
            say(
                env,
                _("newscli: refused: {where}: {reason}").format(
                    where=outcome.where, reason=outcome.reason
                ),
            )
            continue
        written = outcome.action in (Action.CREATE, Action.UPDATE)
        if written or report.dry_run:
            print(terminal_safe(_line(outcome, report.dry_run)), file=env.stdout)
        elif outcome.action in (Action.EDITED, Action.NO_DATE, Action.CHANGED, Action.PRIVATE):
            warn(env, _line(outcome, dry_run=False))
        for message in outcome.warnings:
            where = outcome.path if outcome.path is not None else outcome.where
            warn(env, f"{where}: {message}")
    env.stdout.flush()
    say(env, summary(report))
    if report.refused:
        raise typer.Exit(ExitStatus.FAILURE)


def _run(
    ctx: typer.Context,
    root: Path | None,
    read: Callable[[Environment, Newsroom, Fetcher], Read],
    *,
    typed: str | None = None,
    dry_run: bool,
    status: ImportStatus | None,
    update: bool,
    date_missing: DateMissing,
) -> None:
    from newscli.importing.core import ImportOptions, import_stories
    from newscli.importing.fetch import Fetcher

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    fetcher = Fetcher(typed)  # every download of this import: the typed URL's server may be local
    stories = read(env, newsroom, fetcher)
    options = ImportOptions(
        status=str(status or ImportStatus.published),
        update=update,
        date_missing=str(date_missing),
        dry_run=dry_run,
    )
    with progress(env, _("Importing")) as update_bar:
        report = import_stories(
            newsroom,
            stories,
            options,
            now=env.now(newsroom.site.tz),
            download=fetcher.photo,
            wait=lambda: warn(
                env, _("waiting for another newscli run on this newsroom to finish…")
            ),
            progress=update_bar,
        )
    _report(env, report)


def import_feed(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(help=N_("The feed: an http(s) URL or a file (RSS, Atom or JSON Feed)."))
    ],
    dry_run: DryRunOption = False,
    status: StatusOption = ImportStatus.published,
    update: UpdateOption = False,
    date_missing: DateMissingOption = DateMissing.skip,
    root: RootOption = None,
) -> None:
    """Import the stories of an RSS, Atom or JSON feed: one story per entry, found again by
    its guid on every later run."""

    def read(env: Environment, newsroom: Newsroom, fetcher: Fetcher) -> Read:
        from newscli.importing.feed import read_feed
        from newscli.importing.fetch import read_source

        return read_feed(read_source(source, env.cwd, fetcher=fetcher))

    _run(
        ctx,
        root,
        read,
        typed=source,
        dry_run=dry_run,
        status=status,
        update=update,
        date_missing=date_missing,
    )


def import_text(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help=N_("Pages copied from a browser as plain text."))
    ],
    dry_run: DryRunOption = False,
    status: StatusOption = ImportStatus.published,
    update: UpdateOption = False,
    date_missing: TextDateMissingOption = DateMissing.draft,
    root: RootOption = None,
) -> None:
    """Import pages copied from a browser: a story's page becomes a story, a topic listing
    one draft per teaser; a page without a date becomes a draft dated today."""

    def read(env: Environment, newsroom: Newsroom, fetcher: Fetcher) -> Read:
        from newscli.importing.copied import read_text

        return read_text([path if path.is_absolute() else env.cwd / path for path in files])

    _run(ctx, root, read, dry_run=dry_run, status=status, update=update, date_missing=date_missing)


def import_wordpress(
    ctx: typer.Context,
    export: Annotated[
        Path, typer.Argument(help=N_("The export file WordPress writes (WXR, .xml)."))
    ],
    include: Annotated[
        str,
        typer.Option(
            "--include",
            help=N_("Kinds besides posts, comma-separated (page, attachment …)."),
        ),
    ] = "",
    dry_run: DryRunOption = False,
    status: StatusOption = ImportStatus.published,
    update: UpdateOption = False,
    date_missing: DateMissingOption = DateMissing.skip,
    root: RootOption = None,
) -> None:
    """Import the posts of a WordPress export (and pages or other kinds with --include)."""
    kinds = ["post", *(kind.strip() for kind in include.split(",") if kind.strip())]
    if any(not kind.replace("_", "").replace("-", "").isalnum() for kind in kinds):
        raise UsageError(_("--include takes kinds such as page,attachment"))

    def read(env: Environment, newsroom: Newsroom, fetcher: Fetcher) -> Read:
        from newscli.importing.wordpress import read_wordpress

        path = export if export.is_absolute() else env.cwd / export
        return read_wordpress(path, tuple(dict.fromkeys(kinds)))

    _run(ctx, root, read, dry_run=dry_run, status=status, update=update, date_missing=date_missing)


app.command("feed")(import_feed)
app.command("text")(import_text)
app.command("wordpress")(import_wordpress)
