"""Checkers: a page's elements, attributes and URLs as a browser's tokenizer sees them, and a
feed as a strict XML parser and a feed reader see it; golden files compared whole.

tests/test_support_checkers.py shows that they catch what they must.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser

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


# The sample newsroom's base_url (newscli.toml at the root of the repository).
BASE = "https://www.example.se/aktuellt/"


def read_feed(text: str) -> Any:
    """The feed as a real client reads it, with what every item must have."""
    parsed = feedparser.parse(text.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    for entry in parsed.entries:
        assert entry.title and entry.link and entry.id
        assert entry.published_parsed is not None
    return parsed


def check_json_feed(text: str) -> dict[str, Any]:
    """The fields JSON Feed 1.1 requires, and the ones newscli promises on every item."""
    feed = json.loads(text)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert isinstance(feed["items"], list)
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_html" in item or "content_text" in item
        assert item["url"].startswith(BASE)
        dt.datetime.fromisoformat(item["date_published"])
        dt.datetime.fromisoformat(item["date_modified"])
    return feed


# -- pages and golden files ---------------------------------------------------------------------


def read(folder: Path, rel: str) -> str:
    return (folder / rel).read_text(encoding="utf-8")


def assert_golden(path: Path, text: str) -> None:
    """text equals the golden file at path; UPDATE_GOLDEN=1 rewrites the file instead."""
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"{path} is missing; run the test with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


# -- the search index (Pagefind) ---------------------------------------------------------------

# The search index's files, as a site's files are compared: Pagefind writes its filter files
# in the order of its hash maps (different from run to run), and after a re-publish the index
# is in two parts (the whole one and the stories changed since) where a full export makes one.
SEARCH_FILES = re.compile(r"pagefind/")
FOUND = "pagefind/ (what it finds)"


def without_unstable_search_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """A site's files by path, the search index's files (and their names in the record of
    written files) replaced by what the index finds: each page's fragment (address, text,
    filters, meta) by its address, which is the same however the index was made."""
    named = re.compile(rb'^"' + SEARCH_FILES.pattern.encode() + rb'[^"]*",?\n', re.M)
    found = {}
    for rel, data in files.items():
        if SEARCH_FILES.match(rel) and rel.endswith(".pf_fragment"):
            text = gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
            page = json.loads(text.removeprefix(b"pagefind_dcd"))
            found[page["url"]] = page
    kept = {
        rel: named.sub(b"", data) if rel.endswith("newscli-manifest.json") else data
        for rel, data in files.items()
        if not SEARCH_FILES.match(rel)
    }
    if found:
        kept[FOUND] = json.dumps(found, ensure_ascii=False, sort_keys=True).encode()
    return kept


def searchable(folder: Path) -> dict[str, str]:
    """What the site's search index holds: each page's address and its indexed text, read
    from Pagefind's fragments as the search page's script reads them (the whole index's,
    less those of pages the part changed since holds, and that part's)."""
    found = {}
    for fragment in (folder / "pagefind").glob("**/fragment/*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        page = json.loads(data)
        found[page["url"]] = page["content"]
    return found


def readable(path: Path) -> bytes:
    """A site file's bytes as a search for leaked text needs them: the search index's
    gzipped files unpacked."""
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
