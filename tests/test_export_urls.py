"""Where a story lives on the published site, and every address newscli writes a valid URL
(RFC 3986) whatever its photo is called: pages, feeds, sitemap, og:image, JSON Feed."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest

from newscli.article import Article, Image
from newscli.export.site import export_site
from newscli.export.urls import article_path, path_url, public_url, valid_url
from newscli.newsroom import Newsroom
from tests.conftest import NOW
from tests.support.newsrooms import PHOTO, sample_newsroom, story, write_article
from tests.support.site_tools import feed_validator, nu_html_errors

BASE = "https://www.example.se/aktuellt/"
# RFC 3986: only these characters, and '%' only before two hex digits.
URL = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})+")


def test_article_path_uses_the_dates_own_local_month() -> None:
    late = dt.datetime(2022, 1, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    article = Article(id="x", title="Sent", slug="sent-i-januari", date=late)
    assert article_path(article) == "2022/01/sent-i-januari/"


@pytest.mark.parametrize(
    ("given", "valid"),
    [
        ("https://example.se/mässa.jpg", "https://example.se/m%C3%A4ssa.jpg"),
        ("https://example.se/en bild.jpg", "https://example.se/en%20bild.jpg"),
        ("https://example.se/a%20b.jpg", "https://example.se/a%20b.jpg"),  # kept, not doubled
        ("https://example.se/50%.jpg", "https://example.se/50%25.jpg"),
        ("https://example.se/s?q=åäö#del 2", "https://example.se/s?q=%C3%A5%C3%A4%C3%B6#del%202"),
        ("https://www.åre.se/a.jpg", "https://www.xn--re-xia.se/a.jpg"),
    ],
)
def test_an_address_becomes_a_valid_url(given: str, valid: str) -> None:
    assert valid_url(given) == valid


def test_a_hash_or_a_space_in_a_files_name_is_part_of_the_name() -> None:
    assert path_url("images/foto #2 åäö.jpg") == "images/foto%20%232%20%C3%A5%C3%A4%C3%B6.jpg"
    assert public_url(BASE, "images/mässa.jpg") == BASE + "images/m%C3%A4ssa.jpg"
    assert public_url(BASE, "https://x.se/a b.jpg") == "https://x.se/a%20b.jpg"


NAMES = ("mässa.jpg", "foto #2 med mellanslag.jpg")
REMOTE = "https://bilder.example.se/vår bild #1.jpg"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample newsroom with photos called mässa.jpg and 'foto #2 med mellanslag.jpg'
    and a remote photo whose address holds a space, 'å' and '#', exported."""
    root = sample_newsroom(tmp_path_factory.mktemp("urls") / "newsroom")
    when = dt.datetime(2026, 11, 20, 9, 0, tzinfo=NOW.tzinfo)
    for number, name in enumerate(NAMES):
        shutil.copy(PHOTO, root / "images" / name)
        image = Image(src=f"images/{name}", alt="Besökare på mässan", credit="Foto: Anna")
        # In the body too, linked as people write it: åäö and spaces as they are, '#' as %23.
        linked = f"<images/{name.replace('#', '%23')}>"
        body = f"\n![Mässans besökare]({linked})\n\nMässan i bilder.\n"
        moment = when + dt.timedelta(minutes=number)  # each its own time, as in a newsroom
        write_article(root, story(f"massa-{number}", image=image, date=moment, body=body))
    remote = Image(src=REMOTE, alt="Besökare på mässan", credit="Foto: Anna")
    write_article(root, story("fjarrbild", image=remote, date=when - dt.timedelta(minutes=1)))
    out = root / "public"
    export_site(Newsroom(root), out, now=NOW)
    return out


def _urls(text: str) -> list[str]:
    found = re.findall(r'(?:href|src|url|content)="(https?://[^"]*)"', text)
    found += re.findall(r"<(?:loc|id|link)>(https?://[^<]*)<", text)
    return found


@pytest.mark.parametrize(
    "name",
    [
        "rss.xml",
        "atom.xml",
        "feed.json",
        "sitemap.xml",
        "2026/11/massa-0/index.html",
        "2026/11/massa-1/index.html",
        "2026/11/fjarrbild/index.html",
    ],
)
def test_every_url_in_feeds_sitemap_and_meta_tags_is_valid(site: Path, name: str) -> None:
    text = (site / name).read_text(encoding="utf-8")
    if name.endswith(".json"):
        feed = json.loads(text)
        found = [feed["feed_url"], feed["home_page_url"]]
        found += [url for item in feed["items"] for url in (item["url"], item.get("image"))]
    else:
        found = _urls(text)
    assert found
    for url in found:
        if url is not None:
            assert URL.fullmatch(url), (name, url)


