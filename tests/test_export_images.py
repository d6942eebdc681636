"""Story photos on the site and in its feeds: the site's sizes, nothing of the camera's
metadata, every address pointing at a file that was written, each photo made once."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from PIL import Image

from newscli.export.site import export_site
from newscli.newsroom import STATE, Newsroom
from tests.conftest import NOW
from tests.support.newsrooms import add_article
from tests.support.photos import camera_photo

BASE = "https://www.example.se/aktuellt/"


def newsroom(root: Path, photos: int = 3) -> Path:
    """A newsroom of photos+1 stories: each but the last with its own camera photo."""
    root.mkdir(parents=True)
    (root / "newscli.toml").write_text(
        f'[site]\ntitle = "Foton"\nbase_url = "{BASE}"\n', encoding="utf-8"
    )
    (root / "images").mkdir()
    for number in range(photos):
        (root / "images" / f"foto-{number}.jpg").write_bytes(
            camera_photo(1800 + 100 * number, 1200, orientation=6 if number == 0 else 1)
        )
        add_article(
            root,
            f"nyhet-{number}",
            f'title = "Nyhet {number}"\ndate = 2022-05-0{number + 1}T10:00:00+02:00\n'
            f'status = "published"\ntopics = ["Foto"]\n[image]\nsrc = "images/foto-{number}.jpg"\n'
            f'alt = "Bild {number}"\ncaption = "Bildtext {number}"\ncredit = "Fotograf"',
            "Brödtext.\n",
        )
    add_article(
        root,
        "utan-bild",
        'title = "Utan bild"\ndate = 2022-04-01T10:00:00+02:00\nstatus = "published"\n'
        'topics = ["Foto"]',
        "Brödtext.\n",
    )
    return root


class Images(HTMLParser):
    """Every <img> and <source> of a page, with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("img", "source"):
            self.found.append((tag, dict(attrs)))


def images(page: Path) -> list[tuple[str, dict[str, str | None]]]:
    parser = Images()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def resolves(page: Path, url: str) -> Path:
    target = (page.parent / url).resolve()
    assert target.is_file(), f"{page}: {url} names no file"
    return target


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    root = newsroom(tmp_path / "newsroom")
    out = tmp_path / "public"
    report = export_site(Newsroom(root), out, now=NOW)
    # This newsroom has no [accessibility]: the one warning about that, and none else.
    assert [w for w in report.warnings if not w.startswith("no [accessibility]")] == []
    return root, out


def test_every_photo_is_a_picture_with_sizes_that_all_exist(site: tuple[Path, Path]) -> None:
    _, out = site
    for page in [out / "index.html", out / "amnen/foto/index.html", out / "2022/05/index.html"]:
        found = images(page)
        imgs = [attrs for tag, attrs in found if tag == "img"]
        assert len(imgs) == 3, page
        for attrs in imgs:
            assert attrs["width"] and attrs["height"] and attrs["alt"], attrs
            resolves(page, str(attrs["src"]))
        for _, attrs in found:
            for candidate in str(attrs["srcset"]).split(", "):
                url, width = candidate.split(" ")
                with Image.open(resolves(page, url)) as image:
                    assert f"{image.width}w" == width
        # The first photo of the page loads at once, the others when scrolled to.
        assert [attrs["loading"] for attrs in imgs] == ["eager", "lazy", "lazy"]
    story = out / "2022/05/nyhet-1/index.html"
    (img,) = [attrs for tag, attrs in images(story) if tag == "img"]
    assert img["loading"] == "eager" and img["alt"] == "Bild 1"


def test_no_photo_is_wider_than_its_original_and_none_is_published_as_it_came(
    site: tuple[Path, Path],
) -> None:
    _, out = site
    assert not (out / "images").exists()  # the originals may hold a GPS position
    widths = sorted(
        int(p.stem.rsplit("-", 1)[1]) for p in (out / "photos/images").glob("foto-1-*.jpg")
    )
    assert widths == [480, 960, 1600]  # 1 900 pixels wide: no 1 900, nothing upscaled


def test_published_photos_carry_no_camera_metadata_and_stand_the_right_way_up(
    site: tuple[Path, Path],
) -> None:
    _, out = site
    published = sorted((out / "photos").rglob("*.*"))
    assert published
    for path in published:
        data = path.read_bytes()
        assert b"Exif" not in data and b"xmpmeta" not in data and b"GPS" not in data, path
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif()
            if "foto-0-" in path.name:  # taken turned (EXIF orientation 6): now portrait
                assert image.height > image.width


def test_every_feed_points_at_a_published_photo_with_its_length_and_type(
    site: tuple[Path, Path],
) -> None:
    _, out = site
    for feed in ("rss.xml", "atom.xml", "amnen/foto/rss.xml"):
        entries = feedparser.parse((out / feed).read_bytes()).entries
        with_photo = [entry for entry in entries if entry.get("enclosures")]
        assert len(with_photo) == 3, feed
        for entry in with_photo:
            (enclosure,) = entry.enclosures
            assert enclosure.href.startswith(BASE) and enclosure.type == "image/jpeg"
            written = out / enclosure.href.removeprefix(BASE)
            assert written.is_file() and written.stat().st_size == int(enclosure.length)
    items = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    for item in items:
        if "image" in item:
            assert (out / item["image"].removeprefix(BASE)).is_file()


