"""Feeds as stories: RSS, Atom and JSON Feed in the shapes real tools write them, declared
encodings, dates with their offsets, and documents that must be refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newscli.importing.feed import FeedError, read_feed
from newscli.importing.fetch import Fetched, read_file
from newscli.importing.incoming import Incoming, IncomingPhoto, Unreadable
from tests.conftest import REPO

FEEDS = REPO / "tests" / "fixtures" / "import" / "feeds"
CET = dt.timezone(dt.timedelta(hours=1))


def stories(name: str) -> list[Incoming | Unreadable]:
    return read_feed(read_file(FEEDS / name, shown_as=name))


def only(name: str) -> Incoming:
    (entry,) = [s for s in stories(name) if isinstance(s, Incoming)]
    return entry


def test_a_hugo_feed_gives_title_date_with_offset_and_its_summaries_as_drafts() -> None:
    first, second = stories("hugo.xml")
    assert isinstance(first, Incoming) and isinstance(second, Incoming)
    assert first.title == "Öppet hus på familjecentralen"
    assert first.date == dt.datetime(2022, 3, 15, 8, 30, tzinfo=CET)
    assert first.date.utcoffset() == dt.timedelta(hours=1)
    assert first.body == (
        "Familjecentralen bjuder in till **öppet hus** den 2 april.\n\n## Program\n\n"
        "- Fika klockan 10\n- Visning klockan 11"
    )
    assert first.key == {
        "feed": "https://hugo.example.se/nyheter/",
        "guid": "https://hugo.example.se/nyheter/oppet-hus/",
    }
    assert (first.source_name, first.source_url) == (
        "Nyheter on Socialtjänsten",
        "https://hugo.example.se/nyheter/oppet-hus/",
    )
    # Hugo's description is the summary: one with structure stays the body, a one-paragraph
    # one is the lead; both are drafts, their full text at the link.
    assert first.status == "draft" and first.source_url in first.source_note
    assert (second.lead, second.body, second.status) == (
        "Från den 1 mars gäller en ny taxa.",
        "",
        "draft",
    )


def test_a_wordpress_feed_gives_author_categories_lead_and_clean_content() -> None:
    post, undated = stories("wordpress.xml")
    assert isinstance(post, Incoming) and isinstance(undated, Incoming)
    assert post.title == "Anhörigveckan – välkommen!"
    assert post.author == "Anna Andersson"
    assert post.topics == ("anhörigstöd", "Evenemang")
    assert post.lead.startswith("Under anhörigveckan ordnar vi")
    assert post.body == (
        "Under anhörigveckan ordnar vi föreläsningar och träffar för dig som stöttar en "
        "närstående.\n\n## Föreläsningar\n\n> Ingen ska behöva stå ensam.\n\n"
        "Anmäl dig [här](https://wp.example.se/anmalan/?id=7) eller klicka."
    )
    assert post.key["guid"] == "https://wp.example.se/?p=123"
    assert undated.date is None  # the writer decides: skipped, or dated now


def test_a_press_room_feed_gives_its_photo_and_the_author_name() -> None:
    release = only("pressroom.xml")
    assert release.author == "Pressavdelningen"
    assert release.topics == ("familjefrågor", "ANHÖRIGSTÖD")
    assert release.photo == IncomingPhoto(url="https://press.example.com/images/barn-large.jpg")
    assert release.key["guid"] == "pressrelease-3156789"


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("latin1.xml", "Åsgården får 24 nya lägenheter för äldre, klart i höst."),
        ("windows-1252.xml", "Åsgården får 24 nya lägenheter för äldre – “klart” i höst."),
    ],
)
def test_feeds_in_declared_legacy_encodings_are_read(name: str, body: str) -> None:
    story = only(name)
    assert story.title == "Särskilt boende öppnar på Åsgården"
    assert story.topics == ("Äldreomsorg",)
    assert story.source_name == "Äldreomsorgen i Östersund"
    assert story.lead == body


ENTITY_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>&lol3;</title><item><title>x</title></item></channel></rss>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&secret;</title></item></channel></rss>
"""


