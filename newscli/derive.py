"""Derived photos for the site: every size the layout needs, in WebP with a JPEG fallback,
turned the way the camera meant, in sRGB, with no metadata left (no GPS position, camera
serial or time); the same photo gives the same bytes, and each is made once.

`derive_photo` is the pure step (bytes in, variants out). `PhotoCache` keeps its results in
.newscli/photos/, keyed by the photo's bytes and the encoder settings, so a re-export encodes
nothing that has not changed; `derive_all` runs the misses on every core, a bounded number
at a time, so memory does not grow with the number of photos. Why WebP and not AVIF, and the
numbers behind it, are in docs/photos.md.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import io
import json
import multiprocessing as mp
import os
import stat
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newscli.errors import NewsError
from newscli.files import write_atomic
from newscli.i18n import _
from newscli.newsroom import STATE, state_folder
from newscli.photos import PHOTO_WIDTHS, PhotoError, decoding, open_photo

if TYPE_CHECKING:
    from PIL.Image import Image as PillowImage

# Bump when anything below changes what the encoders write: every cached photo is made anew.
ENCODER_VERSION = 1
# (format, Pillow's name, suffix, media type, settings). WebP first: browsers take the first
# <source> they can show; JPEG is what every other reader (feeds, mail) shows.
ENCODINGS: tuple[tuple[str, str, str, str, dict[str, Any]], ...] = (
    ("webp", "WEBP", ".webp", "image/webp", {"quality": 80, "method": 4}),
    (
        "jpeg",
        "JPEG",
        ".jpg",
        "image/jpeg",
        {"quality": 82, "optimize": True, "progressive": True, "subsampling": "4:2:0"},
    ),
)
CACHE = "photos"  # under .newscli/


_ENCODING = {encoding[0]: encoding for encoding in ENCODINGS}


class _Encoded:
    """What a derived file's format says: its media type and its file suffix."""

    format: str

    @property
    def media_type(self) -> str:
        return _ENCODING[self.format][3]

    @property
    def suffix(self) -> str:
        return _ENCODING[self.format][2]


@dataclass(frozen=True)
class Variant(_Encoded):
    """One derived file: its size in pixels, its format ('webp' or 'jpeg') and its bytes."""

    width: int
    height: int
    format: str
    data: bytes


def variant_widths(width: int, widths: Iterable[int] = PHOTO_WIDTHS) -> tuple[int, ...]:
    """The widths a photo width pixels wide is made in: each of widths it is wider than,
    and its own width in place of those it is not (never upscaled: a 1200 px photo gives
    480, 960 and 1200; a 300 px one gives 300)."""
    chosen = sorted({w for w in widths if w < width})
    if any(w >= width for w in widths):
        chosen.append(width)
    return tuple(chosen)


def derive_photo(
    source: bytes, name: str = "photo", widths: Iterable[int] = PHOTO_WIDTHS
) -> list[Variant]:
    """Every variant of the photo in source: for each of variant_widths, a WebP and a JPEG,
    EXIF orientation applied, colours converted to sRGB, and no metadata at all (no EXIF,
    XMP, ICC profile or comment). PhotoError naming name when source is no photo."""
    image = open_photo(source, name)
    with decoding(image, name):
        return _derive(image, tuple(widths))


def _derive(image: PillowImage, widths: tuple[int, ...]) -> list[Variant]:
    from PIL import Image

    orientation = image.getexif().get(0x0112, 1)
    turned = orientation in (5, 6, 7, 8)
    width, height = image.size[::-1] if turned else image.size
    sizes = [(w, max(1, round(height * w / width))) for w in variant_widths(width, widths)]
    largest = sizes[-1]
    if image.format == "JPEG":
        # Decode at 1/2, 1/4 or 1/8 scale when the largest size allows (a 24 MP photo for a
        # 1600 px page): four to sixty times less memory and time, and deterministic.
        image.draft(None, largest[::-1] if turned else largest)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image.load()
    base = _as_srgb(_turned(image))
    variants = []
    for w, h in sizes:
        sized = base if base.size == (w, h) else base.resize((w, h), Image.Resampling.LANCZOS)
        sized.info = {}  # nothing of the source's metadata may reach a file
        for fmt, pillow_name, _suffix, _type, settings in ENCODINGS:
            out = io.BytesIO()
            sized.save(out, pillow_name, exif=b"", **settings)
            variants.append(Variant(w, h, fmt, out.getvalue()))
    return variants


