"""The incremental re-publish: after a few stories' texts changed, render again only the
pages and feeds that show them, from the site state the last export saved."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping

from newscli.article import Article, Summary
from newscli.catalog import Catalog
from newscli.checks import holding_numbers
from newscli.errors import ArticleError
from newscli.export import search, urls
from newscli.export.assets import missing_alt
from newscli.export.builder import SiteBuilder
from newscli.export.pages import Listing, Month, TopicPage
from newscli.export.site_state import SiteState, StoryRow, file_stamp
from newscli.index import Stamp, stamp_of
from newscli.newsroom import Newsroom


def attributed(warnings: list[str], stories: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each warning with the story file it is about ("" for the site's own), so that a
    re-publish can replace the warnings of the stories it renders again."""
    return [
        (path if path in stories else "", text)
        for text in warnings
        for path in (text.split(": ", 1)[0],)
    ]


def _as_it_is(
    newsroom: Newsroom,
    rel: str,
    stored: Mapping[str, tuple[Stamp, Summary]],
    current: Mapping[str, Stamp],
) -> Summary:
    """A story beside one that changed: from the index when it read the file as it is now,
    else from the file (its page is not rendered: only its card and feed entry are)."""
    hit = stored.get(rel)
    if hit is not None and hit[0] == current.get(rel):
        return hit[1]
    return newsroom.load(newsroom.root / rel).summary()


def _renewed(
    warnings: list[tuple[str, str]], new: list[tuple[str, str]], again: Iterable[str]
) -> list[tuple[str, str]]:
    """The last build's warnings with those of the stories rendered again (again) replaced
    where they were (a full build would say them in the same place), the others kept."""
    fresh: dict[str, list[str]] = {path: [] for path in again}
    for path, text in new:
        fresh.setdefault(path, []).append(text)
    result = []
    for path, text in warnings:
        if path not in fresh:
            result.append((path, text))
        elif fresh[path]:
            result.extend((path, said) for said in fresh[path])
            fresh[path] = []
    result.extend((path, text) for path, texts in fresh.items() for text in texts)
    return result


# A re-publish follows at most this many changed files; more are a full build.
REPUBLISH_LIMIT = 200


def republish(builder: SiteBuilder, state: SiteState, now: dt.datetime) -> bool:
    """Render again only the pages and feeds that show the stories whose files changed
    since the last export into this folder, when the site state can tell which: only the
    texts changed, nothing that moves a story between pages. False (having written
    nothing) when it cannot; the caller then builds the whole site."""
    newsroom, report = builder.newsroom, builder.report
    try:
        meta = state.meta()
        if not state.usable(builder.out.build, builder.out.store.stamp()):
            return False
        if meta.get("next_change") and now.timestamp() >= float(meta["next_change"]):
            return False  # an embargo ended or a story expired: the lists change
        if meta.get("next_change"):
            report.next_change = dt.datetime.fromtimestamp(
                float(meta["next_change"]), newsroom.site.tz
            )
        stamps = state.stamps()
        assets = state.assets()
    except (sqlite3.Error, ValueError, KeyError):
        return False
    tree = newsroom.tree(ordered=False)
    if tree.problems or len(tree.files) != len(stamps):
        return False
    changed: dict[str, str] = {}
    current: dict[str, Stamp] = {}
    for rel, entry in tree.files:
        known = stamps.get(rel)
        if known is None:
            return False
        try:
            stat = entry.stat()
        except OSError:
            return False
        current[rel] = stamp_of(stat)
        stamp = file_stamp(stat)
        if stamp != known:
            changed[rel] = stamp
    if len(changed) > REPUBLISH_LIMIT:
        return False
    if any(builder.files.asset_stamp(src) != stamp for src, stamp in assets.items()):
        return False  # a photo or a linked file came, went or changed
    try:
        known_rows = state.stories(changed)
    except sqlite3.Error:
        return False
    articles: dict[str, Article] = {}
    for rel in changed:
        try:
            article = newsroom.load(newsroom.root / rel)
        except ArticleError:
            return False
        if builder.shape(article, now) != known_rows[rel].shape:
            return False
        articles[rel] = article
    if holding_numbers(newsroom, articles.values()):
        return False  # the whole build holds it back and keeps its page as it was

    try:
        topics = state.topics().in_section(urls.sections(newsroom.site.language).topics)
        counts = json.loads(meta["counts"])
        warnings = state.warnings()
        state.start()
    except (sqlite3.Error, ValueError, KeyError):
        return False
    # The stories as the site shows them: those that changed, and those beside them.
    renewed = {
        known_rows[rel].site: story
        for rel, story in zip(
            articles,
            builder.stories([a.summary() for a in articles.values()], now, topics),
            strict=True,
        )
        if known_rows[rel].site
    }
    own = len(report.warnings)
    specs = state.specs_showing(renewed)
    others = {site for spec in specs.values() for site in spec.stories} - renewed.keys()
    by_site = state.sites(others)
    neighbours = [by_site[site] for site in sorted(others)]
    with Catalog(newsroom) as catalog:
        stored = catalog.as_last_read(neighbours)
    shown = {
        story.path: story
        for story in builder.stories(
            [_as_it_is(newsroom, rel, stored, current) for rel in neighbours], now, topics
        )
    }
    del report.warnings[own:]  # said at the last full build, and kept below
    shown.update(renewed)
    # Saved with the record this folder holds: every page and feed here is named in it.
    builder.out.named([*specs, *(f"{site}index.html" for site in renewed)])
    builder.following = True
    for story in renewed.values():
        builder.story(story)
    builder.following = False
    by_key = {topic.key: topic for topic in topics}
    for spec in sorted(specs.values(), key=lambda spec: spec.path):
        listed = tuple(shown[site] for site in spec.stories)
        topic = by_key.get(spec.topic or "")
        if spec.kind == "feed":
            builder.feed(spec.feed, topic, listed, topics)
            continue
        if spec.kind == "month":
            builder.month(Month(spec.year, spec.month, spec.path, listed))
            continue
        listing = Listing(spec.path, spec.number, spec.count, listed, spec.newer, spec.older)
        if topic is None:
            builder.listing("front.html", listing, None)
        else:
            builder.topic(TopicPage(topic, (), ()), listing)
    if renewed:
        # The index is one whole: made again from every story page, as the build did.
        builder.write_search(state.story_sites())
        builder.out.remove_unwritten(search.BUNDLE)
    # Every linked file is as the last export copied it (their stamps were compared).
    manifest = builder.out.finish(whole=False)
    builder.renders.save(whole=False)

    new = attributed(report.warnings, {rel: "" for rel in articles})
    warnings = _renewed(warnings, new, articles)
    report.warnings[:] = [text for _, text in warnings]
    report.faults = [path for path, text in warnings if path and text == missing_alt(path)]
    report.stories, report.topics, report.pages, files = counts
    report.unchanged = files - builder.out.counts.written
    report.feeds = builder.feeds
    with contextlib.suppress(sqlite3.Error):
        state.update(
            manifest,
            {
                rel: StoryRow(known_rows[rel].site, stamp, known_rows[rel].shape)
                for rel, stamp in changed.items()
            },
            builder.out.pages,
            builder.files.asset_stamps(),
            warnings,
            {rel: articles[rel].summary() for rel in articles if known_rows[rel].site},
        )
    return True
