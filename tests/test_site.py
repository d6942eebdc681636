"""The static site: golden pages, valid HTML, working links, escaping, incremental writes, CLI."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
import uuid
from collections.abc import Callable
from html.parser import HTMLParser
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from newscli.article import Article, Image, Source, to_meta
from newscli.cli import site as site_cli
from newscli.config import Site
from newscli.export import pages
from newscli.export import site as site_module
from newscli.export.output import MANIFEST
from newscli.export.site import SiteReport, export_site
from newscli.frontmatter import dump
from newscli.newsroom import Newsroom
from tests.conftest import NOW, REPO, STORY, Invoke

GOLDEN = Path(__file__).parent / "golden" / "site"
PHOTO = GOLDEN / "photo.jpg"
PHOTOS = (
    "images/kvalitetsmassa.jpg",
    "images/en-vecka-fri-fran-vald.jpg",
    "images/budgetunderskott.jpg",
    "images/anhorigkoordinator.jpg",
)
STORY_PAGE = f"2021/11/{STORY}/index.html"
TOPIC_PAGE = "topics/familjefragor/index.html"
TOOLS_REQUIRED = os.environ.get("NEWSCLI_REQUIRE_SITE_TOOLS") == "1"


def missing_tool(what: str) -> None:
    """Skip on a developer's machine; fail where CI promised the tool is installed."""
    if TOOLS_REQUIRED:
        pytest.fail(f"{what} is missing but NEWSCLI_REQUIRE_SITE_TOOLS=1")
    pytest.skip(f"{what} is not installed (run .ci/install-site-tools.sh)")


# -- newsrooms to build ---------------------------------------------------------------


def sample_newsroom(folder: Path, *, photos: bool = True) -> Path:
    """The repository's sample newsroom, with the photos its stories name."""
    shutil.copytree(REPO / "articles", folder / "articles")
    shutil.copy(REPO / "newscli.toml", folder / "newscli.toml")
    if photos:
        for src in PHOTOS:
            (folder / src).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(PHOTO, folder / src)
    return folder


def write_article(root: Path, article: Article) -> Path:
    path = root / "articles" / f"{article.date:%Y/%m}" / f"{article.slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(to_meta(article), article.body), encoding="utf-8")
    return path


def story(slug: str, **fields: object) -> Article:
    values: dict[str, object] = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, slug)),
        "title": slug.replace("-", " ").capitalize(),
        "slug": slug,
        "date": dt.datetime(2022, 4, 1, 9, 0, tzinfo=NOW.tzinfo),
        "status": "published",
        "author": "Piteå kommun",
        "topics": ("Familjefrågor",),
        "body": "\nEn text.\n",
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


HOSTILE_TITLE = "<script>alert('titel')</script> & \"citat\" 'enkla'"
HOSTILE_TEASER = "Ingress <img src=x onerror=alert(1)> & mer"
HOSTILE_TOPIC = '<b>Fet</b> & "Co"'
HOSTILE_CAPTION = '"><script>alert(2)</script> Bildtext & mer'
HOSTILE_CREDIT = "</figcaption><script>alert(3)</script>"
HOSTILE_ALT = '" onerror="alert(4)'
HOSTILE_SOURCE = "<i>Källa</i> & co"
HOSTILE_BODY = """
Brödtext med <script>alert(5)</script> och <img src=x onerror=alert(6)>.

[Klicka här](javascript:alert(7)) och [här](JaVaScRiPt:alert(8)) och <javascript:alert(9)>.

> Citat med & och "tecken".
"""


def hostile_newsroom(folder: Path) -> Path:
    sample_newsroom(folder)
    write_article(
        folder,
        story(
            "fientlig",
            title=HOSTILE_TITLE,
            teaser=HOSTILE_TEASER,
            topics=(HOSTILE_TOPIC, "javascript:alert(10)"),
            image=Image(
                src="images/kvalitetsmassa.jpg",
                alt=HOSTILE_ALT,
                caption=HOSTILE_CAPTION,
                credit=HOSTILE_CREDIT,
            ),
            source=Source(name=HOSTILE_SOURCE, url="javascript:alert(11)"),
            author='<b onmouseover="x">Någon</b>',
            body=HOSTILE_BODY,
        ),
    )
    return folder


def preview_newsroom(folder: Path) -> Path:
    """The sample plus a draft and a story dated after NOW, and links inside a body."""
    sample_newsroom(folder)
    (folder / "images" / "diagram.png").write_bytes(b"\x89PNG fake")
    write_article(
        folder,
        story(
            "ett-utkast",
            status="draft",
            updated=dt.datetime(2022, 4, 2, 9, 0, tzinfo=NOW.tzinfo),
            body=(
                "\nIngressen är *första stycket* med [en länk](topics/).\n\n"
                "Se [en annan nyhet](2021/11/forbattrad-ekonomisk-prognos-for-socialtjansten/)"
                " och [arkivet](archive/#innehall).\n\n![Diagram](images/diagram.png)\n\n"
                "## Mellanrubrik\n\n- ett\n- två\n\n[extern](https://example.org/a?b=1&c=2)\n"
            ),
        ),
    )
    write_article(folder, story("framtiden", date=NOW + dt.timedelta(days=3)))
    return folder


