"""The photos an export publishes: each story photo in the site's sizes and formats (made by
newscli.derive, on every core, once per photo), where each file is on the site, and what a
page or a feed shows of it.

The original photo file is never published: it may carry the camera's GPS position, serial
number and time. What is published are the derived files, which carry none of that.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path, PurePosixPath

from newscli.derive import Derived, PhotoCache, cannot_read, derive_all, not_made
from newscli.errors import NewsError
from newscli.export.urls import valid_url
from newscli.i18n import _
from newscli.markdown import is_safe_url

# Derived photos live under their own folder of the site, named after the photo they come
# from, so that they never meet a file the newsroom publishes as it is.
PHOTOS_PATH = "photos/"
# What a story's [image] may be for the site to make it into sizes (see newscli.photos).
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".avif"})


@dataclass(frozen=True, slots=True)
class Rendition:
    """One derived file of a photo on the site."""

    path: str  # site-relative
    width: int
    height: int
    media_type: str
    size: int  # bytes


@dataclass(frozen=True, slots=True)
class Photo:
    """A story's photo as pages show it: the src of the <img> with its size in pixels, and
    the sizes a browser may choose from (none for a photo elsewhere on the web)."""

    src: str  # site-relative path, or an absolute URL
    width: int | None = None
    height: int | None = None
    renditions: tuple[Rendition, ...] = ()

    @property
    def webp(self) -> tuple[Rendition, ...]:
        return tuple(r for r in self.renditions if r.media_type == "image/webp")

    @property
    def jpeg(self) -> tuple[Rendition, ...]:
        return tuple(r for r in self.renditions if r.media_type == "image/jpeg")

    @property
    def largest(self) -> Rendition | None:
        """The biggest JPEG: what feeds and link previews show (every reader can)."""
        return max(self.jpeg, key=lambda r: r.width, default=None)


def rendition_path(src: str, derived: Derived) -> str:
    """Where a derived file of the photo at src goes: photos/<src without its suffix>-<width>
    with the format's suffix ('images/2022/01/a.jpg' → 'photos/images/2022/01/a-960.webp');
    a photo that is not a JPEG keeps its kind in the name, so a.png and a.jpg never meet."""
    path = PurePosixPath(src)
    stem = path.with_suffix("").as_posix()
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("jpg", "jpeg"):
        stem += f"-{kind}"
    return f"{PHOTOS_PATH}{stem}-{derived.width}{derived.suffix}"


@dataclass
class SitePhotos:
    """The derived photos of one export: made before the pages need them, and the files to
    copy into the site."""

    root: Path
    made: dict[Path, list[Derived] | NewsError] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)  # site path: file in the cache

    def prepare(self, sources: Iterable[Path]) -> None:
        """Make (or find in the cache) every photo of sources, on every core."""
        todo = sorted({source for source in sources if source not in self.made})
        if todo:
            self.made.update(derive_all(self.root, todo))

    def shown(self, src: str, resolve: Callable[[str], Path | None]) -> Photo | str:
        """The photo at src as the site and its feeds show it, or why it is not shown (the
        end of a warning). resolve finds the newsroom file of a src: None when there is
        none, NewsError when it is never published."""
        if src.startswith(("https://", "http://")) and is_safe_url(src):
            return Photo(valid_url(src))
        if PurePosixPath(src).suffix.lower() not in PHOTO_SUFFIXES:
            return _("is not a photo ({suffixes})").format(
                suffixes=", ".join(sorted(PHOTO_SUFFIXES))
            )
        try:
            source = resolve(src)
        except NewsError as exc:
            return exc.message
        if source is None:
            return not_in_newsroom()
        made = self.photo(src, source)
        return cannot_be_published(made.message) if isinstance(made, NewsError) else made

    def photo(self, src: str, source: Path) -> Photo | NewsError:
        """The photo at src (the newsroom file source) as pages show it, its files noted for
        copying; the error that keeps it off the site otherwise."""
        made = self.made.get(source)
        if made is None:
            try:
                made = PhotoCache(self.root).derive(source)
            except NewsError as exc:
                made = exc
            except OSError as exc:
                made = NewsError(cannot_read(exc))
            self.made[source] = made
        if isinstance(made, NewsError):
            return made
        renditions = tuple(
            Rendition(rendition_path(src, d), d.width, d.height, d.media_type, d.size)
            for d in sorted(made, key=lambda d: (d.format, d.width))
        )
        for rendition, derived in zip(
            renditions, sorted(made, key=lambda d: (d.format, d.width)), strict=True
        ):
            self.files[rendition.path] = derived.path
        jpeg = [r for r in renditions if r.media_type == "image/jpeg"]
        if not jpeg:
            return NewsError(not_made())
        shown = max(jpeg, key=lambda r: r.width)
        return Photo(shown.path, shown.width, shown.height, renditions)


def not_in_newsroom() -> str:
    """Why a file a story shows is not published: there is none (the end of a warning)."""
    return _("is not in the newsroom")


def cannot_be_published(problem: str) -> str:
    """Why a photo a story shows is not published (the end of a warning)."""
    return _("cannot be published: {problem}").format(problem=problem)


@dataclass(frozen=True)
class FeedPhoto:
    """A story's photo as a feed announces it: where it is (site-relative or absolute), its
    media type and its length in bytes, when known."""

    url: str
    type: str | None = None
    length: int | None = None


def feed_photo(photo: Photo | str | None) -> FeedPhoto | None:
    """What a feed shows of a photo the site shows (the biggest JPEG: every reader can)."""
    if not isinstance(photo, Photo):
        return None
    largest = photo.largest
    if largest is None:
        return FeedPhoto(photo.src)
    return FeedPhoto(largest.path, largest.media_type, largest.size)


_IMAGE_TAG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\ssrc="([^"]*)"')
_SIZED = re.compile(r"\s(?:width|height)=")


def with_sizes(html: str, sizes: Mapping[str, tuple[int, int]]) -> str:
    """html with width and height on each <img> whose src (as the page links it) sizes
    knows, so that the page keeps the photo's place while it loads; an image that already
    has a size (raw HTML) keeps its own."""
    if not sizes or "<img" not in html:
        return html

    def sized(found: re.Match[str]) -> str:
        tag = found.group()
        src = _SRC.search(tag)
        size = sizes.get(unescape(src.group(1))) if src else None
        if size is None or _SIZED.search(tag):
            return tag
        return f'<img width="{size[0]}" height="{size[1]}"{tag[4:]}'

    return _IMAGE_TAG.sub(sized, html)
