"""The Article model: its plain-text lead, the same in every teaser newscli shows, and the
values it refuses with a message naming the line (found by fuzzing, kept as plain tests)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import feedparser
import pytest

from newscli.article import Article
from newscli.catalog import Catalog
from newscli.newsroom import Newsroom
from tests.conftest import Invoke
from tests.support.hostile import GOOD, problem

MARKDOWN_LEAD = "*Första stycket* med [en länk](https://example.se/x) och `kod`,\npå två rader."
PLAIN_LEAD = "Första stycket med en länk och kod, på två rader."


def test_the_lead_is_the_first_paragraph_as_plain_text() -> None:
    body = f"\n## Rubrik\n\n{MARKDOWN_LEAD}\n\nAndra stycket.\n"
    article = Article(
        id="x", title="t", slug="t", date=dt.datetime(2022, 1, 1, tzinfo=dt.UTC), body=body
    )
    assert article.lead == PLAIN_LEAD
    assert article.lead_markdown == " ".join(MARKDOWN_LEAD.split())
    assert (
        Article(
            id="x", title="t", slug="t", date=article.date, teaser="En  ingress\nsom radbryts."
        ).lead
        == "En ingress som radbryts."
    )


def test_a_missing_teaser_is_the_first_paragraph(newsroom: Newsroom) -> None:
    article = (
        Catalog(newsroom)
        .resolve("socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation")
        .one
    )
    assert article.teaser is None
    assert article.lead.startswith("Socialtjänsten har sjösatt en ny organisation")
    assert article.story == ""


def test_no_teaser_anywhere_shows_markdown_syntax(invoke: Invoke, newsroom_path: Path) -> None:
    folder = newsroom_path / "articles/2022/05"
    folder.mkdir(parents=True)
    (folder / "utan-ingress.md").write_text(
        '+++\nid = "u-1"\ntitle = "Utan ingress"\nslug = "utan-ingress"\n'
        'date = 2022-05-02T10:00:00+02:00\nstatus = "published"\ntopics = ["Ekonomi"]\n'
        f"+++\n\n{MARKDOWN_LEAD}\n\nAndra stycket.\n",
        encoding="utf-8",
    )
    rss = feedparser.parse(invoke("export", "rss", "-o", "-").stdout)
    assert rss.entries[0].summary == PLAIN_LEAD
    atom = feedparser.parse(invoke("export", "atom", "-o", "-").stdout)
    assert atom.entries[0].summary == PLAIN_LEAD
    feed = json.loads(invoke("export", "json", "-o", "-").stdout)
    assert feed["items"][0]["summary"] == PLAIN_LEAD
    cards = invoke("list", "--format", "cards", "--limit", "1").stdout
    assert "Första stycket med en länk" in " ".join(cards.replace("│", " ").split())
    assert "*" not in cards and "](" not in cards
    assert invoke("export", "html").exit_code == 0
    front = (newsroom_path / "public/index.html").read_text(encoding="utf-8")
    assert f'<p class="teaser">{PLAIN_LEAD}</p>' in front


# -- what fuzzing found: values no feed, page or TOML file can hold ---------------------------


@pytest.mark.parametrize(
    "date",
    ["0001-01-01", "0001-01-01T00:00:00", "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-12:00"],
)
def test_dates_beyond_what_a_feed_can_write_are_a_clear_error(date: str) -> None:
    error = problem(GOOD.replace("2022-01-10T10:00:00+01:00", date).encode())
    assert "'date'" in error.message and error.line == 5


def test_ten_thousand_topics_are_a_clear_error_not_a_site_of_ten_thousand_pages() -> None:
    topics = ", ".join(f'"Ämne {n}"' for n in range(10_000))
    error = problem(GOOD.replace('["Ekonomi", "Familjefrågor"]', f"[{topics}]").encode())
    assert "topics" in error.message and error.line == 8


@pytest.mark.parametrize(("key", "line"), [("caption", 11), ("credit", 11), ("alt", 11)])
def test_control_characters_in_photo_text_are_a_clear_error(key: str, line: int) -> None:
    text = GOOD.replace('src = "images/bild.jpg"\n', 'src = "images/bild.jpg"\nalt = "Alt"\n')
    line_of = re.compile(rf'^{key} = ".*"$', re.MULTILINE)
    text = line_of.sub(lambda _: f'{key} = "a\\u0008b"', text)
    error = problem(text.encode())
    assert "control characters" in error.message and error.line == line
