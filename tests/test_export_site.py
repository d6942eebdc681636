"""The static site: golden pages, valid HTML, working links (on disk and in a browser), every
value staff type arriving as text, incremental writes, and an export that cannot be
written or is killed leaving the old site or the new one, never a broken one."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import feedparser
import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

import newscli.parallel
from newscli.export import builder as builder_module
from newscli.export import rendering
from newscli.export.build import next_public_change
from newscli.export.output import MANIFEST
from newscli.export.site import SiteReport, export_site
from newscli.newsroom import Newsroom
from tests.conftest import NOW, REPO, STORY, STORY_PATH, Invoke, newscli_process
from tests.support.browser import Browser
from tests.support.checkers import (
    MARKDOWN_ELEMENTS,
    Shape,
    assert_golden,
    check_xml_feed,
    html_shape,
    read,
    site_shape,
    unsafe_urls,
    without_unstable_search_files,
)
from tests.support.faults import KILL_AT, finish, inject, kill_when, leftovers, needs_sigkill
from tests.support.fuzz import FUZZ_CLI
from tests.support.harness import run
from tests.support.hostile import (
    HOSTILE_URLS,
    NASTY,
    article,
    break_with_conflict_markers,
    hostile_markdown,
    hostile_text,
    printable_text,
    url_value,
)
from tests.support.newsrooms import (
    GOLDEN,
    HOSTILE_ALT,
    HOSTILE_CAPTION,
    HOSTILE_CREDIT,
    HOSTILE_SOURCE,
    HOSTILE_TEASER,
    HOSTILE_TITLE,
    HOSTILE_TOPIC,
    PHOTO,
    PHOTOS,
    STORY_PAGE,
    add_article,
    preview_newsroom,
    sample_newsroom,
    story,
    write_article,
)
from tests.support.site_tools import (
    BAND,
    CHROMIUM,
    Page,
    missing_tool,
    nu_html_errors,
    png_colours,
)

TOPIC_PAGE = "amnen/familjefragor/index.html"


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


# -- the sample site, page by page --------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "golden"),
    [("index.html", "front.html"), (STORY_PAGE, "story.html"), (TOPIC_PAGE, "topic.html")],
)
def test_pages_match_golden_files(
    sites: dict[str, tuple[Path, SiteReport]], page: str, golden: str
) -> None:
    out, _ = sites["sample"]
    text = read(out, page)
    assert_golden(GOLDEN / "site" / golden, text)


def derived(photo: str, suffix: str, width: int = 480) -> str:
    """Where the site puts a derived file of a JPEG photo (the sample's are 480 wide)."""
    return f"photos/{photo.removesuffix('.jpg')}-{width}{suffix}"


def test_sample_site_has_every_page_feed_and_photo(
    sites: dict[str, tuple[Path, SiteReport]],
) -> None:
    out, report = sites["sample"]
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {
        "index.html",
        STORY_PAGE,
        TOPIC_PAGE,
        "amnen/index.html",
        "arkiv/index.html",
        "tillganglighet/index.html",  # the accessibility statement of [accessibility]
        "2021/11/index.html",
        "rss.xml",
        "atom.xml",
        "amnen/familjefragor/rss.xml",
        "sitemap.xml",
        "static/style.css",
        MANIFEST,
        *(derived(photo, suffix) for photo in PHOTOS for suffix in (".jpg", ".webp")),
    } <= files
    # The original photo is never published (it may hold the camera's GPS position).
    assert not files & set(PHOTOS)
    assert (report.stories, report.topics, report.pages) == (5, 5, 19)
    assert report.warnings == [] and report.feeds
    manifest = json.loads(read(out, MANIFEST))
    assert set(manifest["files"]) == files - {MANIFEST}


def test_story_page_reads_like_the_seed_story(sites: dict[str, tuple[Path, SiteReport]]) -> None:
    out, _ = sites["sample"]
    page = read(out, STORY_PAGE)
    assert '<a class="skip" href="#innehall">Gå direkt till innehåll</a>' in page
    assert '<main id="innehall"' in page
    assert "<h2>Brandskydd, anhörigstöd till barn och kompetensutmaningen</h2>" in page
    assert '<span class="label">Författare:</span> Piteå kommun' in page
    assert (
        '<span class="label">Källa:</span>\n<a href="https://www.example.se/aktuellt/'
        'forbattrad-ekonomisk-prognos-for-socialtjansten">Piteå kommun, Piteå</a>'
    ) in page
    assert (
        '<a href="../../../amnen/ekonomi/index.html" data-pagefind-filter="topic">Ekonomi</a>'
        in page
    )
    assert (
        '<link rel="canonical" href="https://www.example.se/aktuellt/2021/11/'
        'forbattrad-ekonomisk-prognos-for-socialtjansten/">'
    ) in page
    photo_page = read(
        out, "2022/03/framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa/index.html"
    )
    assert (
        '<meta property="og:image" content="https://www.example.se/aktuellt/'
        'photos/images/kvalitetsmassa-480.jpg">'
    ) in photo_page
    assert '<span class="credit">Foto: Helene Markström</span>' in photo_page
    assert '<img src="../../../photos/images/kvalitetsmassa-480.jpg"' in photo_page


def test_topic_archive_and_month_pages_list_and_link_in_order(
    sites: dict[str, tuple[Path, SiteReport]],
) -> None:
    out, _ = sites["sample"]
    topics = read(out, "amnen/index.html")
    order = [
        name
        for name in (
            "Anhörigstöd",
            "Ekonomi",
            "Familjefrågor",
            "Kvalitetsutveckling",
            "Våld i nära relationer",
        )
    ]
    assert [topics.index(f">{name}</a>") for name in order] == sorted(
        topics.index(f">{name}</a>") for name in order
    )
    assert (
        '<a href="../amnen/familjefragor/index.html">Familjefrågor</a> '
        '<span class="count">(4 nyheter)</span>' in topics
    )
    archive = read(out, "arkiv/index.html")
    assert (
        '<a href="../2022/03/index.html">mars 2022</a> <span class="count">(2 nyheter)</span>'
        in archive
    )
    assert archive.index("<h2>2022</h2>") < archive.index("<h2>2021</h2>")
    month = read(out, "2021/11/index.html")
    assert '<time datetime="2021-11-23T14:00:00+01:00">23 november 2021</time>' in month
    assert f'<a href="../../2021/11/{STORY}/index.html">' in month
    topic = read(out, TOPIC_PAGE)
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Ämnen: Familjefrågor – Piteå kommun – Aktuellt (RSS)" href="../../amnen/familjefragor/rss.xml">'
        in topic
    )


