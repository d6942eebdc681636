"""Topic commands: `tag add|remove|rename|merge` for bulk changes, and `topics`."""

from __future__ import annotations

import contextlib
import enum
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from newscli.cli import completion
from newscli.cli.common import (
    ExcelOption,
    RootOption,
    environment,
    for_excel,
    open_newsroom,
    progress,
    report_broken,
    say,
    show_line,
    warn,
)
from newscli.cli.options import (
    ArticleOption,
    AuthorOption,
    SinceOption,
    TopicsArgument,
    UntilOption,
    choose_topics,
)
from newscli.cli.options import TopicOption as FilterTopicOption
from newscli.cli.stories import SearchOption, StatusOption, build_filters
from newscli.errors import ExitStatus, UsageError, WriteError
from newscli.i18n import _, english, ngettext, number

if TYPE_CHECKING:
    from newscli import tagging
    from newscli.article import ArticleEdit
    from newscli.catalog import Answer, Catalog
    from newscli.environment import Environment

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Change the topics of many articles at once, safely (--dry-run to preview).",
)


class ReportFormat(enum.StrEnum):
    text = "text"
    json = "json"


DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
]
FormatOption = Annotated[
    ReportFormat, typer.Option("--format", "-f", help="text, or json for scripts.")
]
StdinOption = Annotated[
    bool,
    typer.Option("--stdin", help="Read REFs or paths from stdin, one per line ('#' comments)."),
]
NullOption = Annotated[
    bool,
    typer.Option("--null", "-0", help="With --stdin: REFs end with NUL, as xargs -0 reads them."),
]
AllOption = Annotated[bool, typer.Option("--all", help="Every article in the newsroom.")]


# How a summary counts the articles a change left as they were: a counted message with the
# count formatted in ('2 already tagged').
Unchanged = Callable[[int], str]


def already_tagged(n: int) -> str:
    return ngettext("{n} already tagged", "{n} already tagged", n).format(n=number(n))


def not_tagged(n: int) -> str:
    return ngettext("{n} not tagged", "{n} not tagged", n).format(n=number(n))


def already_as_wanted(n: int) -> str:
    return ngettext("{n} already as wanted", "{n} already as wanted", n).format(n=number(n))


def summary(report: tagging.Report, unchanged_as: Unchanged) -> str:
    """`2,980 articles changed, 20 already tagged, 3 skipped (broken), 1 not written`."""
    changed = len(report.changed)
    if report.dry_run:
        counted = ngettext("{n} article would change", "{n} articles would change", changed)
    else:
        counted = ngettext("{n} article changed", "{n} articles changed", changed)
    parts = [counted.format(n=number(changed))]
    if report.unchanged:
        parts.append(unchanged_as(len(report.unchanged)))
    failed = sum(isinstance(e, WriteError) for e in report.skipped)
    broken = len(report.skipped) - failed
    if broken:
        parts.append(
            ngettext("{n} skipped (broken)", "{n} skipped (broken)", broken).format(
                n=number(broken)
            )
        )
    if failed:
        parts.append(
            ngettext("{n} not written", "{n} not written", failed).format(n=number(failed))
        )
    return ", ".join(parts)


def _read_refs(stream: IO[str], null: bool) -> list[str]:
    """REFs one per line ('#' comments), or with null separated by NUL (as xargs -0 reads
    them: a path may then hold a newline)."""
    if null:
        return [ref for ref in stream.read().split("\0") if ref]
    refs = []
    for line in stream:
        line = line.strip()
        if line and not line.startswith("#"):
            refs.append(line)
    return refs


def _progress(env: Environment, paths: Sequence[Path], label: str) -> Iterator[Path]:
    """Paths, with a progress bar on a terminal for runs large enough to need one."""
    if len(paths) < 200:
        yield from paths
        return
    with progress(env, label) as update:
        for done, path in enumerate(paths):
            if update is not None:
                update(done, len(paths))
            yield path


