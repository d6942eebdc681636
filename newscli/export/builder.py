"""The site builder: a story's cards and page, the listings, the plan of every page, the
feeds, the sitemap, robots.txt and 404.html, each written only when it changed."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from newscli.article import Summary
from newscli.config import Site
from newscli.errors import ArticleError
from newscli.export import feeds, search, urls
from newscli.export.assets import ASSET_SUFFIXES, Found, SiteAssets
from newscli.export.images import with_sizes
from newscli.export.output import ExportReport, OutputFolder, PageLookup
from newscli.export.pages import (
    STATIC_PATH,
    Listing,
    Month,
    SiteMap,
    Story,
    TopicLink,
    TopicPage,
    link,
    root_of,
)
from newscli.export.render_cache import RenderCache
from newscli.export.site_state import Spec, shape_of
from newscli.export.templating import (
    PACKAGE,
    ROOT_STAND_IN,
    Words,
    build_key,
    digest,
    template_environment,
)
from newscli.i18n import _
from newscli.lifecycle import State, state_of
from newscli.markdown import absolute_url, is_relative_url, render_markdown
from newscli.newsroom import Newsroom
from newscli.statement import STATEMENT_PATH, statement_of
from newscli.topics import Topic, Topics

STYLESHEET = "style.css"

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
# Cards kept at once per process: a story's cards are used again on the pages near it in
# the plan (its front page, topic and month pages come in that order).
CARDS_KEPT = 20_000


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
    # The next moment the output changes by itself (an embargo or expiry), if any.
    next_change: dt.datetime | None = None
    # Story files published with what check calls an error (a photo without alt text): each
    # said as a warning too; the export exits 1.
    faults: list[str] = field(default_factory=list)
    # The search index: how many story pages it holds and the seconds it took (None: none made).
    search: tuple[int, float] | None = None


@dataclass(frozen=True)
class Feed:
    """A feed to announce with <link rel="alternate"> and to write."""

    kind: str
    path: str
    title: str
    name: str = ""  # the format's name, for the footer; "" for a topic's feed (not listed)

    @property
    def mime(self) -> str:
        return FEED_TYPES[self.kind]


class Unfollowable(Exception):
    """A re-publish met a change it cannot follow after it began writing: a story page
    links to other files now (a file it no longer links to may have to be removed)."""


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
        build: str | None = None,
        records: PageLookup | None = None,
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
        if build is None:
            build = build_key(newsroom) + ("-preview" if preview else "")
        self.out = OutputFolder(output, build, records)
        # How to render each listing page and feed again, for the site state.
        self.specs: dict[str, Spec] = {}
        self.following = False  # re-publishing: a page may not link to other files
        self.report = report
        self.keys: dict[str, str] = {}
        self.templates = template_environment(newsroom.root)
        self.templates.globals["story_card"] = self.story_card
        self._cards: dict[tuple[str, int, bool], str] = {}
        self._card_macros: Any = None
        self.words = Words(self.site.language, self.site.tz)
        self.feeds = bool(self.site.base_url)
        self.files = SiteAssets(newsroom, report)
        self.renders = RenderCache(newsroom.root, self.site.allow_html)
        # The accessibility statement every page's footer links to (None: no [accessibility]).
        self.statement = statement_of(self.site, newsroom.root)
        # The search page every page's header links to (None: search = false).
        self.search = search.SEARCH_PAGE if self.site.search else None

    # stories --------------------------------------------------------------------------

    def stories(
        self,
        articles: list[Summary],
        now: dt.datetime,
        topics: Topics,
        kept: frozenset[PurePosixPath] = frozenset(),
        stamps: Mapping[str, os.stat_result] | None = None,
    ) -> list[Story]:
        """The site's stories; those whose file is in kept are last good versions. stamps
        holds what the catalog saw of each file (else each is looked at now)."""
        seen: dict[str, Summary] = {}
        stories = []
        for article in articles:
            path = urls.article_path(article)
            if path in seen:
                self.report.warnings.append(
                    f"{article.path}: "
                    + _("same address {address} as {other}; left out of the site").format(
                        address=path, other=seen[path].path
                    )
                )
                continue
            seen[path] = article
            stat = None if stamps is None else stamps.get(str(article.path))
            try:
                if stat is None:
                    stat = os.stat(os.path.join(self.newsroom.root, str(article.path)))
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
                    image=self.files.photo(article),
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

    @staticmethod
    def shape(article: Summary, now: dt.datetime) -> str:
        """Everything about a story that decides which pages and feeds show it, in which
        order and under which names: a change to any of it is a change of the site map."""
        return shape_of(
            urls.article_path(article),
            article.date.isoformat(),
            article.updated.isoformat() if article.updated else None,
            article.status,
            article.topics,
            article.id,
            article.image.src if article.image else None,
            article.date > now,
            # its life: whether it is listed at all, until when, and its withdrawn notice
            state_of(article, now).value,
            article.expires.isoformat() if article.expires else None,
            article.withdrawn.isoformat() if article.withdrawn else None,
        )

    def markdown(self, story: Story, text: str, root: str, found: Found) -> str:
        """Markdown of a story as HTML, its site-relative links made relative to the page;
        the files it links to are noted in found (copied) or as warnings (missing). Each
        version of a text is rendered once (see render_cache); its files are looked for
        at every use."""
        key = self.renders.key(text, root)
        cached = self.renders.get(key)
        if cached is not None:
            html, links = cached
            for path in links:
                self.files.linked(path, found)
            return html
        linked: list[str] = []

        def rewrite(url: str) -> str:
            if not is_relative_url(url):
                return url
            path = url.split("#", 1)[0].split("?", 1)[0]
            if PurePosixPath(path).suffix.lower() in ASSET_SUFFIXES:
                linked.append(path)
                self.files.linked(path, found)
            return link(url, root)

        html = render_markdown(text, allow_html=self.site.allow_html, rewrite_url=rewrite)
        self.renders.put(key, html, linked)
        return html

    # pages ----------------------------------------------------------------------------

    @jinja2.pass_context
    def story_card(
        self, context: jinja2.runtime.Context, story: Story, level: int = 2, eager: bool = False
    ) -> Markup:
        """A story's teaser card (the card macro), rendered once per export and reused on
        every listing that shows it: it is rendered with a stand-in for the way to the site
        root, which each page puts in."""
        key = (story.path, level, eager)
        html = self._cards.get(key)
        if html is None:
            if len(self._cards) >= CARDS_KEPT:
                self._cards.clear()  # memory stays flat at 100 000 stories
            if self._card_macros is None:
                self._card_macros = self.templates.get_template("_macros.html").make_module(
                    {"root": ROOT_STAND_IN, "words": self.words, "site": self.site}
                )
            html = str(self._card_macros.card(story, level, eager))
            self._cards[key] = html
        return Markup(html.replace(ROOT_STAND_IN, context["root"]))

    def site_feeds(self) -> list[Feed]:
        if not self.feeds:
            return []
        return [
            Feed(kind, feeds.feed_path(kind), f"{feeds.feed_title(self.site)} ({name})", name)
            for kind, name in SITE_FEEDS
        ]

    def page(
        self, template: str, path: str, key: str, *, counted: bool = True, **context: Any
    ) -> None:
        """Render one page into path/index.html, unless it was rendered from the same key
        (counted: a page of the site, not one that only sends readers on)."""
        self.report.pages += counted
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
            statement=STATEMENT_PATH if self.statement is not None else None,
            search=self.search,
            sections=urls.sections(self.site.language),
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
                    f"{story.article.path}: "
                    + _(
                        "its page {page} is missing from the output and cannot be written "
                        "again until the file is repaired"
                    ).format(page=rel)
                )
            return
        key = digest("story.html", self.key(story))
        record = self.out.unchanged_page(rel, key)
        if record is not None:
            if all(self.files.asset(src) is not None for src in record.assets) and not any(
                self.files.asset(src) is not None for src in record.missing
            ):
                self.missing(story, record.missing)
                self.sanitised(story, record.assets)
                return
            self.out.forget(rel)
        root = root_of(story.path)
        found = Found()
        try:
            # The listing held the story without its body; the page needs all of it.
            article = self.newsroom.with_body(story.article)
        except ArticleError as exc:
            # The file's path leads the warning (see _attributed): it stays first.
            self.report.warnings.append(
                _("{error}; its page was not rendered again").format(error=exc)
            )
            self.keep_page(rel)
            return
        if article.lead_markdown is None:
            lead = f"<p>{escape(article.lead)}</p>" if article.lead else ""
        else:
            lead = self.markdown(story, article.lead_markdown, root, found).strip()
        body = self.markdown(story, article.story, root, found)
        sizes = self.files.sizes(found, root)  # width and height on the images of the text
        lead, body = with_sizes(lead, sizes), with_sizes(body, sizes)
        og_image = None
        shown = story.image.largest.path if story.image and story.image.largest else None
        shown = shown or (story.image.src if story.image else None)
        if shown is not None and (self.site.base_url or not is_relative_url(shown)):
            og_image = urls.public_url(self.site.base_url, shown)
        html = self.render(
            "story.html",
            story.path,
            story=story,
            lead=lead,
            body=body,
            og_image=og_image,
            searched=self.search is not None and not story.preview,
        )
        missing = tuple(dict.fromkeys(found.missing))
        assets = tuple(dict.fromkeys(found.assets))
        if self.following:
            before = self.out.records.get(rel)
            if before is None or set(before.assets) != set(assets):
                raise Unfollowable(f"{rel} links to other files now")
        self.missing(story, missing)
        self.sanitised(story, assets)
        self.out.write_page(rel, html, key, assets, missing)

    def notices(
        self, articles: Iterable[Summary], site_map: SiteMap, now: dt.datetime
    ) -> list[tuple[str, Callable[[], None]]]:
        """A step for each withdrawn story's notice page at its old address (none when
        newscli.toml says withdrawn_notice = false, nor where a live story lives now)."""
        if not self.site.withdrawn_notice:
            return []
        taken = {story.path for story in site_map.stories}
        steps: list[tuple[str, Callable[[], None]]] = []
        for article in articles:
            path = urls.article_path(article)
            if state_of(article, now) is State.WITHDRAWN and path not in taken:
                taken.add(path)
                steps.append((path, partial(self.withdrawn_notice, path, article.withdrawn)))
        return steps

    def withdrawn_notice(self, path: str, withdrawn: dt.datetime | None) -> None:
        """The short page at a withdrawn story's old address: that it was taken off and
        when, in the site language, and nothing of the story (not indexed, no canonical)."""
        rel = f"{path}index.html"
        key = digest("withdrawn.html", path, withdrawn)
        if self.out.unchanged_page(rel, key) is None:
            feeds = self.site_feeds()
            html = self._render(
                "withdrawn.html", root_of(path), path, None, feeds, withdrawn=withdrawn
            )
            self.out.write_page(rel, html, key)

    def keep_page(self, rel: str) -> bool:
        """Leave a page as the last export wrote it, with the files it shows; False when it
        is not there."""
        assets = self.out.keep(rel)
        for src in assets or ():
            self.files.asset(src)
        return assets is not None

    def hold_story_pages(self) -> None:
        """Keep every story page an earlier export wrote and this one did not: a broken file
        whose last good version is unknown may be any of those stories."""
        for rel in sorted(self.out.previous_files - self.out.files):
            if urls.is_article_page(rel) and self.keep_page(rel):
                self.report.held.append(rel)

    def sanitised(self, story: Story, paths: Iterable[str]) -> None:
        """A warning for each SVG the story links to that is published without something
        it held (what could run or fetch: see newscli.svg)."""
        for path in paths:
            if path in self.files.cleaned:
                self.report.warnings.append(
                    f"{story.article.path}: "
                    + _(
                        "the story links to {file}, published without what could run or reach "
                        "outside it (scripts, event handlers, outside references)"
                    ).format(file=repr(path))
                )

    def missing(self, story: Story, paths: Iterable[str]) -> None:
        for path in paths:
            self.report.warnings.append(
                f"{story.article.path}: "
                + _("the story links to {file}, which {why}").format(
                    file=repr(path), why=self.files.why_not(path)
                )
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
        every page before the first is written and progress can be shown while they render.
        Each listing page's spec is noted for the site state on the way."""
        for listing in site_map.front:
            self.note_listing(listing)
            yield listing.path, partial(self.listing, "front.html", listing, None)
        for story in site_map.stories:
            yield story.path, partial(self.story, story)
        for topic in site_map.topics:
            for listing in topic.listings:
                self.note_listing(listing, topic.key)
                yield listing.path, partial(self.topic, topic, listing)
        topics = [(t.name, t.path, len(t.stories)) for t in site_map.topics]
        folders = site_map.sections
        yield (
            folders.topics,
            partial(
                self.page, "topics.html", folders.topics, digest(topics), topics=site_map.topics
            ),
        )
        if self.statement is not None:
            page = partial(
                self.page,
                "accessibility.html",
                STATEMENT_PATH,
                digest(self.statement),
                accessibility=self.statement,
            )
            yield STATEMENT_PATH, page
        if self.search is not None:
            page = partial(self.page, "search.html", self.search, digest("search"))
            yield self.search, page
        months = [(m.path, len(m.stories)) for m in site_map.months]
        yield (
            folders.archive,
            partial(
                self.page, "archive.html", folders.archive, digest(months), years=site_map.years
            ),
        )
        for former, path in site_map.former_addresses():  # old addresses send readers on
            page = partial(
                self.page, "moved.html", former, digest(path), target=path, counted=False
            )
            yield former, page
        for month in site_map.months:
            stories = tuple(story.path for story in month.stories)
            spec = Spec("month", month.path, stories, year=month.year, month=month.month)
            self.specs[f"{month.path}index.html"] = spec
            yield month.path, partial(self.month, month)

    def note_listing(self, listing: Listing, topic: str | None = None) -> None:
        self.specs[f"{listing.path}index.html"] = Spec(
            "front" if topic is None else "topic",
            listing.path,
            tuple(story.path for story in listing.stories),
            number=listing.number,
            count=listing.count,
            newer=listing.newer,
            older=listing.older,
            topic=topic,
        )

    def other_files(self, site_map: SiteMap) -> list[str]:
        """Every file the export writes besides pages and copied files."""
        files = [f"{STATIC_PATH}{STYLESHEET}", NOT_FOUND]
        if self.search is not None:
            files.append(f"{STATIC_PATH}{search.SCRIPT}")
        if self.feeds:
            files += [feeds.feed_path(kind) for kind, _ in SITE_FEEDS]
            files += [feeds.feed_path("rss", page.topic) for page in site_map.topics]
            files += self.former_feeds(files)
        if self.feeds and not self.preview:
            files.append(SITEMAP)
        return [*files, ROBOTS]

    def write_feeds(self, site_map: SiteMap, topics: Topics) -> None:
        """The site's RSS, Atom and JSON feeds and each topic's RSS feed: public stories only,
        the newest FEED_LIMIT, as `newscli export rss` chooses them, even in preview builds."""
        for kind, _name in SITE_FEEDS:
            self.feed(kind, None, site_map.stories, topics)
        for page in site_map.topics:
            self.feed("rss", page.topic, page.stories, topics)

    def feed(
        self, kind: str, topic: Topic | None, stories: Iterable[Story], topics: Topics
    ) -> None:
        public = [story for story in islice((s for s in stories if not s.preview), FEED_LIMIT)]
        path = feeds.feed_path(kind, topic)
        self.specs[path] = Spec(
            "feed",
            path,
            tuple(story.path for story in public),
            topic=topic.key if topic is not None else None,
            feed=kind,
        )
        chosen = [story.article for story in public]
        spec = feeds.feed_spec(self.site, kind, topic=topic)
        text = feeds.render_feed(chosen, self.site, spec, self.files.feed_photo, topics)
        self.out.write(path, text.encode("utf-8"))
        for former in self.former_feeds([path]):
            self.out.write(former, text.encode("utf-8"))

    def former_feeds(self, paths: Iterable[str]) -> list[str]:
        """The old addresses of these feeds, where a copy keeps subscribers (a feed reader
        follows no page that sends it on): a topic's feed on a site whose sections moved."""
        folders = urls.sections(self.site.language)
        return [old for old in (urls.former_address(p, folders) for p in paths) if old]

    def write_sitemap(self, site_map: SiteMap) -> None:
        """sitemap.xml: every public page, with the last change of what it shows."""
        entries: list[tuple[str, dt.datetime | None]] = []

        def add(path: str, stories: Iterable[Story]) -> None:
            public = [s.article.last_change for s in stories if not s.preview]
            entries.append((path, max(public, default=None)))

        add("", site_map.stories)
        add(site_map.sections.topics, site_map.stories)
        add(site_map.sections.archive, site_map.stories)
        for topic in site_map.topics:
            add(topic.path, topic.stories)
        for month in site_map.months:
            add(month.path, month.stories)
        for story in site_map.stories:
            if not story.preview:
                add(story.path, [story])
        if self.statement is not None:  # a page every visitor may need to find
            updated = self.statement.updated
            day = dt.datetime(updated.year, updated.month, updated.day, tzinfo=self.site.tz)
            entries.append((STATEMENT_PATH, day))
        # Every path here is a folder of the site: joined to base_url as it is (urljoin is slow).
        base = urls.public_url(self.site.base_url, "")
        locations = [
            (base + urls.path_url(path), self.words.iso(lastmod) if lastmod else None)
            for path, lastmod in entries
        ]
        xml = self.templates.get_template(SITEMAP).render(urls=locations)
        self.out.write(SITEMAP, xml.encode("utf-8"))

    def write_search(self, stories: Iterable[str]) -> None:
        """The search page's script and the index of the story pages in these folders."""
        if self.search is None:
            return
        script = (PACKAGE / "static" / search.SCRIPT).read_bytes()
        self.out.write(f"{STATIC_PATH}{search.SCRIPT}", script)
        try:
            self.report.search = search.write_index(self.out, stories, language=self.site.language)
        except search.SearchError as exc:
            # The site is published all the same; its search page says search is unavailable.
            self.report.warnings.append(str(exc))

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
