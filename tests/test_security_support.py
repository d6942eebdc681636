"""Shared tools of the security tests: fuzz profiles, hostile strategies, a CLI harness, and
checkers for HTML and feeds. The tests at the bottom prove the checkers catch what they must.

Fuzzing runs a modest number of examples in the normal suite. For a long run:

    NEWSCLI_FUZZ=long python -m pytest tests/test_security_*.py -q

which raises every fuzz test to 3 000 examples (NEWSCLI_FUZZ=500: to 500); see
docs/security.md.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from newscli import cli
from tests.conftest import PINNED, REPO, STORY_PATH

# -- profiles ---------------------------------------------------------------------------------

# NEWSCLI_FUZZ=long: 3 000 examples per fuzz test; NEWSCLI_FUZZ=<number>: that many.
_ASKED = os.environ.get("NEWSCLI_FUZZ", "")
LONG = _ASKED == "long" or _ASKED.isdigit()
LONG_EXAMPLES = int(_ASKED) if _ASKED.isdigit() else 3000
_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "derandomize": False,
}
settings.register_profile("security-quick", max_examples=15, **_COMMON)
settings.register_profile("security", max_examples=60, **_COMMON)
settings.register_profile("security-long", max_examples=LONG_EXAMPLES, **_COMMON)

# FUZZ for cheap properties (a parser, one render); FUZZ_CLI for whole command runs.
FUZZ = settings.get_profile("security-long" if LONG else "security")
FUZZ_CLI = settings.get_profile("security-long" if LONG else "security-quick")


# -- hostile text ---------------------------------------------------------------------------------

# What staff paste from e-mail and Word, and what an attacker types into a form.
NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "</title><script>x</script>",
    "</textarea></style></script>",
    "<!--",
    "-->",
    "<![CDATA[x]]>",
    "]]>",
    "&amp;&lt;&#x3C;&#60;&",
    "{{ 7*7 }}{% raw %}",
    "${7*7}",
    "\u202e",  # right-to-left override
    "\u2028\u2029",
    "\ufeff",
    "\ufffe\uffff",
    "\x0b\x0c",  # Word's line and page breaks
    "\x00",
    "\x1b[31m",
    "\x7f\x85",
    "\r\n",
    "Familjefrågor ",
    "ÅÄÖ åäö é",
    "🙂",
    "a" * 300,
    "../../../../etc/passwd",
    "%2e%2e%2f",
    "C:\\Windows\\x",
    "+++",
    '"""',
    "'''",
    "# not a comment",
    "[image]",
    "x = 1",
]

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.lists(st.sampled_from(NASTY) | st.text(max_size=8), min_size=1, max_size=4).map("".join),
)
# The same without the characters validation refuses (control characters), for fields that
# must reach the output.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
printable_text = hostile_text.map(lambda s: _CONTROL.sub("", s))


def toml_string(value: str) -> str:
    """A TOML basic string holding value exactly."""
    import tomli_w

    return tomli_w.dumps({"x": value}).removeprefix("x = ").removesuffix("\n")


# -- near-valid article files ---------------------------------------------------------------------

GOOD = (
    "+++\n"
    'id = "5f0c2e6a-0000-4d6e-9a57-3c1f4c0de8b1"\n'
    'title = "Fuzzad artikel"\n'
    'slug = "fuzzad-artikel"\n'
    "date = 2022-01-10T10:00:00+01:00\n"
    'status = "published"\n'
    'author = "Piteå kommun"\n'
    'topics = ["Ekonomi", "Familjefrågor"]\n'
    'teaser = "En ingress."\n'
    "\n"
    "[image]\n"
    'src = "images/bild.jpg"\n'
    'caption = "En bildtext."\n'
    'credit = "Fotograf"\n'
    "+++\n"
    "\n"
    "Brödtext med **fetstil** och en [länk](https://www.example.se/).\n"
)

BAD_DATES = [
    "2021-13-01T10:00:00+01:00",
    "2021-02-30",
    "0001-01-01",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59-12:00",
    "9999-12-31",
    "2021-11-23T25:00:00",
    "10:00:00",
    '"igår"',
    "1979-05-27T07:32:00Z",
    "1850-01-01T12:00:00",
    "2021-11-23 14:00:00",
    "[]",
    "{}",
    "1e999",
    "nan",
]


def _nested(depth: int, kind: str) -> str:
    if kind == "array":
        return "[" * depth + "]" * depth
    return "{a = " * depth + "1" + "}" * depth


