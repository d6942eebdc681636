"""The Article model: its plain-text lead, the same in every teaser newscli shows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import feedparser

from newscli.article import Article
from tests.conftest import Invoke

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
