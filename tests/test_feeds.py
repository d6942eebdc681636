"""export rss|atom|json as a feed reader sees them: parsed with feedparser, golden files whole."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest

from newscli.article import Article
from newscli.export.urls import article_path
from newscli.topics import Topics
from tests.conftest import REPO, STORY_PATH, Invoke

GOLDEN = REPO / "tests" / "golden" / "feeds"
BASE = "https://www.example.se/aktuellt/"
HOSTILE = '<script>alert(1)</script> & AT&T "citat"'
SAMPLE_IDS = [  # the five sample stories, newest first
    "5d1c3f4e-2b8a-4f0e-9c61-7a2e8b9d0f13",
    "9a7e2c41-6f3b-4d8a-b2e5-1c0d9f8e7a62",
    "c3b8e1d2-7a4f-4e69-8d15-2f6a9b0c4e37",
    "e4f0a9b7-1d2c-4b3e-8f56-0a9c7d6e5b48",
    "0b6f0c2e-6a53-4d6e-9a57-3c1f4c0de8b1",
]
IMAGE_BYTES = b"\xff\xd8\xff\xe0" + b"\0" * 1230  # stands in for images/kvalitetsmassa.jpg


def assert_golden(name: str, text: str) -> None:
    """text equals tests/golden/feeds/<name>; UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"{path} is missing; run UPDATE_GOLDEN=1 pytest {__file__}"
    assert text == path.read_text(encoding="utf-8")


def add_article(root: Path, slug: str, toml: str, body: str = "", month: str = "2022/05") -> None:
    """Write an article file; toml holds the front-matter lines after id, title and slug."""
    folder = root / "articles" / month
    folder.mkdir(parents=True, exist_ok=True)
    text = f'+++\nid = "{slug}-id"\nslug = "{slug}"\n{toml.strip()}\n+++\n{body}'
    (folder / f"{slug}.md").write_text(text, encoding="utf-8")


def export(invoke: Invoke, kind: str, *args: str, **environment: object) -> str:
    """The feed export prints to stdout with -o -, checked to be a clean success."""
    result = invoke("export", kind, "-o", "-", *args, **environment)
    assert result.exit_code == 0, result.output
    return result.stdout


def read_feed(text: str) -> Any:
    """The feed as a real client reads it, with what every item must have."""
    parsed = feedparser.parse(text.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    for entry in parsed.entries:
        assert entry.title and entry.link and entry.id
        assert entry.published_parsed is not None
    return parsed


def check_json_feed(text: str) -> dict[str, Any]:
    """The fields JSON Feed 1.1 requires, and the ones newscli promises on every item."""
    feed = json.loads(text)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str) and feed["title"]
    assert isinstance(feed["items"], list)
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_html" in item or "content_text" in item
        assert item["url"].startswith(BASE)
        dt.datetime.fromisoformat(item["date_published"])
        dt.datetime.fromisoformat(item["date_modified"])
    return feed


# -- the sample newsroom, whole ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "golden"), [("rss", "rss.xml"), ("atom", "atom.xml"), ("json", "feed.json")]
)
def test_sample_newsroom_feeds_match_golden_files(
    invoke: Invoke, newsroom_path: Path, kind: str, golden: str
) -> None:
    (newsroom_path / "images").mkdir()
    (newsroom_path / "images" / "kvalitetsmassa.jpg").write_bytes(IMAGE_BYTES)
    text = export(invoke, kind, "--full")
    assert_golden(golden, text)
    if kind == "json":
        check_json_feed(text)
    else:
        read_feed(text)


def test_rss_items_carry_what_a_reader_shows(invoke: Invoke) -> None:
    parsed = read_feed(export(invoke, "rss"))
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Piteå kommun – Aktuellt"
    assert parsed.feed.link == BASE
    assert parsed.feed.language == "sv"
    assert [e.id for e in parsed.entries] == SAMPLE_IDS
    first = parsed.entries[0]
    assert (
        first.link == f"{BASE}2022/03/framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa/"
    )
    assert first.guidislink is False
    assert first.author == "Piteå kommun"
    assert [t.term for t in first.tags] == ["Familjefrågor", "Kvalitetsutveckling"]
    assert first.summary.startswith("I veckan har Socialtjänsten genomfört")
    assert "content" not in first  # the whole story only with --full
    # The lead of a story without a teaser key is its first paragraph.
    assert parsed.entries[3].summary.startswith("Socialtjänsten har sjösatt en ny organisation")