def _mutations(draw: st.DrawFn, text: str) -> bytes:
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "delimiters",
                "bom",
                "crlf",
                "cr",
                "nul",
                "bytes",
                "huge_line",
                "many_topics",
                "deep",
                "deep_tables",
                "date",
                "field",
                "duplicate_key",
                "none",
            ]
        )
    )
    if kind == "truncate":
        return text.encode()[: draw(st.integers(0, len(text.encode())))]
    if kind == "delimiters":
        opening = draw(
            st.sampled_from(["+++", "---", "++", "++++", " +++", "+++ x", "", "\ufeff---"])
        )
        closing = draw(st.sampled_from(["+++", "---", "++", "+++ ", "+++\t", "", "+++x", "  +++"]))
        lines = text.split("\n")
        if "+++" not in lines[1:]:
            return text.encode()
        end = lines.index("+++", 1)
        lines[0], lines[end] = opening, closing
        return "\n".join(lines).encode()
    if kind == "bom":
        return b"\xef\xbb\xbf" * draw(st.integers(1, 2)) + text.encode()
    if kind == "crlf":
        return text.replace("\n", "\r\n").encode()
    if kind == "cr":
        return text.replace("\n", "\r").encode()
    if kind in ("nul", "bytes"):
        data = bytearray(text.encode())
        for _ in range(draw(st.integers(1, 5))):
            at = draw(st.integers(0, len(data)))
            junk = b"\x00" if kind == "nul" else draw(st.binary(min_size=1, max_size=4))
            data[at:at] = junk
        return bytes(data)
    if kind == "huge_line":
        size = draw(st.sampled_from([10_000, 200_000, 1_000_000]))
        where = draw(st.sampled_from(["body", "title", "comment"]))
        if where == "body":
            return (text + "x" * size + "\n").encode()
        if where == "title":
            return text.replace('"Fuzzad artikel"', '"' + "å" * size + '"').encode()
        return text.replace("+++\n", "+++\n#" + "c" * size + "\n", 1).encode()
    if kind == "many_topics":
        count = draw(st.sampled_from([101, 1_000, 10_000]))
        topics = ", ".join(f'"Ämne {n}"' for n in range(count))
        return text.replace('["Ekonomi", "Familjefrågor"]', f"[{topics}]").encode()
    if kind == "deep":
        depth = draw(st.sampled_from([40, 200, 600, 1_500, 5_000]))
        shape = draw(st.sampled_from(["array", "table"]))
        return text.replace("[image]", f"djup = {_nested(depth, shape)}\n\n[image]").encode()
    if kind == "deep_tables":
        depth = draw(st.sampled_from([40, 300, 3_000]))
        header = ".".join(["t"] * depth)
        return text.replace("+++\n\n", f"[{header}]\nx = 1\n+++\n\n").encode()
    if kind == "date":
        value = draw(st.sampled_from(BAD_DATES))
        key = draw(st.sampled_from(["date", "updated"]))
        if key == "date":
            return text.replace("2022-01-10T10:00:00+01:00", value).encode()
        return text.replace(
            'status = "published"', f'updated = {value}\nstatus = "published"'
        ).encode()
    if kind == "field":
        key = draw(st.sampled_from(["title", "slug", "author", "teaser", "id", "status"]))
        value = draw(hostile_text)
        pattern = re.compile(rf"^{key} = .*$", re.MULTILINE)
        return pattern.sub(lambda _: f"{key} = {toml_string(value)}", text, count=1).encode()
    if kind == "duplicate_key":
        return text.replace(
            'status = "published"', 'status = "published"\nstatus = "draft"'
        ).encode()
    return text.encode()


@st.composite
def near_valid_article(draw: st.DrawFn) -> bytes:
    """Bytes that are almost an article file: one (or two) things wrong, or nothing at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    data = _mutations(draw, GOOD)
    if draw(st.integers(0, 3)) == 0:
        data = _mutations(draw, data.decode("utf-8", errors="replace"))
    return data


# -- newsrooms and the command line -------------------------------------------------------------

CONFIG = (
    "[site]\n"
    'title = "Säkerhetstest"\n'
    'base_url = "https://www.example.se/aktuellt/"\n'
    'language = "sv"\n'
    'description = "Nyheter"\n'
    "[defaults]\n"
    'author = "Piteå kommun"\n'
)
HOSTILE_PATH = "articles/2022/01/fientlig.md"
SAMPLE_STORY = STORY_PATH


@contextmanager
def scratch_newsroom(
    files: dict[str, bytes] | None = None, config: str | bytes | None = CONFIG, *, sample: int = 1
) -> Iterator[Path]:
    """A throw-away newsroom with `sample` of the sample stories plus files, for one example.

    Hypothesis runs many examples in one test, so this does not use pytest's tmp_path.
    """
    with tempfile.TemporaryDirectory(prefix="newscli-sec-") as folder:
        root = Path(folder) / "newsroom"
        sources = sorted((REPO / "articles").rglob("*.md"))[:sample]
        if SAMPLE_STORY not in [str(p.relative_to(REPO)) for p in sources] and sample:
            sources[0] = REPO / SAMPLE_STORY
        for source in sources:
            target = root / source.relative_to(REPO)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
        (root / "articles").mkdir(parents=True, exist_ok=True)
        if config is not None:
            data = config.encode() if isinstance(config, str) else config
            (root / "newscli.toml").write_bytes(data)
        for rel, data in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        yield root


def run(root: Path, *args: str, input: str | None = None) -> Result:
    """Run newscli in root, as a user would (exceptions caught the way the CLI catches them)."""
    result = CliRunner().invoke(cli.app, [*args, "--root", str(root)], input=input, obj=PINNED)
    assert_answer(result, args)
    return result


def assert_answer(result: Result, args: tuple[str, ...] | list[str] = ()) -> None:
    """Never a traceback or a catch-all: an exit code newscli promises and, on failure, a message."""
    where = f"newscli {' '.join(map(repr, args))}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"{where} raised instead of answering:\n{trace}")
    assert "Traceback" not in result.stderr, f"{where}: {result.stderr}"
    assert "unexpected" not in result.stderr, f"{where} hit the catch-all: {result.stderr}"
    assert result.exit_code in (0, 1, 2), f"{where}: exit {result.exit_code}"
    if result.exit_code != 0:
        assert result.stderr.strip(), f"{where} failed silently"


def file_line_message(path: str) -> re.Pattern[str]:
    """`path:LINE: message`, the form every problem with a file takes."""
    return re.compile(rf"{re.escape(path)}:[1-9][0-9]*: \S")


# -- HTML: which elements and attributes a page has -------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "srcset", "data", "cite"}
URL_META = {"og:url", "og:image", "twitter:image"}


class Shape(HTMLParser):
    """The elements, attributes and URLs of an HTML page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: set[str] = set()
        self.attributes: set[tuple[str, str]] = set()
        self.urls: list[str] = []
        self.in_raw: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.add(tag)
        for name, value in attrs:
            self.attributes.add((tag, name))
            if name in URL_ATTRIBUTES and value is not None:
                self.urls.append(value)
        values = dict(attrs)
        if tag == "meta" and values.get("property") in URL_META and values.get("content"):
            self.urls.append(values["content"] or "")

    handle_startendtag = handle_starttag