def test_every_page_announces_the_feeds(sites: dict[str, tuple[Path, SiteReport]]) -> None:
    out, _ = sites["sample"]
    for page in html_files(out):
        text = page.read_text(encoding="utf-8")
        depth = len(page.relative_to(out).parts) - 1
        # 404.html is sent for any address: its links start from the site's path on its host.
        up = "/aktuellt/" if page.name == "404.html" else "../" * depth
        for kind, name in (("rss+xml", "rss.xml"), ("atom+xml", "atom.xml")):
            assert f'type="application/{kind}"' in text and f'href="{up}{name}"' in text


def test_an_empty_newsroom_still_gives_a_site(sites: dict[str, tuple[Path, SiteReport]]) -> None:
    out, report = sites["empty"]
    assert (report.stories, report.topics, report.pages) == (0, 0, 4)
    assert "<p>Inga nyheter ännu.</p>" in read(out, "index.html")
    assert "<item>" not in read(out, "rss.xml")


# -- preview builds, pagination, languages ---------------------------------------------


def test_drafts_and_future_stories_only_in_previews_and_marked(
    sites: dict[str, tuple[Path, SiteReport]],
) -> None:
    public, _ = sites["public"]
    assert not (public / "2022/04/ett-utkast").exists()
    assert not (public / "2026/11/framtiden").exists()
    preview, report = sites["preview"]
    assert report.stories == 7
    draft = read(preview, "2022/04/ett-utkast/index.html")
    assert '<strong class="flag">Utkast</strong>' in draft
    assert '<meta name="robots" content="noindex">' in draft
    assert "Uppdaterad <time" in draft
    future = read(preview, "2026/11/framtiden/index.html")
    assert '<strong class="flag">Inte publicerad än</strong>' in future
    assert '<strong class="flag">Utkast</strong>' in read(preview, "index.html")
    for feed in ("rss.xml", "atom.xml", "amnen/familjefragor/rss.xml"):
        text = read(preview, feed)
        assert "ett-utkast" not in text and "/framtiden/" not in text, feed
    # A preview announces nothing: no sitemap, and every page, public or not, is noindex.
    assert not (preview / "sitemap.xml").exists()
    assert '<meta name="robots" content="noindex">' in read(preview, STORY_PAGE)


def test_story_body_links_are_relative_to_the_page(
    sites: dict[str, tuple[Path, SiteReport]],
) -> None:
    preview, _ = sites["preview"]
    page = read(preview, "2022/04/ett-utkast/index.html")
    assert f'<a href="../../../2021/11/{STORY}/index.html">en annan nyhet</a>' in page
    assert '<a href="../../../archive/index.html#innehall">arkivet</a>' in page
    assert '<img src="../../../images/diagram.png" alt="Diagram" />' in page
    assert '<a href="https://example.org/a?b=1&amp;c=2">extern</a>' in page
    assert "<h2>Mellanrubrik</h2>" in page and "<li>två</li>" in page
    assert (preview / "images/diagram.png").read_bytes() == b"\x89PNG fake"


def test_long_listings_are_paged_with_labels_in_the_site_language(
    sites: dict[str, tuple[Path, SiteReport]],
) -> None:
    plain, _ = sites["plain"]
    assert (plain / "page/2/index.html").is_file() and (plain / "page/3/index.html").is_file()
    assert not (plain / "page/4").exists()
    first = read(plain, "index.html")
    assert '<a href="page/2/index.html" rel="next">Older →</a>' in first
    assert "Newer" not in first and "Page 1 of 3" in first
    second = read(plain, "page/2/index.html")
    assert '<a href="../../index.html" rel="prev">← Newer</a>' in second
    assert '<a href="../3/index.html" rel="next">' not in second
    assert '<a href="../../page/3/index.html" rel="next">Older →</a>' in second
    assert "March 24, 2022" in first and "<title>News &amp; views</title>" in first
    assert (plain / "topics/familjefragor/page/2/index.html").is_file()
    paged, _ = sites["paged"]
    assert '<a href="page/2/index.html" rel="next">Äldre →</a>' in read(paged, "index.html")
    assert "Sida 2 av 3" in read(paged, "page/2/index.html")


def test_without_base_url_no_feeds_no_sitemap_and_one_warning(
    sites: dict[str, tuple[Path, SiteReport]],
) -> None:
    plain, report = sites["plain"]
    assert not report.feeds
    assert not list(plain.rglob("*.xml"))
    page = read(plain, STORY_PAGE)
    assert "canonical" not in page and "alternate" not in page and "og:url" not in page
    warnings = [w for w in report.warnings if "base_url" in w]
    assert len(warnings) == 1 and "feeds and sitemap.xml" in warnings[0]
    # The photos are missing in this newsroom: one warning per story naming its file.
    missing = [w for w in report.warnings if "image" in w]
    assert len(missing) == 4
    assert (
        missing[0].startswith("articles/2022/03/framtidens-socialtjanst")
        and "is not in the newsroom" in missing[0]
    )
    assert "<img" not in read(plain, "index.html")


# -- every page valid, every link found, on disk and in a browser -----------------------------


