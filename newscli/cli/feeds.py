"""Commands that export feeds: export rss, export atom, export json."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newscli.cli.common import RootOption, env, open_newsroom, report_skipped
from newscli.errors import NewsError, UsageError

if TYPE_CHECKING:
    from newscli.newsroom import Newsroom

PUBLIC = "public"


def export_feed(
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
    """Choose the articles, render the feed, write it (or print it with -o -)."""
    from newscli.export import feeds

    newsroom = open_newsroom(root)
    site = newsroom.site
    if base_url is not None:
        if not base_url.startswith(("https://", "http://")):
            raise UsageError(f"--base-url must start with https:// or http://, not {base_url!r}")
        site = replace(site, base_url=base_url)
    feeds.require_base_url(site)  # before reading every article
    if output not in (None, "-"):
        check_output(newsroom, output)
    from newscli.index import newest_articles, topic_rows
    from newscli.query import Filters

    name = None
    if topic is not None:
        rows = topic_rows(newsroom)
        name = feeds.topic_name(rows, topic)
        if name is None:
            known = sorted({t for row in rows for t in row.topics})
            close = difflib.get_close_matches(topic, known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise NewsError(f"no article has the topic {topic!r}{hint}")
    wanted = Filters(
        topics=(name,) if name else (),
        status=None if drafts else "published",
        until=None if future else env.now(site.tz),
    )
    chosen = newest_articles(newsroom, wanted, limit)
    report_skipped(newsroom)
    spec = feeds.feed_spec(site, kind, topic=name, full=full)
    text = feeds.render_feed(chosen, site, spec, newsroom.asset)
    count = f"{len(chosen)} {'story' if len(chosen) == 1 else 'stories'}"
    if output == "-":
        typer.echo(text, nl=False)
        typer.echo(f"Exported {count} to stdout", err=True)
        return
    if output is None:
        shown = f"{PUBLIC}/{feeds.feed_path(kind, name)}"
        target = newsroom.root / shown
    else:
        shown, target = output, Path(output)
    from newscli.export.output import write_if_changed

    written = write_if_changed(target, text.encode("utf-8"))
    typer.echo(f"Exported {count} to {shown}{'' if written else ' (unchanged)'}", err=True)


def check_output(newsroom: Newsroom, output: str) -> None:
    """Refuse a feed file that would replace a story or the settings (or cannot be a path)."""
    from newscli.config import CONFIG_NAME
    from newscli.newsroom import ARTICLES

    try:
        target = Path(output).resolve()
        root = newsroom.root.resolve()
    except (OSError, ValueError) as exc:
        raise UsageError(f"--output {output!r} is not a usable path: {exc}") from None
    if target.is_relative_to(root / ARTICLES) or target == root / CONFIG_NAME:
        raise UsageError(
            f"--output {output} is inside the newsroom's articles/ or is its {CONFIG_NAME}: "
            "the feed would replace what newscli publishes from"
        )


OutputOption = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        help="File to write, or - for stdout (default: public/ of the newsroom, as on the site).",
    ),
]
LimitOption = Annotated[int, typer.Option(min=1, help="At most this many stories, newest first.")]
TopicOption = Annotated[str | None, typer.Option(help="Only this topic: the topic's own feed.")]
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
        output: OutputOption = None,
        limit: LimitOption = 50,
        topic: TopicOption = None,
        drafts: DraftsOption = False,
        future: FutureOption = False,
        full: FullOption = False,
        base_url: BaseUrlOption = None,
        root: RootOption = None,
    ) -> None:
        export_feed(kind, output, limit, topic, drafts, future, full, base_url, root)

    command.__name__ = kind
    command.__doc__ = doc
    return command


rss = _command("rss", "Export an RSS 2.0 feed of the published stories (public/rss.xml).")
atom = _command("atom", "Export an Atom 1.0 feed of the published stories (public/atom.xml).")
json = _command("json", "Export a JSON Feed 1.1 of the published stories (public/feed.json).")