def execute(
    env: Environment,
    catalog: Catalog,
    chosen: Answer[Path],
    edit: ArticleEdit,
    *,
    dry_run: bool,
    format: ReportFormat,
    unchanged_as: Unchanged,
    doing: str | None = None,
) -> None:
    """Run a bulk change (tag's, or publish's, unpublish's, expire's), print per-article
    lines (dry run) and the summary; exit 1 if anything was skipped."""
    from newscli import tagging

    report = tagging.Report(dry_run=dry_run, skipped=list(chosen.broken))
    try:
        with contextlib.closing(
            tagging.run_edit(
                catalog.newsroom,
                _progress(env, chosen.items, doing or _("Tagging")),
                edit,
                dry_run=dry_run,
            )
        ) as outcomes:
            for path, outcome in outcomes:
                report.record(path, outcome)
                if isinstance(outcome, Exception):
                    warn(env, _("skipped {problem}").format(problem=outcome))
    except KeyboardInterrupt:
        say(
            env,
            _("newscli: interrupted: {summary}; run the command again to finish").format(
                summary=summary(report, unchanged_as)
            ),
        )
        raise typer.Exit(ExitStatus.INTERRUPTED) from None
    finally:  # interrupted too: the files written so far need not be read again
        catalog.written(report.written())
    report_broken(env, chosen.broken)
    if format is ReportFormat.json:
        _print_json(env, report, unchanged_as)
    else:
        if dry_run:
            for change in report.changed:
                before = ", ".join(change.before) or "–"
                after = ", ".join(change.after) or "–"
                show_line(env, f"{change.path}: {before} → {after}")
        print(summary(report, unchanged_as), file=env.stdout, flush=True)
    if report.skipped:
        raise typer.Exit(ExitStatus.FAILURE)


def _print_json(env: Environment, report: tagging.Report, unchanged_as: Unchanged) -> None:
    with english():  # a machine format: the same in every language
        said = summary(report, unchanged_as)
    data = {
        "dry_run": report.dry_run,
        "changed": [
            {"path": str(c.path), "before": list(c.before), "after": list(c.after)}
            for c in report.changed
        ],
        "unchanged": [str(p) for p in report.unchanged],
        "skipped": [{"path": str(e.path), "error": str(e)} for e in report.skipped],
        "summary": said,
    }
    print(json.dumps(data, ensure_ascii=False, indent=2), file=env.stdout, flush=True)


def selected_refs(
    env: Environment, article: list[str] | None, stdin: bool, null: bool
) -> list[str] | None:
    """REFs from --article and --stdin, or None when neither was given."""
    if null and not stdin:
        raise UsageError(_("--null goes with --stdin"))
    if not article and not stdin:
        return None
    refs = list(article or [])
    if stdin:
        refs += _read_refs(env.stdin, null)
        if not refs:
            raise UsageError(_("--stdin gave no REFs"))
    return refs


def waiting_note(env: Environment) -> Callable[[], None]:
    return lambda: warn(env, _("waiting for another newscli run on this newsroom to finish…"))


def _selection_command(verb: str, doc: str) -> Callable[..., None]:
    """`tag add` or `tag remove`: the same selection options, a different change."""

    def command(
        ctx: typer.Context,
        topics: TopicsArgument,
        topic: FilterTopicOption = None,
        author: AuthorOption = None,
        status: StatusOption = None,
        since: SinceOption = None,
        until: UntilOption = None,
        search: SearchOption = None,
        article: ArticleOption = None,
        stdin: StdinOption = False,
        null: NullOption = False,
        all: AllOption = False,
        dry_run: DryRunOption = False,
        format: FormatOption = ReportFormat.text,
        root: RootOption = None,
    ) -> None:
        from newscli import tagging

        env = environment(ctx)
        newsroom = open_newsroom(env, root)
        filters = build_filters(
            newsroom, topic, author, status, since, until, search, now=env.now(newsroom.site.tz)
        )
        adding = verb == "add"
        edit = tagging.adding(topics) if adding else tagging.removing(topics)
        refs = selected_refs(env, article, stdin, null)
        with tagging.session(newsroom, wait=waiting_note(env)) as catalog:
            filters = choose_topics(env, catalog, filters)
            chosen = tagging.choose(
                catalog, filters, refs, all, must_exist=[] if adding else topics
            )
            execute(
                env,
                catalog,
                chosen,
                tagging.topic_edit(edit),
                dry_run=dry_run,
                format=format,
                unchanged_as=already_tagged if adding else not_tagged,
            )

    command.__doc__ = doc
    return command