def test_every_page_is_valid_html(sites: dict[str, tuple[Path, SiteReport]]) -> None:
    files = [p for out, _ in sites.values() for p in html_files(out)]
    files.append(sites["sample"][0] / "static/style.css")
    assert nu_html_errors(files, css=True) == []
    assert len(files) > 60


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)
            if name == "id" and value:
                self.ids.add(value)


def parse_links(path: Path) -> LinkParser:
    parser = LinkParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_finds_its_target(sites: dict[str, tuple[Path, SiteReport]]) -> None:
    checked = 0
    for out, _ in sites.values():
        for page in html_files(out):
            links = parse_links(page).links
            # 404.html links from the site's path on its host ('/sub/'), not from its folder.
            home = next(h for h in links if h.endswith("static/style.css"))[
                : -len("static/style.css")
            ]
            for href in links:
                parts = urlsplit(href)
                if parts.scheme or parts.netloc:
                    continue
                if page.name == "404.html" and parts.path.startswith("/"):
                    assert parts.path.startswith(home), f"404.html: {href} leaves the site"
                    parts = parts._replace(path="./" + parts.path[len(home) :])
                target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
                assert target.is_file(), f"{page.relative_to(out)}: {href} finds nothing"
                assert target.is_relative_to(out.resolve()), f"{page}: {href} leaves the site"
                if parts.fragment and target.suffix == ".html":
                    assert parts.fragment in parse_links(target).ids, f"{page}: {href}"
                checked += 1
    assert checked > 1000


@pytest.fixture(scope="module")
def chromium() -> str:
    found = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if found is None:
        missing_tool("Chromium (/usr/bin/chromium)")
    assert found is not None
    return found


def test_site_opened_from_disk_follows_links_and_renders(chromium: str, tmp_path: Path) -> None:
    site = tmp_path / "public"
    export_site(Newsroom(sample_newsroom(tmp_path / "newsroom")), site, now=NOW)
    front_url = (site / "index.html").as_uri()

    browser = Browser(chromium, tmp_path / "profile")  # one Chromium for every look
    try:
        browser.open(front_url)
        front = Page(browser.dom())
        assert front.h1 == "Senaste nyheterna"
        assert len(front.story_links) == 5
        story_url = urljoin(front_url, front.story_links[0])
        assert Path(unquote(urlsplit(story_url).path)).is_file()

        browser.open(story_url)
        story = Page(browser.dom())
        assert story.h1 == "Framtidens socialtjänst i fokus under årets kvalitetsmässa"
        topic_url = urljoin(story_url, story.topic_links[0])

        browser.open(topic_url)
        topic = Page(browser.dom())
        assert topic.h1 == "Ämnen: Familjefrågor"
        assert len(topic.story_links) == 4

        browser.open(front_url)
        shot = tmp_path / "front.png"
        browser.screenshot(shot, 1000, 1400)
    finally:
        browser.close()
    colours = png_colours(shot)
    assert len(colours) > 50, f"the page looks blank: {len(colours)} colours"
    assert BAND in colours, "the stylesheet did not load from file://"


# -- every value staff type arrives as text ------------------------------------------------------


