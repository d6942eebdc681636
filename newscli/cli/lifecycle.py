"""A story's life from the command line: publish, unpublish, expire (bulk edits, run as
`tag` runs its) and log."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from newscli.cli.bulk import change_selected
from newscli.cli.common import (
    RootOption,
    environment,
    open_newsroom,
    say,
)
from newscli.cli.selection import OptionalRefArgument, RefsArgument, Selection, selecting
from newscli.errors import UsageError
from newscli.i18n import _, ngettext, number

if TYPE_CHECKING:
    from newscli.environment import Environment
    from newscli.newsroom import Newsroom


def moment(env: Environment, newsroom: Newsroom, text: str) -> dt.datetime:
    """WHEN as staff type it (newscli.when: now, 2026-12-01 10:00, imorgon 9:00, 7d), to
    the second; a bare 7d is a week from now."""
    from newscli import when

    return when.moment(text, newsroom.site, env.now(newsroom.site.tz), ahead=True)


@selecting(bulk=True)
def publish(
    ctx: typer.Context,
    refs: RefsArgument = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Publish from this moment (sets the date: an embargo until then); now, "
            "2026-12-01 10:00, 'imorgon 9:00', ISO 8601… Default: keep the story's date.",
        ),
    ] = None,
    *,
    selection: Selection,
    root: RootOption = None,
) -> None:
    """Publish stories (status published), optionally from a moment (--at)."""
    from newscli.lifecycle import publishing

    change_selected(
        ctx,
        selection,
        root,
        lambda env, newsroom, _catalog: publishing(
            None if at is None else moment(env, newsroom, at)
        ),
        unchanged_as=lambda n: ngettext("{n} already published", "{n} already published", n).format(
            n=number(n)
        ),
        doing=_("Publishing"),
        named=refs,
    )


@selecting(bulk=True)
def unpublish(
    ctx: typer.Context,
    refs: RefsArgument = None,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="Why the story is withdrawn (kept in its file, for the record)."
        ),
    ] = "",
    *,
    selection: Selection,
    root: RootOption = None,
) -> None:
    """Withdraw stories: off the site and every feed from now, the file kept, with when and why."""
    from newscli.lifecycle import withdrawing
    from newscli.newsroom import one_line

    why = one_line(reason)
    if not why:
        raise UsageError(_('say why with --reason "…": it is kept with the story for the record'))
    change_selected(
        ctx,
        selection,
        root,
        lambda env, newsroom, _catalog: withdrawing(why, moment(env, newsroom, "now")),
        unchanged_as=lambda n: ngettext("{n} already withdrawn", "{n} already withdrawn", n).format(
            n=number(n)
        ),
        doing=_("Withdrawing"),
        named=refs,
    )


@selecting(bulk=True)
def expire(
    ctx: typer.Context,
    refs: RefsArgument = None,
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="From this moment the story is off the site and every feed (now, "
            "2026-12-01 10:00, '1 december 2026', 7d: in a week).",
        ),
    ] = "",
    *,
    selection: Selection,
    root: RootOption = None,
) -> None:
    """Set when stories expire: from --at on they are off every public output (kept as files)."""
    from newscli.lifecycle import expiring

    if not at.strip():
        raise UsageError(_("say when with --at WHEN (now, 2026-12-01 10:00 or ISO 8601)"))
    change_selected(
        ctx,
        selection,
        root,
        lambda env, newsroom, _catalog: expiring(moment(env, newsroom, at)),
        unchanged_as=lambda n: ngettext(
            "{n} already expiring then", "{n} already expiring then", n
        ).format(n=number(n)),
        doing=_("Expiring"),
        named=refs,
    )


def log(
    ctx: typer.Context,
    ref: OptionalRefArgument = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many changes.")] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Every change's whole message, not only its subject.")
    ] = False,
    deploys: Annotated[
        bool, typer.Option("--deploys", help="Every deploy of the site instead, newest first.")
    ] = False,
    root: RootOption = None,
) -> None:
    """A story's history (or the newsroom's) from git: who changed what, when."""
    from newscli.catalog import Catalog
    from newscli.history import history
    from newscli.render import terminal

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    if deploys:
        _show_deploys(env, newsroom, limit)
        return
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


def _show_deploys(env: Environment, newsroom: Newsroom, limit: int | None) -> None:
    """One line per deploy from .newscli/deploys.jsonl: when, who, where, what moved, commit."""
    from newscli.cli.common import show_line
    from newscli.export.deploy import deploys

    entries = list(reversed(deploys(newsroom.root)))[:limit]
    if not entries:
        say(env, _("No deploy recorded yet."))
        return
    for entry in entries:
        counts = [
            len(v) if isinstance(v, list) else 0
            for v in (entry.get(k) for k in ("added", "changed", "removed"))
        ]
        line = _(
            "{when}  {who}  {target}  {added} added, {changed} changed, {removed} removed"
        ).format(
            when=entry.get("when", "?"),
            who=entry.get("who") or "?",
            target=entry.get("target", "?"),
            added=number(counts[0]),
            changed=number(counts[1]),
            removed=number(counts[2]),
        )
        commit = entry.get("commit")
        show_line(env, line + (f"  {str(commit)[:12]}" if commit else ""))