def _turned(image: PillowImage) -> PillowImage:
    from PIL import ImageOps

    turned = ImageOps.exif_transpose(image)
    return image if turned is None else turned


def _as_srgb(image: PillowImage) -> PillowImage:
    """image as 8-bit RGB in sRGB: converted through its ICC profile when it has one (a
    camera's Adobe RGB or Display P3), transparency laid on white (the page's colour)."""
    from PIL import Image, ImageCms

    icc = image.info.get("icc_profile")
    if image.mode.startswith("I") or image.mode == "F":  # 16-bit grey (PNG): to 8 bits
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    elif image.mode == "1":
        image = image.convert("L")
    elif image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    alpha = image.mode in ("RGBA", "LA", "PA")
    if icc and image.mode in ("RGB", "RGBA", "L", "CMYK"):
        # A broken profile: the pixels are taken as sRGB, as a browser would take them.
        with contextlib.suppress(ImageCms.PyCMSError, OSError, ValueError, TypeError):
            image = (
                ImageCms.profileToProfile(
                    image,
                    ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                    ImageCms.createProfile("sRGB"),
                    renderingIntent=ImageCms.Intent.PERCEPTUAL,
                    outputMode="RGBA" if alpha else "RGB",
                )
                or image
            )
    if image.mode in ("RGBA", "LA", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    return image.convert("RGB") if image.mode != "RGB" else image


# -- the cache ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Derived(_Encoded):
    """A derived file in the cache: what Variant is, with a path instead of the bytes (the
    export copies it; memory holds none of them)."""

    width: int
    height: int
    format: str
    path: Path
    size: int  # bytes, for a feed's enclosure length


def settings_key() -> str:
    """What the encoders are: ENCODER_VERSION, the settings, the widths and Pillow's version
    (another libwebp may write other bytes). Part of every cache key."""
    import PIL

    described = {
        "version": ENCODER_VERSION,
        "encodings": [[fmt, settings] for fmt, _name, _suffix, _type, settings in ENCODINGS],
        "widths": list(PHOTO_WIDTHS),
        "pillow": PIL.__version__,
    }
    return json.dumps(described, sort_keys=True)


class PhotoCache:
    """Derived photos kept in .newscli/photos/, one folder per (photo bytes, settings).

    A photo's hash is remembered by its file's path, size, mtime and inode, so a re-export
    reads no photo that has not changed. An entry is complete when its manifest.json is
    there (written last); two exports writing one entry write the same bytes.
    """

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / STATE / CACHE
        self.settings = hashlib.sha256(settings_key().encode()).hexdigest()

    def key(self, source: Path) -> str:
        """The cache key of source: its bytes' hash with the settings."""
        return hashlib.sha256(f"{self.settings}:{self._content_hash(source)}".encode()).hexdigest()

    def _content_hash(self, source: Path) -> str:
        status = source.stat()
        if not stat.S_ISREG(status.st_mode):
            raise PhotoError(_("is not a plain file"), source)
        seen = [str(source.resolve()), status.st_size, status.st_mtime_ns, status.st_ino]
        memo = self.folder / "sources" / f"{hashlib.sha256(repr(seen).encode()).hexdigest()}"
        try:
            remembered = memo.read_text(encoding="ascii")
            if len(remembered) == 64:
                return remembered
        except (OSError, UnicodeDecodeError):
            pass
        digest = hashlib.sha256()
        with source.open("rb") as handle:
            for chunk in iter(lambda: handle.read(2**20), b""):
                digest.update(chunk)
        found = digest.hexdigest()
        self._write(memo, found.encode("ascii"))
        return found

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def lookup(self, source: Path) -> list[Derived] | None:
        """The cached variants of source, or None when they have not been made yet."""
        return self._read(self._entry(self.key(source)))

    def _read(self, entry: Path) -> list[Derived] | None:
        try:
            manifest = json.loads((entry / "manifest.json").read_text(encoding="utf-8"))
            found = [
                Derived(v["width"], v["height"], v["format"], entry / v["file"], v["size"])
                for v in manifest
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not all(_has_size(d.path, d.size) for d in found):
            return None
        return found

    def derive(self, source: Path) -> list[Derived]:
        """The variants of source, from the cache or made now and kept there."""
        key = self.key(source)
        entry = self._entry(key)
        cached = self._read(entry)
        if cached is not None:
            return cached
        data = source.read_bytes()
        variants = derive_photo(data, str(source))
        made = []
        for variant in variants:
            name = f"{variant.width}{variant.suffix}"
            self._write(entry / name, variant.data)
            made.append(
                Derived(
                    variant.width, variant.height, variant.format, entry / name, len(variant.data)
                )
            )
        manifest = [
            {
                "width": d.width,
                "height": d.height,
                "format": d.format,
                "file": d.path.name,
                "size": d.size,
            }
            for d in made
        ]
        self._write(entry / "manifest.json", json.dumps(manifest, indent=1).encode("utf-8"))
        return made

    def _write(self, path: Path, data: bytes) -> None:
        state_folder(self.root)  # refuses a .newscli that leads out of the newsroom
        path.parent.mkdir(parents=True, exist_ok=True)
        # Not durable: the cache is never the truth, and the next export makes it again.
        write_atomic(path, data, durable=False)


def _has_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False


# -- on every core -----------------------------------------------------------------------------


def _derive_in_worker(root: str, source: str) -> tuple[list[Derived] | None, str | None]:
    """derive() in a worker process; an error goes back as its message (exceptions with a
    path do not survive pickling whole)."""
    try:
        return PhotoCache(Path(root)).derive(Path(source)), None
    except NewsError as exc:
        return None, exc.message
    except OSError as exc:
        return None, cannot_read(exc)


def derive_all(
    root: Path, sources: Iterable[Path], workers: int | None = None
) -> Iterator[tuple[Path, list[Derived] | NewsError]]:
    """The variants of every source photo (or the error that kept one from being made), in
    the order given; cached ones straight from the cache, the rest encoded on every core
    (workers: how many processes; 1 encodes in this process).

    At most two photos per worker are in flight, and workers are renewed now and then, so
    memory stays that of a few photos however many there are.
    """
    cache = PhotoCache(root)
    todo: list[Path] = []
    done: dict[Path, list[Derived] | NewsError] = {}
    order: list[Path] = []
    for source in sources:
        order.append(source)
        try:
            cached = cache.lookup(source)
        except OSError as exc:
            done[source] = PhotoError(cannot_read(exc), source)
            continue
        except NewsError as exc:
            done[source] = exc
            continue
        if cached is None:
            todo.append(source)
        else:
            done[source] = cached
    count = workers or os.cpu_count() or 1
    for source, result in _encode(root, todo, count):
        done[source] = result
    for source in order:
        yield source, done[source]


def _encode(
    root: Path, todo: list[Path], workers: int
) -> Iterator[tuple[Path, list[Derived] | NewsError]]:
    """Encode todo with workers processes (in this one when workers or todo are few)."""
    if workers <= 1 or len(todo) <= 1:
        for source in todo:
            yield source, _result(source, *_derive_in_worker(str(root), str(source)))
        return
    # Not fork: the caller may have threads (the export's writers) whose locks a fork copies.
    methods = mp.get_all_start_methods()
    context = mp.get_context("forkserver" if "forkserver" in methods else "spawn")
    queue = iter(todo)
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=min(workers, len(todo)), mp_context=context, max_tasks_per_child=32
    ) as pool:
        running: dict[concurrent.futures.Future[Any], Path] = {}
        for source in queue:
            running[pool.submit(_derive_in_worker, str(root), str(source))] = source
            if len(running) >= 2 * workers:
                break
        while running:
            finished, _pending = concurrent.futures.wait(
                running, return_when=concurrent.futures.FIRST_COMPLETED
            )
            for future in finished:
                source = running.pop(future)
                yield source, _result(source, *future.result())
                following = next(queue, None)
                if following is not None:
                    running[pool.submit(_derive_in_worker, str(root), str(following))] = following


def _result(
    source: Path, found: list[Derived] | None, problem: str | None
) -> list[Derived] | NewsError:
    if found is not None:
        return found
    return PhotoError(problem or not_made(), source)


def cannot_read(exc: OSError) -> str:
    """Why a photo could not be read."""
    return _("cannot read the photo: {reason}").format(reason=exc.strerror or exc)


def not_made() -> str:
    """Why a photo is not on the site when it gave no sizes."""
    return _("could not be made into the site's sizes")