class TextParser(HTMLParser):
    """The page as a browser sees it: elements with their attributes, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in: list[str] = []
        self.by_tag: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for tag in self._in:
            self.by_tag.setdefault(tag, []).append(data)

    def inside(self, tag: str) -> str:
        return "".join(self.by_tag.get(tag, []))


def test_hostile_values_come_out_as_text(sites: dict[str, tuple[Path, SiteReport]]) -> None:
    out, _ = sites["hostile"]
    pages_to_check = [
        "2022/04/fientlig/index.html",
        "index.html",
        "2022/04/index.html",
    ]
    for rel in pages_to_check:
        parser = TextParser()
        parser.feed(read(out, rel))
        for tag, attrs in parser.tags:
            assert tag != "script", rel
            assert not [a for a in attrs if a.startswith("on")], (rel, tag, attrs)
            for name in ("href", "src"):
                value = (attrs.get(name) or "").replace(" ", "").lower()
                assert not value.startswith("javascript:"), (rel, tag, attrs)
        assert HOSTILE_TITLE in "".join(parser.text), rel
    parser = TextParser()
    parser.feed(read(out, "2022/04/fientlig/index.html"))
    assert parser.inside("h1") == HOSTILE_TITLE
    assert parser.inside("title") == f"{HOSTILE_TITLE} – Piteå kommun – Aktuellt"
    assert f"{HOSTILE_CAPTION} Foto: {HOSTILE_CREDIT}" in parser.inside("figcaption")
    assert HOSTILE_TEASER in parser.inside("p")
    assert HOSTILE_TOPIC in parser.inside("a")
    assert f"Källa: {HOSTILE_SOURCE}" in " ".join(parser.inside("footer").split())
    images = [attrs for tag, attrs in parser.tags if tag == "img"]
    assert images[0]["alt"] == HOSTILE_ALT
    metas = {
        attrs.get("property"): attrs.get("content") for tag, attrs in parser.tags if tag == "meta"
    }
    assert metas["og:title"] == HOSTILE_TITLE and metas["og:description"] == HOSTILE_TEASER
    body = parser.inside("div")
    assert "<script>alert(5)</script>" in body and "<img src=x onerror=alert(6)>" in body
    assert "[Klicka här](javascript:alert(7))" in body
    topics, _ = sites["hostile"]
    assert (topics / "amnen/javascript-alert-10/index.html").is_file()


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
        # A value that makes its file invalid: built without it, and the export fails (1);
        # so does an alt text that shows nothing (published anyway, as check would not).
        failed = "skipped" in result.stderr or "the photo has no alt text" in result.stderr
        assert result.exit_code == (1 if failed else 0), result.stderr
        yield root


# The search page is the one page with a script of its own (static/search.js); it is compared
# with the benign search page alone, so that a script anywhere else still fails the checks.
SEARCH_PAGE = "search/index.html"
BENIGN_SEARCH: list[Shape] = []  # the benign site's search page, set by the benign fixture


def union(shapes: dict[str, Shape]) -> tuple[set[str], set[tuple[str, str]]]:
    elements: set[str] = set()
    attributes: set[tuple[str, str]] = set()
    for page, shape in shapes.items():
        if page == SEARCH_PAGE:
            continue
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
        BENIGN_SEARCH[:] = [shapes[SEARCH_PAGE]]
        return union(shapes)


def test_the_benign_site_is_what_the_checks_compare_with(
    benign: tuple[set[str], set[tuple[str, str]]],
) -> None:
    elements, attributes = benign
    assert elements >= MARKDOWN_ELEMENTS  # the body above really uses every construct
    assert {"script", "iframe", "object", "embed", "style", "svg"}.isdisjoint(elements)
    assert not any(name.startswith("on") for _, name in attributes)
    # The one form every page has is the search field: it asks, never posts.
    assert ("form", "role") in attributes and ("form", "method") in attributes


def test_the_search_page_is_the_only_page_with_a_script_and_it_is_newsclis_own(
    tmp_path: Path,
) -> None:
    with built(BENIGN_FILES, config()) as root:
        scripts = {
            page: [
                line.strip()
                for line in read(root / "public", page).splitlines()
                if "<script" in line
            ]
            for page in site_shape(root / "public")
        }
    assert {page for page, found in scripts.items() if found} == {SEARCH_PAGE}
    assert scripts[SEARCH_PAGE] == ['<script type="module" src="../static/search.js"></script>']


def assert_safe_site(root: Path, benign: tuple[set[str], set[tuple[str, str]]]) -> None:
    elements, attributes = benign
    for page, shape in site_shape(root / "public").items():
        if page == SEARCH_PAGE:
            # Settings reach it (the site's title), stories never do: as the benign one.
            known = BENIGN_SEARCH[0]
            assert shape.elements <= known.elements, f"{page}: {shape.elements - known.elements}"
            assert shape.attributes <= known.attributes, page
            assert unsafe_urls(shape.urls) == [], f"{page}: {unsafe_urls(shape.urls)}"
            continue
        assert shape.elements <= elements, f"{page}: {shape.elements - elements}"
        assert shape.attributes <= attributes, f"{page}: {shape.attributes - attributes}"
        assert unsafe_urls(shape.urls) == [], f"{page}: {unsafe_urls(shape.urls)}"
    for feed in (root / "public").rglob("*.xml"):
        check_xml_feed(feed.read_text(encoding="utf-8"))


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


# -- writing: deterministic, only what changed, on every core --------------------------------


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder by its relative path, but the temporary files a kill leaves
    (and the search bundle's files that Pagefind orders differently each time)."""
    return without_unstable_search_files(
        {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in folder.rglob("*")
            if p.is_file() and not p.name.endswith(".tmp")
        }
    )


