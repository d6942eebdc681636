"""One topic, one name: the newsroom's most used spelling, in every listing, feed and page;
one identity whatever the case, spaces or accents; one folder on the site, inside topics/."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from hypothesis import given
from hypothesis import strategies as st

from newscli.newsroom import parse_article
from newscli.topics import Topics, TopicUse, topic_key
from tests.conftest import Invoke
from tests.support.hostile import GOOD, REL, SITE


def write(root: Path, slug: str, topics: list[str], day: int) -> None:
    folder = root / "articles" / "2022" / "05"
    folder.mkdir(parents=True, exist_ok=True)
    quoted = ", ".join(f'"{t}"' for t in topics)
    (folder / f"{slug}.md").write_text(
        f'+++\nid = "{slug}-id"\ntitle = "{slug}"\nslug = "{slug}"\n'
        f'date = 2022-05-{day:02d}T10:00:00+02:00\nstatus = "published"\n'
        f"topics = [{quoted}]\n+++\n\nText.\n",
        encoding="utf-8",
    )


def spelled_two_ways(root: Path) -> None:
    """'familjefrågor' stands first by path and in the newest story; 'Familjefrågor' (the
    sample's four stories plus one here) is the newsroom's most used spelling."""
    write(root, "a-forst", ["familjefrågor"], 30)
    write(root, "b-sedan", ["Familjefrågor"], 1)


def test_every_output_names_a_topic_by_its_most_used_spelling(
    invoke: Invoke, newsroom_path: Path
) -> None:
    spelled_two_ways(newsroom_path)
    feed = feedparser.parse(invoke("export", "rss", "-o", "-", "--topic", "FAMILJEFRÅGOR").stdout)
    assert feed.feed.title == "Ämnen: Familjefrågor – Piteå kommun – Aktuellt"
    assert all("familjefrågor" not in [t.term for t in e.tags] for e in feed.entries)
    assert invoke("export", "html").exit_code == 0
    site_feed = feedparser.parse(
        (newsroom_path / "public/amnen/familjefragor/rss.xml").read_text(encoding="utf-8")
    )
    assert site_feed.feed.title == feed.feed.title
    page = (newsroom_path / "public/amnen/familjefragor/index.html").read_text(encoding="utf-8")
    assert "<h1>Ämnen: Familjefrågor</h1>" in page
    newest = (newsroom_path / "public/2022/05/a-forst/index.html").read_text(encoding="utf-8")
    assert ">Familjefrågor</a>" in newest and ">familjefrågor<" not in newest
    listed = invoke("list", "--limit", "1").stdout
    assert "Familjefrågor" in listed and "familjefrågor" not in listed
    topics = json.loads(invoke("topics", "--format", "json").stdout)
    familj = next(t for t in topics if t["slug"] == "familjefragor")
    assert familj["topic"] == "Familjefrågor"
    assert familj["spellings"] == ["Familjefrågor", "familjefrågor"]


def test_a_tie_is_broken_the_same_way_whatever_the_order() -> None:
    uses = [
        TopicUse(None, ("ekonomi",), True),
        TopicUse(None, ("Ekonomi",), False),
    ]
    assert Topics.of(uses).name("EKONOMI") == "Ekonomi"
    assert Topics.of(reversed(uses)).name("EKONOMI") == "Ekonomi"


@given(st.lists(st.sampled_from(["Ekonomi", "ekonomi", "EKONOMI", "Ekonomi "]), min_size=1))
def test_the_name_is_the_most_used_spelling(spellings: list[str]) -> None:
    uses = [TopicUse(None, (s,), True) for s in spellings]
    topic = Topics.of(uses).get("ekonomi")
    assert topic is not None and topic.articles == len(spellings)
    most = max(spellings.count(s) for s in spellings)
    assert spellings.count(topic.name) == most
    assert topic.name == min(s for s in spellings if spellings.count(s) == most)
    assert topic.path == f"topics/{topic_key('ekonomi')}/"


def test_topic_identity_ignores_case_space_and_accents() -> None:
    assert topic_key("familjefrågor ") == topic_key("Familjefrågor") == topic_key("FAMILJEFRÅGOR")
    assert topic_key("Ekonomi") != topic_key("Anhörigstöd")


def test_control_characters_in_topics_are_dropped_like_stray_spaces() -> None:
    text = GOOD.replace('"Familjefrågor"', '"Famil\\u0000j\\u001b[2J", "\\u0007"')
    article = parse_article(text, SITE, REL)
    assert article.topics == ("Ekonomi", "Familj[2J")


def test_topic_path_is_the_topic_key_and_never_leaves_topics() -> None:
    def topic_path(name: str) -> str:
        return Topics().topic(name).path

    assert topic_path("Våld i nära relationer") == "topics/vald-i-nara-relationer/"
    assert topic_path(" familjefrågor") == topic_path("Familjefrågor") == "topics/familjefragor/"
    for odd in ("..", "/", "🎉"):
        folder = topic_path(odd)
        assert folder.startswith("topics/topic-") and folder.count("/") == 2


def test_a_topic_typed_as_a_slug_reads_like_the_story_it_begins() -> None:
    from newscli.topics import slug_like

    slugs = ["socialnamnden-har-minskat", "socialnamnden-2", "budget-2023"]
    asked: list[str] = []

    def beginning(base: str) -> list[str]:
        asked.append(base)
        return [s for s in slugs if s == base or s.startswith(base + "-")]

    assert slug_like("socialnamnden", beginning) == "socialnamnden-2"
    assert slug_like("budget-2023", beginning) == "budget-2023"
    assert slug_like("budg", beginning) is None  # not at a word's end
    # Written as a topic is (capitals, spaces, accents): never asked about.
    assert slug_like("Socialnämnden", beginning) is None
    assert slug_like("Budget 2023", beginning) is None
    assert asked == ["socialnamnden", "budget-2023", "budg"]
