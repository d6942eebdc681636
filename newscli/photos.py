"""A story's photo: a camera file checked and copied into the newsroom, the story's [image]
kept in step with it, and the photo rules (newscli.checks.RULES registers them).

The photo file itself lives outside articles/, at images/YYYY/MM/<slug>.<ext> (the story's
month), and `[image] src` names it relative to the newsroom root: the same site-relative
path `Newsroom.asset` finds and the site export copies. Derived sizes are in newscli.derive.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import re
import stat
import unicodedata
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from newscli import frontmatter
from newscli.article import Image, Summary
from newscli.errors import ArticleError, NewsError, UsageError, WriteError
from newscli.files import inside, write_atomic
from newscli.i18n import _
from newscli.newsroom import Newsroom, decode, one_line, parse_article

if TYPE_CHECKING:
    from PIL.Image import Image as PillowImage

# The widths (in pixels) the site shows a photo at; the export makes one file per width
# (never wider than the photo), and `check` asks for photos at least as wide as the last.
PHOTO_WIDTHS = (480, 960, 1600)
# Where photos are kept, under the newsroom root; never under articles/ (see Newsroom.asset).
IMAGES = "images"
# The formats newscli takes, with the suffix a copied file gets (from what it is, not its name).
PHOTO_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "AVIF": ".avif"}
# A camera file is a few MB; a 100 MB "photo" is a mistake (or a video), refused unread.
MAX_PHOTO_BYTES = 64 * 2**20
# 60 megapixels: every current camera, and far from the 3 GB a decompression bomb would
# allocate. Pillow's own limit (Image.MAX_IMAGE_PIXELS, 89 MP) is process-wide state that a
# library should not change; this one is checked from the header, before any pixel is read.
MAX_PHOTO_PIXELS = 60_000_000


class PhotoError(UsageError):
    """A file that is not a photo newscli takes (exit 2); nothing was written."""


@dataclass(frozen=True)
class PhotoFile:
    """A checked photo: its bytes as they will be copied, its format and its size as shown
    (EXIF orientation applied: a portrait taken with the camera on its side is tall)."""

    data: bytes
    format: str
    width: int
    height: int

    @property
    def suffix(self) -> str:
        return PHOTO_FORMATS[self.format]


def open_photo(data: bytes, name: str | PurePosixPath | Path) -> PillowImage:
    """The photo in data opened for reading pixels, or PhotoError naming the file: not an
    image, not one of PHOTO_FORMATS, too many pixels, or broken."""
    from PIL import Image, UnidentifiedImageError

    kinds = _("JPEG, PNG, WebP or AVIF")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(PHOTO_FORMATS))
    except UnidentifiedImageError:
        raise PhotoError(
            _("is not a photo newscli takes ({kinds})").format(kinds=kinds), name
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(
            _(
                "has more pixels than a photo can have (over {limit} megapixels: a "
                "decompression bomb?); not taken"
            ).format(limit=MAX_PHOTO_PIXELS // 10**6),
            name,
        ) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise PhotoError(_("is a broken image: {reason}").format(reason=exc), name) from None
    width, height = image.size
    if width * height > MAX_PHOTO_PIXELS:
        raise PhotoError(
            _(
                "is {width}×{height} pixels, more than {limit} megapixels (a decompression "
                "bomb?); not taken"
            ).format(width=width, height=height, limit=MAX_PHOTO_PIXELS // 10**6),
            name,
        )
    return image


def inspect_photo(data: bytes, name: str | PurePosixPath | Path) -> PhotoFile:
    """data checked to be a whole photo (Pillow verifies it and decodes every pixel, so a
    truncated file is caught here, not on the site), or PhotoError naming the file."""
    from PIL import Image

    image = open_photo(data, name)
    fmt = image.format or ""
    with decoding(image, name):
        image.verify()  # checksums (PNG) and structure, without decoding
    image = open_photo(data, name)  # verify() leaves the image unusable
    with decoding(image, name):
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
        width, height = shown_size(image)
    return PhotoFile(data=data, format=fmt, width=width, height=height)


@contextlib.contextmanager
def decoding(image: PillowImage, name: str | PurePosixPath | Path) -> Iterator[None]:
    """Work on an opened photo: whatever Pillow's decoders raise (OSError, SyntaxError …)
    becomes a PhotoError naming the file, and the image is closed in the end."""
    try:
        yield
    except PhotoError:
        raise
    except Exception as exc:
        raise PhotoError(
            _("is a broken or truncated image: {reason}").format(reason=exc), name
        ) from None
    finally:
        image.close()


def shown_size(image: PillowImage) -> tuple[int, int]:
    """(width, height) as the photo is shown: EXIF orientations 5–8 turn it a quarter."""
    orientation = image.getexif().get(0x0112, 1)  # 0x0112: Orientation (EXIF 2.32, 4.6.4)
    width, height = image.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def read_photo(path: Path, shown_as: str | None = None) -> PhotoFile:
    """The photo file at path, read once and checked (see inspect_photo); PhotoError naming
    it (as shown_as, the way the user typed it) when it cannot be read or is no photo."""
    from newscli.files import FileRefused, read_plain_file

    name = shown_as if shown_as is not None else str(path)
    too_large = _("is larger than {mb} MB, more than a photo needs; not taken")
    try:
        data = read_plain_file(path, MAX_PHOTO_BYTES, too_large.format(mb=MAX_PHOTO_BYTES // 2**20))
    except FileRefused as exc:
        raise PhotoError(exc.reason, name) from None
    return inspect_photo(data, name)


# -- placing the file --------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """Where a photo is in the newsroom (src, site-relative), and whether this run wrote it
    (False: an identical file was already there and is used as it is)."""

    src: str
    path: Path
    created: bool
    removed: tuple[str, ...] = ()  # the private metadata left out of the copy (photo_privacy)


def photo_folder(date: dt.datetime) -> PurePosixPath:
    """images/YYYY/MM: the month of the story's date as written (as articles/YYYY/MM)."""
    return PurePosixPath(IMAGES, f"{date.year:04d}", f"{date.month:02d}")


