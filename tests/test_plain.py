"""Plain language: LIX figures computed by hand, Swedish sentences that do not end at an
abbreviation, a decimal comma or a date, and the abbreviations to write out."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from newscli.frontmatter import parse
from newscli.plain import abbreviations, band_of, readability, split_sentences
from tests.conftest import REPO, STORY_PATH, Invoke
from tests.support.newsrooms import add_article


def test_lix_of_a_short_story_is_the_hand_computed_figure() -> None:
    # Title "Ny rapport": 2 words, 1 sentence, 1 long word (rapport, 7 letters).
    # Body: "Socialnämnden möts idag." 3 words, 1 long (Socialnämnden);
    #       "Alla är välkomna." 3 words, 1 long (välkomna, 8 letters).
    # Words 8, sentences 3, long words 3: LIX = 8/3 + 100·3/8 = 2.667 + 37.5 = 40.17.
    measured = readability("Ny rapport", None, "\nSocialnämnden möts idag. Alla är välkomna.\n")
    assert (measured.words, measured.sentences, measured.long_words) == (8, 3, 3)
    assert measured.lix == pytest.approx(40.17, abs=0.01)
    assert measured.band == "medium"


def test_abbreviations_decimals_and_dates_end_no_sentence() -> None:
    # Title "Bättre": 1 word (6 letters: not long), 1 sentence.
    # "Vi har bl.a. sett att ca. 22,5 procent av alla har det bättre." 13 words (bl.a, ca and
    # 22,5 are one word each), 1 long (procent); "Mötet hölls den 23.11.2021 i Piteå." 6 words.
    # Words 20, sentences 3, long 1: LIX = 20/3 + 100·1/20 = 6.667 + 5 = 11.67.
    body = (
        "\nVi har bl.a. sett att ca. 22,5 procent av alla har det bättre. "
        "Mötet hölls den 23.11.2021 i Piteå.\n"
    )
    measured = readability("Bättre", None, body)
    assert (measured.words, measured.sentences, measured.long_words) == (20, 3, 1)
    assert measured.lix == pytest.approx(11.67, abs=0.01)
    assert measured.band == "very_easy"


def test_a_teaser_headings_and_list_items_are_sentences_of_their_own() -> None:
    # Title 1 sentence (2 words), teaser 1 (3 words), heading 1 (1 word), two items 2 (2+2):
    # words 10, sentences 5, long words: "Information" (11) and "Anhörigstöd" (11): 2.
    # LIX = 10/5 + 100·2/10 = 2 + 20 = 22.
    body = "\n## Information\n\n- Ring oss\n- Anhörigstöd finns\n"
    measured = readability("Nytt stöd", "Läs om stödet", body)
    assert (measured.words, measured.sentences, measured.long_words) == (10, 5, 2)
    assert measured.lix == pytest.approx(22.0)


def test_sentences_end_at_a_capital_after_a_full_stop_but_not_after_t_ex() -> None:
    text = "Vi ses kl. 14.00 i dag. T.ex. Piteå har ökat, m.m. Nästa möte är i maj! Eller?"
    assert split_sentences(text) == [
        "Vi ses kl. 14.00 i dag.",
        "T.ex. Piteå har ökat, m.m.",
        "Nästa möte är i maj!",
        "Eller?",
    ]


@pytest.mark.parametrize(
    ("lix", "band"),
    [
        (29.9, "very_easy"),
        (30, "easy"),
        (40, "medium"),
        (50, "hard"),
        (59.9, "hard"),
        (61, "very_hard"),
    ],
)
def test_bands_are_those_plain_language_guidance_names(lix: float, band: str) -> None:
    assert band_of(lix) == band


def test_abbreviations_to_write_out_come_with_the_written_out_form() -> None:
    found = abbreviations("Ca 50 personer kom, bl.a. politiker, t. ex. från nämnden, osv.")
    assert [(a.text, a.written_out) for a in found] == [
        ("Ca", "cirka"),
        ("bl.a.", "bland annat"),
        ("t. ex.", "till exempel"),
        ("osv.", "och så vidare"),
    ]
    assert abbreviations("Cancer och cafe: inga förkortningar") == []


def test_the_seed_story_is_hard_to_read_and_split_where_it_should_be() -> None:
    meta, body, _ = parse((REPO / STORY_PATH).read_text(encoding="utf-8"))
    measured = readability(meta["title"], meta.get("teaser"), body)
    # The seed ("Förbättrad ekonomisk prognos …") is written for the council: long words.
    assert measured.band == "hard"
    # "minus 22,5 miljoner kronor" and "400 000 kronor" end no sentence.
    assert all(not s.endswith(("22,", "400")) for s in split_sentences(body))


def test_show_list_and_sort_give_each_story_its_lix(invoke: Invoke, newsroom_path: Path) -> None:
    # LIX 40.17 (the hand-computed story above): "medelsvår" in the sample's Swedish.
    add_article(
        newsroom_path,
        "latt",
        'title = "Ny rapport"\ndate = 2022-05-02T09:00:00+02:00\nstatus = "published"',
        "\nSocialnämnden möts idag. Alla är välkomna.\n",
    )
    assert "LIX 40 (medelsvår)" in invoke("show", "latt").stdout
    records = {r["slug"]: r for r in json.loads(invoke("list", "-f", "json", "--lix").stdout)}
    assert records["latt"]["lix"] == 40.2 and records["latt"]["lix_band"] == "medium"
    assert "lix" not in invoke("list", "-f", "json").stdout  # a plain list reads no body
    rows = list(csv.DictReader(io.StringIO(invoke("list", "-f", "csv", "--lix").stdout)))
    assert {row["slug"]: row["lix"] for row in rows}["latt"] == "40.2"
    hardest_first = invoke("list", "--sort", "lix", "-f", "json").stdout
    values = [r["lix"] for r in json.loads(hardest_first)]
    assert values == sorted(values, reverse=True) and values[-1] == 40.2
