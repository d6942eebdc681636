"""The static HTML site: render every page of the site map with Jinja2 and write what changed.

The core of `newscli export html`: it returns a report and never prints. Output is
deterministic (no clock in it), a file whose bytes are unchanged is not rewritten, and files
an earlier export wrote that are no longer part of the site are removed, using the manifest
kept in the output folder. Nothing else in that folder is ever deleted.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import multiprocessing as mp
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from markupsafe import escape

from newscli import __version__, labels, markdown
from newscli.article import Summary
from newscli.catalog import Catalog
from newscli.config import Site
from newscli.errors import ArticleError, NewsError, WriteError
from newscli.export import feeds, pages, urls
from newscli.export.output import ExportReport, OutputFolder, Worker, guard_output
from newscli.export.pages import (
    ARCHIVE_PATH,
    PATH_SAFE,
    STATIC_PATH,
    TOPICS_PATH,
    Listing,
    Month,
    SiteMap,
    Story,
    TopicLink,
    TopicPage,
    build_site_map,
    link,
    root_of,
)
from newscli.labels import label, long_date, moment, month_name
from newscli.markdown import absolute_url, is_relative_url, is_safe_url, render_markdown
from newscli.newsroom import TEMPLATES, Newsroom
from newscli.query import newest_first, publishable
from newscli.topics import Topic, Topics

_PACKAGE = Path(__file__).resolve().parent
STYLESHEET = "style.css"
# Files a story may link to or embed with a relative URL that are copied into the site.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg"})
ASSET_SUFFIXES = PHOTO_SUFFIXES | {".pdf", ".mp3", ".mp4"}

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
# The site's "page not found" page, for web servers (and serve) to send with a 404.
NOT_FOUND = "404.html"
SITE_FEEDS = (("rss", "RSS"), ("atom", "Atom"), ("json", "JSON Feed"))
FEED_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}
# As many stories as `newscli export rss` puts in a feed by default.
FEED_LIMIT = 50

Progress = Callable[[int, int], None]


@dataclass
class SiteReport(ExportReport):
    """What an export did, for the CLI's summary line and warnings."""

    stories: int = 0
    topics: int = 0
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    feeds: bool = False
    # Broken files whose last good version is unknown: then no story page is removed, and
    # these are the pages of earlier exports kept for that reason.
    unknown: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)


# -- checks and keys -----------------------------------------------------------------------


