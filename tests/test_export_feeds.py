"""RSS, Atom and JSON Feed as a feed reader sees them: parsed with feedparser, golden files
whole, every value exactly the text it was (never markup), dates with their offsets,
photos as enclosures, links made absolute."""

from __future__ import annotations

import datetime as dt
import html
import json
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from newscli.derive import derive_photo
from tests.conftest import STORY_PATH, Invoke
from tests.support.checkers import BASE, assert_golden, check_json_feed, read_feed
from tests.support.harness import export
from tests.support.newsrooms import GOLDEN, SAMPLE_IDS, add_article

HOSTILE = '<script>alert(1)</script> & AT&T "citat"'
IMAGE_BYTES = (GOLDEN / "site" / "photo.jpg").read_bytes()  # for images/kvalitetsmassa.jpg
# What the site publishes of it: its one size (it is 480 pixels wide) as a JPEG.
PUBLISHED = f"{BASE}photos/images/kvalitetsmassa-480.jpg"


def published_length() -> int:
    (jpeg,) = [v for v in derive_photo(IMAGE_BYTES) if v.format == "jpeg"]
    return len(jpeg.data)


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
    assert_golden(GOLDEN / "feeds" / golden, text)
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


def test_json_feed_items_carry_what_a_reader_shows(invoke: Invoke) -> None:
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


# -- images and links ------------------------------------------------------------------------


def test_photo_is_an_enclosure_with_its_size_or_media_content(
    invoke: Invoke, newsroom_path: Path
) -> None:
    (newsroom_path / "images").mkdir()
    (newsroom_path / "images" / "kvalitetsmassa.jpg").write_bytes(IMAGE_BYTES)
    entries = read_feed(export(invoke, "rss")).entries
    present, missing = entries[0], entries[1]
    # The photo as the site publishes it (never the original, which may hold GPS data).
    assert present.enclosures == [
        {"href": PUBLISHED, "length": str(published_length()), "type": "image/jpeg"}
    ]
    assert "media_content" not in present
    # A photo that is not in the newsroom: the story goes out without one, as on the site.
    assert missing.enclosures == [] and "media_content" not in missing
    atom = read_feed(export(invoke, "atom")).entries
    assert atom[0].enclosures[0].length == str(published_length())
    assert check_json_feed(export(invoke, "json"))["items"][0]["image"] == PUBLISHED


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
