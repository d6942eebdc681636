"""What a photo says about the person who took it, taken out of the copy kept in images/:
the GPS position, the camera's and lens's serial numbers, the owner's and artist's name, the
maker's notes, the EXIF thumbnail (it can show what a crop took away), XMP and IPTC.

Only the metadata is rewritten (JPEG APP segments, PNG chunks, WebP chunks; an AVIF's Exif
and XMP items in place, padded to their own length, so no offset moves); the compressed
pixels are copied byte for byte, so the photo is not re-encoded and looks exactly
as it did. The orientation, the colour profile (ICC), the time and the camera's make and
model are kept. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from newscli.i18n import N_, _

# What was found and taken out, in the order a note names them (translated when shown).
LOCATION = N_("location (GPS)")
SERIAL = N_("camera serial numbers")
OWNER = N_("owner's name")
MAKER_NOTES = N_("maker notes")
THUMBNAIL = N_("EXIF thumbnail")
XMP = N_("XMP")
IPTC = N_("IPTC")
ORDER = (LOCATION, SERIAL, OWNER, MAKER_NOTES, THUMBNAIL, XMP, IPTC)

# EXIF tags (EXIF 2.32, TIFF 6.0, DNG 1.6, Microsoft's XP tags).
_EXIF_IFD, _GPS_IFD, _INTEROP_IFD = 0x8769, 0x8825, 0xA005
_ORIENTATION = 0x0112
_PRIVATE_IN_IFD0 = {0x013B: OWNER, 0x9C9D: OWNER, 0xC62F: SERIAL}  # Artist, XPAuthor, CameraSerial
_PRIVATE_IN_EXIF = {
    0xA430: OWNER,  # CameraOwnerName
    0xA431: SERIAL,  # BodySerialNumber
    0xA435: SERIAL,  # LensSerialNumber
    0xA420: SERIAL,  # ImageUniqueID: some cameras put their serial in it
    0x927C: MAKER_NOTES,  # MakerNote: the maker's own, undocumented and often with a serial
}
_EXIF_HEADER = b"Exif\x00\x00"
_XMP_HEADERS = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
_IPTC_HEADER = b"Photoshop 3.0\x00"


class UnreadableMetadata(ValueError):
    """The photo's metadata could not be taken apart safely (so nothing was rewritten)."""


@dataclass(frozen=True)
class Cleaned:
    """A photo's bytes without its private metadata, and what was taken out (ORDER's words)."""

    data: bytes
    removed: tuple[str, ...]


def without_private_metadata(data: bytes, format: str) -> Cleaned:
    """data (a JPEG, PNG, WebP or AVIF, as Pillow named its format) with the private metadata
    taken out and its pixels untouched; other formats are returned as they are.
    UnreadableMetadata when the file's structure cannot be followed."""
    removed: set[str] = set()
    try:
        if format == "JPEG":
            cleaned = _jpeg(data, removed)
        elif format == "PNG":
            cleaned = _png(data, removed)
        elif format == "WEBP":
            cleaned = _webp(data, removed)
        elif format == "AVIF":
            cleaned = _avif(data, removed)
        else:
            return Cleaned(data, ())
    except (IndexError, struct.error, ValueError) as exc:
        raise UnreadableMetadata(str(exc)) from None
    return Cleaned(cleaned, tuple(word for word in ORDER if word in removed))


def removed_words(removed: tuple[str, ...]) -> str:
    """What was removed, as one translated list ("location (GPS), maker notes")."""
    return ", ".join(_(word) for word in removed)


# -- EXIF ----------------------------------------------------------------------------------------


def _exif(payload: bytes, removed: set[str]) -> bytes | None:
    """The EXIF (TIFF bytes, with or without the Exif header, kept as it came) without the
    private tags; None when nothing is left worth keeping."""
    from PIL import ExifTags, Image

    header = _EXIF_HEADER if payload.startswith(_EXIF_HEADER) else b""
    original = Image.Exif()
    original.load(payload)
    found: set[str] = set()
    if _GPS_IFD in original:
        found.add(LOCATION)
    if original.get_ifd(ExifTags.IFD.IFD1):  # the thumbnail, which Exif.tobytes leaves out
        found.add(THUMBNAIL)
    kept = Image.Exif()
    for tag, value in original.items():
        if tag in _PRIVATE_IN_IFD0:
            found.add(_PRIVATE_IN_IFD0[tag])
        elif tag not in (_EXIF_IFD, _GPS_IFD):
            kept[tag] = value
    if _EXIF_IFD in original:
        details: dict[int, Any] = {}
        for tag, value in original.get_ifd(_EXIF_IFD).items():
            if tag in _PRIVATE_IN_EXIF:
                found.add(_PRIVATE_IN_EXIF[tag])
            elif tag == _INTEROP_IFD:
                interop = original.get_ifd(_INTEROP_IFD)
                if interop:
                    details[tag] = interop
            else:
                details[tag] = value
        if details:
            kept[_EXIF_IFD] = details
    if not found:
        return payload
    removed |= found
    if not kept:
        return None
    return header + kept.tobytes()[len(_EXIF_HEADER) :]


