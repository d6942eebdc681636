"""The exported site in a real browser: headless Chromium opens it from disk (file://).

No Playwright or Selenium: Chromium's own --dump-dom gives the DOM after load, and
--screenshot a PNG, decoded here with zlib to check that the page is not blank.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from newscli.export.site import export_site
from newscli.newsroom import Newsroom
from tests.conftest import NOW
from tests.test_site import missing_tool, sample_newsroom

CHROMIUM = "/usr/bin/chromium"
# The site's header band (--band in style.css): seen only when the stylesheet loaded.
BAND = (0x0A, 0x3A, 0x66)


@pytest.fixture(scope="module")
def chromium() -> str:
    found = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if found is None:
        missing_tool("Chromium (/usr/bin/chromium)")
    assert found is not None
    return found


def browse(chromium: str, profile: Path, *action: str) -> subprocess.CompletedProcess[str]:
    profile.mkdir(parents=True, exist_ok=True)
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *action,
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=90)
    assert run.returncode == 0, run.stderr[-2000:]
    return run


class Page(HTMLParser):
    """The links of a dumped DOM by where they are, and the text of its h1."""

    def __init__(self, dom: str) -> None:
        super().__init__()
        self.open: list[tuple[str, str]] = []
        self.story_links: list[str] = []
        self.topic_links: list[str] = []
        self.h1 = ""
        self.feed(dom)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag not in ("meta", "link", "img", "br"):
            self.open.append((tag, values.get("class") or ""))
        href = values.get("href")
        if tag == "a" and href:
            if any(t == "h2" for t, _ in self.open):
                self.story_links.append(href)
            if any(c == "topics" for _, c in self.open):
                self.topic_links.append(href)

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if any(t == "h1" for t, _ in self.open):
            self.h1 += data


def dump(chromium: str, profile: Path, url: str) -> Page:
    return Page(browse(chromium, profile, "--dump-dom", url).stdout)


def png_colours(path: Path, rows: int = 500) -> set[tuple[int, ...]]:
    """The distinct pixel colours of the first rows of an 8-bit RGB(A) PNG (stdlib only)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, chunk = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour_type in (2, 6), (depth, colour_type)
    channels = 3 if colour_type == 2 else 4
    stride = width * channels
    raw = zlib.decompress(idat)
    previous = bytearray(stride)
    colours: set[tuple[int, ...]] = set()
    for y in range(min(rows, height)):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                corner = previous[i - channels] if i >= channels else 0
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 0xFF
        colours.update(
            tuple(line[x : x + 3]) for x in range(0, stride, channels * 4)
        )  # every 4th pixel is plenty
        previous = line
    return colours


def test_site_opened_from_disk_follows_links_and_renders(chromium: str, tmp_path: Path) -> None:
    site = tmp_path / "public"
    export_site(Newsroom(sample_newsroom(tmp_path / "newsroom")), site, now=NOW)
    front_url = (site / "index.html").as_uri()

    front = dump(chromium, tmp_path / "profile1", front_url)
    assert front.h1 == "Senaste nyheterna"
    assert len(front.story_links) == 5
    story_url = urljoin(front_url, front.story_links[0])
    assert Path(unquote(urlsplit(story_url).path)).is_file()

    story = dump(chromium, tmp_path / "profile2", story_url)
    assert story.h1 == "Framtidens socialtjänst i fokus under årets kvalitetsmässa"
    topic_url = urljoin(story_url, story.topic_links[0])

    topic = dump(chromium, tmp_path / "profile3", topic_url)
    assert topic.h1 == "Ämnen: Familjefrågor"
    assert len(topic.story_links) == 4

    shot = tmp_path / "front.png"
    browse(
        chromium,
        tmp_path / "profile4",
        f"--screenshot={shot}",
        "--window-size=1000,1400",
        front_url,
    )
    colours = png_colours(shot)
    assert len(colours) > 50, f"the page looks blank: {len(colours)} colours"
    assert BAND in colours, "the stylesheet did not load from file://"
