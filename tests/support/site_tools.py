"""The tools the site tests take from outside Python: the Nu Html Checker (vnu.jar on java)
and headless Chromium (driven by tests.support.browser), which opens the exported site from
disk (file://); what a page shows is read here: its links and heading from the DOM, its
colours from a screenshot's PNG (decoded with zlib: is the page blank?).
"""

from __future__ import annotations

import json
import os
import shutil
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


def nu_html_errors(files: list[Path], *, css: bool = False) -> list[str]:
    """The Nu Html Checker's errors in files (and their CSS, with css), one "url:line:
    message" each. One run of the checker for all of them: its start is the cost. The JVM
    compiles with C1 only (the checker's run is short; C2 would cost seconds of CPU for
    nothing), and with the thread stack the checker's schema needs."""
    jar, java = vnu_jar(), shutil.which("java")
    if jar is None or java is None:
        missing_tool("the Nu Html Checker (vnu.jar) or java")
    assert jar is not None and java is not None
    command = [java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(jar), "--errors-only"]
    if css:
        command.append("--also-check-css")
    run = subprocess.run(
        [*command, "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode in (0, 1), run.stderr[-2000:]
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    return [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m.get('message')}" for m in messages]


CHROMIUM = "/usr/bin/chromium"
# The site's header band (--band in style.css): seen only when the stylesheet loaded.
BAND = (0x0A, 0x3A, 0x66)


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