def _plain_folder(root: Path, folder: PurePosixPath) -> Path:
    """root/folder, created as needed; WriteError if any part is a symbolic link or not a
    folder (the export never publishes through a link, and newscli never writes through one)."""
    current = root
    for part in folder.parts:
        current = current / part
        try:
            mode = current.lstat().st_mode
        except FileNotFoundError:
            try:
                current.mkdir()
            except FileExistsError:
                pass
            except OSError as exc:
                raise WriteError(
                    _("cannot create the folder: {reason}").format(reason=exc.strerror or exc),
                    current,
                ) from None
            mode = current.lstat().st_mode
        except OSError as exc:
            raise WriteError(
                _("cannot use the folder: {reason}").format(reason=exc.strerror or exc), current
            ) from None
        if not stat.S_ISDIR(mode):
            raise WriteError(
                _("is a symbolic link or not a folder; photos are kept in plain folders"),
                current,
            )
    if not inside(root, current):
        raise WriteError(_("leads out of the newsroom; newscli writes only inside it"), current)
    return current


def place_photo(
    root: Path, photo: PhotoFile, date: dt.datetime, slug: str, *, keep_metadata: bool = False
) -> Placed:
    """Copy photo to images/YYYY/MM/<slug>.<ext> atomically, never over another photo: the
    first of slug, slug-2, slug-3 … that is free, or that already holds these very bytes.
    The copy leaves out where it was taken, serial numbers and the owner's name (see
    newscli.photo_privacy) unless keep_metadata: images/ is committed and shared."""
    removed: tuple[str, ...] = ()
    if not keep_metadata:
        photo, removed = _without_private_metadata(photo)
    relative = photo_folder(date)
    folder = _plain_folder(root, relative)
    number = 1
    while True:
        name = f"{slug}{photo.suffix}" if number == 1 else f"{slug}-{number}{photo.suffix}"
        target = folder / name
        src = str(relative / name)
        if _holds(target, photo.data):
            return Placed(src, target, created=False, removed=removed)
        try:
            if not target.exists() and not target.is_symlink():
                write_atomic(target, photo.data, exclusive=True)
                return Placed(src, target, created=True, removed=removed)
        except FileExistsError:
            pass
        number += 1


def _without_private_metadata(photo: PhotoFile) -> tuple[PhotoFile, tuple[str, ...]]:
    """photo without its private metadata, and what was taken out; PhotoError when its
    metadata cannot be taken apart (nothing is copied then, rather than the private parts)."""
    from newscli.photo_privacy import UnreadableMetadata, without_private_metadata

    try:
        cleaned = without_private_metadata(photo.data, photo.format)
    except UnreadableMetadata as exc:
        raise PhotoError(
            _(
                "the photo's metadata cannot be taken apart to remove its location and serial "
                "numbers ({reason}); nothing was copied (--keep-metadata copies it as it is)"
            ).format(reason=exc)
        ) from None
    return dataclasses.replace(photo, data=cleaned.data), cleaned.removed


