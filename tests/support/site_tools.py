"""The tools the site tests take from outside Python: the Nu Html Checker (vnu.jar on java)
and headless Chromium, which opens the exported site from disk (file://).

No Playwright or Selenium: Chromium's own --dump-dom gives the DOM after load, and
--screenshot a PNG, decoded here with zlib to check that the page is not blank.
"""

from __future__ import annotations

import os
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import REPO

TOOLS_REQUIRED = os.environ.get("NEWSCLI_REQUIRE_SITE_TOOLS") == "1"


def missing_tool(what: str) -> None:
    """Skip on a developer's machine; fail where CI promised the tool is installed."""
    if TOOLS_REQUIRED:
        pytest.fail(f"{what} is missing but NEWSCLI_REQUIRE_SITE_TOOLS=1")
    pytest.skip(f"{what} is not installed (run .ci/install-site-tools.sh)")


def vnu_jar() -> Path | None:
    candidates = [
        os.environ.get("VNU_JAR", ""),
        str(REPO / ".ci/vendor/node_modules/vnu-jar/build/dist/vnu.jar"),
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def feed_validator() -> tuple[Path, Path] | None:
    """The W3C feed validator: (a Python with lxml, html5lib and rdflib, its checkout of
    w3c/feedvalidator), from FEEDVALIDATOR_PYTHON and FEEDVALIDATOR or .ci/vendor."""
    vendor = REPO / ".ci/vendor/feedvalidator"
    checkout = Path(os.environ.get("FEEDVALIDATOR") or vendor)
    python = Path(os.environ.get("FEEDVALIDATOR_PYTHON") or checkout / "venv/bin/python")
    if not (checkout / "src/feedvalidator").is_dir() or not python.is_file():
        return None
    return python, checkout


CHROMIUM = "/usr/bin/chromium"
# The site's header band (--band in style.css): seen only when the stylesheet loaded.
BAND = (0x0A, 0x3A, 0x66)


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
