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
        "bedömdes senast den 14 maj 2026",  # assessed
        "uppdaterades senast den 14 maj 2026",  # updated
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
    text = re.sub(r"(?ms)^known_issues = \[.*?\]\n", "", text)  # full: none known
    config.write_text(text.replace('"partial"', '"full"', 1), encoding="utf-8")
    assert invoke("export", "html").exit_code == 0
    page = (newsroom_path / "public/tillganglighet/index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Piteå&lt;/b&gt; &amp; co står bakom" in page and "<b>" not in page
    assert "helt förenlig med lagen" in page


def with_accessibility(root: Path, section: str) -> None:
    """newscli.toml with section in place of the sample's [accessibility]."""
    config = root / "newscli.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("[accessibility]")
    end = text.index("[checks]")
    config.write_text(text[:start] + section + "\n" + text[end:], encoding="utf-8")


FULL_SECTION = """[accessibility]
organisation = "Piteå kommun"
compliance = "partial"
contact = ["kommun@example.se", "0911-69 60 00", "https://www.example.se/tillganglighet/fraga"]
response_time = "inom fem arbetsdagar"
request_time = "inom tre arbetsdagar"
assessed = 2026-05-14
updated = 2026-05-14
method = "Egen granskning."

[[accessibility.known_issues]]
what = "Sammanträdesprotokoll före 2020 är skannade pdf-filer."
reason = "disproportionate-burden"
alternative = "Beställ protokollet som text från registraturen."

[[accessibility.known_issues]]
what = "Inspelade webbsändningar från före den 23 september 2020."
reason = "outside-law"

[[accessibility.known_issues]]
what = "Vissa diagram saknar textalternativ."
"""


def test_each_known_issue_has_its_reason_and_alternative_and_contacts_are_links(
    invoke: Invoke, newsroom_path: Path
) -> None:
    with_accessibility(newsroom_path, FULL_SECTION)
    result = invoke("export", "html")
    assert result.exit_code == 0, result.stderr
    page = (newsroom_path / "public/tillganglighet/index.html").read_text(encoding="utf-8")
    for required in (
        "<h3>Bristande förenlighet med lagkraven</h3>",
        "<li>Vissa diagram saknar textalternativ.</li>",
        "<h3>Oskäligt betungande anpassning</h3>",
        "oskäligt betungande anpassning (12 § i lagen)",
        "Tillgängligt alternativ: Beställ protokollet som text från registraturen.",
        "<h3>Innehåll som inte omfattas av lagstiftningen</h3>",
        "omfattas inte av lagen (9 § i lagen)",
        "så får du det i en tillgänglig form (15 § i lagen)",
        "Du kan räkna med svar inom tre arbetsdagar.",
        '<a href="mailto:kommun@example.se">kommun@example.se</a>',
        '<a href="tel:+46911696000">0911-69 60 00</a>',
        '<a href="https://www.example.se/tillganglighet/fraga">',
    ):
        assert required in page, required


def test_full_compliance_with_known_issues_is_a_check_error(
    invoke: Invoke, newsroom_path: Path
) -> None:
    config = newsroom_path / "newscli.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('"partial"', '"full"', 1), encoding="utf-8"
    )
    result = invoke("check")
    assert result.exit_code == 1
    assert re.search(
        r'newscli.toml:\d+: \[accessibility\] compliance = "full" but known_issues', result.stdout
    )
    assert invoke("export", "html").exit_code == 1


def test_a_statement_older_than_a_year_is_warned_about_by_check_and_export(
    invoke: Invoke, newsroom_path: Path
) -> None:
    # A statement of 14 May 2024 (as the sample's was); the tests' today is 23 November 2026.
    config = newsroom_path / "newscli.toml"
    fresh = config.read_text(encoding="utf-8")
    config.write_text(fresh.replace("= 2026-05-14", "= 2024-05-14"), encoding="utf-8")
    check = invoke("check")
    assert re.search(
        r"newscli.toml:\d+: warning: \[accessibility\] was assessed on 2024-05-14", (check.stdout)
    )
    export = invoke("export", "html")
    assert export.exit_code == 0
    assert "more than a year ago: review the site and the statement" in export.stderr
    config.write_text(fresh, encoding="utf-8")
    assert "more than a year ago" not in invoke("export", "html").stderr
    assert "more than a year ago" not in invoke("check").stdout


def test_the_statement_is_in_the_sitemap(invoke: Invoke, newsroom_path: Path) -> None:
    assert invoke("export", "html").exit_code == 0
    sitemap = (newsroom_path / "public/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://www.example.se/aktuellt/tillganglighet/</loc>" in sitemap


def test_a_contact_that_is_no_address_number_or_form_is_refused(
    invoke: Invoke, newsroom_path: Path
) -> None:
    config = newsroom_path / "newscli.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'contact = "kommun@example.se"', 'contact = "ring växeln"'
        ),
        encoding="utf-8",
    )
    result = invoke("export", "html")
    assert result.exit_code == 1
    assert "contact 'ring växeln' is no e-mail address, phone number or" in result.stderr
