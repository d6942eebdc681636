"""Topic commands: `tag add|remove|rename|merge` for bulk changes, and `topics`."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newscli.cli import completion
from newscli.cli.bulk import change_selected, execute, waiting_note
from newscli.cli.common import (
    ExcelOption,
    RootOption,
    environment,
    for_excel,
    open_newsroom,
    report_broken,
    spelled_topics,
)
from newscli.cli.selection import (
    DryRunOption,
    Format,
    ReportFormatOption,
    Selection,
    TopicsArgument,
    TopicsFormatOption,
    selecting,
)
from newscli.i18n import _, ngettext, number

if TYPE_CHECKING:
    from newscli.article import ArticleEdit
    from newscli.catalog import Catalog
    from newscli.environment import Environment
    from newscli.newsroom import Newsroom

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Change the topics of many stories at once, safely (--dry-run to preview).",
)


def already_tagged(n: int) -> str:
    return ngettext("{n} already tagged", "{n} already tagged", n).format(n=number(n))


def not_tagged(n: int) -> str:
    return ngettext("{n} not tagged", "{n} not tagged", n).format(n=number(n))


def already_as_wanted(n: int) -> str:
    return ngettext("{n} already as wanted", "{n} already as wanted", n).format(n=number(n))


@app.command("add")
@selecting(bulk=True)
def add(
    ctx: typer.Context,
    topics: TopicsArgument,
    *,
    selection: Selection,
    root: RootOption = None,
) -> None:
    """Add topics to the selected stories (filters like `list`, --article, --stdin or --all), each as the newsroom spells it."""
    from newscli import tagging

    def edit(env: Environment, newsroom: Newsroom, catalog: Catalog) -> ArticleEdit:
        known, _broken = catalog.topics()
        return tagging.topic_edit(tagging.adding(spelled_topics(env, catalog, known, topics)))

    change_selected(ctx, selection, root, edit, unchanged_as=already_tagged, doing=_("Tagging"))


@app.command("remove")
@selecting(bulk=True)
def remove(
    ctx: typer.Context,
    topics: TopicsArgument,
    *,
    selection: Selection,
    root: RootOption = None,
) -> None:
    """Remove topics from the selected stories (filters like `list`, --article, --stdin or --all)."""
    from newscli import tagging

    change_selected(
        ctx,
        selection,
        root,
        lambda env, newsroom, catalog: tagging.topic_edit(tagging.removing(topics)),
        unchanged_as=not_tagged,
        doing=_("Tagging"),
        must_exist=topics,
    )


def _across_newsroom(
    ctx: typer.Context,
    sources: Sequence[str],
    into: str,
    dry_run: bool,
    format: Format,
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
    format: ReportFormatOption = Format.text,
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
    format: ReportFormatOption = Format.text,
    root: RootOption = None,
) -> None:
    """Merge topics into one across the newsroom."""
    _across_newsroom(ctx, sources, into, dry_run, format, root)


class TopicsOrder(enum.StrEnum):
    COUNT = "count"
    NAME = "name"


def topics(
    ctx: typer.Context,
    sort: Annotated[
        TopicsOrder, typer.Option("--sort", help="By count (default) or name.")
    ] = TopicsOrder.COUNT,
    format: TopicsFormatOption = Format.table,
    excel: ExcelOption = False,
    root: RootOption = None,
) -> None:
    """Every topic with its number of stories; spellings that differ are shown so you can merge them."""
    from newscli.catalog import Catalog

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    with Catalog(newsroom) as catalog:
        found, broken = catalog.topics()
    report_broken(env, broken)
    counts = found.sorted(sort.value)
    if for_excel(excel, format.value):
        format = Format.csv
    if format is Format.table:
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
    if format is Format.json:
        write_json(records, env.stdout)
    else:
        write_csv(records, env.stdout, excel=excel)