def test_same_newsroom_gives_byte_identical_output(tmp_path: Path) -> None:
    newsroom = Newsroom(sample_newsroom(tmp_path / "newsroom"))
    export_site(newsroom, tmp_path / "a", now=NOW)
    export_site(newsroom, tmp_path / "b", now=NOW + dt.timedelta(days=400))
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def rendered_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages each following export renders (the others it keeps as they are)."""
    seen: list[str] = []
    render = builder_module.SiteBuilder.render

    def spy(self: builder_module.SiteBuilder, template: str, path: str, **context: object) -> bytes:
        seen.append(path)
        return render(self, template, path, **context)

    monkeypatch.setattr(builder_module.SiteBuilder, "render", spy)
    return seen


def test_pages_whose_inputs_did_not_change_are_not_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = preview_newsroom(tmp_path / "newsroom")
    (root / "images" / "diagram.png").unlink()
    out = tmp_path / "public"
    first = export_site(Newsroom(root), out, now=NOW)
    seen = rendered_pages(monkeypatch)
    again = export_site(Newsroom(root), out, now=NOW)
    assert seen == [] and again.written == 0
    assert again.warnings == first.warnings and again.pages == first.pages

    path = (
        root
        / "articles/2022/01/socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation.md"
    )
    path.write_text(
        path.read_text(encoding="utf-8").replace("sjösatt", "startat"), encoding="utf-8"
    )
    export_site(Newsroom(root), out, now=NOW)
    assert sorted(seen) == [
        "",
        "2022/01/",
        "2022/01/socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation/",
        "amnen/anhorigstod/",
        "amnen/familjefragor/",
    ]
    assert "startat" in read(out, "index.html")

    # A file a story links to turns up: its page is rendered again and the file copied.
    seen.clear()
    (root / "images" / "diagram.png").write_bytes(b"png")
    report = export_site(Newsroom(root), out, now=NOW, drafts=True)
    assert "2022/04/ett-utkast/" in seen and (out / "images/diagram.png").read_bytes() == b"png"
    assert not [w for w in report.warnings if "diagram" in w]

    # A page changed by hand: the record of what was written is trusted (no page is read
    # back), and a full export puts it right; a changed template renders every page again.
    seen.clear()
    (out / STORY_PAGE).write_text("trasig", encoding="utf-8")
    export_site(Newsroom(root), out, now=NOW, drafts=True)
    assert seen == [] and read(out, STORY_PAGE) == "trasig"
    export_site(Newsroom(root), out, now=NOW, drafts=True, full=True)
    assert f"2021/11/{STORY}/" in seen and "trasig" not in read(out, STORY_PAGE)
    (root / "templates").mkdir()
    (root / "templates" / "month.html").write_text("{{ month.year }}", encoding="utf-8")
    seen.clear()
    last = export_site(Newsroom(root), out, now=NOW, drafts=True)
    moved = [path for path in seen if path.startswith(("topics/", "archive/"))]  # old addresses
    assert len(seen) - len(moved) == last.pages and read(out, "2021/11/index.html") == "2021"


def test_newsroom_templates_override_the_shipped_ones(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom", photos=False)
    (root / "templates").mkdir()
    (root / "templates" / "front.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>Egen förstasida</h1>'
        "{% for story in listing.stories %}<p>{{ story.article.title }}</p>{% endfor %}"
        "{% endblock %}",
        encoding="utf-8",
    )
    export_site(Newsroom(root), tmp_path / "out", now=NOW)
    front = read(tmp_path / "out", "index.html")
    assert "<h1>Egen förstasida</h1>" in front and "<p>Socialtjänsten erbjuder" in front
    assert "<h1>Förbättrad" in read(tmp_path / "out", STORY_PAGE)


def test_same_address_twice_keeps_the_newest_and_warns(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom", photos=False)
    # Its own id: two files with one id are an export error of their own.
    older = write_article(root, story("dubbel", title="Äldre", id="dubbel-aldre"))
    older.rename(older.with_name("dubbel-kopia.md"))
    write_article(
        root, story("dubbel", date=dt.datetime(2022, 4, 2, tzinfo=NOW.tzinfo), title="Nyare")
    )
    report = export_site(Newsroom(root), tmp_path / "out", now=NOW)
    assert "<h1>Nyare</h1>" in read(tmp_path / "out", "2022/04/dubbel/index.html")
    assert any("dubbel-kopia.md: same address 2022/04/dubbel/" in w for w in report.warnings)


def test_rendering_on_every_core_gives_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    (root / "articles/2021/11/trasig.md").write_text("no front matter\n", encoding="utf-8")
    newsroom = Newsroom(root)
    serial = export_site(newsroom, tmp_path / "serial", now=NOW)
    monkeypatch.setattr(rendering, "PARALLEL_FROM", 1)
    monkeypatch.setattr(rendering, "CHUNK", 2)
    shared: list[int] = []
    real = newscli.parallel.shared_out

    def spy(work: Any, chunks: Any, processes: int, **options: Any) -> Any:
        shared.append(processes)
        return real(work, chunks, processes, **options)

    monkeypatch.setattr(newscli.parallel, "shared_out", spy)
    parallel = export_site(Newsroom(root), tmp_path / "parallel", now=NOW)
    assert shared and shared[-1] >= 2  # the pages were rendered in forked workers

    assert tree(tmp_path / "parallel") == tree(tmp_path / "serial")
    assert (parallel.pages, parallel.written, parallel.warnings) == (
        serial.pages,
        serial.written,
        serial.warnings,
    )
    again = export_site(Newsroom(root), tmp_path / "parallel", now=NOW)
    assert again.written == 0 and again.unchanged == serial.written


# -- a site that cannot be written, an export killed: the old site or the new one ---------------


def test_a_site_that_cannot_be_written_keeps_the_old_site_and_the_next_run_completes(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = newsroom_path / "public"
    assert invoke("export", "html").exit_code == 0
    before = {p: p.read_bytes() for p in public.rglob("*") if p.is_file()}
    invoke("tag", "add", "Nytt", "--all")
    with monkeypatch.context() as patch:
        inject(patch, "replace", errno.ENOSPC, "amnen/")
        result = invoke("export", "html")
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "amnen/" in result.stderr
    for path, data in before.items():  # every file is the old one or a whole new one
        assert path.exists()
        if "amnen/" in str(path.relative_to(public)):
            assert path.read_bytes() == data
    assert leftovers(public) == []
    again = invoke("export", "html")
    assert again.exit_code == 0, again.stderr
    assert "Nytt" in (public / "amnen" / "nytt" / "index.html").read_text()


@pytest.fixture(scope="module")
def old_and_new_site(
    generated: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    """A newsroom whose public/ holds the site as it was before a change to every story,
    and the site as a complete export after the change (to compare with)."""
    base = tmp_path_factory.mktemp("sites")
    root = base / "newsroom"
    shutil.copytree(generated, root)
    assert finish("export", "html", root=root).returncode == 0
    assert finish("tag", "add", "Ändrad", "--all", root=root).returncode == 0
    reference = base / "reference"
    done = finish("export", "html", "-o", str(reference), root=root)
    assert done.returncode == 0, done.stderr
    return root, reference


@needs_sigkill
@pytest.mark.parametrize("share", KILL_AT)
def test_an_export_killed_at_any_point_leaves_old_or_new_files_and_a_rerun_finishes(
    old_and_new_site: tuple[Path, Path], tmp_path: Path, share: float
) -> None:
    prepared, reference = old_and_new_site
    root = tmp_path / "newsroom"
    shutil.copytree(prepared, root)
    public = root / "public"
    old, new = tree(public), tree(reference)
    changing = [rel for rel in new if old.get(rel) != new[rel] and rel != MANIFEST]
    watched = [public / rel for rel in changing[:: max(1, len(changing) // 60)]]
    started = time.time_ns()

    def written() -> int:
        count = 0
        for path in watched:
            with contextlib.suppress(FileNotFoundError):
                count += path.stat().st_mtime_ns >= started
        return count

    run = newscli_process(root, "export", "html")
    kill_when(run, written, max(1, round(share * len(watched))))

    after = tree(public)
    for rel, data in after.items():
        if rel == MANIFEST:  # the record names what the export may write before it writes
            continue
        assert data in (old.get(rel), new.get(rel)), f"{rel} is neither the old nor the new file"
    # However many pages the kill let the export renew (none, some or all), the rest holds.
    assert set(old) <= set(after), "a file of the previous site went missing"
    assert all(name.startswith(".") for name in leftovers(public))

    rerun = finish("export", "html", root=root)
    assert rerun.returncode == 0, rerun.stderr
    assert tree(public) == new


BASE = "https://www.example.se/aktuellt/"
STORY_PAGE = f"2021/11/{STORY}/index.html"
GOLDEN_PHOTO = REPO / "tests" / "golden" / "site" / "photo.jpg"


def published(title: str, date: str = "2022-05-02T10:00:00+02:00", extra: str = "") -> str:
    return f'title = "{title}"\ndate = {date}\nstatus = "published"\n{extra}'


def site_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


# -- 3. nothing private from assets ---------------------------------------------------------

SECRET = b"PRIVATE: not for the public"


def _private_files(root: Path) -> dict[str, Path]:
    """Files no reader may ever get: a draft, the settings, git's config, the index."""
    draft = add_article(
        root, "hemligt-utkast", 'title = "Hemligt"\ndate = 2022-05-01T10:00:00+02:00'
    )
    draft.write_bytes(draft.read_bytes() + SECRET)
    toml = root / "newscli.toml"
    toml.write_bytes(toml.read_bytes() + b"# " + SECRET + b"\n")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_bytes(SECRET)
    (root / "templates").mkdir()
    (root / "templates" / "x.pdf").write_bytes(SECRET)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.pdf").write_bytes(SECRET)
    (root / "articles" / "2022" / "05" / "bilaga.pdf").write_bytes(SECRET)
    return {
        "draft": draft,
        "settings": toml,
        "git": root / ".git" / "config",
    }