Build = Callable[..., tuple[Path, SiteReport]]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, SiteReport]]:
    """Every variant of the site the tests look at, built once per test run."""
    base = tmp_path_factory.mktemp("sites")
    built: dict[str, tuple[Path, SiteReport]] = {}

    def build(name: str, root: Path, site: Site | None = None, **options: bool) -> None:
        newsroom = Newsroom(root, site)
        out = base / f"{name}-public"
        built[name] = (out, export_site(newsroom, out, now=NOW, **options))

    build("sample", sample_newsroom(base / "sample"))
    preview = preview_newsroom(base / "preview")
    build("preview", preview, drafts=True, future=True)
    build("public", preview)
    build("hostile", hostile_newsroom(base / "hostile"))
    plain = sample_newsroom(base / "plain", photos=False)
    build("plain", plain, Site(language="en", per_page=2, title="News & views"))
    build("paged", plain, Site(per_page=2, base_url="https://example.se/sub/"))
    (base / "empty").mkdir()
    build("empty", base / "empty", Site(base_url="https://example.se/"))
    return built


def read(folder: Path, rel: str) -> str:
    return (folder / rel).read_text(encoding="utf-8")


def html_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


# -- golden files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "golden"),
    [("index.html", "front.html"), (STORY_PAGE, "story.html"), (TOPIC_PAGE, "topic.html")],
)
def test_pages_match_golden_files(
    sites: dict[str, tuple[Path, SiteReport]], page: str, golden: str
) -> None:
    out, _ = sites["sample"]
    text = read(out, page)
    expected = GOLDEN / golden
    if os.environ.get("UPDATE_GOLDEN") == "1":
        expected.write_text(text, encoding="utf-8")
    assert text == expected.read_text(encoding="utf-8")


def test_sample_site_has_every_page_feed_and_photo(
    sites: dict[str, tuple[Path, SiteReport]],
) -> None:
    out, report = sites["sample"]
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {
        "index.html",
        STORY_PAGE,
        TOPIC_PAGE,
        "topics/index.html",
        "archive/index.html",
        "2021/11/index.html",
        "rss.xml",
        "atom.xml",
        "topics/familjefragor/rss.xml",
        "sitemap.xml",
        "static/style.css",
        MANIFEST,
        *PHOTOS,
    } <= files
    assert (out / PHOTOS[0]).read_bytes() == PHOTO.read_bytes()
    assert (report.stories, report.topics, report.pages) == (5, 5, 17)
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
    assert '<a href="../../../topics/ekonomi/index.html">Ekonomi</a>' in page
    assert (
        '<link rel="canonical" href="https://www.example.se/aktuellt/2021/11/'
        'forbattrad-ekonomisk-prognos-for-socialtjansten/">'
    ) in page
    photo_page = read(
        out, "2022/03/framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa/index.html"
    )
    assert (
        '<meta property="og:image" content="https://www.example.se/aktuellt/images/kvalitetsmassa.jpg">'
        in photo_page
    )
    assert '<span class="credit">Foto: Helene Markström</span>' in photo_page
    assert '<img src="../../../images/kvalitetsmassa.jpg"' in photo_page


def test_topics_and_archive_pages(sites: dict[str, tuple[Path, SiteReport]]) -> None:
    out, _ = sites["sample"]
    topics = read(out, "topics/index.html")
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
        '<a href="../topics/familjefragor/index.html">Familjefrågor</a> '
        '<span class="count">(4 nyheter)</span>' in topics
    )
    archive = read(out, "archive/index.html")
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
        '<link rel="alternate" type="application/rss+xml" title="Ämnen: Familjefrågor – Piteå kommun – Aktuellt (RSS)" href="../../topics/familjefragor/rss.xml">'
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
    assert (report.stories, report.topics, report.pages) == (0, 0, 3)
    assert "<p>Inga nyheter ännu.</p>" in read(out, "index.html")
    assert "<item>" not in read(out, "rss.xml")


def test_swedish_collation_puts_a_ring_and_umlauts_last() -> None:
    names = ["Österbo", "Ekonomi", "Älv", "Ådal", "Zon", "Anhörigstöd", "Éclair"]
    ordered = sorted(names, key=lambda n: pages.collation_key(n, "sv"))
    assert ordered == ["Anhörigstöd", "Éclair", "Ekonomi", "Zon", "Ådal", "Älv", "Österbo"]


