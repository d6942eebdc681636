"""Derived photos: turned as the camera meant, sRGB, no metadata, never upscaled, the same
bytes every time, made once and kept in .newscli/photos/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from newscli.derive import PhotoCache, derive_all, derive_photo, variant_widths
from newscli.photos import PHOTO_WIDTHS, PhotoError
from tests.support.photos import SERIAL, camera_photo, swapped_profile


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_camera_photo_loses_its_gps_serial_time_xmp_and_profile() -> None:
    source = camera_photo(orientation=6, profile=swapped_profile())
    assert SERIAL.encode() in source and b"GPSLatitude" in source
    for variant in derive_photo(source):
        image = opened(variant.data)
        assert not image.getexif()
        assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(image.info)
        assert SERIAL.encode() not in variant.data
        assert b"Kamera AB" not in variant.data and b"2022:03:14" not in variant.data
        assert b"GPS" not in variant.data and b"xmpmeta" not in variant.data


def test_the_photo_is_turned_the_way_the_camera_was_held() -> None:
    # Stored 2000×1500 with the top red; orientation 6: shown 1500×2000, red on the right.
    variants = derive_photo(camera_photo(orientation=6))
    for variant in variants:
        image = opened(variant.data).convert("RGB")
        assert image.width < image.height
        right = image.getpixel((image.width - 3, image.height // 2))
        left = image.getpixel((2, image.height // 2))
        assert right[0] > 200 and right[2] < 60, (variant.format, right)  # red
        assert left[2] > 200 and left[0] < 60, (variant.format, left)  # blue


def test_colours_are_converted_to_srgb_through_the_photos_profile() -> None:
    # The profile says the stored "red" channel is green: in sRGB the photo is green.
    source = camera_photo(800, 600, profile=swapped_profile(), colour=(255, 0, 0))
    for variant in derive_photo(source):
        red, green, blue = opened(variant.data).convert("RGB").getpixel((400, 300))
        assert green > 200 and red < 60 and blue < 60, (variant.format, (red, green, blue))


def test_a_photo_is_made_in_every_width_it_has_in_webp_and_jpeg_never_upscaled() -> None:
    big = derive_photo(camera_photo(3000, 2000))
    assert [(v.width, v.height, v.format) for v in big] == [
        (w, round(2000 * w / 3000), f) for w in PHOTO_WIDTHS for f in ("webp", "jpeg")
    ]
    for variant in big:
        assert opened(variant.data).size == (variant.width, variant.height)
        assert opened(variant.data).format == variant.format.upper()
    assert [v.width for v in derive_photo(camera_photo(1200, 800))][::2] == [480, 960, 1200]
    assert {v.width for v in derive_photo(camera_photo(300, 200))} == {300}
    assert variant_widths(1600) == (480, 960, 1600)


def test_the_same_photo_gives_the_same_bytes_every_time() -> None:
    source = camera_photo(1800, 1200, orientation=3, profile=swapped_profile())
    assert derive_photo(source) == derive_photo(source)


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_png_and_webp_photos_are_derived_too(kind: str) -> None:
    variants = derive_photo(camera_photo(1000, 500, format=kind))
    assert {v.width for v in variants} == {480, 960, 1000}


def test_what_is_not_a_photo_is_a_photo_error_naming_it() -> None:
    with pytest.raises(PhotoError, match=r"bild\.svg"):
        derive_photo(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "bild.svg")
    with pytest.raises(PhotoError, match=r"kort\.jpg"):
        derive_photo(camera_photo()[:5000], "kort.jpg")


def test_the_cache_encodes_a_photo_once_and_again_only_when_it_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    photo = tmp_path / "images" / "a.jpg"
    photo.parent.mkdir()
    photo.write_bytes(camera_photo(1000, 700))
    cache = PhotoCache(tmp_path)
    assert cache.lookup(photo) is None
    first = cache.derive(photo)
    assert all(d.path.is_relative_to(tmp_path / ".newscli" / "photos") for d in first)
    assert [d.path.read_bytes() for d in first] == [
        v.data for v in derive_photo(photo.read_bytes())
    ]

    encoded: list[Path] = []
    real = derive_photo
    monkeypatch.setattr(
        "newscli.derive.derive_photo", lambda data, name, **k: encoded.append(name) or real(data)
    )
    assert PhotoCache(tmp_path).derive(photo) == first  # a re-export: nothing encoded
    assert encoded == []
    photo.write_bytes(camera_photo(1000, 700, colour=(0, 128, 0)))
    changed = PhotoCache(tmp_path).derive(photo)
    assert len(encoded) == 1 and changed != first


def test_derive_all_uses_the_cache_and_every_core_and_names_a_bad_photo(tmp_path: Path) -> None:
    sources = []
    for number in range(3):
        path = tmp_path / "images" / f"{number}.jpg"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(camera_photo(700 + number, 500))
        sources.append(path)
    bad = tmp_path / "images" / "trasig.jpg"
    bad.write_bytes(camera_photo()[:3000])
    results = dict(derive_all(tmp_path, [*sources, bad], workers=2))
    assert list(results) == [*sources, bad]
    assert isinstance(results[bad], PhotoError) and "trasig.jpg" in str(results[bad])
    for number, source in enumerate(sources):
        made = results[source]
        assert not isinstance(made, PhotoError)
        assert max(d.width for d in made) == 700 + number
    again = dict(derive_all(tmp_path, sources, workers=2))
    assert again == {source: results[source] for source in sources}