# -- JPEG: segments before the first scan (ITU T.81, B.1.1) ---------------------------------------


def _jpeg_segments(data: bytes) -> Iterator[tuple[int, bytes, bytes]]:
    """(marker, payload, whole segment) for each marker segment before the first scan; then
    (0xDA, b"", the rest of the file from the scan's marker on)."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("no JPEG start of image")
    pos = 2
    while True:
        if data[pos] != 0xFF:
            raise ValueError(f"no marker at byte {pos}")
        start = pos
        while data[pos + 1] == 0xFF:  # fill bytes before a marker (B.1.1.2)
            pos += 1
        marker = data[pos + 1]
        if marker in (0xDA, 0xD9):  # start of scan, or end of image: the rest as it is
            yield marker, b"", data[start:]
            return
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            yield marker, b"", data[start : pos + 2]
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise ValueError(f"a segment at byte {pos} runs past the end")
        yield marker, data[pos + 4 : pos + 2 + length], data[start : pos + 2 + length]
        pos += 2 + length


def _jpeg(data: bytes, removed: set[str]) -> bytes:
    out = [b"\xff\xd8"]
    for marker, payload, segment in _jpeg_segments(data):
        if marker == 0xE1 and payload.startswith(_EXIF_HEADER):
            exif = _exif(payload, removed)
            if exif is None:
                continue
            if exif is not payload:
                segment = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
        elif marker == 0xE1 and payload.startswith(_XMP_HEADERS):
            removed.add(XMP)
            continue
        elif marker == 0xED and payload.startswith(_IPTC_HEADER):
            removed.add(IPTC)
            continue
        out.append(segment)
    return b"".join(out)


# -- PNG: chunks (PNG 3rd edition, 5.3 and 11.3) --------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(data: bytes, removed: set[str]) -> bytes:
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("no PNG signature")
    out = [_PNG_SIGNATURE]
    pos = len(_PNG_SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise ValueError(f"a chunk at byte {pos} runs past the end")
        body, chunk = data[pos + 8 : pos + 8 + length], data[pos:end]
        pos = end
        if kind == b"eXIf":
            exif = _exif(body, removed)
            if exif is None:
                continue
            if exif is not body:
                chunk = _png_chunk(kind, exif)
        elif kind in (b"tEXt", b"zTXt", b"iTXt"):
            keyword = body.split(b"\x00", 1)[0]
            if keyword == b"XML:com.adobe.xmp":
                removed.add(XMP)
                continue
            if keyword.startswith(b"Raw profile type"):  # ImageMagick's EXIF, XMP or IPTC
                removed.add(IPTC if b"iptc" in keyword.lower() else XMP)
                continue
            if keyword == b"Author":
                removed.add(OWNER)
                continue
        out.append(chunk)
        if kind == b"IEND":
            break
    return b"".join(out)


# -- WebP: RIFF chunks (RFC 9649, 2.7) ----------------------------------------------------------

_VP8X_EXIF, _VP8X_XMP = 0x08, 0x04


def _webp_chunk(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


def _webp(data: bytes, removed: set[str]) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("no WebP header")
    chunks: list[tuple[bytes, bytes]] = []
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        if pos + 8 + length > len(data):
            raise ValueError(f"a chunk at byte {pos} runs past the end")
        chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 8 + length + (length % 2)
    if not any(kind in (b"EXIF", b"XMP ") for kind, _body in chunks):
        return data
    kept: list[tuple[bytes, bytes]] = []
    for kind, body in chunks:
        if kind == b"EXIF":
            exif = _exif(body, removed)
            if exif is None:
                continue
            body = exif
        elif kind == b"XMP ":
            removed.add(XMP)
            continue
        kept.append((kind, body))
    kinds = {kind for kind, _body in kept}
    rebuilt = []
    for kind, body in kept:
        if kind == b"VP8X":
            flags = body[0]
            if b"EXIF" not in kinds:
                flags &= ~_VP8X_EXIF
            if b"XMP " not in kinds:
                flags &= ~_VP8X_XMP
            body = bytes([flags]) + body[1:]
        rebuilt.append(_webp_chunk(kind, body))
    rest = b"WEBP" + b"".join(rebuilt)
    return b"RIFF" + struct.pack("<I", len(rest)) + rest


# -- AVIF: items of the ISO base media file format (ISO/IEC 14496-12 8.11, 23008-12) ---------

# An XMP packet that says nothing, for an XMP item emptied in place (XMP part 1, 7.3: the
# packet may be padded with white space to keep its length).
_EMPTY_XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"/>',
    b'<?xpacket end="w"?>',
)


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, where its contents start, where it ends) for each box from start to end."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            (size,) = struct.unpack(">Q", data[pos + 8 : pos + 16])
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise ValueError(f"a box at byte {pos} runs past its end")
        yield kind, pos + header, pos + size
        pos += size


def _number(data: bytes, pos: int, size: int) -> int:
    return int.from_bytes(data[pos : pos + size], "big")


def _item_kinds(data: bytes, start: int, end: int) -> dict[int, tuple[bytes, bytes]]:
    """Each item's (type, content type) from an 'iinf' box's contents."""
    pos = start + 4 + (2 if data[start] == 0 else 4)
    kinds = {}
    for kind, body, box_end in _boxes(data, pos, end):
        version = data[body]
        if kind != b"infe" or version < 2:
            continue
        size = 2 if version == 2 else 4
        item = _number(data, body + 4, size)
        at = body + 4 + size + 2  # after the item's protection index
        item_type = data[at : at + 4]
        at = data.index(b"\x00", at + 4, box_end) + 1  # after its name
        content = data[at : data.index(b"\x00", at, box_end)] if item_type == b"mime" else b""
        kinds[item] = (item_type, content)
    return kinds


def _item_places(data: bytes, start: int, end: int) -> dict[int, list[tuple[int, int]]]:
    """Each item's extents (offset in the file, length) from an 'iloc' box's contents; an
    item kept elsewhere than in the file's bytes (an 'idat') is left out."""
    version = data[start]
    pos = start + 4
    offset_size, length_size = data[pos] >> 4, data[pos] & 15
    base_size, index_size = data[pos + 1] >> 4, (data[pos + 1] & 15) if version else 0
    pos += 2
    wide = 4 if version == 2 else 2
    count = _number(data, pos, wide)
    pos += wide
    places = {}
    for _item in range(count):
        item = _number(data, pos, wide)
        pos += wide
        method = 0
        if version in (1, 2):
            method = _number(data, pos, 2) & 15
            pos += 2
        pos += 2  # data reference index
        base = _number(data, pos, base_size)
        pos += base_size
        extents = []
        for _extent in range(_number(data, pos, 2)):
            at = pos + 2 + index_size
            offset = _number(data, at, offset_size)
            length = _number(data, at + offset_size, length_size)
            extents.append((base + offset, length))
            pos += index_size + offset_size + length_size
        pos += 2
        if pos > end:
            raise ValueError("the item locations run past their box")
        if method == 0:
            places[item] = extents
    return places


