"""Photos made by the tests themselves, as a camera would write them: EXIF with a GPS
position, a camera serial, a time and an orientation; XMP; and an ICC colour profile."""

from __future__ import annotations

import io
import struct

from PIL import Image

# EXIF tags (EXIF 2.32): in IFD0, the Exif IFD and the GPS IFD.
ORIENTATION = 0x0112
MAKE = 0x010F
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATE_TIME_ORIGINAL = 0x9003
BODY_SERIAL = 0xA431
SERIAL = "SN-4711-SECRET"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="65,19.0N"/></rdf:RDF></x:xmpmeta>'
)


def exif_bytes(orientation: int = 1) -> bytes:
    """EXIF as a phone writes it: where (Piteå), when, which camera, and which way up."""
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "Kamera AB"
    details = exif.get_ifd(EXIF_IFD)
    details[DATE_TIME_ORIGINAL] = "2022:03:14 09:26:53"
    details[BODY_SERIAL] = SERIAL
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (65.0, 19.0, 0.0)
    gps[3] = "E"
    gps[4] = (21.0, 29.0, 0.0)
    return exif.tobytes()


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def swapped_profile() -> bytes:
    """An ICC v2 RGB profile whose red and green colorants are sRGB's green and red: a pixel
    stored as pure red is green once converted to sRGB, which makes conversion visible."""
    red, green, blue = (0.3851, 0.7169, 0.0971), (0.4361, 0.2225, 0.0139), (0.1431, 0.0606, 0.7141)

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ " + bytes(4) + b"".join(_s15(v) for v in values)

    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0233) + bytes(2)  # gamma 2.2
    text = b"Swapped RGB\0"
    desc = b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(4 + 4 + 2 + 1 + 67)
    tags = [
        (b"desc", desc),
        (b"cprt", b"text" + bytes(4) + b"tests\0"),
        (b"wtpt", xyz((0.9642, 1.0, 0.8249))),
        (b"rXYZ", xyz(red)),
        (b"gXYZ", xyz(green)),
        (b"bXYZ", xyz(blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        while len(body) % 4:
            body += b"\0"
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + bytes(4)
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2022, 3, 14, 9, 26, 53)
        + b"acsp"
        + bytes(4 + 4 + 4 + 4 + 8 + 4)
        + _s15(0.9642)
        + _s15(1.0)
        + _s15(0.8249)
        + bytes(4 + 16 + 28)
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def camera_photo(
    width: int = 2000,
    height: int = 1500,
    *,
    orientation: int = 1,
    profile: bytes | None = None,
    format: str = "JPEG",
    colour: tuple[int, int, int] | None = None,
) -> bytes:
    """A photo as a camera writes it: top half red, bottom half blue (so a turn shows), or
    all one colour; with EXIF (GPS, serial, time, orientation), XMP and, if given, a profile."""
    image = Image.new("RGB", (width, height), colour or (255, 0, 0))
    if colour is None:
        image.paste((0, 0, 255), (0, height // 2, width, height))
    out = io.BytesIO()
    options: dict[str, object] = {"exif": exif_bytes(orientation), "xmp": XMP}
    if profile is not None:
        options["icc_profile"] = profile
    if format == "JPEG":
        options["quality"] = 90
    image.save(out, format, **options)
    return out.getvalue()
