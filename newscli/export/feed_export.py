"""`newscli export rss|atom|json`: choose a feed's stories, render it, write it where allowed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from newscli.catalog import Catalog
from newscli.errors import ArticleError, NewsError
from newscli.export import feeds
from newscli.export.output import guard_output, write_if_changed
from newscli.newsroom import PUBLIC, Newsroom
from newscli.query import Filters

STDOUT = "-"


@dataclass
class FeedReport:
    """What a feed export did: how many stories, where the feed went, what was skipped."""

    stories: int
    shown: str  # where it went, as the summary names it
    text: str | None = None  # the feed itself, when it goes to stdout
    written: bool = False
    broken: list[ArticleError] = field(default_factory=list)


def export_feed(
    newsroom: Newsroom,
    kind: str,
    output: str | None,
    *,
    now: dt.datetime,
    limit: int = 50,
    topic: str | None = None,
    drafts: bool = False,
    future: bool = False,
    full: bool = False,
) -> FeedReport:
    """The newest published stories (or one topic's) as a feed: to public/ as on the site,
    to the file output names, or returned as text with output "-"."""
    site = newsroom.site
    feeds.require_base_url(site)  # before reading every article
    target = None
    if output is None:
        shown = f"{PUBLIC}/"
    elif output != STDOUT:
        target = Path(output)
        guard_output(newsroom.root, target, folder=False)
        shown = output
    else:
        shown = "stdout"
    with Catalog(newsroom) as catalog:
        topics, broken = catalog.topics()
        chosen_topic = None
        if topic is not None:
            chosen_topic = topics.get(topic)
            if chosen_topic is None:
                close = topics.suggest(topic)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise NewsError(f"no article has the topic {topic!r}{hint}")
        wanted = Filters(
            topics=(chosen_topic.name,) if chosen_topic else (),
            status=None if drafts else "published",
            until=None if future else now,
        )
        found = catalog.articles(wanted, limit)
    spec = feeds.feed_spec(site, kind, topic=chosen_topic, full=full)
    text = feeds.render_feed(found.items, site, spec, newsroom.asset, topics)
    report = FeedReport(len(found.items), shown, broken=_unique(broken + found.broken))
    if output == STDOUT:
        report.text = text
        return report
    if target is None:
        report.shown = f"{PUBLIC}/{feeds.feed_path(kind, chosen_topic)}"
        target = newsroom.root / report.shown
    report.written = write_if_changed(target, text.encode("utf-8"))
    return report


def _unique(errors: list[ArticleError]) -> list[ArticleError]:
    seen: dict[str, ArticleError] = {}
    for error in errors:
        seen.setdefault(str(error.path), error)
    return list(seen.values())