def test_atom_entries_carry_the_same_items(invoke: Invoke) -> None:
    parsed = read_feed(export(invoke, "atom"))
    assert parsed.version == "atom10"
    assert [e.id for e in parsed.entries] == [f"urn:uuid:{i}" for i in SAMPLE_IDS]
    first = parsed.entries[0]
    assert first.author == "Piteå kommun"
    assert [t.term for t in first.tags] == ["Familjefrågor", "Kvalitetsutveckling"]
    assert first.summary_detail.type == "text/html"  # escaped HTML, as RSS sends it
    assert parsed.feed.links[1].rel == "self"
    assert parsed.feed.links[1].href == f"{BASE}atom.xml"


def test_json_feed_items(invoke: Invoke) -> None:
    feed = check_json_feed(export(invoke, "json"))
    assert feed["feed_url"] == f"{BASE}feed.json"
    assert [i["id"] for i in feed["items"]] == SAMPLE_IDS
    first = feed["items"][0]
    assert first["authors"] == [{"name": "Piteå kommun"}]
    assert first["tags"] == ["Familjefrågor", "Kvalitetsutveckling"]
    assert first["content_text"] == first["summary"]
    assert "content_html" not in first


# -- escaping ---------------------------------------------------------------------------


@pytest.fixture
def hostile_story(newsroom_path: Path) -> None:
    add_article(
        newsroom_path,
        "hostile",
        f"""
title = {json.dumps(HOSTILE)}
date = 2022-05-02T10:00:00+02:00
status = "published"
author = {json.dumps(HOSTILE)}
topics = [{json.dumps(HOSTILE)}, "Larm\\u0007"]
teaser = {json.dumps(HOSTILE)}
""",
        body=f"\nEn ]]> som inte får bryta dokumentet, och en klocka: \x07.\n\n{HOSTILE}\n",
    )


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.usefixtures("hostile_story")
def test_hostile_text_arrives_as_exactly_that_text(invoke: Invoke, kind: str) -> None:
    text = export(invoke, kind, "--full")
    assert "\x07" not in text
    entry = read_feed(text).entries[0]
    assert entry.title == HOSTILE
    assert entry.author == HOSTILE
    assert [t.term for t in entry.tags] == [HOSTILE, "Larm"]
    summary = entry.summary
    if entry.summary_detail.type == "text/html":  # RSS description is HTML
        summary = html.unescape(summary)
    assert summary == HOSTILE
    content = entry.content[0]
    assert content.type == "text/html"
    assert "<script>" not in content.value
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; AT&amp;T" in content.value
    assert "En ]]&gt; som inte får bryta dokumentet, och en klocka: ." in content.value


@pytest.mark.usefixtures("hostile_story")
def test_hostile_text_in_json_feed(invoke: Invoke) -> None:
    item = check_json_feed(export(invoke, "json", "--full"))["items"][0]
    assert item["title"] == item["summary"] == HOSTILE
    assert item["tags"] == [HOSTILE, "Larm"]
    assert "<script>" not in item["content_html"]
    assert "]]&gt; som inte får bryta dokumentet, och en klocka: .</p>" in item["content_html"]


# -- dates --------------------------------------------------------------------------------


