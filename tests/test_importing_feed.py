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


# -- the shapes real feeds broke in (issue 23, issue 24) ------------------------------------------


def rss(
    items: str, channel: str = "<title>Nyheter</title><link>https://nyheter.example.se/</link>"
) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:media="http://search.yahoo.com/mrss/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel>{channel}{items}</channel></rss>"
    ).encode()


DATE = "<pubDate>Wed, 09 Feb 2022 09:00:00 +0100</pubDate>"


def the_entry(items: str) -> Incoming:
    """The one entry of an RSS feed of items, as a story."""
    (story,) = read_feed(Fetched(rss(items), "f.xml"))
    assert isinstance(story, Incoming)
    return story


def test_a_photos_description_and_credit_are_its_caption_and_credit_never_the_body() -> None:
    feed = rss(
        f"<item><title>Ny skola</title><guid>1</guid>{DATE}"
        '<media:content url="https://bilder.example.se/skola.jpg" medium="image">'
        "<media:description>Skolan från söder.</media:description>"
        "<media:credit>Anna Fotograf</media:credit></media:content></item>"
    )
    (story,) = read_feed(Fetched(feed, "f.xml"))
    assert isinstance(story, Incoming)
    assert story.photo == IncomingPhoto(
        url="https://bilder.example.se/skola.jpg",
        caption="Skolan från söder.",
        credit="Anna Fotograf",
    )
    assert "Skolan" not in story.body and "Skolan" not in story.lead


def test_a_thumbnail_is_the_photo_when_there_is_no_other() -> None:
    feed = rss(
        f"<item><title>A</title><guid>1</guid>{DATE}"
        '<media:thumbnail url="/bilder/a.jpg"/><content:encoded>&lt;p&gt;Text&lt;/p&gt;'
        "</content:encoded></item>"
    )
    (story,) = read_feed(Fetched(feed, "f.xml"))
    assert isinstance(story, Incoming) and story.photo is not None
    assert story.photo.url == "https://nyheter.example.se/bilder/a.jpg"


def test_the_summary_is_the_lead_and_the_full_content_the_body() -> None:
    story = the_entry(
        f"<item><title>A</title><guid>1</guid>{DATE}<description>Kort ingress.</description>"
        "<content:encoded>&lt;p&gt;Hela texten.&lt;/p&gt;</content:encoded></item>"
    )
    assert (story.lead, story.body, story.status) == ("Kort ingress.", "Hela texten.", "")


def test_an_entry_with_only_a_summary_is_a_draft_pointing_at_the_full_text() -> None:
    story = the_entry(
        f"<item><title>A</title><link>/nyheter/a</link>{DATE}"
        "<description>Kommunen bygger en ny skola.</description></item>"
    )
    assert (story.lead, story.body, story.status) == ("Kommunen bygger en ny skola.", "", "draft")
    assert story.source_note == (
        "the feed gave only a summary; the full text is at https://nyheter.example.se/nyheter/a"
    )


def test_relative_links_are_made_absolute_against_the_entry_or_the_feed() -> None:
    feed = rss(
        f"<item><title>A</title><link>/nyheter/2022/a/</link>{DATE}"
        '<enclosure url="bild.jpg" type="image/jpeg" length="1"/>'
        "<content:encoded>&lt;p&gt;&lt;a href=&quot;../b/&quot;&gt;B&lt;/a&gt; "
        "&lt;img src=&quot;/img/c.png&quot; alt=&quot;C&quot;&gt; "
        "&lt;a href=&quot;javascript:x()&quot;&gt;D&lt;/a&gt;&lt;/p&gt;</content:encoded></item>"
    )
    (story,) = read_feed(Fetched(feed, "f.xml"))
    assert isinstance(story, Incoming) and story.photo is not None
    assert story.source_url == "https://nyheter.example.se/nyheter/2022/a/"
    assert story.photo.url == "https://nyheter.example.se/nyheter/2022/a/bild.jpg"
    assert story.body == (
        "[B](https://nyheter.example.se/nyheter/2022/b/) "
        "![C](https://nyheter.example.se/img/c.png) D"
    )


@pytest.mark.parametrize(
    "data", [b"", b" \n\t\r\n", b"\xef\xbb\xbf\n"], ids=["empty", "blank", "bom"]
)
def test_an_empty_file_is_one_clear_sentence(data: bytes) -> None:
    with pytest.raises(FeedError) as caught:
        read_feed(Fetched(data, "tom.xml"))
    assert str(caught.value) == "tom.xml: is empty: there is no feed in it"