def build_key(newsroom: Newsroom) -> str:
    """Everything every page depends on besides its stories: settings, templates, newscli itself.

    A change here renders every page again; the pages' own keys cover the rest.
    """
    digest = hashlib.sha256(f"{__version__}\n{newsroom.site!r}\n".encode())
    code = [Path(m.__file__ or "") for m in (labels, markdown, pages, urls)] + [Path(__file__)]
    folders = [newsroom.root / TEMPLATES, _PACKAGE / TEMPLATES]
    files = code + [f for d in folders if d.is_dir() for f in sorted(d.rglob("*")) if f.is_file()]
    for file in files:
        digest.update(f"{file}\n".encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def digest(*parts: object) -> str:
    """A short stable key of the reprs of parts (frozen dataclasses of plain values)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


# -- templates ----------------------------------------------------------------------------


def template_environment(newsroom_root: Path) -> jinja2.Environment:
    """Templates from the newsroom's templates/ folder first, then newscli's own."""
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(newsroom_root / TEMPLATES),
            jinja2.FileSystemLoader(_PACKAGE / TEMPLATES),
        ]
    )
    environment = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one export never sees a template change: no stat per render
    )
    environment.globals["url"] = _url
    environment.globals["safe_url"] = is_safe_url
    return environment


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    """A site-relative path as a link from the page being rendered."""
    return link(target, context["root"])


@dataclass(frozen=True)
class Words:
    """Labels in the site language, and dates in it and in the newsroom's timezone, for
    templates."""

    language: str
    tz: dt.tzinfo = dt.UTC

    def __call__(self, key: str, **values: object) -> str:
        text = label(self.language, key)
        return text.format(**values) if values else text

    def date(self, value: dt.datetime) -> str:
        """'11 juli 2022': the day it is in the newsroom, whatever offset it was stored with."""
        return long_date(moment(value, self.tz), self.language)

    def iso(self, value: dt.datetime) -> str:
        """The moment for a datetime attribute, with the newsroom's offset then."""
        return moment(value, self.tz).isoformat()

    def month(self, year: int, month: int) -> str:
        return f"{month_name(self.language, month)} {year}"

    def stories(self, count: int) -> str:
        return f"{count} {label(self.language, 'story_one' if count == 1 else 'story_many')}"


@dataclass(frozen=True)
class Feed:
    """A feed to announce with <link rel="alternate"> and to write."""

    kind: str
    path: str
    title: str

    @property
    def mime(self) -> str:
        return FEED_TYPES[self.kind]


@dataclass
class Found:
    """What rendering a story's Markdown found: files to copy, and links to missing ones."""

    assets: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


# -- the build ----------------------------------------------------------------------------


class SiteBuilder:
    """Everything one export needs: the site, its templates, the output and what to report."""

    def __init__(
        self,
        newsroom: Newsroom,
        output: Path,
        report: SiteReport,
        *,
        preview: bool = False,
        site_root: str | None = None,
    ):
        self.newsroom = newsroom
        self.site: Site = newsroom.site
        # Where the site is on its host ('/aktuellt/'): the 404 page is sent for any address,
        # so its links start there instead of being relative.
        if site_root is None:
            site_root = urlsplit(self.site.base_url).path if self.site.base_url else "/"
        self.site_root = "/" + site_root.strip("/") + "/" if site_root.strip("/") else "/"
        # A preview marks every page noindex: no page of a public build may pass for one.
        self.preview = preview
        self.out = OutputFolder(output, build_key(newsroom) + ("-preview" if preview else ""))
        self.report = report
        self.keys: dict[str, str] = {}
        self.templates = template_environment(newsroom.root)
        self.words = Words(self.site.language, self.site.tz)
        self.feeds = bool(self.site.base_url)
        self.assets: dict[str, Path] = {}
        self.found: dict[str, Path | None] = {}
        self.refused: dict[str, str] = {}  # src: why it is never published

    # stories --------------------------------------------------------------------------

    def photo(self, article: Summary) -> str | None:
        """Where the story's photo is on the site, or None (with a warning) when it is missing."""
        if article.image is None:
            return None
        src = article.image.src
        if src.startswith(("https://", "http://")) and is_safe_url(src):
            return src
        if PurePosixPath(src).suffix.lower() not in PHOTO_SUFFIXES:
            problem = f"is not a photo ({', '.join(sorted(PHOTO_SUFFIXES))})"
        elif self.asset(src) is None:
            problem = self.why_not(src)
        else:
            return src
        self.report.warnings.append(
            f"{article.path}: image {src!r} {problem}; the story is shown without it"
        )
        return None

    def asset(self, src: str) -> Path | None:
        """The newsroom file a site-relative src names, noted for copying; None if it is not
        there or not for publishing (see Newsroom.asset; why_not says which)."""
        if PurePosixPath(src).suffix.lower() not in ASSET_SUFFIXES:
            return None
        if src not in self.found:
            try:
                self.found[src] = self.newsroom.asset(src)
            except NewsError as refused:
                self.found[src] = None
                self.refused[src] = refused.message
        found = self.found[src]
        if found is not None:
            self.assets[PurePosixPath(src).as_posix()] = found
        return found

    def why_not(self, src: str) -> str:
        """Why asset(src) gave nothing, as the end of a warning."""
        return self.refused.get(src, "is not in the newsroom")

    def stories(
        self,
        articles: list[Summary],
        now: dt.datetime,
        topics: Topics,
        kept: frozenset[PurePosixPath] = frozenset(),
    ) -> list[Story]:
        """The site's stories; those whose file is in kept are last good versions."""
        seen: dict[str, Summary] = {}
        stories = []
        for article in articles:
            path = urls.article_path(article)
            if path in seen:
                self.report.warnings.append(
                    f"{article.path}: same address {path} as {seen[path].path}; left out of the site"
                )
                continue
            seen[path] = article
            try:
                stat = (self.newsroom.root / str(article.path)).stat()
                stamp = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                stamp = (0, 0)
            stories.append(
                Story(
                    article=article,
                    path=path,
                    lead=article.lead,
                    topics=tuple(
                        TopicLink(topic.name, topic.path)
                        for topic in map(topics.topic, article.topics)
                    ),
                    image=self.photo(article),
                    draft=not article.published,
                    future=article.date > now,
                    stamp=stamp,
                    kept=article.path in kept,
                    author=feeds.author_name(article.author),
                )
            )
        return stories

    def key(self, story: Story) -> str:
        """The key of everything a story shows, computed once per export."""
        if story.path not in self.keys:
            self.keys[story.path] = digest(story)
        return self.keys[story.path]

    def markdown(self, story: Story, text: str, root: str, found: Found) -> str:
        """Markdown of a story as HTML, its site-relative links made relative to the page;
        the files it links to are noted in found (copied) or as warnings (missing)."""

        def rewrite(url: str) -> str:
            if not is_relative_url(url):
                return url
            path = url.split("#", 1)[0].split("?", 1)[0]
            if PurePosixPath(path).suffix.lower() in ASSET_SUFFIXES:
                if self.asset(path) is None:
                    found.missing.append(path)
                else:
                    found.assets.append(PurePosixPath(path).as_posix())
            return link(url, root)

        return render_markdown(text, allow_html=self.site.allow_html, rewrite_url=rewrite)

    # pages ----------------------------------------------------------------------------

    def site_feeds(self) -> list[Feed]:
        if not self.feeds:
            return []
        return [
            Feed(kind, feeds.feed_path(kind), f"{feeds.feed_title(self.site)} ({name})")
            for kind, name in SITE_FEEDS
        ]

    def page(self, template: str, path: str, key: str, **context: Any) -> None:
        """Render one page into path/index.html, unless it was rendered from the same key."""
        self.report.pages += 1
        rel = f"{path}index.html"
        if self.out.unchanged_page(rel, digest(template, key)) is None:
            self.out.write_page(rel, self.render(template, path, **context), digest(template, key))

    def render(self, template: str, path: str, **context: Any) -> bytes:
        canonical = absolute_url(self.site.base_url, path) if self.site.base_url else None
        feeds = self.site_feeds() + context.pop("extra_feeds", [])
        return self._render(template, root_of(path), path, canonical, feeds, **context)

    def _render(
        self,
        template: str,
        root: str,
        path: str,
        canonical: str | None,
        feeds: list[Feed],
        **context: Any,
    ) -> bytes:
        html = self.templates.get_template(template).render(
            site=self.site,
            words=self.words,
            root=root,
            path=path,
            canonical=canonical,
            feeds=feeds,
            preview=self.preview,
            absolute=lambda target: absolute_url(self.site.base_url, target),
            **context,
        )
        return html.encode("utf-8")

    def not_found(self) -> None:
        """404.html: the site's own "page not found", in its language, linking to the front
        page from wherever it is sent (not a page of the site map: no canonical link)."""
        html = self._render(NOT_FOUND, self.site_root, "", None, self.site_feeds())
        self.out.write_own(NOT_FOUND, html)

    def listing(self, template: str, listing: Listing, extra: object, **context: Any) -> None:
        """A page of story cards; extra holds what else the page shows, for its key."""
        stories = [self.key(story) for story in listing.stories]
        key = digest(listing.path, listing.number, listing.count, stories, extra)
        self.page(template, listing.path, key, listing=listing, **context)

    def story(self, story: Story) -> None:
        """The story's page; its body is rendered only when the page must be."""
        self.report.pages += 1
        rel = f"{story.path}index.html"
        if story.kept:
            # Its file is broken: no body to render, so the page stays as it was.
            if not self.keep_page(rel):
                self.report.warnings.append(
                    f"{story.article.path}: its page {rel} is missing from the output and "
                    "cannot be written again until the file is repaired"
                )
            return
        key = digest("story.html", self.key(story))
        record = self.out.unchanged_page(rel, key)
        if record is not None:
            if all(self.asset(src) is not None for src in record.assets) and not any(
                self.asset(src) is not None for src in record.missing
            ):
                self.missing(story, record.missing)
                return
            self.out.forget(rel)
        root = root_of(story.path)
        found = Found()
        try:
            # The listing held the story without its body; the page needs all of it.
            article = self.newsroom.load(self.newsroom.root / str(story.article.path))
        except ArticleError as exc:
            self.report.warnings.append(f"{exc}; its page was not rendered again")
            self.keep_page(rel)
            return
        if article.lead_markdown is None:
            lead = f"<p>{escape(article.lead)}</p>" if article.lead else ""
        else:
            lead = self.markdown(story, article.lead_markdown, root, found).strip()
        body = self.markdown(story, article.story, root, found)
        og_image = None
        if story.image is not None and (self.site.base_url or not is_relative_url(story.image)):
            og_image = absolute_url(self.site.base_url, story.image)
        html = self.render(
            "story.html", story.path, story=story, lead=lead, body=body, og_image=og_image
        )
        missing = tuple(dict.fromkeys(found.missing))
        self.missing(story, missing)
        self.out.write_page(rel, html, key, tuple(dict.fromkeys(found.assets)), missing)

    def keep_page(self, rel: str) -> bool:
        """Leave a page as the last export wrote it, with the files it shows; False when it
        is not there."""
        assets = self.out.keep(rel)
        for src in assets or ():
            self.asset(src)
        return assets is not None

    def hold_story_pages(self) -> None:
        """Keep every story page an earlier export wrote and this one did not: a broken file
        whose last good version is unknown may be any of those stories."""
        for rel in sorted(self.out.previous_files - self.out.files):
            if urls.is_article_page(rel) and self.keep_page(rel):
                self.report.held.append(rel)

    def missing(self, story: Story, paths: Iterable[str]) -> None:
        for path in paths:
            self.report.warnings.append(
                f"{story.article.path}: the story links to {path!r}, which {self.why_not(path)}"
            )

    def topic(self, topic: TopicPage, listing: Listing) -> None:
        title = f"{feeds.feed_title(self.site, topic.topic)} (RSS)"
        feed = Feed("rss", feeds.feed_path("rss", topic.topic), title)
        extra = (topic.key, topic.name, topic.path, feed)
        if not self.feeds:
            self.listing("topic.html", listing, extra, topic=topic, topic_feed=None)
            return
        self.listing("topic.html", listing, extra, topic=topic, topic_feed=feed, extra_feeds=[feed])

    def month(self, month: Month) -> None:
        key = digest(month.year, month.month, [self.key(story) for story in month.stories])
        self.page("month.html", month.path, key, month=month)

    def plan(self, site_map: SiteMap) -> Iterator[tuple[str, Callable[[], None]]]:
        """One step per page, with the folder it writes, so that the output's record can name
        every page before the first is written and progress can be shown while they render."""
        for listing in site_map.front:
            yield listing.path, partial(self.listing, "front.html", listing, None)
        for story in site_map.stories:
            yield story.path, partial(self.story, story)
        for topic in site_map.topics:
            for listing in topic.listings:
                yield listing.path, partial(self.topic, topic, listing)
        topics = [(t.name, t.path, len(t.stories)) for t in site_map.topics]
        yield (
            TOPICS_PATH,
            partial(self.page, "topics.html", TOPICS_PATH, digest(topics), topics=site_map.topics),
        )
        months = [(m.path, len(m.stories)) for m in site_map.months]
        yield (
            ARCHIVE_PATH,
            partial(self.page, "archive.html", ARCHIVE_PATH, digest(months), years=site_map.years),
        )
        for month in site_map.months:
            yield month.path, partial(self.month, month)

    def other_files(self, site_map: SiteMap) -> list[str]:
        """Every file the export writes besides pages and copied files."""
        files = [f"{STATIC_PATH}{STYLESHEET}", NOT_FOUND]
        if self.feeds:
            files += [feeds.feed_path(kind) for kind, _ in SITE_FEEDS]
            files += [feeds.feed_path("rss", page.topic) for page in site_map.topics]
        if self.feeds and not self.preview:
            files.append(SITEMAP)
        return [*files, ROBOTS]

    def write_feeds(self, site_map: SiteMap, topics: Topics) -> None:
        """The site's RSS, Atom and JSON feeds and each topic's RSS feed: public stories only,
        the newest FEED_LIMIT, as `newscli export rss` chooses them, even in preview builds."""
        for kind, _ in SITE_FEEDS:
            self.feed(kind, None, site_map.stories, topics)
        for page in site_map.topics:
            self.feed("rss", page.topic, page.stories, topics)

    def feed(
        self, kind: str, topic: Topic | None, stories: Iterable[Story], topics: Topics
    ) -> None:
        public = (story.article for story in stories if not story.preview)
        chosen = list(islice(public, FEED_LIMIT))
        spec = feeds.feed_spec(self.site, kind, topic=topic)
        text = feeds.render_feed(chosen, self.site, spec, self.newsroom.asset, topics)
        self.out.write(feeds.feed_path(kind, topic), text.encode("utf-8"))

    def write_sitemap(self, site_map: SiteMap) -> None:
        """sitemap.xml: every public page, with the last change of what it shows."""
        entries: list[tuple[str, dt.datetime | None]] = []

        def add(path: str, stories: Iterable[Story]) -> None:
            public = [s.article.last_change for s in stories if not s.preview]
            entries.append((path, max(public, default=None)))

        add("", site_map.stories)
        add(TOPICS_PATH, site_map.stories)
        add(ARCHIVE_PATH, site_map.stories)
        for topic in site_map.topics:
            add(topic.path, topic.stories)
        for month in site_map.months:
            add(month.path, month.stories)
        for story in site_map.stories:
            if not story.preview:
                add(story.path, [story])
        # Every path here is a folder of the site: joined to base_url as it is (urljoin is slow).
        base = absolute_url(self.site.base_url, "")
        locations = [
            (base + quote(path, safe=PATH_SAFE), self.words.iso(lastmod) if lastmod else None)
            for path, lastmod in entries
        ]
        xml = self.templates.get_template(SITEMAP).render(urls=locations)
        self.out.write(SITEMAP, xml.encode("utf-8"))

    def write_robots(self) -> None:
        """robots.txt: a public build names its sitemap; a preview turns every crawler away.
        (Crawlers read it only at the root of a host.)"""
        if self.preview:
            text = "User-agent: *\nDisallow: /\n"
        else:
            text = "User-agent: *\nDisallow:\n"
            if self.feeds:
                text += f"\nSitemap: {absolute_url(self.site.base_url, SITEMAP)}\n"
        self.out.write_own(ROBOTS, text.encode("utf-8"))


def export_site(
    newsroom: Newsroom,
    output: Path,
    *,
    now: dt.datetime,
    drafts: bool = False,
    future: bool = False,
    progress: Progress | None = None,
    site_root: str | None = None,
) -> SiteReport:
    """Build the static site of the newsroom into output; see docs/site.md.

    site_root is where the site is served on its host (404.html links from there); by
    default the path of base_url, or / without one.
    """
    guard_output(newsroom.root, output, folder=True)
    report = SiteReport()
    builder = SiteBuilder(newsroom, output, report, preview=drafts or future, site_root=site_root)
    try:
        build(builder, now, drafts=drafts, future=future, progress=progress)
    except BaseException:
        builder.out.abandon()
        raise
    counts = builder.out.counts
    report.written, report.unchanged, report.removed = (
        counts.written,
        counts.unchanged,
        counts.removed,
    )
    report.warnings[:0] = counts.warnings
    return report


# Pages to render before a process per core pays for itself.
PARALLEL_FROM = 400
CHUNK = 64
_WORK: tuple[SiteBuilder, list[Callable[[], None]]] | None = None


@dataclass
class Rendered:
    """What one rendering process did with a chunk of steps, for the parent to take in."""

    output: Worker
    page_count: int
    warnings: list[tuple[int, list[str]]]
    assets: dict[str, Path]


def _render_chunk(indices: range) -> Rendered:
    """In a forked process: run some steps of the plan; the parent writes what they render."""
    assert _WORK is not None
    builder, steps = _WORK
    output = builder.out.start_worker()
    builder.report.pages = 0
    builder.assets = {}
    warnings = []
    for index in indices:
        before = len(builder.report.warnings)
        steps[index]()
        warnings.append((index, builder.report.warnings[before:]))
        del builder.report.warnings[before:]
    return Rendered(output, builder.report.pages, warnings, builder.assets)


def render_steps(
    builder: SiteBuilder, steps: list[Callable[[], None]], progress: Progress | None
) -> None:
    """Run every step of the plan: on every core for a big site, in order otherwise.

    The result is the same either way: each page is its own file, and warnings are put back
    in plan order.
    """
    cores = os.cpu_count() or 1
    if len(steps) < PARALLEL_FROM or cores < 2 or "fork" not in mp.get_all_start_methods():
        for done, step in enumerate(steps, 1):
            step()
            if progress is not None:
                progress(done, len(steps))
        return
    global _WORK
    _WORK = (builder, steps)
    chunks = [range(start, min(start + CHUNK, len(steps))) for start in range(0, len(steps), CHUNK)]
    warnings: list[tuple[int, list[str]]] = []
    done = 0
    # Keep the collector away from what the workers inherit: it would touch, and so copy,
    # every page of memory the parent has.
    gc.freeze()
    try:
        with mp.get_context("fork").Pool(cores) as pool:
            for rendered in pool.imap_unordered(_render_chunk, chunks):
                builder.out.merge(rendered.output)
                builder.report.pages += rendered.page_count
                builder.assets.update(rendered.assets)
                warnings.extend(rendered.warnings)
                done += sum(1 for _ in rendered.warnings)
                if progress is not None:
                    progress(done, len(steps))
    finally:
        _WORK = None
        gc.unfreeze()
    for _, found in sorted(warnings, key=lambda item: item[0]):
        builder.report.warnings.extend(found)


def build(
    builder: SiteBuilder,
    now: dt.datetime,
    *,
    drafts: bool,
    future: bool,
    progress: Progress | None,
) -> None:
    """Scan, plan and render the site, then write what is not a page and finish the folder."""
    newsroom, report = builder.newsroom, builder.report
    # From the index: every story's front matter and lead, without its body (read per page).
    with Catalog(newsroom) as catalog:
        scanned = catalog.summaries()
        last_good = catalog.kept()
    report.broken = scanned.broken
    broken = {str(error.path) for error in scanned.broken}
    last_good = [summary for summary in last_good if str(summary.path) in broken]
    # A broken file's story stays as it last was, if that was public (even in a preview).
    kept = publishable(last_good, now)
    report.kept = [str(summary.path) for summary in kept]
    report.unknown = sorted(broken - {str(summary.path) for summary in last_good})
    topics = Topics.of([*scanned.items, *last_good])
    # Before anything is written: one id twice would be one guid twice in the feeds.
    feeds.check_unique_ids((s.id, str(s.path)) for s in [*publishable(scanned.items, now), *kept])
    articles = newest_first([*publishable(scanned.items, now, drafts=drafts, future=future), *kept])
    stories = builder.stories(
        articles, now, topics, frozenset(summary.path for summary in kept if summary.path)
    )
    site_map = build_site_map(
        stories,
        per_page=newsroom.site.per_page,
        language=newsroom.site.language,
        topics=topics,
        tz=newsroom.site.tz,
    )
    plan = list(builder.plan(site_map))
    try:
        builder.out.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(
            f"cannot create the folder: {exc.strerror or exc}", builder.out.root
        ) from None
    builder.out.plan([f"{path}index.html" for path, _ in plan] + builder.other_files(site_map))
    render_steps(builder, [step for _, step in plan], progress)
    if builder.feeds:
        builder.write_feeds(site_map, topics)
        if not builder.preview:  # a preview announces nothing to crawlers
            builder.write_sitemap(site_map)
        report.feeds = True
    else:
        report.warnings.append(
            "no base_url in newscli.toml: feeds and sitemap.xml need absolute links and were "
            "not written (the pages link to each other relatively and work without it)"
        )
    builder.write_robots()
    builder.not_found()
    builder.out.write(f"{STATIC_PATH}{STYLESHEET}", (_PACKAGE / "static" / STYLESHEET).read_bytes())
    if report.unknown:
        builder.hold_story_pages()
    builder.out.plan(builder.assets)
    for rel, source in sorted(builder.assets.items()):
        builder.out.copy(rel, source)
    builder.out.finish()
    report.stories = len(site_map.stories)
    report.topics = len(site_map.topics)