@pytest.mark.parametrize("document", [ENTITY_BOMB, EXTERNAL], ids=["entity-bomb", "external"])
def test_xml_that_declares_entities_is_refused_with_a_clear_error(document: bytes) -> None:
    with pytest.raises(FeedError) as caught:
        read_feed(Fetched(document, "evil.xml"))
    assert str(caught.value).startswith("evil.xml: declares XML entities")


def test_a_broken_document_that_declares_entities_is_refused_too() -> None:
    broken = ENTITY_BOMB.replace(b"</rss>", b"</rs")
    with pytest.raises(FeedError, match="declares XML entities"):
        read_feed(Fetched(broken, "broken.xml"))


def test_a_document_that_is_no_feed_is_refused() -> None:
    with pytest.raises(FeedError, match="not a feed"):
        read_feed(Fetched(b"<html><body>Hej</body></html>", "page.html"))


def test_one_bad_entry_does_not_stop_the_others() -> None:
    feed = """<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
    <item><title>Bra</title><guid>a</guid><pubDate>Wed, 09 Feb 2022 09:00:00 +0100</pubDate></item>
    <item><guid>b</guid><pubDate>Wed, 09 Feb 2022 09:00:00 +0100</pubDate></item>
    <item><title>Datum</title><guid>c</guid><pubDate>nästa tisdag</pubDate></item>
    <item><title>Också bra</title><guid>d</guid><pubDate>Thu, 10 Feb 2022 09:00:00 +0100</pubDate></item>
    </channel></rss>"""
    read = read_feed(Fetched(feed.encode(), "f.xml"))
    assert [type(s).__name__ for s in read] == ["Incoming", "Unreadable", "Unreadable", "Incoming"]
    assert read[1] == Unreadable("f.xml, entry 2", "has no title")
    assert isinstance(read[2], Unreadable) and "'nästa tisdag'" in read[2].problem


def test_a_json_feed_gives_its_items() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Nyheter",
        "feed_url": "https://example.se/feed.json",
        "authors": [{"name": "Kommunen"}],
        "items": [
            {
                "id": "1",
                "url": "https://example.se/1",
                "title": "Första",
                "content_html": "<p>Text <script>x()</script>med <em>betoning</em>.</p>",
                "summary": "Sammanfattning",
                "date_published": "2022-02-09T09:00:00+01:00",
                "date_modified": "2022-02-10T10:00:00+01:00",
                "tags": ["Ekonomi"],
                "image": "https://example.se/bild.jpg",
            },
            {"id": "2", "title": "Ren text", "content_text": "Rad ett.\n\nRad *två*."},
            "inte ett objekt",
        ],
    }
    first, second, third = read_feed(Fetched(json.dumps(feed).encode(), "feed.json"))
    assert isinstance(first, Incoming) and isinstance(second, Incoming)
    assert first.body == "Text med *betoning*."
    assert first.lead == "Sammanfattning"
    assert first.date == dt.datetime(2022, 2, 9, 9, 0, tzinfo=CET)
    assert first.updated == dt.datetime(2022, 2, 10, 10, 0, tzinfo=CET)
    assert first.author == "Kommunen"
    assert first.photo == IncomingPhoto(url="https://example.se/bild.jpg")
    assert first.key == {"feed": "https://example.se/feed.json", "guid": "1"}
    assert second.body == "Rad ett.\n\nRad \\*två\\*."
    assert third == Unreadable("feed.json, item 3", "is not a JSON object")


def test_json_that_is_no_json_feed_is_refused() -> None:
    with pytest.raises(FeedError, match="not a JSON Feed"):
        read_feed(Fetched(b'{"items": []}', "x.json"))


def test_fixtures_are_where_the_tests_expect_them() -> None:
    assert {p.name for p in Path(FEEDS).iterdir()} >= {"hugo.xml", "wordpress.xml", "pressroom.xml"}