def _avif(data: bytes, removed: set[str]) -> bytes:
    meta = next(((s, e) for kind, s, e in _boxes(data, 0, len(data)) if kind == b"meta"), None)
    if meta is None:
        return data
    kinds: dict[int, tuple[bytes, bytes]] = {}
    places: dict[int, list[tuple[int, int]]] = {}
    for kind, start, end in _boxes(data, meta[0] + 4, meta[1]):
        if kind == b"iinf":
            kinds = _item_kinds(data, start, end)
        elif kind == b"iloc":
            places = _item_places(data, start, end)
    out = bytearray(data)
    for item, (item_type, content) in kinds.items():
        is_xmp = item_type == b"mime" and content == b"application/rdf+xml"
        if item_type != b"Exif" and not is_xmp:
            continue
        if item not in places:
            raise ValueError("an Exif or XMP item kept outside the file's bytes")
        extents = places[item]
        payload = b"".join(data[offset : offset + length] for offset, length in extents)
        if is_xmp:
            removed.add(XMP)
            padding = len(payload) - len(_EMPTY_XMP[0]) - len(_EMPTY_XMP[1])
            if padding < 0:
                raise ValueError("an XMP item too short to empty in place")
            new = _EMPTY_XMP[0] + b" " * padding + _EMPTY_XMP[1]
        else:
            skip = 4 + _number(payload, 0, 4)  # the offset to the TIFF header (HEIF A.2.1)
            tiff = payload[skip:]
            exif = _exif(tiff, removed)
            if exif is tiff:
                continue
            new = payload[:skip] + (exif if exif is not None else _EMPTY_TIFF)
            if len(new) > len(payload):
                raise ValueError("the Exif item grew when taken apart")
            new += bytes(len(payload) - len(new))
        at = 0
        for offset, length in extents:
            out[offset : offset + length] = new[at : at + length]
            at += length
    return bytes(out)


# A TIFF header with one empty IFD: EXIF that says nothing.
_EMPTY_TIFF = b"MM\x00*\x00\x00\x00\x08" + bytes(6)