def _holds(path: Path, data: bytes) -> bool:
    """True when path is a plain file (not a link) with exactly data in it."""
    try:
        status = path.lstat()
        if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def forget(placed: Placed) -> None:
    """Take back a photo this run copied, when the story it was for could not be written."""
    if placed.created:
        placed.path.unlink(missing_ok=True)


# -- the story's [image] -------------------------------------------------------------------------

# Words for a photo a story does not have yet: an import that found a caption, a credit or an
# alt text but no photo file (a copied page, a download that failed) keeps them in [source]
# under these keys, and `photo set` takes them when the file comes.
WAITING_WORDS = {"alt": "photo_alt", "caption": "photo_caption", "credit": "photo_credit"}


def waiting_words(story: Summary) -> dict[str, str]:
    """The photo words (alt, caption, credit) the story's [source] keeps for a photo not set."""
    extra = story.source.extra if story.source is not None else {}
    words = {}
    for word, key in WAITING_WORDS.items():
        value = extra.get(key)
        if isinstance(value, str) and value.strip():
            words[word] = value
    return words


def image_for(
    current: Image | None,
    src: str | None,
    *,
    alt: str | None = None,
    caption: str | None = None,
    credit: str | None = None,
) -> Image:
    """The [image] after a change: src (None: the current photo's), and each text given.

    A text not given is kept while the photo stays the same; with a new photo it starts empty,
    as do the unknown keys (consent, legal_basis): they described the photo that is gone (and
    stay in git's history).
    """
    same = current is not None and (src is None or src == current.src)
    if src is None:
        if current is None:
            raise UsageError(_("the story has no photo: give the photo file to set one"))
        src = current.src
    kept = current if same and current is not None else Image(src=src)

    def text(given: str | None, old: str) -> str:
        return old if given is None else one_line(given)

    return Image(
        src=src,
        alt=text(alt, kept.alt),
        caption=text(caption, kept.caption),
        credit=text(credit, kept.credit),
        extra=dict(kept.extra),
    )


def image_table(image: Image | None) -> dict[str, Any] | None:
    """[image] as TOML: empty texts left out, unknown keys kept after the known ones."""
    if image is None:
        return None
    known = {"src": image.src, "alt": image.alt, "caption": image.caption, "credit": image.credit}
    return {k: v for k, v in known.items() if v} | image.extra


def with_image(text: str, rel: PurePosixPath, image: Image | None) -> str:
    """The article text with its [image] set to image (None: taken away); every other line,
    every comment outside [image] and the body kept byte for byte."""
    meta, _body, parts = frontmatter.parse(text)
    table = image_table(image)
    try:
        if table is None:
            new = _without_key(parts, meta, "image")
        else:
            new = frontmatter.set_key(parts, meta, "image", table)
    except frontmatter.FrontMatterError as exc:
        raise ArticleError(
            _("not changed: {problem}").format(problem=exc.message), rel, exc.line
        ) from None
    if frontmatter.split(new).body != parts.body:
        raise ArticleError(_("refusing a rewrite that would change the body"), rel)
    return new


def _without_key(parts: frontmatter.Split, meta: dict[str, Any], key: str) -> str:
    """The file text without one top-level key (and its table), comments elsewhere kept."""
    if key not in meta:
        return parts.head + parts.toml + parts.tail + parts.body
    import tomllib

    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    failure = _(
        "cannot take {key!r} out of the front matter without changing anything else"
    ).format(key=key)
    expected = {k: v for k, v in meta.items() if k != key}
    try:
        doc = tomlkit.parse(parts.toml)
        if doc.as_string() != parts.toml:
            raise frontmatter.FrontMatterError(failure, frontmatter.key_line(parts, key))
        del doc[key]
        toml = doc.as_string()
        if toml.endswith("\n\n") and not parts.toml.endswith("\n\n"):
            toml = toml.rstrip("\n") + "\n"  # the blank line that set the table apart
        if tomllib.loads(toml) != expected:
            raise frontmatter.FrontMatterError(failure, frontmatter.key_line(parts, key))
    except (TOMLKitError, tomllib.TOMLDecodeError):
        raise frontmatter.FrontMatterError(failure, frontmatter.key_line(parts, key)) from None
    return parts.head + toml + parts.tail + parts.body


@dataclass(frozen=True)
class PhotoChange:
    """What `photo set|remove` did: the story's file, its [image] before and after, and the
    photo file it copied (None: none copied; an identical one was reused or none was given)."""

    path: PurePosixPath
    before: Image | None
    after: Image | None
    placed: Placed | None = None


