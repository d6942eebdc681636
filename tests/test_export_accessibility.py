"""The site as a reader with a screen reader, a keyboard or poor sight meets it: every kind
of page passes axe-core's WCAG 2.0/2.1 A and AA rules with no violation in a real headless
Chromium, on a newsroom with photos, long titles, many topics and pagination; and the test
can fail: a broken page and a broken template give violations."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import tomli_w

from newscli.article import Image
from newscli.export.site import export_site
from newscli.newsroom import Newsroom
from tests.conftest import NOW
from tests.support.browser import Browser, axe_source, axe_violations
from tests.support.newsrooms import story, write_article
from tests.support.photos import camera_photo
from tests.support.site_tools import CHROMIUM, missing_tool

STATEMENT = {
    "organisation": "Piteå kommun",
    "compliance": "partial",
    "known_issues": ["Äldre pdf-filer är inte tillgängliga; de ersätts under 2025."],
    "contact": "kommun@example.se",
    "response_time": "inom fem arbetsdagar",
    "assessed": dt.date(2024, 5, 14),
    "updated": dt.date(2024, 5, 14),
    "method": "Egen granskning med axe-core och skärmläsare.",
}
TOPICS = (
    "Familjefrågor",
    "Anhörigstöd",
    "Ekonomi",
    "Våld i nära relationer",
    "Kvalitetsutveckling",
    "Äldreomsorg",
    "Funktionsstöd",
    "Missbruk och beroende",
)
LONG_TITLE = (
    "Socialnämndens arbetsutskott föreslår förändrade riktlinjer för ekonomiskt bistånd, "
    "utökad anhörigkonsultation och en gemensam samordningsfunktion för barn och unga"
)
BODY = """
Socialtjänsten i Piteå kommun arbetar med [stöd till anhöriga](https://www.example.se/anhorig).

## Vad förändras?

- Fler samtalstider
- Nya gruppträffar

> Vi vill att fler ska få stöd tidigt, säger ordföranden.

### Så söker du

Ring kommunens kontaktcenter eller läs [om ansökan](2022/01/story-1/index.html).
"""


def a11y_newsroom(folder: Path) -> Path:
    """Twelve stories, three a page; half with a photo; one very long title; every story
    in many topics."""
    folder.mkdir(parents=True)
    config = {
        "site": {
            "title": "Piteå kommun – Aktuellt",
            "base_url": "https://www.example.se/aktuellt/",
            "per_page": 3,
            "description": "Nyheter från socialtjänsten",
        },
        "accessibility": STATEMENT,
    }
    (folder / "newscli.toml").write_text(tomli_w.dumps(config), encoding="utf-8")
    images = folder / "images"
    images.mkdir()
    for number in range(12):
        image = None
        if number % 2 == 0:
            (images / f"foto-{number}.jpg").write_bytes(camera_photo(1000, 700))
            image = Image(
                src=f"images/foto-{number}.jpg",
                alt=f"Två personer samtalar vid ett bord, bild {number}",
                caption="Anhörigkonsulenten träffar en besökare.",
                credit="Helene Markström",
            )
        write_article(
            folder,
            story(
                f"story-{number}",
                title=LONG_TITLE if number == 3 else f"Nyhet nummer {number} från socialtjänsten",
                teaser="Ingress som sammanfattar nyheten i en mening.",
                date=dt.datetime(2022, 1 + number % 6, 1 + number, 9, tzinfo=NOW.tzinfo),
                topics=TOPICS[: 3 + number % 6],
                image=image,
                body=BODY,
            ),
        )
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, axe: str) -> Iterator[Browser]:
    """One Chromium for every page of this module, with axe-core in every page it opens."""
    found = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if found is None:
        missing_tool("Chromium (/usr/bin/chromium)")
    assert found is not None
    started = Browser(found, tmp_path_factory.mktemp("axe-profile"))
    started.preload(axe)
    yield started
    started.close()


@pytest.fixture(scope="module")
def axe() -> str:
    source = axe_source()
    if source is None:
        missing_tool("axe-core (.ci/vendor/node_modules/axe-core)")
    assert source is not None
    return source.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("a11y")
    output = folder / "public"
    export_site(Newsroom(a11y_newsroom(folder / "newsroom")), output, now=NOW)
    return output


# One page of each kind the templates make, and the ones with the most on them: the other
# pages of a kind are the same template with other stories (all 45 took 9 s; these 2 s).
PAGES = (
    "index.html",
    "page/2/index.html",
    "2022/04/story-3/index.html",  # the long title, no photo
    "2022/01/story-0/index.html",  # a photo with caption and credit
    "amnen/index.html",
    "amnen/familjefragor/index.html",
    "amnen/familjefragor/page/2/index.html",
    "arkiv/index.html",
    "2022/01/index.html",
    "tillganglighet/index.html",
    "404.html",
)


def test_every_kind_of_page_passes_axe_core_wcag_2_1_aa(browser: Browser, site: Path) -> None:
    found = {}
    for page in PAGES:
        assert (site / page).is_file(), page
        violations = axe_violations(browser, (site / page).as_uri())
        if violations:
            found[page] = violations
    assert found == {}


def test_an_old_address_that_sends_readers_on_passes_axe_core(
    browser: Browser, site: Path, tmp_path: Path
) -> None:
    # The page leaves at once (meta refresh): audited as a reader whose browser stays sees it.
    moved = (site / "topics/familjefragor/index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' in moved
    stay = site / "topics/familjefragor/stay.html"
    stay.write_text(re.sub(r'<meta http-equiv="refresh"[^>]*>', "", moved), encoding="utf-8")
    try:
        assert axe_violations(browser, stay.as_uri()) == []
    finally:
        stay.unlink()


def test_a_deliberately_broken_page_gives_violations(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Trasig</title></head><body>"
        '<img src="x.png"><p style="color:#ccc;background:#fff">Grå text på vitt</p>'
        '<a href="a.html"></a><input type="text"></body></html>',
        encoding="utf-8",
    )
    rules = {line.split(" ", 1)[0] for line in axe_violations(browser, page.as_uri())}
    assert {"html-has-lang", "image-alt", "color-contrast", "link-name", "label"} <= rules


def test_a_template_that_breaks_a_wcag_rule_is_caught(browser: Browser, tmp_path: Path) -> None:
    # A newsroom's own base.html that lost the page's language and the menu's text.
    root = a11y_newsroom(tmp_path / "newsroom")
    templates = root / "templates"
    templates.mkdir()
    shipped = Path(__file__).parent.parent / "newscli/export/templates/base.html"
    text = shipped.read_text(encoding="utf-8")
    text = text.replace('<html lang="{{ site.language }}">', "<html>")
    text = text.replace("{{ words('archive') }}</a>", "</a>")
    (templates / "base.html").write_text(text, encoding="utf-8")
    export_site(Newsroom(root), tmp_path / "public", now=NOW)
    found = axe_violations(browser, (tmp_path / "public/index.html").as_uri())
    rules = {line.split(" ", 1)[0] for line in found}
    assert {"html-has-lang", "link-name"} <= rules
