"""Personal identity numbers: what looks like one (a real date, a valid Luhn check digit)
is found, named by file and line, fails check, and stops every export before it writes;
one with a wrong check digit does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscli.personal import find_numbers, luhn_valid
from tests.conftest import Invoke
from tests.support.newsrooms import add_article

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


def test_every_export_refuses_before_writing_anything(invoke: Invoke, newsroom_path: Path) -> None:
    add_article(newsroom_path, "mote", PUBLISHED, f"\nHan har {VALID}.\n")
    for command in (["export", "html"], ["export", "rss"], ["export", "atom"], ["export", "json"]):
        result = invoke(*command)
        assert result.exit_code == 1, command
        assert "articles/2022/05/mote.md:9: holds what looks like a personal" in result.stderr
        assert not (newsroom_path / "public").exists(), command


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