def test_links_name_index_html_and_encode_what_a_path_cannot_hold() -> None:
    assert pages.link("", "") == "index.html"
    assert pages.link("topics/", "../../") == "../../topics/index.html"
    assert pages.link("2021/11/x/#svar", "../") == "../2021/11/x/index.html#svar"
    assert pages.link("images/bild med mellanslag.jpg", "") == "images/bild%20med%20mellanslag.jpg"
    assert pages.link("images/redan%20kodad.jpg", "") == "images/redan%20kodad.jpg"
    assert pages.link("https://example.se/a/", "../") == "https://example.se/a/"
    assert pages.link("#innehall", "../") == "#innehall"


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
    for feed in ("rss.xml", "atom.xml", "topics/familjefragor/rss.xml"):
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


def test_pagination_and_english_labels(sites: dict[str, tuple[Path, SiteReport]]) -> None:
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


# -- every page valid, every link found, every value escaped --------------------------------


def vnu_jar() -> Path | None:
    candidates = [
        os.environ.get("VNU_JAR", ""),
        str(REPO / ".ci/vendor/node_modules/vnu-jar/build/dist/vnu.jar"),
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


def test_every_page_is_valid_html(sites: dict[str, tuple[Path, SiteReport]]) -> None:
    jar = vnu_jar()
    java = shutil.which("java")
    if jar is None or java is None:
        missing_tool("the Nu Html Checker (vnu.jar) or java")
    files = [str(p) for out, _ in sites.values() for p in html_files(out)]
    files.append(str(sites["sample"][0] / "static/style.css"))
    run = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--also-check-css", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m.get('message')}" for m in messages]
    assert errors == []
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
    assert (topics / "topics/javascript-alert-10/index.html").is_file()


# -- writing: deterministic, only what changed, removal of what is gone ------------------


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_same_newsroom_gives_byte_identical_output(tmp_path: Path) -> None:
    newsroom = Newsroom(sample_newsroom(tmp_path / "newsroom"))
    export_site(newsroom, tmp_path / "a", now=NOW)
    export_site(newsroom, tmp_path / "b", now=NOW + dt.timedelta(days=400))
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def mtimes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_reexport_rewrites_only_what_changed_and_removes_what_is_gone(tmp_path: Path) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    out = tmp_path / "public"
    first = export_site(Newsroom(root), out, now=NOW)
    (out / "2021" / "egen-fil.txt").write_text("not newscli's", encoding="utf-8")
    (out / "CNAME").write_text("nyheter.example.se", encoding="utf-8")
    before = mtimes(out)
    again = export_site(Newsroom(root), out, now=NOW)
    assert again.written == 0 and again.unchanged == first.written and again.removed == 0
    assert mtimes(out) == before

    story_file = (
        root
        / "articles/2022/01/socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation.md"
    )
    story_file.write_text(
        story_file.read_text(encoding="utf-8").replace("sjösatt", "startat"), encoding="utf-8"
    )
    (root / "articles/2021/11" / f"{STORY}.md").unlink()
    third = export_site(Newsroom(root), out, now=NOW)
    after = mtimes(out)
    assert not (out / "2021/11").exists()  # emptied folders go too …
    assert (out / "2021/egen-fil.txt").is_file() and (
        out / "CNAME"
    ).is_file()  # … not others' files
    assert third.removed == 2  # the story's page and its month's page; its topics have others
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert (
        "2022/01/socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation/index.html"
        in changed
    )
    assert (
        "2022/03/framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa/index.html"
        not in changed
    )
    assert PHOTOS[0] not in changed
    manifest = json.loads(read(out, MANIFEST))["files"]
    assert f"2021/11/{STORY}/index.html" not in manifest and "CNAME" not in manifest


