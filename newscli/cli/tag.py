"""Topic commands: `tag add|remove|rename|merge` for bulk changes, and `topics`."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newscli.cli.common import RootOption, open_newsroom, warn
from newscli.cli.stories import (
    AuthorOption,
    SearchOption,
    SinceOption,
    StatusOption,
    UntilOption,
    build_filters,
)
from newscli.errors import ExitStatus, NewsError, UsageError, WriteError

if TYPE_CHECKING:
    from newscli import tagging
    from newscli.newsroom import Newsroom
    from newscli.query import Filters

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
ArticleOption = Annotated[
    list[str] | None, typer.Option("--article", "-a", help="An article by REF (repeatable).")
]
StdinOption = Annotated[
    bool,
    typer.Option("--stdin", help="Read REFs or paths from stdin, one per line ('#' comments)."),
]
AllOption = Annotated[bool, typer.Option("--all", help="Every article in the newsroom.")]
FilterTopicOption = Annotated[
    list[str] | None,
    typer.Option("--topic", help="Only articles with this topic (repeatable: any)."),
]


def _number(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def summary(report: tagging.Report, unchanged_as: str) -> str:
    """`2 980 articles changed, 20 already tagged, 3 skipped (broken), 1 not written`."""
    verb = "would change" if report.dry_run else "changed"
    noun = "article" if len(report.changed) == 1 else "articles"
    parts = [f"{_number(len(report.changed))} {noun} {verb}"]
    if report.unchanged:
        parts.append(f"{_number(len(report.unchanged))} {unchanged_as}")
    failed = sum(isinstance(e, WriteError) for e in report.skipped)
    if len(report.skipped) > failed:
        parts.append(f"{_number(len(report.skipped) - failed)} skipped (broken)")
    if failed:
        parts.append(f"{_number(failed)} not written")
    return ", ".join(parts)


def _read_refs(stream: Iterable[str]) -> list[str]:
    refs = []
    for line in stream:
        line = line.strip()
        if line and not line.startswith("#"):
            refs.append(line)
    return refs


def _progress(paths: Sequence[Path], label: str) -> Iterator[Path]:
    """Paths, with a progress bar on a terminal for runs large enough to need one."""
    if len(paths) < 200 or not sys.stderr.isatty():
        yield from paths
        return
    from newscli.render.terminal import progress

    yield from progress(paths, label)


def execute(
    newsroom: Newsroom,
    paths: Sequence[Path],
    edit: tagging.TopicEdit,
    *,
    broken: Sequence[NewsError],
    dry_run: bool,
    format: ReportFormat,
    unchanged_as: str,
) -> None:
    """Run a bulk change, print per-article lines (dry run) and the summary; exit 1 if anything was skipped."""
    from newscli import tagging

    report = tagging.Report(dry_run=dry_run, skipped=list(broken))
    try:
        for path, outcome in tagging.run(
            newsroom, _progress(paths, "Tagging"), edit, dry_run=dry_run
        ):
            report.record(path, outcome)
            if isinstance(outcome, Exception):
                warn(f"skipped {outcome}")
    except KeyboardInterrupt:
        typer.echo(
            f"newscli: interrupted: {summary(report, unchanged_as)}; run the command again to finish",
            err=True,
        )
        raise typer.Exit(130) from None
    for error in broken:
        warn(f"skipped {error}")
    if format is ReportFormat.json:
        _print_json(report, unchanged_as)
    else:
        if dry_run:
            for change in report.changed:
                typer.echo(
                    f"{change.path}: {', '.join(change.before) or '–'} → {', '.join(change.after) or '–'}"
                )
        typer.echo(summary(report, unchanged_as))
    if report.skipped:
        raise typer.Exit(ExitStatus.FAILURE)


def _print_json(report: tagging.Report, unchanged_as: str) -> None:
    data = {
        "dry_run": report.dry_run,
        "changed": [
            {"path": str(c.path), "before": list(c.before), "after": list(c.after)}
            for c in report.changed
        ],
        "unchanged": [str(p) for p in report.unchanged],
        "skipped": [{"path": str(e.path), "error": str(e)} for e in report.skipped],
        "summary": summary(report, unchanged_as),
    }
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _refs(article: list[str] | None, stdin: bool) -> list[str] | None:
    """REFs from --article and --stdin, or None when neither was given."""
    if not article and not stdin:
        return None
    refs = list(article or [])
    if stdin:
        refs += _read_refs(sys.stdin)
        if not refs:
            raise UsageError("--stdin gave no REFs")
    return refs


def _change_selected(
    newsroom: Newsroom,
    edit: tagging.TopicEdit,
    filters: Filters,
    refs: list[str] | None,
    everything: bool,
    *,
    must_exist: list[str],
    unchanged_as: str,
    dry_run: bool,
    format: ReportFormat,
) -> None:
    """Under the newsroom lock: check the topics exist, choose the files, run the change."""
    from newscli import tagging

    if everything and refs is not None:
        raise UsageError("--all and --article/--stdin contradict each other")
    from newscli.index import catalog_records, topic_rows

    with tagging.NewsroomLock(newsroom, wait=_waiting):
        if must_exist:
            tagging.require_topics(must_exist, topic_rows(newsroom))
        if refs is None and (filters.active or everything):
            paths = [
                newsroom.root / p for p in catalog_records(newsroom, filters, None, fields="path")
            ]
            broken = list(newsroom.skipped)
        else:
            selection = newsroom.select(filters, refs, everything)
            paths, broken = selection.paths, list(selection.broken)
        execute(
            newsroom,
            paths,
            edit,
            broken=broken,
            dry_run=dry_run,
            format=format,
            unchanged_as=unchanged_as,
        )


def _waiting() -> None:
    warn("waiting for another newscli run on this newsroom to finish…")


TopicsArgument = Annotated[list[str], typer.Argument(help="Topics, as they should be written.")]


def _selection_command(verb: str, doc: str) -> Callable[..., None]:
    """`tag add` or `tag remove`: the same selection options, a different change."""

    def command(
        topics: TopicsArgument,
        topic: FilterTopicOption = None,
        author: AuthorOption = None,
        status: StatusOption = None,
        since: SinceOption = None,
        until: UntilOption = None,
        search: SearchOption = None,
        article: ArticleOption = None,
        stdin: StdinOption = False,
        all: AllOption = False,
        dry_run: DryRunOption = False,
        format: FormatOption = ReportFormat.text,
        root: RootOption = None,
    ) -> None:
        from newscli import tagging

        newsroom = open_newsroom(root)
        filters = build_filters(newsroom, topic, author, status, since, until, search)
        adding = verb == "add"
        _change_selected(
            newsroom,
            tagging.adding(topics) if adding else tagging.removing(topics),
            filters,
            _refs(article, stdin),
            all,
            must_exist=[] if adding else topics,
            unchanged_as="already tagged" if adding else "not tagged",
            dry_run=dry_run,
            format=format,
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
    sources: list[str], into: str, dry_run: bool, format: ReportFormat, root: Path | None
) -> None:
    """Rename or merge across the whole newsroom, under its lock."""
    from newscli import tagging

    newsroom = open_newsroom(root)
    from newscli.index import topic_rows

    with tagging.NewsroomLock(newsroom, wait=_waiting):
        rows = topic_rows(newsroom)
        tagging.require_topics(sources, rows, done_as=into)
        paths = tagging.files_with_topics(rows, sources, newsroom)
        edit = tagging.merging(sources, into)
        execute(
            newsroom,
            paths,
            edit,
            broken=newsroom.skipped,
            dry_run=dry_run,
            format=format,
            unchanged_as="already as wanted",
        )


@app.command()
def rename(
    old: Annotated[str, typer.Argument(help="The topic as it is now (any spelling).")],
    new: Annotated[str, typer.Argument(help="The topic as it should be written.")],
    dry_run: DryRunOption = False,
    format: FormatOption = ReportFormat.text,
    root: RootOption = None,
) -> None:
    """Rename a topic across the newsroom; onto an existing topic, the two merge."""

    _across_newsroom([old], new, dry_run, format, root)


@app.command()
def merge(
    sources: Annotated[list[str], typer.Argument(help="Topics to merge.")],
    into: Annotated[str, typer.Option("--into", help="The topic they become.")],
    dry_run: DryRunOption = False,
    format: FormatOption = ReportFormat.text,
    root: RootOption = None,
) -> None:
    """Merge topics into one across the newsroom."""
    _across_newsroom(sources, into, dry_run, format, root)


class TopicsFormat(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class TopicsOrder(enum.StrEnum):
    COUNT = "count"
    NAME = "name"


def topics(
    sort: Annotated[
        TopicsOrder, typer.Option("--sort", help="By count (default) or name.")
    ] = TopicsOrder.COUNT,
    format: Annotated[
        TopicsFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TopicsFormat.table,
    root: RootOption = None,
) -> None:
    """Every topic with its number of articles; spellings that differ are shown so you can merge them."""
    from newscli import tagging

    newsroom = open_newsroom(root)
    from newscli.index import topic_rows

    rows = topic_rows(newsroom)
    for error in newsroom.skipped:
        warn(f"skipped {error}")
    counts = tagging.topic_counts(rows, sort.value)
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
    if format is TopicsFormat.table:
        from newscli.render import terminal

        terminal.print_topics(counts, newsroom.site.language, terminal.console())
        return
    from newscli.render.machine import write_csv, write_json

    if format is TopicsFormat.json:
        write_json(records, sys.stdout)
    else:
        write_csv(records, sys.stdout)
