"""Output safety: whatever staff type (or paste) into titles, leads, captions, topics, bodies
and settings, readers get text, never markup, and feeds stay well-formed.

Every page of the site is parsed with an HTML5 tokenizer (html.parser) and its set of
elements and attributes compared with what the templates make of benign input; every URL
in a page is checked for javascript:, data: and their friends; every feed is parsed by a
strict XML parser and by feedparser.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from newscli.markdown import render_markdown
from tests.test_security_support import (
    FUZZ,
    FUZZ_CLI,
    MARKDOWN_ATTRIBUTES,
    MARKDOWN_ELEMENTS,
    NASTY,
    Shape,
    check_xml_feed,
    hostile_text,
    html_shape,
    printable_text,
    run,
    scratch_newsroom,
    site_shape,
    toml_string,
    unsafe_urls,
)

PHOTO = Path(__file__).parent / "golden" / "site" / "photo.jpg"

# A body that uses every construct CommonMark has, so that the benign site shows every
# element and attribute Markdown can produce.
FULL_BODY = """
Första stycket med *kursiv*, **fetstil**, `kod` och en [länk](https://www.example.se/ "titel").
En rad\\
med hårt radbrott.

## Mellanrubrik

### Mindre rubrik

#### h4

##### h5

###### h6

> Ett citat.

- punkt
- lista

3. numrerad
4. lista

```python
print("kod")
```

    indragen kod

---

![Bild](images/bild.jpg "bildtitel")
"""


def article(name: str, **fields: str | list[str]) -> bytes:
    """An article file with the given fields (TOML-escaped) and a body."""
    values: dict[str, object] = {
        "id": f"{name}-0000-4000-8000-000000000000",
        "title": "Rubrik",
        "slug": name,
        "date": "2022-01-10T10:00:00+01:00",
        "updated": "2022-01-11T10:00:00+01:00",
        "status": "published",
        "author": "Författare",
        "topics": ["Ekonomi", "Familjefrågor"],
        "teaser": "Ingress.",
        "caption": "Bildtext.",
        "credit": "Fotograf",
        "alt": "Alt-text",
        "src": "images/bild.jpg",
        "source_name": "Källa",
        "source_url": "https://www.example.se/kalla",
        "body": FULL_BODY,
    }
    values.update(fields)
    lines = ["+++"]
    for key in ("id", "title", "slug", "status", "author", "teaser"):
        if values[key] is not None and not (key == "teaser" and values[key] == "-"):
            lines.append(f"{key} = {toml_string(str(values[key]))}")
    lines += [f"date = {values['date']}", f"updated = {values['updated']}"]
    lines.append(f"topics = {tomli_w.dumps({'t': values['topics']})[4:].strip()}")
    lines += [
        "[image]",
        f"src = {toml_string(str(values['src']))}",
        f"alt = {toml_string(str(values['alt']))}",
        f"caption = {toml_string(str(values['caption']))}",
        f"credit = {toml_string(str(values['credit']))}",
        "[source]",
        f"name = {toml_string(str(values['source_name']))}",
        f"url = {toml_string(str(values['source_url']))}",
        "+++",
    ]
    return ("\n".join(lines) + "\n" + str(values["body"])).encode()


def config(**site: object) -> str:
    values: dict[str, object] = {
        "title": "Webbplats",
        "base_url": "https://www.example.se/aktuellt/",
        "language": "sv",
        "description": "Beskrivning",
    }
    values.update(site)
    author = values.pop("author", "Standardförfattare")
    return tomli_w.dumps({"site": values, "defaults": {"author": author}})


@contextmanager
def built(files: dict[str, bytes], settings: str) -> Iterator[Path]:
    """A newsroom of the given articles with a photo, its site built into public/."""
    with tempfile.TemporaryDirectory(prefix="newscli-out-") as folder:
        root = Path(folder) / "newsroom"
        (root / "images").mkdir(parents=True)
        shutil.copy(PHOTO, root / "images" / "bild.jpg")
        (root / "newscli.toml").write_text(settings)
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        result = run(root, "export", "html")
        # A value that makes its file invalid: built without it, and the export fails (1).
        assert result.exit_code == (1 if "skipped" in result.stderr else 0), result.stderr
        yield root


def union(shapes: dict[str, Shape]) -> tuple[set[str], set[tuple[str, str]]]:
    elements: set[str] = set()
    attributes: set[tuple[str, str]] = set()
    for shape in shapes.values():
        elements |= shape.elements
        attributes |= shape.attributes
    return elements, attributes


BENIGN_FILES = {
    "articles/2022/01/med-ingress.md": article("med-ingress"),
    "articles/2022/01/utan-ingress.md": article("utan-ingress", teaser="-"),
}


@pytest.fixture(scope="module")
def benign() -> tuple[set[str], set[tuple[str, str]]]:
    """Every element and attribute the templates make of ordinary stories and settings."""
    with built(BENIGN_FILES, config()) as root:
        shapes = site_shape(root / "public")
        assert len(shapes) >= 8
        return union(shapes)


def test_the_benign_site_is_what_the_checks_compare_with(
    benign: tuple[set[str], set[tuple[str, str]]],
) -> None:
    elements, attributes = benign
    assert elements >= MARKDOWN_ELEMENTS  # the body above really uses every construct
    assert {"script", "iframe", "object", "embed", "style", "form", "svg"}.isdisjoint(elements)
    assert not any(name.startswith("on") for _, name in attributes)


def assert_safe_site(root: Path, benign: tuple[set[str], set[tuple[str, str]]]) -> None:
    elements, attributes = benign
    for page, shape in site_shape(root / "public").items():
        assert shape.elements <= elements, f"{page}: {shape.elements - elements}"
        assert shape.attributes <= attributes, f"{page}: {shape.attributes - attributes}"
        assert unsafe_urls(shape.urls) == [], f"{page}: {unsafe_urls(shape.urls)}"
    for feed in (root / "public").rglob("*.xml"):
        check_xml_feed(feed.read_text(encoding="utf-8"))


# -- fuzzed values --------------------------------------------------------------------------------

HOSTILE_URLS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    '"><script>alert(1)</script>',
    "https://x.se/\"onmouseover='alert(1)'",
    "https://x.se/<script>",
]
url_value = st.one_of(st.sampled_from(HOSTILE_URLS), printable_text)
hostile_markdown = st.one_of(
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            "<a href='javascript:alert(1)'>x</a>",
            "<javascript:alert(1)>",
            '<https://x.se/"onclick="alert(1)>',
            "[x]: javascript:alert(1)\n\n[länk][x]",
            "<svg><script>alert(1)</script></svg>",
            "<!-- kommentar --><style>body{}</style>",
            "<iframe src=https://x.se></iframe>",
            "```\n</code><script>alert(1)</script>\n```",
            "<details open ontoggle=alert(1)>",
        ]
    ),
    st.sampled_from(HOSTILE_URLS).map(lambda u: f"[länk]({u}) ![bild]({u})"),
    printable_text,
)


@st.composite
def hostile_story(draw: st.DrawFn) -> dict[str, object]:
    fields: dict[str, object] = {}
    for key in ("title", "author", "teaser", "caption", "credit", "alt", "source_name"):
        if draw(st.booleans()):
            fields[key] = draw(printable_text)
    if draw(st.booleans()):
        fields["topics"] = draw(st.lists(hostile_text, min_size=1, max_size=3))
    if draw(st.booleans()):
        fields["source_url"] = draw(url_value)
    if draw(st.booleans()):
        fields["src"] = draw(st.sampled_from(["images/bild.jpg", *HOSTILE_URLS]))
    if draw(st.booleans()):
        fields["body"] = "\n\n".join(draw(st.lists(hostile_markdown, min_size=1, max_size=4)))
    return fields


@st.composite
def hostile_settings(draw: st.DrawFn) -> dict[str, str]:
    site: dict[str, str] = {}
    for key in ("title", "description", "author"):
        if draw(st.booleans()):
            site[key] = draw(printable_text)
    if draw(st.booleans()):
        site["base_url"] = draw(
            st.sampled_from(
                [
                    'https://x.se/"><script>alert(1)</script>/',
                    "https://x.se/?a=1&b=<2>",
                    "https://x.se/'onmouseover='alert(1)'/",
                    "http://localhost:8000",
                ]
            )
        )
    return site


@FUZZ_CLI
@given(hostile_story(), hostile_settings())
def test_no_value_a_reader_did_not_write_becomes_markup(
    benign: tuple[set[str], set[tuple[str, str]]],
    story: dict[str, object],
    settings: dict[str, str],
) -> None:
    files = {**BENIGN_FILES, "articles/2022/02/fientlig.md": article("fientlig", **story)}  # type: ignore[arg-type]
    with built(files, config(**settings)) as root:
        assert_safe_site(root, benign)
        for kind in ("rss", "atom"):
            feed = run(root, "export", kind, "--full", "-o", "-")
            assert feed.exit_code == (1 if "skipped" in feed.stderr else 0), feed.stderr
            check_xml_feed(feed.stdout)
            for content in _embedded_html(feed.stdout):
                shape = html_shape(content)
                assert shape.elements <= MARKDOWN_ELEMENTS | {"p"}
                assert unsafe_urls(shape.urls) == []
        items = json.loads(run(root, "export", "json", "--full", "-o", "-").stdout)["items"]
        for item in items:
            shape = html_shape(item.get("content_html", ""))
            assert shape.elements <= MARKDOWN_ELEMENTS and unsafe_urls(shape.urls) == []


def _embedded_html(feed: str) -> list[str]:
    import feedparser

    parsed = feedparser.parse(feed.encode("utf-8"))
    return [c.value for entry in parsed.entries for c in entry.get("content", [])]


@FUZZ
@given(st.lists(hostile_markdown, min_size=1, max_size=6).map("\n\n".join))
def test_markdown_makes_only_markdown_elements_and_safe_urls(text: str) -> None:
    shape = html_shape(render_markdown(text))
    assert shape.elements <= MARKDOWN_ELEMENTS, shape.elements - MARKDOWN_ELEMENTS
    assert shape.attributes <= MARKDOWN_ATTRIBUTES, shape.attributes - MARKDOWN_ATTRIBUTES
    assert unsafe_urls(shape.urls) == []


@pytest.mark.parametrize("value", NASTY)
def test_each_nasty_title_is_text_on_every_page(
    benign: tuple[set[str], set[tuple[str, str]]], value: str
) -> None:
    files = {
        **BENIGN_FILES,
        "articles/2022/02/fientlig.md": article(
            "fientlig", title=value.replace("\x00", "").strip() or "x", topics=[value]
        ),
    }
    with built(files, config()) as root:
        assert_safe_site(root, benign)


def test_the_check_sees_markup_when_a_newsroom_allows_raw_html(
    benign: tuple[set[str], set[tuple[str, str]]],
) -> None:
    """allow_html = true trusts the writers with raw HTML; then the check must (and does) fire."""
    files = {
        **BENIGN_FILES,
        "articles/2022/02/fientlig.md": article("fientlig", body="<script>alert(1)</script>"),
    }
    with built(files, config(allow_html=True)) as root, pytest.raises(AssertionError):
        assert_safe_site(root, benign)


TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize(
    "poison", ["\x1b[2J", "\x1b]0;PWNED\x07", "\x9b31m", "\x1b[31m", "\x08\x08\x08", "\r"]
)
def test_the_terminal_never_gets_escape_sequences_from_a_story(poison: str) -> None:
    body = f"\nFörsta stycket {poison} med kontrolltecken.\n\nAndra {poison} stycket.\n"
    files = {"articles/2022/02/fientlig.md": article("fientlig", teaser="-", body=body)}
    with scratch_newsroom(files) as root:
        for args in (
            ("show", "fientlig"),
            ("show", "fientlig", "--teaser"),
            ("list", "--format", "cards"),
            ("list",),
            ("topics",),
        ):
            shown = run(root, *args)
            assert shown.exit_code == 0
            assert not TERMINAL_CONTROL.search(shown.stdout), (args, shown.stdout)