def rendered_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages each following export renders (the others it keeps as they are)."""
    seen: list[str] = []
    render = site_module.SiteBuilder.render

    def spy(self: site_module.SiteBuilder, template: str, path: str, **context: object) -> bytes:
        seen.append(path)
        return render(self, template, path, **context)

    monkeypatch.setattr(site_module.SiteBuilder, "render", spy)
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
        "topics/anhorigstod/",
        "topics/familjefragor/",
    ]
    assert "startat" in read(out, "index.html")

    # A file a story links to turns up: its page is rendered again and the file copied.
    seen.clear()
    (root / "images" / "diagram.png").write_bytes(b"png")
    report = export_site(Newsroom(root), out, now=NOW, drafts=True)
    assert "2022/04/ett-utkast/" in seen and (out / "images/diagram.png").read_bytes() == b"png"
    assert not [w for w in report.warnings if "diagram" in w]

    # A page changed by hand is put right; a changed template renders every page again.
    seen.clear()
    (out / STORY_PAGE).write_text("trasig", encoding="utf-8")
    export_site(Newsroom(root), out, now=NOW, drafts=True)
    assert seen == [f"2021/11/{STORY}/"]
    (root / "templates").mkdir()
    (root / "templates" / "month.html").write_text("{{ month.year }}", encoding="utf-8")
    seen.clear()
    last = export_site(Newsroom(root), out, now=NOW, drafts=True)
    assert len(seen) == last.pages and read(out, "2021/11/index.html") == "2021"


def test_output_folder_must_not_be_the_newsroom(invoke: Invoke, newsroom_path: Path) -> None:
    for bad in (".", "articles/site", "..", "templates"):
        result = invoke("export", "html", "-o", bad)
        assert result.exit_code == 2, (bad, result.stderr)
        assert result.stderr.startswith("newscli: error: --output"), result.stderr
    assert sorted(p.name for p in newsroom_path.iterdir()) == ["articles", "newscli.toml"]


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


# -- the commands ---------------------------------------------------------------------------


def test_export_html_command_writes_public_and_summarises(
    invoke: Invoke, newsroom_path: Path
) -> None:
    result = invoke("export", "html")
    assert result.exit_code == 0, result.stderr
    assert (newsroom_path / "public/index.html").is_file()
    lines = result.stderr.splitlines()
    assert len([line for line in lines if "warning" in line and "image" in line]) == 4
    assert lines[-1].startswith("Exported 5 stories, 5 topics, 17 pages to public/ in ")
    assert lines[-1].endswith(" s (29 files written, 0 unchanged)")  # robots, 404, feed.json
    assert result.stdout == ""
    again = invoke(
        "export", "html", "--output", "elsewhere", "--base-url", "https://nyheter.example.se/"
    )
    assert again.exit_code == 0, again.stderr
    assert "https://nyheter.example.se/2021/11/" in read(newsroom_path / "elsewhere", "sitemap.xml")


def test_export_shows_a_progress_bar_on_a_terminal_and_none_when_piped(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm")  # Rich shows no live bar on a dumb terminal
    on_terminal = invoke("export", "html", "--drafts", stderr_isatty=True)
    assert on_terminal.exit_code == 0, on_terminal.stderr
    assert "Exporting" in on_terminal.stderr
    assert "Exported 5 stories" in on_terminal.stderr.splitlines()[-1]
    piped = invoke("export", "html", "--drafts", "-o", "again")
    assert "Exporting" not in piped.stderr and "\x1b" not in piped.stderr
    assert piped.stderr.splitlines()[-1].startswith("Exported 5 stories")


def test_export_without_a_terminal_does_not_import_rich(
    newsroom_path: Path, tmp_path: Path
) -> None:
    code = (
        "import sys\n"
        "from newscli.cli import main\n"
        "sys.argv = ['newscli', 'export', 'html', '-o', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'rich'], 'rich imported'\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "out")],
        cwd=newsroom_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out/index.html").is_file()


def test_serve_answers_on_localhost(sites: dict[str, tuple[Path, SiteReport]]) -> None:
    out, _ = sites["sample"]
    server = site_cli.make_server(out, 0, sys.stderr)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{STORY_PAGE}", timeout=5) as reply:
            assert reply.status == 200
            assert "Förbättrad ekonomisk prognos" in reply.read().decode("utf-8")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_serve_command_builds_then_serves_until_interrupted(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[Path] = []

    def stop(self: ThreadingHTTPServer) -> None:
        folder = Path(self.RequestHandlerClass.keywords["directory"])  # type: ignore[attr-defined]
        served.append(folder)
        assert (folder / "index.html").is_file()
        raise KeyboardInterrupt

    monkeypatch.setattr(ThreadingHTTPServer, "serve_forever", stop)
    result = invoke("serve", "--port", "0")
    assert result.exit_code == 0, result.stderr
    assert "Serving the site at http://127.0.0.1:" in result.stderr
    assert served and not served[0].exists()  # the temporary folder is gone afterwards


def test_rendering_on_every_core_gives_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sample_newsroom(tmp_path / "newsroom")
    (root / "articles/2021/11/trasig.md").write_text("no front matter\n", encoding="utf-8")
    newsroom = Newsroom(root)
    serial = export_site(newsroom, tmp_path / "serial", now=NOW)
    monkeypatch.setattr(site_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(site_module, "CHUNK", 2)
    parallel = export_site(Newsroom(root), tmp_path / "parallel", now=NOW)

    def files(folder: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()
        }

    assert files(tmp_path / "parallel") == files(tmp_path / "serial")
    assert (parallel.pages, parallel.written, parallel.warnings) == (
        serial.pages,
        serial.written,
        serial.warnings,
    )
    again = export_site(Newsroom(root), tmp_path / "parallel", now=NOW)
    assert again.written == 0 and again.unchanged == serial.written
