"""The static HTML site: render every page of the site map with Jinja2 and write what changed.

The core of `newscli export html`: it returns a report and never prints. Output is
deterministic (no clock in it), a file whose bytes are unchanged is not rewritten, and files
an earlier export wrote that are no longer part of the site are removed, using the manifest
kept in the output folder. Nothing else in that folder is ever deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import multiprocessing as mp
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from newscli import __version__, labels, markdown
from newscli.article import Article, Summary
from newscli.catalog import Catalog
from newscli.checks import refuse_identity_numbers
from newscli.config import Site
from newscli.errors import ArticleError, NewsError, WriteError
from newscli.export import feeds, pages, urls
from newscli.export.images import (
    FeedPhoto,
    Photo,
    SitePhotos,
    cannot_be_published,
    feed_photo,
    not_in_newsroom,
)
from newscli.export.output import (
    ExportReport,
    OutputFolder,
    PageLookup,
    Worker,
    cannot_create_folder,
    guard_output,
)
from newscli.export.pages import (
    ARCHIVE_PATH,
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
from newscli.export.render_cache import RenderCache, Renders
from newscli.export.site_state import (
    PageRecords,
    SiteState,
    Snapshot,
    Spec,
    StoryRow,
    file_stamp,
    shape_of,
)
from newscli.i18n import _
from newscli.labels import label, long_date, moment, month_name
from newscli.lifecycle import State, next_change, state_of
from newscli.markdown import absolute_url, is_relative_url, is_safe_url, render_markdown
from newscli.newsroom import TEMPLATES, Newsroom, state_folder
from newscli.query import newest_first, publishable
from newscli.statement import MISSING_WARNING, STATEMENT_PATH, statement_of
from newscli.topics import Topic, Topics

_PACKAGE = Path(__file__).resolve().parent
STYLESHEET = "style.css"
# Photos a story's body shows that are published without their metadata (see asset), by
# the media type of the derived file that stands in for them at the same address.
BODY_PHOTOS = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
# Files a story's body may link to or embed with a relative URL, copied into the site as
# they are (a story's own photo is published in the site's sizes instead: see images).
ASSET_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".pdf", ".mp3", ".mp4"}
)

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
# What a card is rendered with for the way to the site root: markup no text can come out
# as (every value is escaped, and this holds a '<'), put in as markup by url() alone.
ROOT_STAND_IN = "<newscli-root>"


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
        bytecode_cache=_compiled_templates(newsroom_root),
    )
    environment.globals["url"] = _url
    environment.globals["file_url"] = _file_url
    environment.globals["valid_url"] = urls.valid_url
    environment.globals["safe_url"] = is_safe_url
    return environment


def _compiled_templates(newsroom_root: Path) -> jinja2.BytecodeCache | None:
    """Templates compiled once and kept in .newscli/ (Jinja2 checks each against its
    source): compiling them is most of a small re-publish otherwise."""
    try:
        folder = state_folder(newsroom_root) / "templates"
        folder.mkdir(exist_ok=True)
    except (NewsError, OSError):
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str | Markup:
    """A site-relative path as a link from the page being rendered."""
    linked = link(target, context["root"])
    if linked.startswith(ROOT_STAND_IN):  # a card rendered once for every page (story_card)
        return Markup(ROOT_STAND_IN) + linked[len(ROOT_STAND_IN) :]
    return linked


@jinja2.pass_context
def _file_url(context: jinja2.runtime.Context, target: str) -> str | Markup:
    """A file of the site (a photo: '#', '?' and spaces are part of its name) as a link from
    the page being rendered; an address of its own as it is."""
    return _url(context, urls.path_url(target) if is_relative_url(target) else target)


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

    def day(self, value: dt.date) -> str:
        """A calendar day ('14 maj 2024'), as written: no timezone to move it."""
        return long_date(value, self.language)

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
        self.assets: dict[str, Path] = {}
        self.found: dict[str, Path | None] = {}
        self.refused: dict[str, str] = {}  # src: why it is never published
        self.photos = SitePhotos(newsroom.root)
        self.renders = RenderCache(newsroom.root, self.site.allow_html)
        self.shown_photos: dict[str, Photo | str] = {}  # src: the photo, or why not
        # The accessibility statement every page's footer links to (None: no [accessibility]).
        self.statement = statement_of(self.site, newsroom.root)

    # stories --------------------------------------------------------------------------

    def prepare_photos(self, articles: Iterable[Summary]) -> None:
        """Make every photo these stories show in the site's sizes (or find them made), on
        every core, before the pages need them."""
        sources = []
        for article in articles:
            if article.image is not None:
                with contextlib.suppress(NewsError):
                    source = self._resolve(article.image.src)
                    if source is not None:
                        sources.append(source)
        self.photos.prepare(sources)

    def photo(self, article: Summary) -> Photo | None:
        """The story's photo as the site shows it, its files noted for copying; None (with a
        warning naming the file) when it cannot be shown."""
        if article.image is None:
            return None
        src = article.image.src
        shown = self.shown_photos.get(src)
        if shown is None:
            shown = self.shown_photos[src] = self.photos.shown(src, self._resolve)
        if isinstance(shown, Photo):
            for rendition in shown.renditions:
                self.assets[rendition.path] = self.photos.files[rendition.path]
            return shown
        self.report.warnings.append(
            f"{article.path}: "
            + _("image {src} {why}; the story is shown without it").format(src=repr(src), why=shown)
        )
        return None

    def feed_photo(self, article: Summary) -> FeedPhoto | None:
        """What the feeds show of a story's photo: what its pages show (see photo)."""
        if article.image is None:
            return None
        return feed_photo(self.shown_photos.get(article.image.src))

    def _resolve(self, src: str) -> Path | None:
        """The newsroom file src names (None when there is none); NewsError when it is never
        published (see Newsroom.asset). Remembered for this export."""
        if src not in self.found:
            try:
                self.found[src] = self.newsroom.asset(src)
            except NewsError as refused:
                self.found[src] = None
                self.refused[src] = refused.message
        if src in self.refused:
            raise NewsError(self.refused[src])
        return self.found[src]

    def asset(self, src: str) -> Path | None:
        """The newsroom file a site-relative src names, noted for copying; None if it is not
        there or not for publishing (see Newsroom.asset; why_not says which).

        A JPEG or WebP photo a body shows is published as its biggest derived size, at the
        same address: turned, in sRGB, without the camera's metadata (GPS position, serial,
        time), as a story's own photo is. One that cannot be read is not published."""
        if PurePosixPath(src).suffix.lower() not in ASSET_SUFFIXES:
            return None
        try:
            found = self._resolve(src)
        except NewsError:
            return None
        if found is not None:
            published = self._without_metadata(src, found)
            if published is None:
                return None
            self.assets[PurePosixPath(src).as_posix()] = published
        return found

    def _without_metadata(self, src: str, source: Path) -> Path | None:
        """What is published of a linked file: a photo's biggest derived size in its own
        format, anything else as it is; None (with the reason noted) for a photo that
        cannot be read."""
        kind = BODY_PHOTOS.get(PurePosixPath(src).suffix.lower())
        if kind is None:
            return source
        made = self.photos.photo(src, source)
        if isinstance(made, NewsError):
            self.refused[src] = cannot_be_published(made.message)
            return None
        biggest = max((r for r in made.renditions if r.media_type == kind), key=lambda r: r.width)
        return self.photos.files[biggest.path]

    def asset_stamp(self, src: str) -> str:
        """What the site state remembers of a linked file, looked at afresh: its stamp, or
        "-" when it is not there or not for publishing."""
        if PurePosixPath(src).suffix.lower() not in ASSET_SUFFIXES:
            return "-"
        try:
            path = self.newsroom.asset(src)
            return "-" if path is None else file_stamp(path.stat())
        except (NewsError, OSError):
            return "-"

    def asset_stamps(self) -> dict[str, str]:
        """The stamp of every file this export looked for, for the site state."""
        return {src: self.asset_stamp(src) for src in self.found}

    def why_not(self, src: str) -> str:
        """Why asset(src) gave nothing, as the end of a warning."""
        return self.refused[src] if src in self.refused else not_in_newsroom()

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
                self.linked(path, found)
            return html
        linked: list[str] = []

        def rewrite(url: str) -> str:
            if not is_relative_url(url):
                return url
            path = url.split("#", 1)[0].split("?", 1)[0]
            if PurePosixPath(path).suffix.lower() in ASSET_SUFFIXES:
                linked.append(path)
                self.linked(path, found)
            return link(url, root)

        html = render_markdown(text, allow_html=self.site.allow_html, rewrite_url=rewrite)
        self.renders.put(key, html, linked)
        return html

    def linked(self, path: str, found: Found) -> None:
        """A file a story links to: noted for copying, or as missing."""
        if self.asset(path) is None:
            found.missing.append(path)
        else:
            found.assets.append(PurePosixPath(path).as_posix())

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
            statement=STATEMENT_PATH if self.statement is not None else None,
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
        og_image = None
        shown = story.image.largest.path if story.image and story.image.largest else None
        shown = shown or (story.image.src if story.image else None)
        if shown is not None and (self.site.base_url or not is_relative_url(shown)):
            og_image = urls.public_url(self.site.base_url, shown)
        html = self.render(
            "story.html", story.path, story=story, lead=lead, body=body, og_image=og_image
        )
        missing = tuple(dict.fromkeys(found.missing))
        assets = tuple(dict.fromkeys(found.assets))
        if self.following:
            before = self.out.records.get(rel)
            if before is None or set(before.assets) != set(assets):
                raise Unfollowable(f"{rel} links to other files now")
        self.missing(story, missing)
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
                f"{story.article.path}: "
                + _("the story links to {file}, which {why}").format(
                    file=repr(path), why=self.why_not(path)
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
        yield (
            TOPICS_PATH,
            partial(self.page, "topics.html", TOPICS_PATH, digest(topics), topics=site_map.topics),
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
        months = [(m.path, len(m.stories)) for m in site_map.months]
        yield (
            ARCHIVE_PATH,
            partial(self.page, "archive.html", ARCHIVE_PATH, digest(months), years=site_map.years),
        )
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
        if self.feeds:
            files += [feeds.feed_path(kind) for kind, _ in SITE_FEEDS]
            files += [feeds.feed_path("rss", page.topic) for page in site_map.topics]
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
        text = feeds.render_feed(chosen, self.site, spec, self.feed_photo, topics)
        self.out.write(path, text.encode("utf-8"))

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
            build(builder, now, drafts=drafts, future=future, progress=progress, state=state)
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
    found: dict[str, Path | None]
    refused: dict[str, str]
    renders: Renders


def _render_chunk(indices: range) -> Rendered:
    """In a forked process: run some steps of the plan; the parent writes what they render."""
    assert _WORK is not None
    builder, steps = _WORK
    output = builder.out.start_worker()
    builder.report.pages = 0
    builder.assets = {}
    builder.renders.rendered = Renders()
    known = set(builder.found)  # the parent hears only of files looked for in this chunk
    warnings = []
    for index in indices:
        before = len(builder.report.warnings)
        steps[index]()
        warnings.append((index, builder.report.warnings[before:]))
        del builder.report.warnings[before:]
    return Rendered(
        output,
        builder.report.pages,
        warnings,
        builder.assets,
        {src: path for src, path in builder.found.items() if src not in known},
        {src: why for src, why in builder.refused.items() if src not in known},
        builder.renders.rendered,
    )


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
                builder.found.update(rendered.found)
                builder.refused.update(rendered.refused)
                builder.renders.take(rendered.renders)
                builder.renders.flush()  # a big site's new renderings never pile up here
                warnings.extend(rendered.warnings)
                done += sum(1 for _ in rendered.warnings)
                if progress is not None:
                    progress(done, len(steps))
    finally:
        _WORK = None
        gc.unfreeze()
    for _index, found in sorted(warnings, key=lambda item: item[0]):
        builder.report.warnings.extend(found)


def build(
    builder: SiteBuilder,
    now: dt.datetime,
    *,
    drafts: bool,
    future: bool,
    progress: Progress | None,
    state: SiteState | None = None,
) -> None:
    """Scan, plan and render the whole site, then write what is not a page, finish the
    folder and save the site state for the next export."""
    newsroom, report = builder.newsroom, builder.report
    # From the index: every story's front matter and lead, without its body (read per page).
    with Catalog(newsroom) as catalog:
        scanned = catalog.summaries()
        last_good = catalog.kept()
        stamps = catalog.stamps()
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
    refuse_identity_numbers(newsroom, articles)
    builder.prepare_photos(articles)
    stories = builder.stories(
        articles, now, topics, frozenset(summary.path for summary in kept if summary.path), stamps
    )
    site_map = build_site_map(
        stories,
        per_page=newsroom.site.per_page,
        language=newsroom.site.language,
        topics=topics,
        tz=newsroom.site.tz,
    )
    plan = list(builder.plan(site_map)) + builder.notices(scanned.items, site_map, now)
    try:
        builder.out.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(cannot_create_folder(exc), builder.out.root) from None

    builder.out.plan([f"{path}index.html" for path, _ in plan] + builder.other_files(site_map))
    state = _started(state)
    if isinstance(builder.out.records, PageRecords):
        builder.out.records.load_all()
    render_steps(builder, [step for _, step in plan], progress)
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
    builder.out.write(f"{STATIC_PATH}{STYLESHEET}", (_PACKAGE / "static" / STYLESHEET).read_bytes())
    if report.unknown:
        builder.hold_story_pages()
    builder.out.plan(builder.assets)
    for rel, source in sorted(builder.assets.items()):
        builder.out.copy(rel, source)
    if isinstance(builder.out.records, PageRecords):
        builder.out.records.drop()
    manifest = builder.out.finish()
    builder.renders.save(whole=True)
    report.stories = len(site_map.stories)
    report.topics = len(site_map.topics)
    report.next_change = _next_change([*scanned.items, *kept], now, drafts or future)
    if state is None:
        return
    on_site = {str(story.article.path): story.path for story in site_map.stories}
    snapshot = Snapshot(
        build=builder.out.build,
        manifest=manifest,
        followable=not (scanned.broken or kept),
        pages=builder.out.pages,
        specs=builder.specs,
        assets=builder.asset_stamps(),
        topics=list(topics),
        warnings=_attributed(report.warnings, on_site),
        counts=(report.stories, report.topics, report.pages, len(builder.out.files)),
        next_change=report.next_change.timestamp() if report.next_change else None,
    )
    for summary in scanned.items:
        rel = str(summary.path)
        stat = stamps.get(rel)
        try:
            stamp = file_stamp(stat or os.stat(os.path.join(newsroom.root, rel)))
        except OSError:
            continue
        snapshot.stories[rel] = StoryRow(on_site.get(rel, ""), stamp, builder.shape(summary, now))
    _saved(state, snapshot)


def _next_change(articles: list[Summary], now: dt.datetime, preview: bool) -> dt.datetime | None:
    """When the site next changes by itself: the next embargo or expiry of a published
    story; a preview also shows a draft from its date on."""
    moment = next_change(articles, now)
    if preview:
        drafts = [a.date for a in articles if a.status == "draft" and a.date > now]
        moment = min([*drafts, *([moment] if moment else [])], default=None)
    return moment


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


def _attributed(warnings: list[str], stories: Mapping[str, str]) -> list[tuple[str, str]]:
    """Each warning with the story file it is about ("" for the site's own), so that a
    re-publish can replace the warnings of the stories it renders again."""
    return [
        (path if path in stories else "", text)
        for text in warnings
        for path in (text.split(": ", 1)[0],)
    ]


class Unfollowable(Exception):
    """A re-publish met a change it cannot follow after it began writing: a story page
    links to other files now (a file it no longer links to may have to be removed)."""


def _as_it_is(
    newsroom: Newsroom,
    rel: str,
    stored: Mapping[str, tuple[tuple[int, int], Summary]],
    current: Mapping[str, tuple[int, int]],
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
    current: dict[str, tuple[int, int]] = {}
    for rel, entry in tree.files:
        known = stamps.get(rel)
        if known is None:
            return False
        try:
            stat = entry.stat()
        except OSError:
            return False
        current[rel] = (stat.st_mtime_ns, stat.st_size)
        stamp = file_stamp(stat)
        if stamp != known:
            changed[rel] = stamp
    if len(changed) > REPUBLISH_LIMIT:
        return False
    if any(builder.asset_stamp(src) != stamp for src, stamp in assets.items()):
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
    refuse_identity_numbers(newsroom, [a for rel, a in articles.items() if known_rows[rel].site])

    try:
        topics = state.topics()
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
    # Every linked file is as the last export copied it (their stamps were compared).
    manifest = builder.out.finish(whole=False)
    builder.renders.save(whole=False)

    new = _attributed(report.warnings, {rel: "" for rel in articles})
    warnings = _renewed(warnings, new, articles)
    report.warnings[:] = [text for _, text in warnings]
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
            builder.asset_stamps(),
            warnings,
        )
    return True