@pytest.mark.parametrize("data", [b"Hej hopp", b"<html><body>Hej</body></html>", b"[1, 2]"])
def test_a_file_that_is_no_feed_at_all_is_one_clear_sentence(data: bytes) -> None:
    with pytest.raises(FeedError) as caught:
        read_feed(Fetched(data, "x.txt"))
    assert (
        str(caught.value)
        == "x.txt: is not a feed newscli can read: no RSS, Atom or JSON feed in it"
    )


def test_a_title_is_taken_as_its_text() -> None:
    feed = rss(
        f"<item><title>&lt;b&gt;Fet&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;</title>"
        f"<guid>1</guid>{DATE}</item>"
    )
    (story,) = read_feed(Fetched(feed, "f.xml"))
    assert isinstance(story, Incoming) and story.title == "Fet"


def test_feed_text_that_reads_as_html_stays_text_in_the_markdown() -> None:
    text = (
        "&lt;p&gt;Hej &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; "
        "&amp;lt;img src=x onerror=alert(1)&amp;gt; &amp;lt;https://evil.example/&amp;gt;&lt;/p&gt;"
    )
    feed = rss(
        f"<item><title>A</title><guid>1</guid>{DATE}<content:encoded>{text}</content:encoded></item>"
    )
    (story,) = read_feed(Fetched(feed, "f.xml"))
    assert isinstance(story, Incoming)
    assert story.body == (
        "Hej \\<script>alert(1)\\</script> \\<img src=x onerror=alert(1)> \\<https://evil.example/>"
    )
    plain = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": [{"id": "1", "title": "A", "content_text": "Se [klicka](javascript:x()) <b>"}],
        }
    )
    (item,) = read_feed(Fetched(plain.encode(), "f.json"))
    assert isinstance(item, Incoming) and item.body == "Se \\[klicka\\](javascript:x()) \\<b>"


def test_a_json_feed_nested_5000_deep_is_refused_clearly() -> None:
    deep = (
        b'{"version": "https://jsonfeed.org/version/1.1", "items": '
        + b"[" * 5000
        + b"]" * 5000
        + b"}"
    )
    with pytest.raises(FeedError) as caught:
        read_feed(Fetched(deep, "djup.json"))
    assert str(caught.value) == "djup.json: is JSON nested deeper than any feed is; not read"


@pytest.mark.parametrize(
    ("written", "year"),
    [
        ("Mon, 01 Jan 0001 00:00:00 GMT", 1),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 9999),
        ("Wed, 09 Feb 22 09:00:00 +0100", 2022),
        ("Wed, 09 Feb 1998 09:00:00 +0100", 1998),
    ],
)
def test_a_year_is_read_as_written(written: str, year: int) -> None:
    feed = rss(f"<item><title>A</title><guid>1</guid><pubDate>{written}</pubDate></item>")
    (story,) = read_feed(Fetched(feed, "f.xml"))
    assert isinstance(story, Incoming) and story.date is not None and story.date.year == year


def test_a_feed_file_resolves_relative_links_against_its_own_address() -> None:
    """Atom as Sam Ruby's blog writes it: relative links, the feed's address in rel="self"."""
    feed = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link rel="self" href="http://blogg.example.se/blog/index.atom"/>
  <id>http://blogg.example.se/blog/index.atom</id><title>Blogg</title>
  <link href="/blog/"/>
  <entry><id>tag:blogg.example.se,2004:1</id><link href="/blog/2013/01/30/a"/>
    <title>A</title><updated>2013-01-30T10:00:00-08:00</updated>
    <content type="html">&lt;p&gt;Se &lt;a href="b"&gt;b&lt;/a&gt;&lt;/p&gt;</content></entry>
</feed>"""
    (story,) = read_feed(Fetched(feed, "index.atom"))
    assert isinstance(story, Incoming)
    assert story.source_url == "http://blogg.example.se/blog/2013/01/30/a"
    assert story.body == "Se [b](http://blogg.example.se/blog/2013/01/30/b)"


def test_a_summarys_link_back_to_the_story_is_not_part_of_the_lead() -> None:
    """The Guardian's shape: the summary ends with "Continue reading..." to the story."""
    story = the_entry(
        f"<item><title>A</title><link>https://nyheter.example.se/a?x=1&amp;y=2</link>{DATE}"
        "<description>&lt;p&gt;Allt om budgeten.&lt;/p&gt; &lt;a "
        'href="https://nyheter.example.se/a?x=1&amp;amp;y=2"&gt;Continue reading...&lt;/a&gt;'
        "</description></item>"
    )
    assert story.lead == "Allt om budgeten."
