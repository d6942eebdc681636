"""The accessibility statement: made from [accessibility] with what DIGG requires, linked
from every page's footer; a missing section is one warning and no link, an incomplete one
stops the export naming the missing keys before anything is written."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import Invoke

LINK = '<a href="{}tillganglighet/index.html">Tillgänglighetsredogörelse</a>'


def without_statement(root: Path) -> None:
    config = root / "newscli.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("# The accessibility statement")
    end = text.index("[checks]")
    config.write_text(text[:start] + text[end:], encoding="utf-8")


def test_every_page_links_the_statement_which_says_what_digg_requires(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    public = newsroom_path / "public"
    pages = sorted(public.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        if page.name == "404.html":
            continue  # links from the site's path on its host, like all its links
        depth = len(page.relative_to(public).parts) - 1
        assert LINK.format("../" * depth) in page.read_text(encoding="utf-8"), page
    assert LINK.format("/aktuellt/") in (public / "404.html").read_text(encoding="utf-8")
    statement = (public / "tillganglighet/index.html").read_text(encoding="utf-8")
    for required in (
        "Piteå kommun står bakom webbplatsen Piteå kommun – Aktuellt",  # body and site
        "delvis förenlig med lagen",  # compliance
        "Äldre nyheter kan ha bilder utan beskrivande text",  # what is not accessible, why
        '<a href="mailto:kommun@example.se">kommun@example.se</a>',  # how to report
        "inom fem arbetsdagar",  # when to expect an answer
        '<a href="https://www.digg.se/tdosanmalan">',  # DIGG's form
        "bedömdes senast den 14 maj 2024",  # assessed
        "uppdaterades senast den 14 maj 2024",  # updated
        "axe-core och Nu Html Checker",  # how it was tested
    ):
        assert required in statement, required


def test_without_the_section_the_export_warns_once_and_links_nothing(
    invoke: Invoke, newsroom_path: Path
) -> None:
    without_statement(newsroom_path)
    result = invoke("export", "html")
    assert result.exit_code == 0
    assert result.stderr.count("no [accessibility] in newscli.toml") == 1
    public = newsroom_path / "public"
    assert not (public / "tillganglighet").exists()
    assert "Tillgänglighetsredogörelse" not in (public / "index.html").read_text(encoding="utf-8")


def test_an_incomplete_section_stops_the_export_naming_the_missing_keys(
    invoke: Invoke, newsroom_path: Path
) -> None:
    config = newsroom_path / "newscli.toml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^(contact|method|updated) = .*\n", "", text)
    config.write_text(text, encoding="utf-8")
    result = invoke("export", "html")
    assert result.exit_code == 1
    assert "newscli.toml: [accessibility] is incomplete: contact, updated, method missing" in (
        result.stderr
    )
    assert not (newsroom_path / "public").exists()


def test_partial_compliance_needs_its_known_issues(invoke: Invoke, newsroom_path: Path) -> None:
    config = newsroom_path / "newscli.toml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^known_issues = \[.*?\]\n", "", text)
    config.write_text(text, encoding="utf-8")
    result = invoke("export", "html")
    assert result.exit_code == 1 and "known_issues missing" in result.stderr
    config.write_text(text.replace('"partial"', '"full"'), encoding="utf-8")
    assert invoke("export", "html").exit_code == 0


def test_the_statement_shows_what_staff_typed_as_text(invoke: Invoke, newsroom_path: Path) -> None:
    config = newsroom_path / "newscli.toml"
    text = config.read_text(encoding="utf-8").replace(
        'organisation = "Piteå kommun"', 'organisation = "<b>Piteå</b> & co"'
    )
    config.write_text(text.replace('"partial"', '"full"', 1), encoding="utf-8")
    assert invoke("export", "html").exit_code == 0
    page = (newsroom_path / "public/tillganglighet/index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Piteå&lt;/b&gt; &amp; co står bakom" in page and "<b>" not in page
    assert "helt förenlig med lagen" in page