def test_the_photos_are_announced_encoded_in_every_feed(site: Path) -> None:
    photos = set()
    for name in ("rss.xml", "atom.xml"):
        for entry in feedparser.parse(str(site / name)).entries:
            photos |= {e.get("href") or e.get("url") for e in entry.get("enclosures", [])}
            photos |= {m.get("url") for m in entry.get("media_content", [])}
    feed = json.loads((site / "feed.json").read_text(encoding="utf-8"))
    photos |= {item.get("image") for item in feed["items"]}
    assert BASE + "photos/images/m%C3%A4ssa-480.jpg" in photos
    assert BASE + "photos/images/foto%20%232%20med%20mellanslag-480.jpg" in photos
    assert "https://bilder.example.se/v%C3%A5r%20bild%20#1.jpg" in photos
    page = (site / "2026/11/massa-0/index.html").read_text(encoding="utf-8")
    assert f'content="{BASE}photos/images/m%C3%A4ssa-480.jpg"' in page


def test_a_file_whose_name_holds_aao_spaces_or_hash_linked_from_a_body_is_published(
    site: Path,
) -> None:
    for number, name in enumerate(NAMES):
        page = site / f"2026/11/massa-{number}/index.html"
        shown = re.findall(
            r'<img [^>]*?src="([^"]*)"[^>]* alt="Mässans besökare"', page.read_text()
        )
        assert len(shown) == 1 and URL.fullmatch(shown[0]), shown
        assert (page.parent / unquote(shown[0])).resolve() == (site / "images" / name).resolve()
        assert (site / "images" / name).is_file()


def test_feedparser_reads_the_feeds_without_complaint(site: Path) -> None:
    for name in ("rss.xml", "atom.xml"):
        parsed = feedparser.parse(str(site / name))
        assert not parsed.bozo, (name, parsed.get("bozo_exception"))


# Run in the validator's own Python: each feed's errors and warnings (what the online
# validator shows), one line each; nothing when it passes.
VALIDATE_FEEDS = """
import sys
sys.path.insert(0, sys.argv[1] + "/src")
import feedvalidator
from feedvalidator import compatibility
from feedvalidator.formatter.text_plain import Formatter
from feedvalidator.logging import ValidationFailure
base, folder, *feeds = sys.argv[2:]
for name in feeds:
    try:
        with open(folder + "/" + name, "rb") as feed:
            events = feedvalidator.validateStream(
                feed, contentType="application/xml; charset=utf-8", base=base + name
            )["loggedEvents"]
    except ValidationFailure as failure:
        events = [failure.event]
    for line in Formatter(compatibility.AA(events)):
        print(name, line)
"""


def test_the_w3c_feed_validator_passes_the_feeds_with_such_photos(site: Path) -> None:
    found = feed_validator()
    if found is None:  # on no package index: CI cannot promise it (see install-site-tools)
        pytest.skip("the W3C feed validator (w3c/feedvalidator and its Python) is not here")
    assert found is not None
    python, checkout = found
    feeds = [
        "rss.xml",
        "atom.xml",
        *(p.relative_to(site).as_posix() for p in site.glob("amnen/*/rss.xml")),
    ]
    run = subprocess.run(
        [str(python), "-c", VALIDATE_FEEDS, str(checkout), BASE, str(site), *feeds],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""


def test_the_nu_html_checker_passes_the_pages_with_such_photos(site: Path) -> None:
    pages = [site / f"2026/11/{slug}/index.html" for slug in ("massa-0", "massa-1", "fjarrbild")]
    assert nu_html_errors(pages) == []


def test_old_addresses_are_only_those_that_moved() -> None:
    from newscli.export.urls import FORMER_SECTIONS, former_address, sections

    swedish = sections("sv")
    assert former_address("amnen/ekonomi/page/2/", swedish) == "topics/ekonomi/page/2/"
    assert former_address("arkiv/", swedish) == "archive/"
    assert former_address("2022/05/amnen/", swedish) is None
    assert former_address("topics/ekonomi/", sections("en")) is None
    assert sections("en") == FORMER_SECTIONS