def cache_entries(root: Path) -> int:
    return len(list((root / STATE / "photos").rglob("manifest.json")))


def test_a_photo_is_made_once_and_again_only_when_it_changes(site: tuple[Path, Path]) -> None:
    root, out = site
    assert cache_entries(root) == 3
    story = root / "articles/2022/05/nyhet-2.md"
    story.write_text(story.read_text(encoding="utf-8") + "Mer text.\n", encoding="utf-8")
    export_site(Newsroom(root), out, now=NOW)
    assert cache_entries(root) == 3  # a text change makes no photo
    (root / "images/foto-2.jpg").write_bytes(camera_photo(1700, 1100, colour=(0, 128, 0)))
    export_site(Newsroom(root), out, now=NOW)
    assert cache_entries(root) == 4  # the changed photo, once
    assert export_site(Newsroom(root), out, now=NOW).written == 0


def test_a_photo_that_cannot_be_shown_is_left_out_everywhere_with_one_warning(
    tmp_path: Path,
) -> None:
    root = newsroom(tmp_path / "newsroom", photos=2)
    (root / "images/foto-1.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a photo")
    out = tmp_path / "public"
    report = export_site(Newsroom(root), out, now=NOW)
    assert [w for w in report.warnings if "foto-1.jpg" in w] == [
        "articles/2022/05/nyhet-1.md: image 'images/foto-1.jpg' cannot be published: "
        + report.warnings[0].split("cannot be published: ", 1)[1]
    ]
    page = out / "2022/05/nyhet-1/index.html"
    assert images(page) == [] and "Bildtext 1" not in page.read_text(encoding="utf-8")
    entries = feedparser.parse((out / "rss.xml").read_bytes()).entries
    by_title = {entry.title: entry for entry in entries}
    assert not by_title["Nyhet 1"].get("enclosures") and by_title["Nyhet 0"].enclosures


def test_a_photo_in_a_body_is_published_without_the_cameras_metadata(tmp_path: Path) -> None:
    root = newsroom(tmp_path / "newsroom", photos=1)
    (root / "images" / "kamera.jpg").write_bytes(camera_photo(2400, 1600))
    (root / "images" / "trasig.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a photo")
    add_article(
        root,
        "med-bild",
        'title = "Med bild i texten"\ndate = 2022-05-20T10:00:00+02:00\nstatus = "published"',
        "Text.\n\n![Mötet](images/kamera.jpg)\n\n![Trasig](images/trasig.jpg)\n",
    )
    out = tmp_path / "public"
    report = export_site(Newsroom(root), out, now=NOW)
    published = out / "images" / "kamera.jpg"  # at the address the story gives
    data = published.read_bytes()
    assert b"Exif" not in data and b"GPS" not in data and b"xmpmeta" not in data
    with Image.open(published) as image:
        assert image.format == "JPEG" and image.width == 1600 and not image.getexif()
    # One that cannot be read is not published at all, and the warning says why.
    assert not (out / "images" / "trasig.jpg").exists()
    assert [w for w in report.warnings if "trasig.jpg" in w and "cannot be published" in w]


def test_images_in_a_storys_text_have_the_width_and_height_of_what_is_published(
    tmp_path: Path,
) -> None:
    root = newsroom(tmp_path / "newsroom", photos=0)
    (root / "images/karta.jpg").write_bytes(camera_photo(2400, 1200, orientation=6))
    diagram = Image.new("RGB", (300, 200))
    diagram.save(root / "images/diagram.png")
    add_article(
        root,
        "med-bilder",
        'title = "Med bilder"\ndate = 2022-05-09T10:00:00+02:00\nstatus = "published"',
        "Text.\n\n![En karta](images/karta.jpg)\n\n![Ett diagram](images/diagram.png)\n\n"
        "![Saknas](images/saknas.png)\n",
    )
    out = tmp_path / "public"
    export_site(Newsroom(root), out, now=NOW)
    page = Images()
    page.feed((out / "2022/05/med-bilder/index.html").read_text(encoding="utf-8"))
    sizes = {
        attrs["alt"]: (attrs.get("width"), attrs.get("height"))
        for tag, attrs in page.found
        if tag == "img"
    }
    # The photo is published as its biggest derived size, turned as the camera was held.
    with Image.open(out / "images/karta.jpg") as published:
        assert sizes["En karta"] == (str(published.width), str(published.height))
        assert published.height > published.width  # turned, as the camera was held
    assert sizes["Ett diagram"] == ("300", "200")
    assert sizes["Saknas"] == (None, None)  # a missing file gets no made-up size
