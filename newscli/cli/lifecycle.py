"""A story's life from the command line: publish, unpublish, expire (bulk edits, run as
`tag` runs its), build (every configured export, and when to run again) and log."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from newscli.cli.common import (
    RootOption,
    environment,
    open_newsroom,
    report_export,
    say,
)
from newscli.cli.options import (
    ArticleOption,
    AuthorOption,
    OptionalRefArgument,
    RefsArgument,
    SinceOption,
    UntilOption,
    choose_topics,
)
from newscli.cli.options import TopicOption as FilterTopicOption
from newscli.cli.stories import (
    SearchOption,
    StateChoice,
    StateOption,
    StatusFilter,
    StatusOption,
    build_filters,
)
from newscli.cli.tag import (
    AllOption,
    DryRunOption,
    FormatOption,
    NullOption,
    ReportFormat,
    StdinOption,
    Unchanged,
    execute,
    selected_refs,
    waiting_note,
)
from newscli.errors import ExitStatus, UsageError
from newscli.i18n import _, ngettext, number

if TYPE_CHECKING:
    from newscli.article import ArticleEdit
    from newscli.environment import Environment
    from newscli.newsroom import Newsroom


def moment(env: Environment, newsroom: Newsroom, text: str) -> dt.datetime:
    """WHEN as staff type it ('now', 2026-12-01, '2026-12-01 10:00', ISO 8601), to the second."""
    from newscli.when import parse_date

    tz = newsroom.site.tz
    when = env.now(tz) if text.strip().lower() == "now" else parse_date(text, newsroom.site)
    return when.replace(microsecond=0)


@dataclass(frozen=True)
class Selection:
    """The stories a life-cycle command acts on, chosen as `tag add` chooses them."""

    refs: list[str] | None
    topic: list[str] | None
    author: str | None
    status: StatusFilter | None
    since: str | None
    until: str | None
    search: str | None
    state: list[StateChoice] | None
    article: list[str] | None
    stdin: bool
    null: bool
    everything: bool
    dry_run: bool
    format: ReportFormat
    root: Path | None


def _option(name: str, annotation: object, default: object) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


# The options every life-cycle command takes to choose its stories, in --help's order,
# each by the Selection field it fills ("all" fills everything).
_SELECTION = [
    _option("topic", FilterTopicOption, None),
    _option("author", AuthorOption, None),
    _option("status", StatusOption, None),
    _option("since", SinceOption, None),
    _option("until", UntilOption, None),
    _option("search", SearchOption, None),
    _option("state", StateOption, None),
    _option("article", ArticleOption, None),
    _option("stdin", StdinOption, False),
    _option("null", NullOption, False),
    _option("all", AllOption, False),
    _option("dry_run", DryRunOption, False),
    _option("format", FormatOption, ReportFormat.text),
    _option("root", RootOption, None),
]


def selecting(command: Callable[..., None]) -> Callable[..., None]:
    """command(ctx, selection, its own options) as a command that also takes the stories to
    act on: REFs and the selection options, written once for publish, unpublish and expire."""
    ctx, _, *own = inspect.signature(command, eval_str=True).parameters.values()
    refs = inspect.Parameter(
        "refs", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=RefsArgument, default=None
    )
    own = [option.replace(kind=inspect.Parameter.KEYWORD_ONLY) for option in own]
    parameters = [ctx, refs, *own, *_SELECTION]

    @functools.wraps(command)
    def run(ctx: typer.Context, refs: list[str] | None = None, **values: Any) -> None:
        chosen = {option.name: values.pop(option.name) for option in _SELECTION}
        chosen["everything"] = chosen.pop("all")
        command(ctx, Selection(refs=refs, **chosen), **values)

    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return run


def change_life(
    ctx: typer.Context,
    selection: Selection,
    make_edit: Callable[[Environment, Newsroom], ArticleEdit],
    *,
    unchanged_as: Unchanged,
    doing: str,
) -> None:
    """Select stories as `tag` does and apply one life-cycle edit to them, under the lock
    (atomic writes, --dry-run, the same summary)."""
    from newscli import tagging

    env = environment(ctx)
    newsroom = open_newsroom(env, selection.root)
    filters = build_filters(
        newsroom,
        selection.topic,
        selection.author,
        selection.status,
        selection.since,
        selection.until,
        selection.search,
        states=selection.state,
        now=env.now(newsroom.site.tz),
    )
    named = [*(selection.refs or []), *(selection.article or [])]
    refs = selected_refs(env, named or None, selection.stdin, selection.null)
    edit = make_edit(env, newsroom)
    with tagging.session(newsroom, wait=waiting_note(env)) as catalog:
        filters = choose_topics(env, catalog, filters)
        execute(
            env,
            catalog,
            catalog.select(filters, refs, selection.everything),
            edit,
            dry_run=selection.dry_run,
            format=selection.format,
            unchanged_as=unchanged_as,
            doing=doing,
        )


@selecting
def publish(
    ctx: typer.Context,
    selection: Selection,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Publish from this moment (sets the date: an embargo until then); 'now', "
            "2026-12-01 10:00 or ISO 8601. Default: keep the story's date.",
        ),
    ] = None,
) -> None:
    """Publish stories (status published), optionally from a moment (--at)."""
    from newscli.lifecycle import publishing

    change_life(
        ctx,
        selection,
        lambda env, newsroom: publishing(None if at is None else moment(env, newsroom, at)),
        unchanged_as=lambda n: ngettext("{n} already published", "{n} already published", n).format(
            n=number(n)
        ),
        doing=_("Publishing"),
    )


@selecting
def unpublish(
    ctx: typer.Context,
    selection: Selection,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="Why the story is withdrawn (kept in its file, for the record)."
        ),
    ] = "",
) -> None:
    """Withdraw stories: off the site and every feed from now, the file kept, with when and why."""
    from newscli.lifecycle import withdrawing
    from newscli.newsroom import one_line

    why = one_line(reason)
    if not why:
        raise UsageError(_('say why with --reason "…": it is kept with the story for the record'))
    change_life(
        ctx,
        selection,
        lambda env, newsroom: withdrawing(why, moment(env, newsroom, "now")),
        unchanged_as=lambda n: ngettext("{n} already withdrawn", "{n} already withdrawn", n).format(
            n=number(n)
        ),
        doing=_("Withdrawing"),
    )


@selecting
def expire(
    ctx: typer.Context,
    selection: Selection,
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="From this moment the story is off the site and every feed ('now', "
            "2026-12-01 10:00 or ISO 8601).",
        ),
    ] = "",
) -> None:
    """Set when stories expire: from --at on they are off every public output (kept as files)."""
    from newscli.lifecycle import expiring

    if not at.strip():
        raise UsageError(_("say when with --at WHEN (now, 2026-12-01 10:00 or ISO 8601)"))
    change_life(
        ctx,
        selection,
        lambda env, newsroom: expiring(moment(env, newsroom, at)),
        unchanged_as=lambda n: ngettext(
            "{n} already expiring then", "{n} already expiring then", n
        ).format(n=number(n)),
        doing=_("Expiring"),
    )


def build(
    ctx: typer.Context,
    next_only: Annotated[
        bool,
        typer.Option(
            "--next",
            help="Build nothing: print only when the public output next changes (ISO 8601), "
            "or nothing when no embargo or expiry is ahead.",
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Say only warnings and errors (for cron).")
    ] = False,
    root: RootOption = None,
) -> None:
    """Run every export newscli.toml configures ([build]: the site, extra feeds) and print
    when the public output next changes by itself."""
    from newscli.config import load_builds
    from newscli.export.build import feed_target, next_public_change, site_folder

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    tz = newsroom.site.tz
    now = env.now(tz)
    if next_only:
        when = next_public_change(newsroom, now)
        if when is not None:
            print(when.astimezone(tz).isoformat(), file=env.stdout, flush=True)
        return
    builds = load_builds(newsroom.root)
    complete = True
    if builds.html:
        from newscli.cli.site import build as build_site

        folder = site_folder(newsroom, builds)
        report = build_site(
            env, newsroom, folder, False, False, builds.output, now=now, quiet=quiet
        )
        complete = report.complete and not report.faults  # as export html exits
        when = report.next_change
    else:
        when = next_public_change(newsroom, now)
    from newscli.export.feed_export import export_feed

    for job in builds.feeds:
        feed = export_feed(
            newsroom,
            job.kind,
            feed_target(newsroom, job.output),
            now=now,
            limit=job.limit,
            topic=job.topic,
            full=job.full,
        )
        note = report_export(env, feed)
        complete = complete and feed.complete
        if not quiet:
            exported = ngettext(
                "Exported {n} story to {place}{note}",
                "Exported {n} stories to {place}{note}",
                feed.stories,
            )
            say(env, exported.format(n=number(feed.stories), place=job.output, note=note))
    if not quiet:
        shown = when.astimezone(tz).isoformat() if when else _("none (no embargo or expiry ahead)")
        print(_("Next change: {when}").format(when=shown), file=env.stdout, flush=True)
    if not complete:
        raise typer.Exit(ExitStatus.FAILURE)


def log(
    ctx: typer.Context,
    ref: OptionalRefArgument = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many changes.")] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Every change's whole message, not only its subject.")
    ] = False,
    root: RootOption = None,
) -> None:
    """A story's history (or the newsroom's) from git: who changed what, when."""
    from newscli.catalog import Catalog
    from newscli.history import history
    from newscli.render import terminal

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    path = None
    if ref is not None:
        with Catalog(newsroom) as catalog:
            path = newsroom.file_of(catalog.resolve(ref).one).relative_to(newsroom.root)
    entries = history(newsroom.root, path, newsroom.site.tz, limit)
    if not entries:
        say(env, _("No history yet: nothing about it is committed to git."))
        return
    out = terminal.console(env)
    terminal.print_history(entries, newsroom.site, out, files=path is None, full=full)