app.command("add")(
    _selection_command(
        "add",
        "Add topics to the selected articles (filters like `list`, --article, --stdin or --all).",
    )
)
app.command("remove")(
    _selection_command(
        "remove",
        "Remove topics from the selected articles (filters like `list`, --article, --stdin or --all).",
    )
)


def _across_newsroom(
    ctx: typer.Context,
    sources: list[str],
    into: str,
    dry_run: bool,
    format: ReportFormat,
    root: Path | None,
) -> None:
    """Rename or merge across the whole newsroom, under its lock."""
    from newscli import tagging

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    with tagging.session(newsroom, wait=waiting_note(env)) as catalog:
        chosen = tagging.choose_across(catalog, sources, into)
        execute(
            env,
            catalog,
            chosen,
            tagging.topic_edit(tagging.merging(sources, into)),
            dry_run=dry_run,
            format=format,
            unchanged_as=already_as_wanted,
        )


@app.command()
def rename(
    ctx: typer.Context,
    old: Annotated[
        str,
        typer.Argument(
            metavar="OLD",
            help="The topic as it is now (any spelling).",
            autocompletion=completion.topics,
        ),
    ],
    new: Annotated[str, typer.Argument(help="The topic as it should be written.")],
    dry_run: DryRunOption = False,
    format: FormatOption = ReportFormat.text,
    root: RootOption = None,
) -> None:
    """Rename a topic across the newsroom; onto an existing topic, the two merge."""

    _across_newsroom(ctx, [old], new, dry_run, format, root)


@app.command()
def merge(
    ctx: typer.Context,
    sources: Annotated[
        list[str],
        typer.Argument(
            metavar="TOPIC...", help="Topics to merge.", autocompletion=completion.topics
        ),
    ],
    into: Annotated[str, typer.Option("--into", help="The topic they become.")],
    dry_run: DryRunOption = False,
    format: FormatOption = ReportFormat.text,
    root: RootOption = None,
) -> None:
    """Merge topics into one across the newsroom."""
    _across_newsroom(ctx, sources, into, dry_run, format, root)


class TopicsFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class TopicsOrder(enum.StrEnum):
    COUNT = "count"
    NAME = "name"


def topics(
    ctx: typer.Context,
    sort: Annotated[
        TopicsOrder, typer.Option("--sort", help="By count (default) or name.")
    ] = TopicsOrder.COUNT,
    format: Annotated[
        TopicsFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TopicsFormat.table,
    excel: ExcelOption = False,
    root: RootOption = None,
) -> None:
    """Every topic with its number of articles; spellings that differ are shown so you can merge them."""
    from newscli.catalog import Catalog

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    with Catalog(newsroom) as catalog:
        found, broken = catalog.topics()
    report_broken(env, broken)
    counts = found.sorted(sort.value)
    if for_excel(excel, format.value):
        format = TopicsFormat.csv
    if format is TopicsFormat.table:
        from newscli.render import terminal

        if not env.stdout_isatty:  # a pipe: list's tab-separated lines, not a box
            terminal.write_topics_tab_separated(counts, env.stdout)
            return
        terminal.print_topics(counts, newsroom.site, terminal.console(env))
        return
    from newscli.render.machine import write_csv, write_json

    records = [
        {
            "topic": t.name,
            "slug": t.key,
            "articles": t.articles,
            "published": t.published,
            "spellings": list(t.spellings),
        }
        for t in counts
    ]
    if format is TopicsFormat.json:
        write_json(records, env.stdout)
    else:
        write_csv(records, env.stdout, excel=excel)