def change_photo(
    newsroom: Newsroom,
    file: Path,
    edit: Callable[[Summary], tuple[Image | None, Placed | None]],
) -> PhotoChange:
    """Rewrite one article's [image] with what edit(article) gives (the new image and the
    photo file it copied), atomically; the copied file is taken back if the article cannot
    be written. Call it holding the newsroom lock."""
    rel = newsroom.relative(file)
    data = newsroom.read_bytes(file)
    text = decode(data, rel)
    article = parse_article(text, newsroom.site, rel)
    image, placed = edit(article)
    try:
        if image == article.image:
            return PhotoChange(rel, article.image, image, placed)
        newsroom.rewrite(file, with_image(text, rel, image), before=data)
    except BaseException:
        if placed is not None:
            forget(placed)
        raise
    return PhotoChange(rel, article.image, image, placed)


# -- check ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Concern:
    """Something wrong with a story's photo, tied to the [image] key it is about ('alt');
    a warning unless it keeps the story from being published as it should be."""

    key: str
    message: str
    warning: bool = True


@dataclass(frozen=True)
class PhotoCase:
    """What the photo rules look at: the story, its [image], and its photo file in the
    newsroom (None when src is a web address or names no file there: missing says why)."""

    story: Summary
    image: Image
    file: Path | None
    missing: str | None
    width: int | None  # as shown; None when the file is missing or cannot be read

    @property
    def is_web(self) -> bool:
        return self.image.src.startswith(("https://", "http://"))


# A photo rule; newscli.checks.RULES holds every rule check applies, these among them.
PhotoRule = Callable[[PhotoCase], Iterator[Concern]]


def file_missing(case: PhotoCase) -> Iterator[Concern]:
    if case.missing is not None:
        yield Concern(
            "src",
            # Translators: problem says what is wrong with the file: "does not exist in the
            # newsroom", "is under articles/, which is never published" …
            _("photo {src!r} {problem}; the story is published without it").format(
                src=case.image.src, problem=case.missing
            ),
        )


# Characters that show nothing of their own, besides white space: format characters (zero-width
# space, joiners, soft hyphen, direction marks, byte order mark), controls, and the fillers
# that stand for a blank (Hangul, Braille).
_UNSEEN_KINDS = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})
_FILLERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")


def shows_nothing(text: str) -> bool:
    """True for a text a reader cannot see or hear: empty, white space, or only invisible
    characters (an alt text of a zero-width space is no alt text)."""
    return all(
        c.isspace() or c in _FILLERS or unicodedata.category(c) in _UNSEEN_KINDS for c in text
    )


def no_alt_text() -> str:
    """Why a published story's photo fails WCAG 1.1.1: it has no alt text (the end of a line
    naming the story)."""
    return _(
        "the photo has no alt text (WCAG 2.1 success criterion 1.1.1): describe what it "
        "shows with `newscli photo set REF --alt TEXT`"
    )


def alt_missing(case: PhotoCase) -> Iterator[Concern]:
    if not shows_nothing(case.image.alt):
        return
    if case.story.published:
        yield Concern("alt", no_alt_text(), warning=False)
    else:
        yield Concern("alt", _("the photo needs alt text before the story is published"))