@pytest.mark.parametrize("private", ["draft", "settings", "git"])
def test_a_symlinked_asset_never_publishes_the_private_file_it_points_to(
    invoke: Invoke, newsroom_path: Path, private: str
) -> None:
    target = _private_files(newsroom_path)[private]
    (newsroom_path / "images").mkdir()
    os.symlink(os.path.relpath(target, newsroom_path / "images"), newsroom_path / "images/x.pdf")
    os.symlink(os.path.relpath(target, newsroom_path / "images"), newsroom_path / "images/y.jpg")
    (newsroom_path / "images" / "ok.pdf").write_bytes(b"%PDF public")
    add_article(
        newsroom_path,
        "med-bilagor",
        published("Med bilagor", extra='[image]\nsrc = "images/y.jpg"\n'),
        body="\nSe [bilagan](images/x.pdf) och [den andra](images/ok.pdf).\n",
    )
    result = invoke("export", "html")
    public = newsroom_path / "public"
    assert (public / "images" / "ok.pdf").read_bytes() == b"%PDF public"
    assert not (public / "images" / "x.pdf").exists()
    assert not (public / "images" / "y.jpg").exists()
    for rel, data in site_files(public).items():
        assert SECRET not in data, rel
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert any("'images/x.pdf'" in w and "symbolic link" in w for w in warnings), warnings
    assert any("'images/y.jpg'" in w and "symbolic link" in w for w in warnings), warnings


def test_a_symlinked_folder_of_assets_publishes_nothing_through_it(
    invoke: Invoke, newsroom_path: Path
) -> None:
    _private_files(newsroom_path)
    os.symlink("articles/2022/05", newsroom_path / "bilagor")
    add_article(
        newsroom_path, "lankar", published("Länkar"), body="\n[Bilaga](bilagor/bilaga.pdf)\n"
    )
    result = invoke("export", "html")
    public = newsroom_path / "public"
    assert not (public / "bilagor").exists()
    assert all(SECRET not in data for data in site_files(public).values())
    assert "'bilagor/bilaga.pdf'" in result.stderr and "symbolic link" in result.stderr


@pytest.mark.parametrize(
    ("src", "why"),
    [
        ("articles/2022/05/bilaga.pdf", "articles/"),
        ("templates/x.pdf", "templates/"),
        (".hidden/x.pdf", "hidden"),
        (".git/config.pdf", "hidden"),
    ],
)
def test_a_link_to_a_private_folder_is_refused_with_a_warning_naming_it(
    invoke: Invoke, newsroom_path: Path, src: str, why: str
) -> None:
    _private_files(newsroom_path)
    (newsroom_path / ".git" / "config.pdf").write_bytes(SECRET)
    add_article(newsroom_path, "privat", published("Privat"), body=f"\n[Fil]({src})\n")
    result = invoke("export", "html")
    public = newsroom_path / "public"
    assert all(SECRET not in data for data in site_files(public).values())
    refused = [line for line in result.stderr.splitlines() if repr(src) in line]
    assert refused and refused[0].startswith("newscli: warning: articles/2022/05/privat.md: ")
    assert why in refused[0].split(repr(src), 1)[1], refused[0]


# -- 1. a broken file never takes a live story off the site ---------------------------------

KEPT = "framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa"
KEPT_FILE = f"articles/2022/03/{KEPT}.md"
KEPT_PAGE = f"2022/03/{KEPT}/index.html"
KEPT_PHOTO = derived(PHOTOS[0], ".jpg")


