"""`newscli export html`: the whole site, or only what changed since the last export.

The core of the command: it returns a report and never prints. Output is deterministic (no
clock in it), a file whose bytes are unchanged is not rewritten, and files an earlier export
wrote that are no longer part of the site are removed, using the manifest kept in the output
folder. Nothing else in that folder is ever deleted. The pieces: templating (what pages are
rendered with), assets (photos and linked files), builder (every page, feed and the plan),
rendering (the plan on every core), republish (only what changed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path

from newscli.article import Summary
from newscli.catalog import Catalog
from newscli.checks import holding_numbers, page_is_clean
from newscli.errors import NewsError, WriteError
from newscli.export import feeds, urls
from newscli.export.builder import (
    NOT_FOUND,
    STYLESHEET,
    Progress,
    SiteBuilder,
    SiteReport,
    Unfollowable,
)
from newscli.export.output import cannot_create_folder, guard_output
from newscli.export.pages import STATIC_PATH, build_site_map
from newscli.export.rendering import render_steps
from newscli.export.republish import attributed, republish
from newscli.export.site_state import (
    PageRecords,
    SiteState,
    Snapshot,
    StoryRow,
    file_stamp,
    in_place_of_held,
)
from newscli.export.templating import PACKAGE, build_key
from newscli.i18n import _
from newscli.newsroom import Newsroom
from newscli.statement import MISSING_WARNING

__all__ = ["NOT_FOUND", "SiteReport", "export_site"]


def export_site(
    newsroom: Newsroom,
    output: Path,
    *,
    now: dt.datetime,
    drafts: bool = False,
    future: bool = False,
    progress: Progress | None = None,
    site_root: str | None = None,
    full: bool = False,
) -> SiteReport:
    """Build the static site of the newsroom into output; see docs/site.md.

    site_root is where the site is served on its host (404.html links from there); by
    default the path of base_url, or / without one. When the site state shows that only a
    few stories' texts changed since the last export into output, only the pages that show
    them are rendered again; full renders every page, trusting nothing remembered.
    """
    guard_output(newsroom.root, output, folder=True)
    report = SiteReport()
    preview = drafts or future
    build_id = build_key(newsroom) + ("-preview" if preview else "")
    state = _open_state(newsroom, output)
    records = None
    if state is not None and not full:
        try:
            records = state.pages(build_id)
        except sqlite3.Error:
            state.close()
            state = None

    def builder_for(report: SiteReport) -> SiteBuilder:
        return SiteBuilder(
            newsroom,
            output,
            report,
            preview=preview,
            site_root=site_root,
            build=build_id,
            records=records,
        )

    builder = builder_for(report)
    try:
        done = False
        if state is not None and not full:
            try:
                done = republish(builder, state, now)
            except Unfollowable:
                builder.out.close()  # what it wrote is right; the whole site decides the rest
                builder.renders.close()
                report = SiteReport()
                builder = builder_for(report)
        if not done:
            build(
                builder,
                now,
                drafts=drafts,
                future=future,
                progress=progress,
                state=state,
                reread=full,
            )
    except BaseException:
        builder.out.abandon()
        raise
    finally:
        if state is not None:
            state.close()
        builder.renders.close()
    counts = builder.out.counts
    report.written, report.removed = counts.written, counts.removed
    if not done:
        report.unchanged = counts.unchanged
    report.warnings[:0] = counts.warnings
    return report


def _open_state(newsroom: Newsroom, output: Path) -> SiteState | None:
    """The output folder's site state, or None when it cannot be kept (a read-only
    newsroom): every export is then a full build."""
    try:
        state = SiteState(newsroom.root, output)
        state.meta()
    except (sqlite3.Error, OSError, NewsError):
        return None
    return state


# Pages to render before a process per core pays for itself.


def build(
    builder: SiteBuilder,
    now: dt.datetime,
    *,
    drafts: bool,
    future: bool,
    progress: Progress | None,
    state: SiteState | None = None,
    reread: bool = False,
) -> None:
    """Scan, plan and render the whole site, then write what is not a page, finish the
    folder and save the site state for the next export (reread: every file read again,
    whatever the index remembers)."""
    newsroom, report = builder.newsroom, builder.report
    # From the index: every story's front matter and lead, without its body (read per page).
    with Catalog(newsroom, reread=reread) as catalog:
        public = catalog.public(now)
        stamps = catalog.stamps()
    report.broken = public.broken
    topics = public.topics.in_section(urls.sections(newsroom.site.language).topics)
    report.unknown = public.unknown
    # Before anything is written: one id twice would be one guid twice in the feeds.
    feeds.check_unique_ids((s.id, str(s.path)) for s in public.stories())
    articles = public.stories(drafts=drafts, future=future)
    # A story holding an identity number is held back as a broken file is; the rest go out.
    kept_paths = {summary.path for summary in public.kept}  # broken: no file to read
    numbered = holding_numbers(newsroom, [a for a in articles if a.path not in kept_paths])
    held_back = [a for a in articles if str(a.path) in numbered]
    report.broken = [*report.broken, *numbered.values()]
    # Each held-back story stays as the site last showed it (see site_state.in_place_of_held).
    last = _last_published(state, [*numbered, *(held.path for held in public.held)], newsroom)
    articles, kept = in_place_of_held(public, articles, numbered, last)
    report.kept = [str(summary.path) for summary in kept]
    if last is not None:
        held_back = []  # their pages stay through their kept versions, or go
        report.unknown = [path for path in report.unknown if path not in last]
    builder.files.prepare_photos(articles)
    stories = builder.stories(
        articles, now, topics, frozenset(summary.path for summary in kept if summary.path), stamps
    )
    report.faults = list(dict.fromkeys(builder.files.faults))
    site_map = build_site_map(
        stories,
        per_page=newsroom.site.per_page,
        language=newsroom.site.language,
        topics=topics,
        tz=newsroom.site.tz,
    )
    plan = list(builder.plan(site_map)) + builder.notices(public.current, site_map, now)
    try:
        builder.out.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(cannot_create_folder(exc), builder.out.root) from None

    builder.out.plan([f"{path}index.html" for path, _ in plan] + builder.other_files(site_map))
    state = _started(state)
    if isinstance(builder.out.records, PageRecords):
        builder.out.records.load_all()
    render_steps(builder, [step for _, step in plan], progress)
    builder.write_search(story.path for story in site_map.stories)
    if builder.feeds:
        builder.write_feeds(site_map, topics)
        if not builder.preview:  # a preview announces nothing to crawlers
            builder.write_sitemap(site_map)
        report.feeds = True
    else:
        report.warnings.append(
            _(
                "no base_url in newscli.toml: feeds and sitemap.xml need absolute links and "
                "were not written (the pages link to each other relatively and work without it)"
            )
        )
    if builder.statement is None:
        report.warnings.append(_(MISSING_WARNING))
    elif (stale := builder.statement.stale(now.astimezone(newsroom.site.tz).date())) is not None:
        report.warnings.append(stale)
    builder.write_robots()
    builder.not_found()
    builder.out.write(f"{STATIC_PATH}{STYLESHEET}", (PACKAGE / "static" / STYLESHEET).read_bytes())
    for story in held_back:  # no record: its page as an earlier export wrote it, if clean
        page = f"{urls.article_path(story)}index.html"
        fresh = page not in builder.out.files
        if fresh and page_is_clean(builder.out.root / page) and builder.keep_page(page):
            report.kept.append(str(story.path))
    if report.unknown:
        builder.hold_story_pages()
    builder.out.plan(builder.files.assets)
    for rel, source in sorted(builder.files.assets.items()):
        builder.out.copy(rel, source)
    if isinstance(builder.out.records, PageRecords):
        builder.out.records.drop()
    manifest = builder.out.finish()
    builder.renders.save(whole=True)
    report.stories = len(site_map.stories)
    report.topics = len(site_map.topics)
    report.next_change = public.next_change(preview=drafts or future)
    if state is None:
        return
    on_site = {str(story.article.path): story.path for story in site_map.stories}
    snapshot = Snapshot(
        published={str(story.article.path): story.article for story in site_map.stories},
        build=builder.out.build,
        manifest=manifest,
        followable=not (public.broken or kept or numbered),
        pages=builder.out.pages,
        specs=builder.specs,
        assets=builder.files.asset_stamps(),
        topics=list(topics),
        warnings=attributed(report.warnings, on_site),
        counts=(report.stories, report.topics, report.pages, len(builder.out.files)),
        next_change=report.next_change.timestamp() if report.next_change else None,
    )
    for summary in public.current:
        rel = str(summary.path)
        stat = stamps.get(rel)
        try:
            stamp = file_stamp(stat or os.stat(os.path.join(newsroom.root, rel)))
        except OSError:
            continue
        snapshot.stories[rel] = StoryRow(on_site.get(rel, ""), stamp, builder.shape(summary, now))
    _saved(state, snapshot)


def _last_published(
    state: SiteState | None, paths: list[str], newsroom: Newsroom
) -> dict[str, Summary] | None:
    """The versions of these story files the site last showed (None: no record of it)."""
    if state is None:
        return None
    try:
        return state.last_published(paths, newsroom.site.tz)
    except (sqlite3.Error, ValueError):
        return None


def _started(state: SiteState | None) -> SiteState | None:
    """Mark the state unfinished before the first page is written; None if it cannot be."""
    if state is None:
        return None
    try:
        state.start()
    except sqlite3.Error:
        return None
    return state


def _saved(state: SiteState, snapshot: Snapshot) -> None:
    with contextlib.suppress(sqlite3.Error):
        state.save(snapshot)