def test_rfc822_dates_keep_their_offset_in_winter_and_summer(
    invoke: Invoke, newsroom_path: Path
) -> None:
    # Summer time, typed without an offset: read in the newsroom's zone (Europe/Stockholm).
    add_article(
        newsroom_path,
        "midsommar",
        'title = "Midsommar"\ndate = 2022-06-24T12:00:00\nstatus = "published"',
        month="2022/06",
    )
    items = {i.guid: i for i in read_feed(export(invoke, "rss")).entries}
    summer = items["midsommar-id"].published
    winter = items[SAMPLE_IDS[-1]].published
    assert summer == "Fri, 24 Jun 2022 12:00:00 +0200"
    assert winter == "Tue, 23 Nov 2021 14:00:00 +0100"
    assert parsedate_to_datetime(summer) == dt.datetime(
        2022, 6, 24, 12, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    assert parsedate_to_datetime(winter).utcoffset() == dt.timedelta(hours=1)


def test_build_date_is_the_newest_change_not_the_clock(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = newsroom_path / STORY_PATH
    text = story.read_text(encoding="utf-8")
    story.write_text(
        text.replace(
            'status = "published"', 'updated = 2022-04-01T09:30:00+02:00\nstatus = "published"'
        ),
        encoding="utf-8",
    )
    first = export(invoke, "rss")
    assert "<lastBuildDate>Fri, 01 Apr 2022 09:30:00 +0200</lastBuildDate>" in first
    atom = read_feed(export(invoke, "atom"))
    assert atom.feed.updated == "2022-04-01T09:30:00+02:00"
    updated = next(e for e in atom.entries if e.id.endswith(SAMPLE_IDS[-1]))
    assert updated.updated == "2022-04-01T09:30:00+02:00"
    assert updated.published == "2021-11-23T14:00:00+01:00"
    later = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert export(invoke, "rss", clock=lambda tz: later.astimezone(tz)) == first


# -- choosing the stories -----------------------------------------------------------------


def test_topic_feed(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("export", "rss", "--topic", "anhörigstöd ")
    assert result.exit_code == 0, result.output
    assert result.stderr == "Exported 2 stories to public/topics/anhorigstod/rss.xml\n"
    text = (newsroom_path / "public" / "topics" / "anhorigstod" / "rss.xml").read_text()
    parsed = read_feed(text)
    assert parsed.feed.title == "Ämnen: Anhörigstöd – Piteå kommun – Aktuellt"
    assert parsed.feed.link == f"{BASE}topics/anhorigstod/"
    assert f'<atom:link href="{BASE}topics/anhorigstod/rss.xml" rel="self"' in text
    assert [e.id for e in parsed.entries] == [SAMPLE_IDS[3], SAMPLE_IDS[4]]


def test_unknown_topic_is_an_error(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("export", "rss", "--topic", "Ekonomii")
    assert result.exit_code == 1
    assert "no article has the topic 'Ekonomii'; did you mean Ekonomi?" in result.stderr
    assert not (newsroom_path / "public").exists()


def test_limit_keeps_the_newest(invoke: Invoke) -> None:
    parsed = read_feed(export(invoke, "atom", "--limit", "2"))
    assert [e.id for e in parsed.entries] == [f"urn:uuid:{i}" for i in SAMPLE_IDS[:2]]


def test_drafts_and_future_stories_only_in_previews(invoke: Invoke, newsroom_path: Path) -> None:
    add_article(newsroom_path, "utkast", 'title = "Utkast"\ndate = 2022-05-01T10:00:00+02:00')
    add_article(
        newsroom_path,
        "framtid",
        'title = "Framtid"\ndate = 2026-11-23T10:01:00+01:00\nstatus = "published"',
        month="2026/11",
    )

    def ids(*flags: str) -> set[str]:
        return {e.id for e in read_feed(export(invoke, "rss", *flags)).entries}

    assert ids() == set(SAMPLE_IDS)
    assert ids("--drafts") == {*SAMPLE_IDS, "utkast-id"}
    assert ids("--future") == {*SAMPLE_IDS, "framtid-id"}
    assert ids("--drafts", "--future") == {*SAMPLE_IDS, "utkast-id", "framtid-id"}


# -- images and links ------------------------------------------------------------------------


def test_photo_is_an_enclosure_with_its_size_or_media_content(
    invoke: Invoke, newsroom_path: Path
) -> None:
    (newsroom_path / "images").mkdir()
    (newsroom_path / "images" / "kvalitetsmassa.jpg").write_bytes(IMAGE_BYTES)
    entries = read_feed(export(invoke, "rss")).entries
    present, missing = entries[0], entries[1]
    assert present.enclosures == [
        {
            "href": f"{BASE}images/kvalitetsmassa.jpg",
            "length": str(len(IMAGE_BYTES)),
            "type": "image/jpeg",
        }
    ]
    assert "media_content" not in present
    assert missing.enclosures == []
    assert missing.media_content == [
        {"url": f"{BASE}images/en-vecka-fri-fran-vald.jpg", "medium": "image", "type": "image/jpeg"}
    ]
    atom = read_feed(export(invoke, "atom")).entries
    assert atom[0].enclosures[0].length == str(len(IMAGE_BYTES))
    assert check_json_feed(export(invoke, "json"))["items"][0]["image"] == (
        f"{BASE}images/kvalitetsmassa.jpg"
    )


def test_an_image_that_is_not_a_photo_is_left_out(invoke: Invoke, newsroom_path: Path) -> None:
    add_article(
        newsroom_path,
        "installningar",
        'title = "Inställningar"\ndate = 2022-05-01T10:00:00+02:00\nstatus = "published"\n'
        '[image]\nsrc = "newscli.toml"',
    )
    entry = read_feed(export(invoke, "rss")).entries[0]
    assert entry.id == "installningar-id"
    assert entry.enclosures == [] and "media_content" not in entry


def test_full_story_links_and_images_become_absolute(invoke: Invoke, newsroom_path: Path) -> None:
    add_article(
        newsroom_path,
        "lankar",
        'title = "Länkar"\ndate = 2022-05-01T10:00:00+02:00\nstatus = "published"',
        body=(
            "\nLäs [rapporten](dokument/rapport.pdf) och [Socialstyrelsen](https://socialstyrelsen.se/).\n\n"
            "![Nämnden](images/namnden.jpg)\n"
        ),
    )
    for kind in ("rss", "atom"):
        content = read_feed(export(invoke, kind, "--full")).entries[0].content[0].value
        assert f'<a href="{BASE}dokument/rapport.pdf">rapporten</a>' in content
        assert '<a href="https://socialstyrelsen.se/">Socialstyrelsen</a>' in content
        assert f'src="{BASE}images/namnden.jpg"' in content
        # No teaser key: the first paragraph is the lead, and it appears once.
        assert content.count("Läs ") == 1
    item = check_json_feed(export(invoke, "json", "--full"))["items"][0]
    assert f'href="{BASE}dokument/rapport.pdf"' in item["content_html"]


# -- base_url, output, broken files -----------------------------------------------------------


def test_missing_base_url_says_what_to_set(invoke: Invoke, newsroom_path: Path) -> None:
    config = newsroom_path / "newscli.toml"
    config.write_text(
        config.read_text().replace('base_url = "https://www.example.se/aktuellt/"', "")
    )
    result = invoke("export", "rss")
    assert result.exit_code == 1
    assert result.stderr.startswith("newscli: error: feeds need absolute links: set base_url")
    assert "[site] in newscli.toml" in result.stderr and "--base-url" in result.stderr
    assert not (newsroom_path / "public").exists()
    parsed = read_feed(export(invoke, "rss", "--base-url", "https://nyheter.example.org/pitea"))
    assert parsed.feed.link == "https://nyheter.example.org/pitea/"
    assert parsed.entries[0].link.startswith("https://nyheter.example.org/pitea/2022/03/")


def test_bad_base_url_option_is_a_usage_error(invoke: Invoke) -> None:
    result = invoke("export", "json", "--base-url", "www.example.se")
    assert result.exit_code == 2
    assert "--base-url must start with https:// or http://" in result.stderr


def test_writes_default_path_once_and_leaves_an_unchanged_file_alone(
    invoke: Invoke, newsroom_path: Path
) -> None:
    result = invoke("export", "json")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "Exported 5 stories to public/feed.json\n"
    target = newsroom_path / "public" / "feed.json"
    check_json_feed(target.read_text(encoding="utf-8"))
    before = target.stat()
    again = invoke("export", "json")
    assert again.stderr == "Exported 5 stories to public/feed.json (unchanged)\n"
    after = target.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_output_option_writes_where_asked(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("export", "atom", "--limit", "1", "-o", "ut/flode.xml")
    assert result.exit_code == 0
    assert result.stderr == "Exported 1 story to ut/flode.xml\n"
    assert len(read_feed((newsroom_path / "ut" / "flode.xml").read_text()).entries) == 1


def test_broken_article_is_skipped_with_a_warning(invoke: Invoke, newsroom_path: Path) -> None:
    broken = newsroom_path / "articles" / "2022" / "05" / "trasig.md"
    broken.parent.mkdir(parents=True)
    broken.write_text('+++\ntitle = "Ingen id"\n+++\n', encoding="utf-8")
    result = invoke("export", "rss", "-o", "-")
    assert result.exit_code == 1  # written, but not the newsroom as it is
    assert "newscli: warning: skipped articles/2022/05/trasig.md" in result.stderr
    assert len(read_feed(result.stdout).entries) == 5


# -- site paths -------------------------------------------------------------------------------


def test_article_path_uses_the_dates_own_local_month() -> None:
    late = dt.datetime(2022, 1, 31, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    article = Article(id="x", title="Sent", slug="sent-i-januari", date=late)
    assert article_path(article) == "2022/01/sent-i-januari/"


def test_topic_path_is_the_topic_key_and_never_leaves_topics() -> None:
    def topic_path(name: str) -> str:
        return Topics().topic(name).path

    assert topic_path("Våld i nära relationer") == "topics/vald-i-nara-relationer/"
    assert topic_path(" familjefrågor") == topic_path("Familjefrågor") == "topics/familjefragor/"
    for odd in ("..", "/", "🎉"):
        folder = topic_path(odd)
        assert folder.startswith("topics/topic-") and folder.count("/") == 2