def _folded(text: str) -> str:
    """Text compared as readers hear it: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


# The files a camera, phone or scanner names (IMG_4711.jpg, DSC00012.JPG, PXL_20240101_…,
# P1010001): a word with a run of digits, or any word with a photo's suffix. A photo is copied
# under its story's name (photo_folder), so the name it came with is known only by its shape.
_PHOTO_SUFFIX = r"\.(?:jpe?g|png|gif|webp|avif|heic|heif|tiff?|bmp|dng|cr2|cr3|nef|arw|orf|rw2|raw)"
_CAMERA_NAME = re.compile(rf"[^\s/\\]*\d{{3,}}[^\s/\\]*|[^\s/\\]+{_PHOTO_SUFFIX}", re.IGNORECASE)


def is_file_name(alt: str, src: str) -> bool:
    """True for an alt text that is only a file name: the photo's own (src) or the one a
    camera gave it (WCAG 2.1 failure F30)."""
    folded = _folded(alt)
    name = PurePosixPath(src.split("?", 1)[0]).name
    if folded in (_folded(name), _folded(PurePosixPath(name).stem)):
        return True
    return _CAMERA_NAME.fullmatch(alt.strip()) is not None


def alt_repeats(case: PhotoCase) -> Iterator[Concern]:
    alt = _folded(case.image.alt)
    if not alt:
        return
    if is_file_name(case.image.alt, case.image.src):
        # WCAG 2.1 failure F30: a file name is no text alternative.
        yield Concern(
            "alt",
            _("the alt text is only the file name: describe what the photo shows"),
            warning=not case.story.published,
        )
    elif alt == _folded(case.image.caption):
        yield Concern(
            "alt",
            _(
                "the alt text only repeats the caption (screen readers read both): describe "
                "what the photo shows"
            ),
        )


def credit_missing(case: PhotoCase) -> Iterator[Concern]:
    if case.image.caption.strip() and not case.image.credit.strip():
        yield Concern("caption", _("the photo has a caption but no credit (who took it?)"))


def too_small(case: PhotoCase) -> Iterator[Concern]:
    largest = PHOTO_WIDTHS[-1]
    if case.width is not None and case.width < largest:
        yield Concern(
            "src",
            _(
                "photo {src!r} is {width} px wide; the site shows photos up to {largest} px, so "
                "it will look soft on large screens"
            ).format(src=case.image.src, width=case.width, largest=largest),
        )


def photo_case(newsroom: Newsroom, story: Summary) -> PhotoCase | None:
    """The PhotoCase of a story with a photo (None without one): its file found the way the
    export finds it (Newsroom.asset), and its width read from the file's header."""
    image = story.image
    if image is None:
        return None
    if image.src.startswith(("https://", "http://")):
        return PhotoCase(story, image, None, None, None)
    try:
        file = newsroom.asset(image.src)
    except NewsError as refused:
        return PhotoCase(story, image, None, refused.message, None)
    if file is None:
        return PhotoCase(story, image, None, _("does not exist in the newsroom"), None)
    return PhotoCase(story, image, file, None, _width(file))


def _width(file: Path) -> int | None:
    """The shown width from the file's header (no pixels decoded); None if it is no photo."""
    size = shown_size_of(file)
    return None if size is None else size[0]


def shown_size_of(file: Path) -> tuple[int, int] | None:
    """(width, height) as shown, from the file's header (no pixels decoded); None for a file
    that is no image Pillow reads (an SVG, a broken file)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                return shown_size(image)
    except Exception:  # not an image, or unreadable: the export says so when it copies it
        return None


def replace_image(story: Summary, image: Image | None) -> Summary:
    """story with another [image] (to run the rules on a change before it is written)."""
    return dataclasses.replace(story, image=image)


# -- the commands' core ------------------------------------------------------------------------


def set_photo(
    newsroom: Newsroom,
    file: Path,
    photo: PhotoFile | None,
    *,
    alt: str | None = None,
    caption: str | None = None,
    credit: str | None = None,
    wait: Callable[[], None] | None = None,
    keep_metadata: bool = False,
) -> PhotoChange:
    """Give the story in file a photo (copied next to its date, see place_photo) and/or new
    texts for it, under the newsroom lock; nothing is written when anything fails."""
    from newscli.lock import NewsroomLock

    def edit(story: Summary) -> tuple[Image | None, Placed | None]:
        placed = (
            None
            if photo is None
            else place_photo(
                newsroom.root, photo, story.date, story.slug, keep_metadata=keep_metadata
            )
        )
        try:
            src = None if placed is None else placed.src
            image = image_for(story.image, src, alt=alt, caption=caption, credit=credit)
        except BaseException:
            if placed is not None:
                forget(placed)
            raise
        return image, placed

    with NewsroomLock(newsroom.root, wait=wait):
        return change_photo(newsroom, file, edit)


def remove_photo(
    newsroom: Newsroom, file: Path, wait: Callable[[], None] | None = None
) -> PhotoChange:
    """Take the photo off the story in file: [image] goes, the photo file stays."""
    from newscli.lock import NewsroomLock

    with NewsroomLock(newsroom.root, wait=wait):
        return change_photo(newsroom, file, lambda story: (None, None))


def place_for_new(
    newsroom: Newsroom,
    photo: PhotoFile,
    date: dt.datetime,
    slug: str,
    *,
    keep_metadata: bool = False,
) -> Placed:
    """Copy the photo of a story `new` is about to write, under the newsroom lock."""
    from newscli.lock import NewsroomLock

    with NewsroomLock(newsroom.root):
        return place_photo(newsroom.root, photo, date, slug, keep_metadata=keep_metadata)
