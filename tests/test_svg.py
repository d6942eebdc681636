"""An SVG in a story's body is published only sanitised, or not at all with a warning: opened
on its own it is a document of the site, so nothing in it may run or reach outside."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscli.errors import NewsError
from newscli.svg import sanitised
from tests.conftest import Invoke
from tests.support.newsrooms import story, write_article

HOSTILE = b"""<?xml version="1.0"?>
<?xml-stylesheet href="https://spion.example/s.css"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 100 100" onload="alert(1)">
  <script>alert(2)</script>
  <SCRIPT xmlns="http://www.w3.org/2000/svg">alert(3)</SCRIPT>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#0a0"/></linearGradient></defs>
  <rect width="100" height="100" fill="url(#g)" onclick="alert(4)" OnMouseOver="alert(5)"/>
  <circle r="5" fill="url(https://spion.example/p.svg#x)" style="fill: url('https://spion.example/f')"/>
  <a href="javascript:alert(6)"><text x="1" y="9">Klicka</text></a>
  <a xlink:href=" JaVa&#9;ScRipt:alert(7)"><text>och</text></a>
  <a href="#g"><text>inom bilden</text></a>
  <use href="https://spion.example/sprite.svg#ikon"/>
  <image href="https://spion.example/pixel.png" width="1" height="1"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>
  <image href="data:text/html;base64,PHNjcmlwdD4=" width="1" height="1"/>
  <set attributeName="href" to="javascript:alert(8)"/>
  <animate attributeName="onload" to="alert(9)"/>
  <foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><script>alert(10)</script></body></foreignObject>
  <style>@import url(https://spion.example/x.css); rect { fill: red }</style>
  <style>circle { stroke: blue }</style>
  <iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:alert(11)"/>
  <text x="10" y="50">Budget 2022</text>
</svg>
"""


def test_an_svg_in_a_story_body_is_sanitised_of_all_that_runs_or_reaches_outside() -> None:
    clean, removed = sanitised(HOSTILE)
    assert removed
    text = clean.decode("utf-8").casefold()
    for never in ("script", "alert", "onload", "onclick", "onmouseover", "javascript",
                  "spion.example", "foreignobject", "iframe", "<set", "<animate",
                  "@import", "data:text", "xml-stylesheet"):  # fmt: skip
        assert never not in text, never
    for kept in ('fill="url(#g)"', "budget 2022", "klicka", 'href="#g"', "stroke: blue",
                 "data:image/png;base64", "<lineargradient", 'viewbox="0 0 100 100"'):  # fmt: skip
        assert kept in text, kept
    again, removed_again = sanitised(clean)
    assert again == clean and not removed_again  # nothing left to take out


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"not xml at all",
        b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        b"<svg><script>alert(1)</script></svg>",  # no SVG namespace: not an SVG document
        b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 5000 + b"</g>" * 5000 + b"</svg>",
    ],
)
def test_an_svg_in_a_story_body_that_cannot_be_read_safely_is_refused(data: bytes) -> None:
    with pytest.raises(NewsError):
        sanitised(data)


def test_an_svg_in_a_story_body_is_published_only_sanitised_or_not_at_all_with_a_warning(
    invoke: Invoke, newsroom_path: Path
) -> None:
    images = newsroom_path / "images"
    images.mkdir()
    (images / "diagram.svg").write_bytes(HOSTILE)
    (images / "trasig.svg").write_bytes(b"<html><script>alert(1)</script></html>")
    body = (
        "\n![Budgeten 2022](images/diagram.svg)\n\n[Öppna diagrammet](images/diagram.svg) "
        "och [det andra](images/trasig.svg).\n"
    )
    write_article(newsroom_path, story("med-diagram", body=body))
    for args in ((), ("--full",), ()):  # a full build, then one that finds its page unchanged
        result = invoke("export", "html", *args)
        public = newsroom_path / "public" / "images"
        published = (public / "diagram.svg").read_bytes().lower()
        assert b"script" not in published and b"javascript" not in published
        assert b"onload" not in published and b"spion.example" not in published
        assert b"budget 2022" in published
        assert not (public / "trasig.svg").exists()
        warnings = [line for line in result.stderr.splitlines() if "warning" in line]
        assert any("'images/diagram.svg'" in w and "published without" in w for w in warnings)
        assert any("'images/trasig.svg'" in w and "not an SVG document" in w for w in warnings)
    (images / "diagram.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    result = invoke("export", "html")
    assert not any("published without" in line for line in result.stderr.splitlines())
