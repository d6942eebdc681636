"""Personal identity numbers: what looks like one (a real date, a valid Luhn check digit)
is found, named by file and line, fails check, and stops every export before it writes;
one with a wrong check digit does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscli.newsroom import Newsroom
from newscli.personal import find_numbers, luhn_valid, numbers_in_file
from tests.conftest import Invoke
from tests.support.harness import write_editor
from tests.support.newsrooms import STORY_PAGE, add_article

# Skatteverket's own example numbers: 811218-9876 (check digit 6) and 19121212-1212.
VALID = "811218-9876"
WRONG_CHECK_DIGIT = "811218-9875"
PUBLISHED = 'title = "Möte"\ndate = 2022-05-02T09:00:00+02:00\nstatus = "published"'


@pytest.mark.parametrize(
    "text",
    [
        VALID,
        "8112189876",
        "19811218-9876",
        "198112189876",
        "19121212+1212",  # a '+' for someone over a hundred
        "701063-2391",  # a coordination number: day 03 + 60
        "Kontakta 811218-9876.",
    ],
)
def test_a_number_with_a_real_date_and_check_digit_is_found(text: str) -> None:
    assert [number.text for number in find_numbers(text)] == [
        text.removeprefix("Kontakta ").rstrip(".")
    ]


@pytest.mark.parametrize(
    "text",
    [
        WRONG_CHECK_DIGIT,
        "811318-9876",  # month 13
        "810230-1234",  # 30 February
        "17811218-9876",  # a century no one living was born in
        "id 3c1f4c0d-8112189876",  # part of a longer code
        "Summa 8112189876,5 kronor",
        "08-123 456 78",
    ],
)
def test_what_is_not_one_is_not_found(text: str) -> None:
    assert list(find_numbers(text)) == []


def test_luhn_check_digit() -> None:
    assert luhn_valid("8112189876") and not luhn_valid("8112189875")


def test_check_fails_a_published_story_naming_its_line_and_warns_about_a_draft(
    invoke: Invoke, newsroom_path: Path
) -> None:
    add_article(newsroom_path, "mote", PUBLISHED, f"\nFörsta raden.\n\nHan har {VALID}.\n")
    add_article(newsroom_path, "utkast", 'title = "U"\ndate = 2022-05-02', f"\n{VALID}\n")
    result = invoke("check")
    assert result.exit_code == 1
    assert (
        "articles/2022/05/mote.md:11: holds what looks like a personal identity number "
        "(811218-XXXX)" in result.stdout
    )
    assert "articles/2022/05/utkast.md:8: warning: holds what looks like" in result.stdout
    assert "9876" not in result.stdout  # the number itself is never repeated


def test_a_wrong_check_digit_passes_check_and_export(invoke: Invoke, newsroom_path: Path) -> None:
    add_article(newsroom_path, "mote", PUBLISHED, f"\nNumret {WRONG_CHECK_DIGIT} är fel.\n")
    assert "mote.md" not in invoke("check").stdout
    assert invoke("export", "html").exit_code == 0


def test_an_export_holds_back_only_the_story_that_holds_one(
    invoke: Invoke, newsroom_path: Path
) -> None:
    add_article(newsroom_path, "mote", PUBLISHED, f"\nHan har {VALID}.\n")
    result = invoke("export", "html")
    assert result.exit_code == 1
    assert (
        "skipped articles/2022/05/mote.md:9: held back from the site: holds what looks like a "
        "personal identity number (811218-XXXX)" in result.stderr
    )
    public = newsroom_path / "public"
    assert (public / "index.html").exists() and (public / STORY_PAGE).exists()
    assert not (public / "2022/05/mote").exists()
    assert "9876" not in "".join(p.read_text(errors="replace") for p in public.rglob("*.*ml"))
    for kind in ("rss", "atom", "json"):
        feed = invoke("export", kind, "-o", "-")
        assert feed.exit_code == 1, kind
        assert "held back from the site" in feed.stderr and "Möte" not in feed.stdout, kind
        assert "Förbättrad ekonomisk prognos" in feed.stdout, kind


def test_a_held_back_story_stays_at_its_last_clean_version(
    invoke: Invoke, newsroom_path: Path
) -> None:
    path = add_article(newsroom_path, "mote", PUBLISHED, "\nMötet hålls i aulan.\n")
    assert invoke("export", "html").exit_code == 0
    page = newsroom_path / "public/2022/05/mote/index.html"
    clean = page.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8") + f"\nHan har {PERSON}\n", encoding="utf-8")
    result = invoke("export", "html")
    assert result.exit_code == 1
    assert "mote.md:11: held back from the site" in result.stderr
    assert "published as its last good version" in result.stderr
    assert page.read_text(encoding="utf-8") == clean  # its address still answers


def test_many_findings_are_one_short_line_each(invoke: Invoke, newsroom_path: Path) -> None:
    for number in range(40):
        body = "\n" + f"Han har {VALID}. " * 20 + "\n"
        add_article(newsroom_path, f"mote-{number}", PUBLISHED, body)
    result = invoke("export", "html")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "held back" in line]
    assert len(lines) == 40
    assert max(len(line) for line in result.stderr.splitlines()) < 400


def test_an_acknowledged_number_with_a_reason_is_published(
    invoke: Invoke, newsroom_path: Path
) -> None:
    reason = 'personal_number_ok = "Stiftelsens organisationsnummer liknar ett personnummer"'
    add_article(newsroom_path, "mote", f"{PUBLISHED}\n{reason}", f"\nNummer {VALID}.\n")
    assert "mote.md" not in invoke("check").stdout
    assert invoke("export", "html").exit_code == 0
    empty = 'personal_number_ok = ""'
    add_article(newsroom_path, "mote", f"{PUBLISHED}\n{empty}", f"\nNummer {VALID}.\n")
    assert invoke("export", "html").exit_code == 1  # a reason must be given


# 640823-3234: a real date and a valid check digit, as the reader wrote it.
AS_WRITTEN = [
    "640823–3234",  # the en dash Word's autocorrect makes
    "640823—3234",  # an em dash
    "640823\u20113234",  # a non-breaking hyphen
    "640823\u22123234",  # a minus sign
    "640823\u20103234",  # a hyphen
    "19640823 3234",  # a space
    "640823\u00a03234",  # a no-break space
    "6408233234",
    "19640823+3234",
    "640823-**3234**",  # Markdown emphasis
    "**640823**-3234",
    "_640823-3234_",
    "640823\\-3234",  # a Markdown escape: the page shows 640823-3234
    "640823&ndash;3234",  # HTML entities
    "640823&#8211;3234",
    "640823&#45;3234",
    "6408\u00ad23-3234",  # a soft hyphen
    "640823\u200b-3234",  # a zero-width space
    "\ufeff640823-3234",
    "<b>640823</b>-3234",
    "640823-\n3234",  # a line break (a reader sees one line)
    "640823\n3234",
    "640823\\u20133234",  # a TOML escape in the front matter
]


@pytest.mark.parametrize("text", AS_WRITTEN)
def test_a_number_is_found_as_people_and_word_processors_write_it(text: str) -> None:
    found = list(find_numbers(f"Första raden.\nHan har {text} sedan länge."))
    assert [number.line for number in found] == [2]
    assert "640823" in found[0].masked.replace("19640823", "640823")
    assert "3234" not in found[0].masked


@pytest.mark.parametrize(
    "text",
    [
        "070-123 45 67",  # phone numbers as they are written
        "0911-69 60 00",
        "08-640 823 32",
        "+46 70 823 32 34",
        "556036-0793",  # organisation numbers: the month digits are 20 or more
        "16556036-0793",
        "802464-3312",
        "Dnr 2023-01234",  # case numbers
        "KS 2023/0123",
        "Mål nr T 6408-23",
        "20230115T1430",  # date-time stamps
        "2023-01-15 14:30",
        "20230115 14:30",
        "IMG_20230115_1430.jpg",
        "6408233234 kr",  # amounts
        "6408233234 kronor",
        "Budgeten är 640 823 323 kronor.",
        "640823 3234,50",
    ],
)
def test_phone_organisation_case_numbers_stamps_and_amounts_are_not_found(text: str) -> None:
    assert list(find_numbers(text)) == []


def test_the_slug_and_the_names_of_files_a_story_links_to_are_searched() -> None:
    text = (
        'slug = "beslut-for-640823-3234"\n'
        'src = "images/640823_3234.jpg"\n'
        "\n"
        "[Beslutet](filer/beslut-640823%E2%80%933234.pdf)\n"
        '<a href="filer/640823.3234.pdf">Beslutet</a>\n'
    )
    assert [number.line for number in numbers_in_file(text)] == [1, 2, 4, 5]


FIELDS = {
    "title": 'title = "Möte om 640823–3234"',
    "teaser": 'teaser = "Han har 640823–3234."',
    "author": 'author = "Anna 640823–3234"',
    "topics": 'topics = ["640823–3234"]',
    "alt": '[image]\nsrc = "images/a.jpg"\nalt = "Han, 640823–3234"',
    "caption": '[image]\nsrc = "images/a.jpg"\nalt = "A"\ncaption = "Han, 640823–3234"',
    "credit": '[image]\nsrc = "images/a.jpg"\nalt = "A"\ncredit = "640823–3234"',
    "source": '[source]\nname = "Källa"\nnote = "640823\\u20133234"',
}


@pytest.mark.parametrize("field", FIELDS)
def test_check_finds_a_number_in_every_field(
    invoke: Invoke, newsroom_path: Path, field: str
) -> None:
    head = PUBLISHED.replace('title = "Möte"', "") if field == "title" else PUBLISHED
    front = f"{FIELDS[field]}\n{head}" if "[" not in FIELDS[field] else f"{head}\n{FIELDS[field]}"
    add_article(newsroom_path, "mote", front, "\nText.\n")
    result = invoke("check")
    assert "mote.md" in result.stdout and "personal identity number" in result.stdout, field
    assert result.exit_code == 1


PERSON = "Han har 640823–3234."


def test_publish_refuses_a_story_that_holds_one_and_names_its_line(
    invoke: Invoke, newsroom_path: Path
) -> None:
    path = add_article(newsroom_path, "mote", 'title = "M"\ndate = 2022-05-02', f"\n{PERSON}\n")
    result = invoke("publish", "mote")
    assert result.exit_code == 1
    assert "articles/2022/05/mote.md:9: not published: holds what looks like" in (
        result.stdout + result.stderr
    )
    assert 'status = "published"' not in path.read_text()


def test_new_publish_refuses_a_story_that_holds_one_and_writes_nothing(
    invoke: Invoke, newsroom_path: Path
) -> None:
    result = invoke("new", PERSON, "--publish", "--no-input")
    assert result.exit_code == 1
    assert "not published: holds what looks like a personal identity number" in result.stderr
    assert not list((newsroom_path / "articles" / "2026").glob("**/*.md"))
    assert invoke("new", "Utan nummer", "--publish", "--no-input").exit_code == 0


def test_edit_does_not_save_a_published_story_with_one(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = add_article(newsroom_path, "mote", PUBLISHED, "\nText.\n")
    before = path.read_text()
    monkeypatch.setenv(
        "EDITOR", write_editor(tmp_path, f"p.write_text(p.read_text() + {PERSON!r})")
    )
    result = invoke("edit", "mote")
    assert result.exit_code == 1
    assert "holds what looks like a personal identity number" in result.stderr
    assert path.read_text() == before


def test_import_of_a_published_entry_with_one_makes_it_a_draft_and_says_so(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path
) -> None:
    feed = tmp_path / "f.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        "<item><title>Bra</title><guid>a</guid><description>Ett möte.</description>"
        "<content:encoded>Han har 640823&#8211;3234.</content:encoded><pubDate>Wed, 09 Feb 2022 09:00:00 +0100</pubDate></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    result = invoke("import", "feed", str(feed))
    assert "imported as a draft, not published" in result.stderr
    [story] = [s for s in Newsroom(newsroom_path).scan().articles if s.title == "Bra"]
    assert story.status == "draft"
