"""The private metadata taken out of a photo's kept copy, in each format newscli rewrites:
only the metadata changes, the pixels and the orientation and colour profile stay."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from newscli.photo_privacy import (
    IPTC,
    LOCATION,
    SERIAL,
    XMP,
    UnreadableMetadata,
    without_private_metadata,
)
from tests.support.photos import SERIAL as SERIAL_NUMBER
from tests.support.photos import camera_photo, swapped_profile


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP", "AVIF"])
def test_gps_and_serial_go_and_pixels_orientation_and_profile_stay(kind: str) -> None:
    original = camera_photo(120, 80, orientation=6, profile=swapped_profile(), format=kind)
    cleaned = without_private_metadata(original, kind)
    assert LOCATION in cleaned.removed and SERIAL in cleaned.removed
    assert SERIAL_NUMBER.encode() not in cleaned.data
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(cleaned.data)) as after:
        assert after.format == kind
        exif = after.getexif()
        assert 0x8825 not in exif and exif[0x0112] == 6
        assert after.info["icc_profile"] == before.info["icc_profile"]
        assert after.tobytes() == before.tobytes()


def test_an_avif_is_rewritten_in_place_so_no_offset_moves() -> None:
    original = camera_photo(120, 80, orientation=6, format="AVIF")
    cleaned = without_private_metadata(original, "AVIF").data
    assert len(cleaned) == len(original)
    assert b"GPSLatitude" in original and b"GPSLatitude" not in cleaned
    assert cleaned[: original.index(b"mdat")] == original[: original.index(b"mdat")]


def test_a_photo_without_private_metadata_is_left_byte_for_byte() -> None:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    assert without_private_metadata(out.getvalue(), "JPEG").data == out.getvalue()
    assert without_private_metadata(out.getvalue(), "JPEG").removed == ()


def test_iptc_and_xmp_segments_of_a_jpeg_are_dropped_whole() -> None:
    original = camera_photo(40, 30)
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10\x1c\x02\x50\x00\x0bAnna Anders"
    segment = b"\xff\xed" + (len(iptc) + 2).to_bytes(2, "big") + iptc
    with_iptc = original[:2] + segment + original[2:]
    cleaned = without_private_metadata(with_iptc, "JPEG")
    assert IPTC in cleaned.removed and XMP in cleaned.removed
    assert b"Anna Anders" not in cleaned.data and b"xmpmeta" not in cleaned.data


def test_a_jpeg_whose_segments_cannot_be_followed_is_refused_not_copied() -> None:
    broken = b"\xff\xd8\xff\xe1\xff\xff" + bytes(10)
    with pytest.raises(UnreadableMetadata):
        without_private_metadata(broken, "JPEG")
