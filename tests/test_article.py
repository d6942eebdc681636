"""The Article model: its plain-text lead, the same in every teaser newscli shows, and the
values it refuses with a message naming the line (found by fuzzing, kept as plain tests)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import feedparser
import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from newscli.article import Article
from newscli.catalog import Catalog
from newscli.newsroom import Newsroom, parse_article
from tests.conftest import STORY, STORY_PATH, Invoke
from tests.support.hostile import GOOD, REL, SITE, problem

MARKDOWN_LEAD = "*Första stycket* med [en länk](https://example.se/x) och `kod`,\npå två rader."
PLAIN_LEAD = "Första stycket med en länk och kod, på två rader."


def test_the_lead_is_the_first_paragraph_as_plain_text() -> None:
    body = f"\n## Rubrik\n\n{MARKDOWN_LEAD}\n\nAndra stycket.\n"
    article = Article(
        id="x", title="t", slug="t", date=dt.datetime(2022, 1, 1, tzinfo=dt.UTC), body=body
    )
    assert article.lead == PLAIN_LEAD
    assert article.lead_markdown == MARKDOWN_LEAD
    assert (
        Article(
            id="x", title="t", slug="t", date=article.date, teaser="En  ingress\nsom radbryts."
        ).lead
        == "En ingress som radbryts."
    )


def test_a_hard_line_break_in_the_lead_paragraph_shows_no_backslash() -> None:
    from newscli.markdown import render_markdown

    body = "Två vägar delade sig,\\\noch jag tog den ena.\n\nMer."
    article = Article(
        id="x", title="t", slug="t", date=dt.datetime(2022, 1, 1, tzinfo=dt.UTC), body=body
    )
    assert article.lead == "Två vägar delade sig, och jag tog den ena."
    assert "\\" not in render_markdown(article.lead_markdown or "")


@pytest.mark.parametrize(
    "photo",
    ["![Besökare på mässan](images/massa.jpg)", "[![Besökare](images/a.jpg)](https://x.se)"],
)
def test_a_story_that_opens_with_its_photo_leads_with_the_words_below_it(photo: str) -> None:
    # Its card, its description and its feed entry had no words at all (the W3C feed
    # validator: "Missing textual content" in the Atom feed).
    body = f"\n{photo}\n\n{MARKDOWN_LEAD}\n\nAndra stycket.\n"
    article = Article(
        id="x", title="t", slug="t", date=dt.datetime(2022, 1, 1, tzinfo=dt.UTC), body=body
    )
    assert article.lead == PLAIN_LEAD
    assert article.lead_markdown == MARKDOWN_LEAD
    assert article.story == f"{photo}\n\nAndra stycket."  # the photo is still shown


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


# What Word and web pages put into text: VT (Word's line break), FF (page break), NEL, LS,
# PS, and other controls that a copy can carry along.
WORD_BREAKS = ["\u000b", "\u000c", "\u0085", "\u2028", "\u2029", "\r\n", "\t"]
OTHER_CONTROLS = ["\u0000", "\u0008", "\u001b", "\u007f", "\u0090", "\u009b", "\u202e"]
TEXT_KEYS = ["title", "author", "teaser", "caption", "credit", "alt", "name"]
WITH_EVERY_FIELD = GOOD.replace(
    'src = "images/bild.jpg"\n', 'src = "images/bild.jpg"\nalt = "Alt"\n'
).replace("+++\n\nBröd", '\n[source]\nname = "Källa"\n+++\n\nBröd')


def _with(key: str, value: str) -> str:
    line = tomli_w.dumps({key: value}).rstrip("\n")
    return re.sub(rf'^{key} = ".*"$', lambda _: line, WITH_EVERY_FIELD, flags=re.M)


@given(
    key=st.sampled_from(TEXT_KEYS),
    parts=st.lists(
        st.one_of(
            st.sampled_from(WORD_BREAKS + OTHER_CONTROLS),
            st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=8),
        ),
        min_size=2,
        max_size=8,
    ),
)
def test_text_pasted_from_word_or_the_web_is_read_never_refused(key: str, parts: list[str]) -> None:
    value = "x" + "".join(parts) + "y"
    article = parse_article(_with(key, value), SITE, REL)
    assert article.image is not None and article.source is not None
    shown = {
        "title": article.title,
        "author": article.author,
        "teaser": article.teaser,
        "caption": article.image.caption,
        "credit": article.image.credit,
        "alt": article.image.alt,
        "name": article.source.name,
    }[key]
    assert shown is not None and shown.startswith("x") and shown.endswith("y")
    assert not re.search("[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]", shown)
    if any(p in WORD_BREAKS for p in parts):
        assert " " in shown  # a line break from Word reads as a space between words


def test_a_story_with_a_word_line_break_stays_listed_published_and_gets_a_check_warning(
    invoke: Invoke, newsroom_path: Path
) -> None:
    story = newsroom_path / STORY_PATH
    text = story.read_text(encoding="utf-8")
    story.write_text(
        text.replace('title = "Förbättrad ekonomisk', 'title = "Förbättrad\\u000bekonomisk'),
        encoding="utf-8",
    )
    listed = invoke("list", "--format", "json")
    assert listed.exit_code == 0 and "skipped" not in listed.stderr
    titles = [a["title"] for a in json.loads(listed.stdout)]
    assert any(t.startswith("Förbättrad ekonomisk prognos") for t in titles)
    assert invoke("export", "html").exit_code == 0
    assert (newsroom_path / "public/2021/11" / STORY / "index.html").is_file()
    rss = feedparser.parse(invoke("export", "rss", "-o", "-").stdout)
    assert any(e.title.startswith("Förbättrad ekonomisk") for e in rss.entries)
    checked = invoke("check")
    assert checked.exit_code == 0, checked.stdout
    about_story = [
        line
        for line in checked.stdout.splitlines(True)
        if line.startswith(STORY_PATH) and "a sentence of" not in line  # its long sentences
    ]
    assert "".join(about_story) == (
        f"{STORY_PATH}:4: warning: 'title' holds line breaks or control characters "
        "(from Word or a web page?); they are shown as spaces or left out\n"
    )


def test_new_reads_word_line_breaks_in_every_field_as_spaces(
    invoke: Invoke, newsroom_path: Path
) -> None:
    result = invoke(
        "new",
        "Rubrik\vfrån Word",
        "--teaser",
        "Ingress\fmed\u2028brytningar",
        "--author",
        "Piteå\x85kommun",
        "--no-input",
    )
    assert result.exit_code == 0, result.stderr
    article = Newsroom(newsroom_path).load(newsroom_path / result.stdout.strip())
    assert (article.title, article.teaser, article.author) == (
        "Rubrik från Word",
        "Ingress med brytningar",
        "Piteå kommun",
    )