class Links(HTMLParser):
    """Every href and src of a page, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [v for k, v in attrs if k in ("href", "src") and v is not None]


def links_of(page: Path) -> set[str]:
    """The site-relative paths a page links to."""
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    site = page.parent
    found = set()
    for href in parser.links:
        if "://" in href or href.startswith("#"):
            continue
        target = os.path.normpath(site / href.split("#")[0])
        found.add(Path(target).as_posix())
    return found


def links_to(public: Path, page: str, target: str) -> bool:
    return (public / target).as_posix() in links_of(public / page)


def with_photos(root: Path) -> None:
    for src in PHOTOS:
        (root / src).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(GOLDEN_PHOTO, root / src)


def test_a_broken_file_keeps_its_live_story_everywhere_on_the_site_as_it_last_was(
    invoke: Invoke, newsroom_path: Path
) -> None:
    with_photos(newsroom_path)
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    page = (public / KEPT_PAGE).read_bytes()
    break_with_conflict_markers(newsroom_path / KEPT_FILE)

    result = invoke("export", "html")
    assert result.exit_code == 1, result.stderr
    summary = result.stderr.splitlines()[-1]
    assert summary.startswith("Exported 5 stories")
    assert summary.endswith("(published with 1 broken story kept at its last good version)")
    assert any(
        KEPT_FILE in line and "last good version" in line
        for line in result.stderr.splitlines()[:-1]
    )
    assert (public / KEPT_PAGE).read_bytes() == page  # exactly as the last export wrote it
    assert (public / KEPT_PHOTO).is_file()  # and what it shows
    for listing in ("index.html", "2022/03/index.html", "amnen/kvalitetsutveckling/index.html"):
        assert links_to(public, listing, KEPT_PAGE), listing
    assert "(1 nyhet)" in (public / "amnen/index.html").read_text(encoding="utf-8")
    url = f"{BASE}2022/03/{KEPT}/"
    assert f"<loc>{url}</loc>" in (public / "sitemap.xml").read_text(encoding="utf-8")
    for feed in ("rss.xml", "atom.xml", "amnen/kvalitetsutveckling/rss.xml"):
        parsed = feedparser.parse((public / feed).read_bytes())
        assert url in [entry.link for entry in parsed.entries], feed


def test_the_site_and_build_next_agree_on_the_embargo_of_a_kept_story(
    newsroom_path: Path, tmp_path: Path
) -> None:
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    soon = add_article(
        newsroom_path,
        "snart",
        'title = "Snart"\ndate = 2024-01-02T10:00:00+01:00\nstatus = "published"',
        month="2024/01",
    )
    export_site(Newsroom(newsroom_path), tmp_path / "public", now=now)  # its good version seen
    break_with_conflict_markers(soon)
    report = export_site(Newsroom(newsroom_path), tmp_path / "public", now=now)
    embargo = dt.datetime(2024, 1, 2, 9, tzinfo=dt.UTC)  # when its last good version goes out
    assert report.next_change == embargo
    assert next_public_change(Newsroom(newsroom_path), now) == embargo


def test_a_kept_story_whose_page_is_missing_is_named_in_a_warning(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    (public / KEPT_PAGE).unlink()
    break_with_conflict_markers(newsroom_path / KEPT_FILE)
    result = invoke("export", "html")
    assert result.exit_code == 1
    missing = [line for line in result.stderr.splitlines() if KEPT_PAGE in line]
    assert missing and "missing" in missing[0] and KEPT_FILE in missing[0], result.stderr
    assert links_to(public, "index.html", KEPT_PAGE)


def test_a_story_whose_last_good_version_is_unknown_keeps_its_page_and_no_page_is_removed(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    before = site_files(public)
    shutil.rmtree(newsroom_path / ".newscli")  # no index: nothing knows the last good version
    break_with_conflict_markers(newsroom_path / KEPT_FILE)
    (newsroom_path / STORY_PATH).unlink()  # or was it renamed into the broken file?

    result = invoke("export", "html")
    assert result.exit_code == 1, result.stderr
    assert KEPT_FILE in result.stderr
    assert (public / KEPT_PAGE).read_bytes() == before[KEPT_PAGE]
    assert (public / STORY_PAGE).read_bytes() == before[STORY_PAGE]
    assert "no story page" in result.stderr.splitlines()[-1]

    # Once every file reads cleanly, removal is safe again.
    (newsroom_path / KEPT_FILE).write_text(
        (REPO / KEPT_FILE).read_text(encoding="utf-8"), encoding="utf-8"
    )
    again = invoke("export", "html")
    assert again.exit_code == 0, again.stderr
    assert not (public / STORY_PAGE).exists() and (public / KEPT_PAGE).is_file()


def test_a_file_that_was_never_valid_keeps_every_story_page_of_earlier_exports(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    broken = add_article(newsroom_path, "trasig", 'title = "Ingen status eller datum"')
    broken.write_text("+++\n<<<<<<< HEAD\n+++\n", encoding="utf-8")
    (newsroom_path / STORY_PATH).unlink()
    result = invoke("export", "html")
    assert result.exit_code == 1
    assert "articles/2022/05/trasig.md" in result.stderr
    assert (public / STORY_PAGE).is_file()


# -- 4. a preview announces nothing; 11. robots.txt -----------------------------------------


class Robots(HTMLParser):
    """The robots meta tags of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.robots: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "robots":
            self.robots.append(values.get("content") or "")


def robots_of(page: Path) -> list[str]:
    parser = Robots()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.robots


def robots_txt(folder: Path) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse((folder / "robots.txt").read_text(encoding="utf-8").splitlines())
    return parser


def with_draft_and_future(root: Path) -> None:
    add_article(root, "utkast", 'title = "Utkast"\ndate = 2022-05-01T10:00:00+02:00')
    path = root / "articles" / "2027" / "01" / "framtiden.md"
    path.parent.mkdir(parents=True)
    path.write_text(
        '+++\nid = "framtiden-id"\ntitle = "Framtiden"\nslug = "framtiden"\n'
        'date = 2027-01-05T10:00:00+01:00\nstatus = "published"\n+++\n\nSnart.\n',
        encoding="utf-8",
    )


@pytest.mark.parametrize("flags", [("--drafts",), ("--future",), ("--drafts", "--future")])
def test_a_preview_build_asks_every_page_not_to_be_indexed_and_announces_nothing(
    invoke: Invoke, newsroom_path: Path, flags: tuple[str, ...]
) -> None:
    with_draft_and_future(newsroom_path)
    out = newsroom_path / "preview"
    assert invoke("export", "html", "-o", "preview").exit_code == 0  # published there first
    assert (out / "sitemap.xml").is_file()
    result = invoke("export", "html", *flags, "-o", "preview")
    assert result.exit_code == 0, result.stderr
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 15
    for page in pages:
        assert robots_of(page) == ["noindex"], page.relative_to(out)
    assert not (out / "sitemap.xml").exists()  # the public build's sitemap went too
    robots = robots_txt(out)
    for path in ("", "2022/05/utkast/", "2027/01/", "index.html"):
        assert not robots.can_fetch("Googlebot", BASE + path), path
    assert not robots.site_maps()


