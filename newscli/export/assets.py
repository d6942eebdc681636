"""The files a site shows besides its pages: each story's photo in the site's sizes, and the
files a story's body links to or embeds (copied, a photo without its camera's metadata);
what is missing or never published, and why."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from newscli.article import Summary
from newscli.errors import NewsError
from newscli.export.images import (
    FeedPhoto,
    Photo,
    SitePhotos,
    cannot_be_published,
    feed_photo,
    not_in_newsroom,
)
from newscli.export.output import ExportReport
from newscli.export.site_state import file_stamp
from newscli.i18n import _
from newscli.newsroom import Newsroom
from newscli.photos import no_alt_text, shows_nothing
from newscli.svg import published_svg

# Photos a story's body shows that are published without their metadata (see asset), by
# the media type of the derived file that stands in for them at the same address.
BODY_PHOTOS = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}
# Files a story's body may link to or embed with a relative URL, copied into the site as
# they are (a story's own photo is published in the site's sizes instead: see images).
ASSET_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg", ".pdf", ".mp3", ".mp4"}
)


@dataclass
class Found:
    """What rendering a story's Markdown found: files to copy, and links to missing ones."""

    assets: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class SiteAssets:
    """The photos and linked files of one export: found once, each noted for copying (or
    why not) as the pages that show it are rendered."""

    def __init__(self, newsroom: Newsroom, report: ExportReport):
        self.newsroom = newsroom
        self.report = report
        self.assets: dict[str, Path] = {}  # site path: the file copied there
        self.found: dict[str, Path | None] = {}
        self.refused: dict[str, str] = {}  # src: why it is never published
        self.photos = SitePhotos(newsroom.root)
        self.shown_photos: dict[str, Photo | str] = {}  # src: the photo, or why not
        self.svgs: dict[str, Path | None] = {}  # src: its sanitised copy (see newscli.svg)
        self.cleaned: set[str] = set()  # the SVGs published without something they held
        self.known_sizes: dict[Path, tuple[int, int] | None] = {}  # published file: its size
        # Story files published with a photo without alt text (check's error): exit 1.
        self.faults: list[str] = []

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
        if article.published and shows_nothing(article.image.alt):
            self.report.warnings.append(missing_alt(str(article.path)))
            self.faults.append(str(article.path))
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
        format, an SVG sanitised (newscli.svg), anything else as it is; None (with the reason
        noted) for a photo that cannot be read or an SVG that cannot be made safe."""
        if PurePosixPath(src).suffix.lower() == ".svg":
            if src not in self.svgs:
                self.svgs[src] = self._sanitised(src, source)
            return self.svgs[src]
        kind = BODY_PHOTOS.get(PurePosixPath(src).suffix.lower())
        if kind is None:
            return source
        made = self.photos.photo(src, source)
        if isinstance(made, NewsError):
            self.refused[src] = cannot_be_published(made.message)
            return None
        biggest = max((r for r in made.renditions if r.media_type == kind), key=lambda r: r.width)
        return self.photos.files[biggest.path]

    def _sanitised(self, src: str, source: Path) -> Path | None:
        try:
            published, removed = published_svg(self.newsroom.root, source)
        except NewsError as exc:
            self.refused[src] = cannot_be_published(exc.message)
            return None
        except OSError as exc:
            self.refused[src] = cannot_be_published(str(exc.strerror or exc))
            return None
        if removed:
            self.cleaned.add(src)
        return published

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

    def sizes(self, found: Found, root: str) -> dict[str, tuple[int, int]]:
        """The size of each image the story's text shows, as published (a photo's biggest
        derived size), by its link from a page whose way to the root is root."""
        from newscli.export.pages import link
        from newscli.photos import shown_size_of

        sizes = {}
        for path in found.assets:
            published = self.assets.get(path)
            if published is None:
                continue
            if published not in self.known_sizes:
                self.known_sizes[published] = shown_size_of(published)
            size = self.known_sizes[published]
            if size is not None:
                sizes[link(path, root)] = size
        return sizes

    def linked(self, path: str, found: Found) -> None:
        """A file a story links to: noted for copying, or as missing. The link is a URL
        (Markdown percent-encodes åäö and spaces): the file is what it names, decoded."""
        path = unquote(path)
        if self.asset(path) is None:
            found.missing.append(path)
        else:
            found.assets.append(PurePosixPath(path).as_posix())


def missing_alt(path: str) -> str:
    """The warning for a published story whose photo has no alt text (check's error)."""
    return f"{path}: {no_alt_text()}"
