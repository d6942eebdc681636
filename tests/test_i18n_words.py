"""The words a communications officer reads: one term for a story in each language, Swedish
answers to Swedish questions, and no English inside a Swedish message (or the reverse)."""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog

from newscli import i18n
from newscli.cli.help import written_help
from newscli.locale import read, source_path
from tests.conftest import Invoke

SWEDISH = {"LANG": "sv_SE.UTF-8"}


@pytest.fixture(scope="module")
def swedish_catalog() -> Catalog:
    return read(source_path("sv"), "sv")


def _translations(catalog: Catalog) -> list[tuple[str, str]]:
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        pairs += [(ids[0], text) for text in strings]
    return pairs


def test_swedish_says_nyhet_for_a_story_never_artikel(swedish_catalog: Catalog) -> None:
    mixed = [text for _id, text in _translations(swedish_catalog) if re.search("artik", text, re.I)]
    assert mixed == []


def test_the_help_says_story_never_article(swedish_catalog: Catalog) -> None:
    """articles/ (the folder) and --article (the option) are names, not words."""
    words = re.compile(r"(?<![-/\w])articles?\b(?!/)")
    assert [text for text, _where in written_help() if words.search(text)] == []


def test_every_english_message_says_story_never_article(swedish_catalog: Catalog) -> None:
    """The same rule for every message newscli prints: "3 stories changed", "no story
    matches 'x'" (articles/ and --article are names, and stay)."""
    words = re.compile(r"(?<![-/\w])articles?\b(?!/)")
    english = {english for english, _text in _translations(swedish_catalog)}
    assert sorted(text for text in english if words.search(text)) == []


@pytest.mark.parametrize(
    "english", ["[Y/n]", "[y/N]", " or AVIF", "Skriva brödtexten", "redan som önskat"]
)
def test_no_swedish_message_holds_english_or_the_phrases_staff_stumbled_on(
    swedish_catalog: Catalog, english: str
) -> None:
    assert [text for _id, text in _translations(swedish_catalog) if english in text] == []


def test_a_swedish_yes_or_no_question_shows_j_n_and_takes_ja_and_nej(
    invoke: Invoke, newsroom_path
) -> None:
    asked = invoke(
        "new",
        "Rubrik",
        "--teaser",
        "T",
        "-t",
        "Ekonomi",
        input="ja\n",
        stdin_isatty=True,
        variables={**SWEDISH, "EDITOR": "true"},
    )
    assert asked.exit_code == 0, asked.stderr
    assert "Vill du skriva brödtexten i textredigeraren nu? [J/n]: " in asked.stderr
    assert "[Y/n]" not in asked.stderr


def test_the_english_message_for_a_missing_title_is_all_english(invoke: Invoke) -> None:
    result = invoke("new", "--no-input")
    assert result.exit_code == 2
    assert 'newscli new "Headline"' in result.stderr and "Rubrik" not in result.stderr


def test_a_photo_newscli_does_not_take_is_told_in_swedish_words() -> None:
    from newscli.photos import PhotoError, open_photo

    i18n.use("sv")
    try:
        with pytest.raises(PhotoError) as raised:
            open_photo(b"not a photo", "x.gif")
    finally:
        i18n.use("en")
    assert "(JPEG, PNG, WebP eller AVIF)" in str(raised.value)


def test_a_swedish_usage_line_has_no_english_words(invoke: Invoke) -> None:
    shown = invoke("tag", "--help", variables=SWEDISH).stdout
    assert shown.startswith("Användning: root tag [FLAGGOR] KOMMANDO [ARGUMENT]...")
    assert "[OPTIONS]" not in invoke("show", "--help", variables=SWEDISH).stdout