def test_a_public_build_writes_robots_txt_naming_its_sitemap_and_pages_stay_indexable(
    invoke: Invoke, newsroom_path: Path
) -> None:
    with_draft_and_future(newsroom_path)
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    robots = robots_txt(public)
    assert robots.site_maps() == [f"{BASE}sitemap.xml"]
    assert robots.can_fetch("Googlebot", f"{BASE}2021/11/{STORY}/")
    assert all(robots_of(page) == [] for page in public.rglob("index.html"))
    sitemap = (public / "sitemap.xml").read_text(encoding="utf-8")
    assert "/utkast/" not in sitemap and "/framtiden/" not in sitemap and "2027" not in sitemap


def test_without_base_url_robots_txt_names_no_sitemap(invoke: Invoke, newsroom_path: Path) -> None:
    toml = newsroom_path / "newscli.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("base_url", "# base_url"))
    assert invoke("export", "html").exit_code == 0
    robots = robots_txt(newsroom_path / "public")
    assert robots.site_maps() is None and robots.can_fetch("Googlebot", "/index.html")


# -- 5. duplicate ids ------------------------------------------------------------------------


def copy_with_new_slug(root: Path, rel: str, slug: str) -> str:
    """A copied article file: same id, another slug (a new story started from an old one)."""
    source = root / rel
    copy = source.with_name(f"{slug}.md")
    text = source.read_text(encoding="utf-8")
    old_slug = source.stem
    copy.write_text(text.replace(f'slug = "{old_slug}"', f'slug = "{slug}"'), encoding="utf-8")
    return copy.relative_to(root).as_posix()


def stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*")}


def test_two_files_with_one_id_stop_the_export_before_anything_is_written(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    before = stamps(public)
    copy = copy_with_new_slug(newsroom_path, STORY_PATH, "kopia")
    result = invoke("export", "html")
    assert result.exit_code == 1
    error = result.stderr.splitlines()[-1]
    assert error.startswith("newscli: error: ") and STORY_PATH in error and copy in error
    assert "0b6f0c2e-6a53-4d6e-9a57-3c1f4c0de8b1" in error
    assert stamps(public) == before
    fresh = invoke("export", "html", "-o", "ny")
    assert fresh.exit_code == 1 and not (newsroom_path / "ny").exists()


# -- 7. authors ------------------------------------------------------------------------------


def test_a_story_page_names_an_author_without_the_email_address(
    invoke: Invoke, newsroom_path: Path
) -> None:
    add_article(
        newsroom_path,
        "med-adress",
        published("Med adress", extra='author = "Anna Andersson <anna@example.se>"'),
    )
    assert invoke("export", "html").exit_code == 0
    page = (newsroom_path / "public/2022/05/med-adress/index.html").read_text(encoding="utf-8")
    assert "Anna Andersson" in page and "anna@example.se" not in page


# -- 8. the JSON Feed ------------------------------------------------------------------------


class Alternates(HTMLParser):
    """The feeds a page announces: (type, href) of each <link rel="alternate">."""

    def __init__(self) -> None:
        super().__init__()
        self.feeds: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link" and values.get("rel") == "alternate":
            self.feeds.append((values.get("type") or "", values.get("href") or ""))


def test_the_site_writes_the_json_feed_its_feed_url_names_and_every_page_announces_it(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    feed = json.loads((public / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == f"{BASE}feed.json"
    assert len(feed["items"]) == 5
    pages = [p for p in public.rglob("index.html")]
    assert len(pages) > 15
    for page in pages:
        parser = Alternates()
        parser.feed(page.read_text(encoding="utf-8"))
        hrefs = [href for kind, href in parser.feeds if kind == "application/feed+json"]
        assert len(hrefs) == 1, page
        assert (page.parent / hrefs[0]).resolve() == (public / "feed.json").resolve()


# -- 10. dates in the newsroom's timezone ----------------------------------------------------


class Times(HTMLParser):
    """Each <time>: its datetime attribute and the text it shows."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "time":
            self._open = dict(attrs).get("datetime") or ""

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.times.append((self._open, data))
            self._open = None


def times_of(page: Path) -> list[tuple[str, str]]:
    parser = Times()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.times


def test_every_date_on_the_site_is_the_newsrooms_own_day(
    invoke: Invoke, newsroom_path: Path
) -> None:
    # Stored with a winter offset in summer: 23:17+01:00 is 00:17 the next day in Stockholm.
    add_article(newsroom_path, "sen-kvall", published("Sen kväll", "2022-07-10T23:17:00+01:00"))
    # The last evening of June by that offset is the first of July in Stockholm.
    add_article(
        newsroom_path, "manadsskifte", published("Månadsskifte", "2022-06-30T23:17:00+01:00")
    )
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    late = ("2022-07-11T00:17:00+02:00", "11 juli 2022")
    edge = ("2022-07-01T00:17:00+02:00", "1 juli 2022")
    assert late in times_of(public / "2022/07/sen-kvall/index.html")
    # Its address keeps the stored date's month, as its file's folder does.
    assert edge in times_of(public / "2022/06/manadsskifte/index.html")
    front = times_of(public / "index.html")
    assert late in front and edge in front
    july = times_of(public / "2022/07/index.html")
    assert late in july and edge in july
    assert not (public / "2022/06/index.html").exists()
    sitemap = (public / "sitemap.xml").read_text(encoding="utf-8")
    assert "<lastmod>2022-07-11T00:17:00+02:00</lastmod>" in sitemap
