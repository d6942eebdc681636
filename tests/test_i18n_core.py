"""The core speaks the user's language: its messages go through newscli.i18n (here a tiny
stand-in catalog), with the file, line and key names that machines read left as they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newscli import article, checks, plain
from newscli.export import output
from tests.conftest import Invoke
from tests.support.newsrooms import add_article

Translate = Callable[[str], str]


def catalog(entries: dict[str, str]) -> Translate:
    """A gettext of a few entries: the translation of a message it has, else the message."""
    return lambda message: entries.get(message, message)


def test_a_broken_articles_problem_is_said_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        article, "_", catalog({"missing required field '{key}'": "fältet '{key}' saknas"})
    )
    meta = {"id": "1", "slug": "stod", "date": dt.datetime(2022, 5, 2, 9, 0)}
    with pytest.raises(article.InvalidArticle) as caught:
        article.from_meta(meta, "", ZoneInfo("Europe/Stockholm"))
    assert [p.message for p in caught.value.problems] == ["fältet 'title' saknas"]
    assert caught.value.problems[0].key == "title"  # the key is the file's, in any language


def test_an_export_refusal_is_said_in_the_users_language(
    monkeypatch: pytest.MonkeyPatch, invoke: Invoke
) -> None:
    monkeypatch.setattr(
        output,
        "_",
        catalog(
            {
                "{option} would write the site over the newsroom itself": (
                    "{option} skulle skriva webbplatsen över själva nyhetsrummet"
                )
            }
        ),
    )
    result = invoke("export", "html", "-o", ".")
    assert result.exit_code == 2  # exit codes never change with the language
    assert "--output '.' skulle skriva webbplatsen över själva nyhetsrummet" in result.stderr


def test_a_check_finding_is_said_in_the_users_language_after_its_file_and_line(
    monkeypatch: pytest.MonkeyPatch, invoke: Invoke, newsroom_path: Path
) -> None:
    swedish = {
        "a table without a header row: make the first row its header with a |---|---| line "
        "under it, so that each cell is read with its column's name (WCAG 1.3.1)": (
            "en tabell utan rubrikrad"
        ),
        "a sentence of {n} words ({sentence}): more than {limit} is hard to follow; split it": (
            "en mening på {n} ord"
        ),
    }
    monkeypatch.setattr(checks, "_", catalog(swedish))
    monkeypatch.setattr(
        checks, "ngettext", lambda one, many, n: catalog(swedish)(one if n == 1 else many)
    )
    front = 'title = "Nytt stöd"\ndate = 2022-05-02T09:00:00+02:00\nstatus = "published"'
    long = " ".join(["ord"] * 30) + "."
    add_article(newsroom_path, "stod", front, f"\n| Namn | Telefon |\n| Anna | 123 |\n\n{long}\n")
    found = [line for line in invoke("check").stdout.splitlines() if "/stod.md:" in line]
    assert len(found) == 2, found
    table, sentence = found
    assert table.startswith("articles/2022/05/stod.md:9: ")
    assert table.endswith(": en tabell utan rubrikrad")
    assert sentence.startswith("articles/2022/05/stod.md:12: ")
    assert sentence.endswith(": en mening på 30 ord")


def test_what_a_rule_asks_is_translated_when_shown_not_when_defined(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        checks,
        "_",
        catalog({"sentences of at most {limit} words": "meningar på högst {limit} ord"}),
    )
    rule = next(rule for rule in checks.RULES if rule.name == "long-sentence")
    assert rule.description == f"meningar på högst {plain.LONG_SENTENCE} ord"
