"""A change of many stories' front matter from the command line, run one way for `tag` and
the life-cycle commands (publish, unpublish, expire): the stories a selection chooses, under
the newsroom's lock, --dry-run's lines, the summary, a progress bar and Ctrl+C."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from newscli.cli.common import (
    environment,
    open_newsroom,
    progress,
    report_broken,
    say,
    show_line,
    warn,
)
from newscli.cli.selection import Format, Selection, choose_topics
from newscli.errors import ExitStatus, WriteError
from newscli.i18n import _, english, ngettext, number

if TYPE_CHECKING:
    from newscli import tagging
    from newscli.article import ArticleEdit
    from newscli.catalog import Answer, Catalog
    from newscli.environment import Environment
    from newscli.newsroom import Newsroom

# How a summary counts the articles a change left as they were: a counted message with the
# count formatted in ('2 already tagged').
Unchanged = Callable[[int], str]


def summary(report: tagging.Report, unchanged_as: Unchanged) -> str:
    """`2,980 articles changed, 20 already tagged, 3 skipped (broken), 1 not written`."""
    changed = len(report.changed)
    if report.dry_run:
        counted = ngettext("{n} story would change", "{n} stories would change", changed)
    else:
        counted = ngettext("{n} story changed", "{n} stories changed", changed)
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


def waiting_note(env: Environment) -> Callable[[], None]:
    return lambda: warn(env, _("waiting for another newscli run on this newsroom to finish…"))


def execute(
    env: Environment,
    catalog: Catalog,
    chosen: Answer[Path],
    edit: ArticleEdit,
    *,
    dry_run: bool,
    format: Format,
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
    if format is Format.json:
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


def change_selected(
    ctx: typer.Context,
    selection: Selection,
    root: Path | None,
    make_edit: Callable[[Environment, Newsroom, Catalog], ArticleEdit],
    *,
    unchanged_as: Unchanged,
    doing: str,
    named: list[str] | None = None,
    must_exist: Sequence[str] = (),
) -> None:
    """Apply one edit to the stories a selection chooses (named: REFs given as arguments),
    under the newsroom's lock: atomic writes, --dry-run, the same summary. make_edit is
    called once the catalog is open (a topic edit needs the newsroom's spellings);
    must_exist: topics some story must have (those `tag remove` removes)."""
    from newscli import tagging

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    filters = selection.filters(newsroom, env.now(newsroom.site.tz))
    refs = selection.refs(env, named)
    with tagging.session(newsroom, wait=waiting_note(env)) as catalog:
        filters = choose_topics(env, catalog, filters)
        edit = make_edit(env, newsroom, catalog)
        execute(
            env,
            catalog,
            tagging.choose(catalog, filters, refs, selection.everything, must_exist),
            edit,
            dry_run=selection.dry_run,
            format=selection.format,
            unchanged_as=unchanged_as,
            doing=doing,
        )