def html_shape(text: str) -> Shape:
    shape = Shape()
    shape.feed(text)
    shape.close()
    return shape


def unsafe_urls(urls: list[str]) -> list[str]:
    """URLs a browser would run or that carry content of their own: javascript:, data:, …"""
    bad = []
    for url in urls:
        cleaned = "".join(ch for ch in url if ch > " ").lower()
        scheme = urlsplit(cleaned).scheme if ":" in cleaned.split("/", 1)[0] else ""
        if scheme and scheme not in ("http", "https", "mailto", "tel"):
            bad.append(url)
    return bad


# Elements a story's Markdown body may produce with raw HTML off; nothing else ever.
MARKDOWN_ELEMENTS = {
    "p", "em", "strong", "a", "img", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
    "code", "pre", "blockquote", "hr", "br",
}  # fmt: skip
MARKDOWN_ATTRIBUTES = {
    ("a", "href"), ("a", "title"), ("img", "src"), ("img", "alt"), ("img", "title"),
    ("ol", "start"), ("code", "class"),
}  # fmt: skip


def site_shape(folder: Path) -> dict[str, Shape]:
    return {
        str(page.relative_to(folder)): html_shape(page.read_text(encoding="utf-8"))
        for page in sorted(folder.rglob("*.html"))
    }


# -- feeds ------------------------------------------------------------------------------------------


def check_xml_feed(text: str) -> ET.Element:
    """The feed parsed by a strict XML parser and by feedparser, which must not call it malformed."""
    root = ET.fromstring(text.encode("utf-8"))
    parsed = feedparser.parse(text.encode("utf-8"))
    assert not parsed.bozo, f"feedparser rejects the feed: {parsed.bozo_exception}"
    return root


def stamp(value: dt.datetime) -> str:
    return value.isoformat()


Check = Callable[[Path], None]


# -- the checkers catch what they must ----------------------------------------------------------


def test_shape_sees_injected_elements_and_attributes() -> None:
    shape = html_shape('<p title="x">a<img src=x onerror=alert(1)><svg/onload=alert(1)></p>')
    assert {"p", "img", "svg"} <= shape.elements
    assert ("img", "onerror") in shape.attributes
    assert ("svg", "onload") in shape.attributes


def test_unsafe_urls_are_found_however_they_are_spelled() -> None:
    assert unsafe_urls(
        ["javascript:alert(1)", " JaVa\tScRipt:x", "data:text/html,x", "vbscript:x"]
    ) == [
        "javascript:alert(1)",
        " JaVa\tScRipt:x",
        "data:text/html,x",
        "vbscript:x",
    ]
    assert unsafe_urls(["../a/index.html", "https://x.se/", "mailto:a@b.se", "./a:b"]) == []
    assert unsafe_urls(["a:b/c"]) == ["a:b/c"]  # a browser reads "a:" as a scheme


def test_feed_check_rejects_a_malformed_feed() -> None:
    with pytest.raises(ET.ParseError):
        check_xml_feed("<rss><channel><title>a & b</title></channel></rss>")


def test_toml_string_round_trips_every_hostile_text() -> None:
    import tomllib

    for value in NASTY:
        assert tomllib.loads(f"x = {toml_string(value)}")["x"] == value
