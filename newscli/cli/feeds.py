"""Commands that export feeds: export rss, export atom, export json."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from newscli.cli import completion
from newscli.cli.common import (
    RootOption,
    end_export,
    environment,
    open_newsroom,
    report_export,
    say,
)
from newscli.i18n import ngettext, number


def export_feed(
    ctx: typer.Context,
    kind: str,
    output: str | None,
    limit: int,
    topic: str | None,
    drafts: bool,
    future: bool,
    full: bool,
    base_url: str | None,
    root: Path | None,
) -> None:
    """Export one feed and say where it went."""
    from newscli.export.feed_export import STDOUT, export_feed

    env = environment(ctx)
    newsroom = open_newsroom(env, root, base_url)
    report = export_feed(
        newsroom,
        kind,
        output,
        now=env.now(newsroom.site.tz),
        limit=limit,
        topic=topic,
        drafts=drafts,
        future=future,
        full=full,
    )
    note = report_export(env, report)
    place = report.shown
    if output == STDOUT:
        assert report.text is not None
        env.stdout.write(report.text)
        env.stdout.flush()
        place = "stdout"
    n = report.stories
    if output == STDOUT or report.written:
        exported = ngettext(
            "Exported {n} story to {place}{note}", "Exported {n} stories to {place}{note}", n
        )
    else:
        exported = ngettext(
            "Exported {n} story to {place} (unchanged){note}",
            "Exported {n} stories to {place} (unchanged){note}",
            n,
        )
    say(env, exported.format(n=number(n), place=place, note=note))
    end_export(report)


OutputOption = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        help="File to write, or - for stdout (default: public/ of the newsroom, as on the site).",
    ),
]
LimitOption = Annotated[int, typer.Option(min=1, help="At most this many stories, newest first.")]
TopicOption = Annotated[
    str | None,
    typer.Option(
        "--topic",
        metavar="TOPIC",
        help="Only this topic: the topic's own feed.",
        autocompletion=completion.topics,
    ),
]
DraftsOption = Annotated[bool, typer.Option("--drafts", help="Include drafts (previews only).")]
FutureOption = Annotated[
    bool, typer.Option("--future", help="Include stories dated later than now (previews only).")
]
FullOption = Annotated[
    bool, typer.Option("--full", help="Include the whole story, not only the lead.")
]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url", help="Public address of the site (default: base_url in newscli.toml)."
    ),
]


def _command(kind: str, doc: str) -> Callable[..., None]:
    """One export command per feed kind, all with the same options."""

    def command(
        ctx: typer.Context,
        output: OutputOption = None,
        limit: LimitOption = 50,
        topic: TopicOption = None,
        drafts: DraftsOption = False,
        future: FutureOption = False,
        full: FullOption = False,
        base_url: BaseUrlOption = None,
        root: RootOption = None,
    ) -> None:
        export_feed(ctx, kind, output, limit, topic, drafts, future, full, base_url, root)

    command.__name__ = kind
    command.__doc__ = doc
    return command


rss = _command("rss", "Export an RSS 2.0 feed of the published stories (public/rss.xml).")
atom = _command("atom", "Export an Atom 1.0 feed of the published stories (public/atom.xml).")
json = _command("json", "Export a JSON Feed 1.1 of the published stories (public/feed.json).")
