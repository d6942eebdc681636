"""`export rss|atom|json`: which stories a feed holds, where it is written (only when it
changed), and what happens to a broken article or a feed that cannot be written."""

from __future__ import annotations

import errno
import html
import json
from pathlib import Path
from typing import Any

import feedparser
import pytest

from tests.conftest import Invoke
from tests.support.checkers import BASE, check_json_feed, read_feed
from tests.support.faults import inject, leftovers
from tests.support.harness import export
from tests.support.hostile import break_with_conflict_markers
from tests.support.newsrooms import SAMPLE_IDS, add_article

# -- choosing the stories -----------------------------------------------------------------


def test_a_topic_feed_holds_that_topic_s_stories_and_goes_to_its_folder(
    invoke: Invoke, newsroom_path: Path
) -> None:
    result = invoke("export", "rss", "--topic", "anhörigstöd ")
    assert result.exit_code == 0, result.output
    assert summary(result.stderr) == "Exported 2 stories to public/amnen/anhorigstod/rss.xml\n"
    text = (newsroom_path / "public" / "amnen" / "anhorigstod" / "rss.xml").read_text()
    parsed = read_feed(text)
    assert parsed.feed.title == "Ämnen: Anhörigstöd – Piteå kommun – Aktuellt"
    assert parsed.feed.link == f"{BASE}amnen/anhorigstod/"
    assert f'<atom:link href="{BASE}amnen/anhorigstod/rss.xml" rel="self"' in text
    assert [e.id for e in parsed.entries] == [SAMPLE_IDS[3], SAMPLE_IDS[4]]


def test_a_topic_feed_takes_the_topic_a_word_names_as_list_does(
    invoke: Invoke, newsroom_path: Path
) -> None:
    listed = invoke("list", "--topic", "vald", "--format", "paths")
    result = invoke("export", "rss", "--topic", "vald")
    assert result.exit_code == 0, result.output
    feed = newsroom_path / "public" / "amnen" / "vald-i-nara-relationer" / "rss.xml"
    parsed = read_feed(feed.read_text(encoding="utf-8"))
    assert parsed.feed.title == "Ämnen: Våld i nära relationer – Piteå kommun – Aktuellt"
    assert len(parsed.entries) == len(listed.stdout.splitlines()) == 1


def test_a_topic_word_that_names_several_topics_is_an_error_naming_them(
    invoke: Invoke, newsroom_path: Path
) -> None:
    add_article(
        newsroom_path,
        "familjehem",
        'title = "Familjehem"\ndate = 2022-05-01T10:00:00+02:00\nstatus = "published"\n'
        'topics = ["Familjehem"]',
    )
    result = invoke("export", "rss", "--topic", "famil")
    assert result.exit_code == 1
    assert "'famil' could be any of Familjefrågor, Familjehem" in result.stderr
    assert not (newsroom_path / "public").exists()


def test_unknown_topic_is_an_error(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("export", "rss", "--topic", "Ekonomii")
    assert result.exit_code == 1
    assert "no story has the topic 'Ekonomii'; did you mean Ekonomi?" in result.stderr
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


# -- where it goes ----------------------------------------------------------------------------


def summary(stderr: str) -> str:
    """The summary line, after the warnings about the sample's photos (their files are not
    in the repository: the stories go out without them, as on the site)."""
    *warnings, last = stderr.splitlines(keepends=True)
    assert all("the story is sent without it" in line for line in warnings), warnings
    return last


def test_writes_default_path_once_and_leaves_an_unchanged_file_alone(
    invoke: Invoke, newsroom_path: Path
) -> None:
    result = invoke("export", "json")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert summary(result.stderr) == "Exported 5 stories to public/feed.json\n"
    target = newsroom_path / "public" / "feed.json"
    check_json_feed(target.read_text(encoding="utf-8"))
    before = target.stat()
    again = invoke("export", "json")
    assert summary(again.stderr) == "Exported 5 stories to public/feed.json (unchanged)\n"
    after = target.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_output_option_writes_where_asked(invoke: Invoke, newsroom_path: Path) -> None:
    result = invoke("export", "atom", "--limit", "1", "-o", "ut/flode.xml")
    assert result.exit_code == 0
    assert summary(result.stderr) == "Exported 1 story to ut/flode.xml\n"
    assert len(read_feed((newsroom_path / "ut" / "flode.xml").read_text()).entries) == 1


def test_broken_article_is_skipped_with_a_warning(invoke: Invoke, newsroom_path: Path) -> None:
    broken = newsroom_path / "articles" / "2022" / "05" / "trasig.md"
    broken.parent.mkdir(parents=True)
    broken.write_text('+++\ntitle = "Ingen id"\n+++\n', encoding="utf-8")
    result = invoke("export", "rss", "-o", "-")
    assert result.exit_code == 1  # written, but not the newsroom as it is
    assert "newscli: warning: skipped articles/2022/05/trasig.md" in result.stderr
    assert len(read_feed(result.stdout).entries) == 5


def test_a_feed_that_cannot_be_written_keeps_the_old_feed(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("export", "rss").exit_code == 0
    feed = newsroom_path / "public" / "rss.xml"
    old = feed.read_bytes()
    invoke("tag", "add", "Nytt", "--all")
    inject(monkeypatch, "replace", errno.EIO, "rss.xml")
    result = invoke("export", "rss")
    assert result.exit_code == 1
    assert "public/rss.xml: could not write: Input/output error" in result.stderr
    assert feed.read_bytes() == old
    assert leftovers(newsroom_path / "public") == []


KEPT = "framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa"
KEPT_FILE = f"articles/2022/03/{KEPT}.md"
KEPT_URL = f"{BASE}2022/03/{KEPT}/"
KEPT_TITLE = "Framtidens socialtjänst i fokus under årets kvalitetsmässa"


def parse(text: str) -> Any:
    parsed = feedparser.parse(text.encode("utf-8"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def entries(kind: str, text: str) -> list[dict[str, Any]]:
    """Each item as link, title and content (None without one), whatever the format."""
    if kind == "json":
        return [
            {"link": i["url"], "title": i["title"], "content": i.get("content_html")}
            for i in json.loads(text)["items"]
        ]
    return [
        {
            "link": e.link,
            "title": e.title,
            "content": e.content[0].value if "content" in e else None,
        }
        for e in parse(text).entries
    ]


# -- 1. a broken file never takes a live story off a feed ----------------------------------


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_a_broken_file_keeps_its_live_story_in_the_feed_as_it_last_was(
    invoke: Invoke, newsroom_path: Path, kind: str
) -> None:
    before = invoke("export", kind, "-o", "-")
    assert before.exit_code == 0
    break_with_conflict_markers(newsroom_path / KEPT_FILE)
    result = invoke("export", kind, "-o", "-")
    assert result.exit_code == 1, result.stderr
    items = entries(kind, result.stdout)
    assert [i["link"] for i in items] == [i["link"] for i in entries(kind, before.stdout)]
    kept = next(i for i in items if i["link"] == KEPT_URL)
    assert kept["title"] == KEPT_TITLE
    lines = result.stderr.splitlines()
    assert lines[-1] == (
        "Exported 5 stories to stdout (published with 1 broken story kept at its last good version)"
    )
    assert any(KEPT_FILE in line and "last good version" in line for line in lines[:-1])


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_a_full_feed_keeps_a_broken_story_without_its_text_and_says_so(
    invoke: Invoke, newsroom_path: Path, kind: str
) -> None:
    assert invoke("export", kind, "--full", "-o", "-").exit_code == 0
    break_with_conflict_markers(newsroom_path / KEPT_FILE)
    result = invoke("export", kind, "--full", "-o", "-")
    assert result.exit_code == 1, result.stderr
    items = {i["link"]: i for i in entries(kind, result.stdout)}
    assert items[KEPT_URL]["content"] is None
    assert all(i["content"] for link, i in items.items() if link != KEPT_URL)
    warning = [
        line for line in result.stderr.splitlines() if KEPT_FILE in line and "--full" in line
    ]
    assert warning, result.stderr


def test_a_kept_story_that_was_a_draft_stays_out_of_the_feed(
    invoke: Invoke, newsroom_path: Path
) -> None:
    draft = add_article(
        newsroom_path, "utkast", 'title = "Utkast"\ndate = 2022-05-01T10:00:00+02:00'
    )
    assert invoke("export", "rss", "-o", "-").exit_code == 0
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text.replace("title =", "<<<<<<< HEAD\ntitle =", 1), encoding="utf-8")
    result = invoke("export", "rss", "-o", "-", "--drafts")
    assert result.exit_code == 1
    assert "utkast" not in result.stdout
    assert "kept" not in result.stderr.splitlines()[-1]


def test_a_broken_file_with_no_known_last_version_fails_the_feed_export(
    invoke: Invoke, newsroom_path: Path
) -> None:
    add_article(newsroom_path, "trasig", 'title = "Ingen id"').write_text(
        '+++\ntitle = "Ingen id"\n+++\n', encoding="utf-8"
    )
    result = invoke("export", "rss", "-o", "-")
    assert result.exit_code == 1
    assert "articles/2022/05/trasig.md" in result.stderr
    assert len(parse(result.stdout).entries) == 5


# -- 5. duplicate ids ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["rss", "atom", "json"])
def test_two_files_with_one_id_are_an_error_naming_both_before_the_feed_is_written(
    invoke: Invoke, newsroom_path: Path, kind: str
) -> None:
    source = newsroom_path / KEPT_FILE
    copy = source.with_name("kopia.md")
    copy.write_text(
        source.read_text(encoding="utf-8").replace(f'slug = "{KEPT}"', 'slug = "kopia"'),
        encoding="utf-8",
    )
    for output in ("-", "flode.xml"):
        result = invoke("export", kind, "-o", output)
        assert result.exit_code == 1
        assert result.stdout == "" and not (newsroom_path / "flode.xml").exists()
        error = result.stderr.splitlines()[-1]
        assert error.startswith("newscli: error: ")
        assert KEPT_FILE in error and "articles/2022/03/kopia.md" in error


# -- 7. Atom summaries and authors ------------------------------------------------------------

MARKUP_LIKE = 'Fem < sex & "AT&T" <b>inte fet</b> <a href="x">ingen länk</a>'


def test_an_atom_summary_is_escaped_html_that_readers_show_as_the_very_text(
    invoke: Invoke, newsroom_path: Path
) -> None:
    add_article(
        newsroom_path,
        "tecken",
        'title = "Tecken"\ndate = 2022-05-02T10:00:00+02:00\nstatus = "published"\n'
        f"teaser = {json.dumps(MARKUP_LIKE)}",
    )
    result = invoke("export", "atom", "-o", "-")
    assert result.exit_code == 0
    entry = parse(result.stdout).entries[0]
    assert entry.summary_detail.type == "text/html"  # as RSS's description: no reader guesses
    assert html.unescape(entry.summary) == MARKUP_LIKE
    assert "<b>" not in entry.summary and "<a " not in entry.summary


AUTHOR = "Anna Andersson <anna.andersson@example.se>"


def test_an_author_with_an_email_address_is_split_into_name_and_email(
    invoke: Invoke, newsroom_path: Path
) -> None:
    add_article(
        newsroom_path,
        "med-adress",
        'title = "Med adress"\ndate = 2022-05-02T10:00:00+02:00\nstatus = "published"\n'
        f"author = {json.dumps(AUTHOR)}",
    )
    toml = newsroom_path / "newscli.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'author = "Piteå kommun"', 'author = "Redaktionen <nyheter@example.se>"'
        ),
        encoding="utf-8",
    )
    atom = parse(invoke("export", "atom", "-o", "-").stdout)
    entry = atom.entries[0]
    assert (entry.author_detail.name, entry.author_detail.email) == (
        "Anna Andersson",
        "anna.andersson@example.se",
    )
    assert (atom.feed.author_detail.name, atom.feed.author_detail.email) == (
        "Redaktionen",
        "nyheter@example.se",
    )
    rss = parse(invoke("export", "rss", "-o", "-").stdout)
    assert rss.entries[0].author == "Anna Andersson"  # dc:creator has no e-mail field
    feed = json.loads(invoke("export", "json", "-o", "-").stdout)
    assert feed["items"][0]["authors"] == [{"name": "Anna Andersson"}]
    assert feed["authors"] == [{"name": "Redaktionen"}]


# -- 9. the feed's own address with -o --------------------------------------------------------


@pytest.mark.parametrize("topic", [None, "Anhörigstöd"])
def test_a_feed_written_with_o_names_its_own_file_as_its_address(
    invoke: Invoke, newsroom_path: Path, topic: str | None
) -> None:
    chosen = ("--topic", topic) if topic else ()
    home = f"{BASE}amnen/anhorigstod/" if topic else BASE
    assert invoke("export", "rss", *chosen, "-o", "ut/flode.xml").exit_code == 0
    rss = parse((newsroom_path / "ut/flode.xml").read_text(encoding="utf-8"))
    assert rss.feed.link == home
    assert [link.href for link in rss.feed.links if link.rel == "self"] == [f"{BASE}flode.xml"]
    assert invoke("export", "atom", *chosen, "-o", "ut/atom-kopia.xml").exit_code == 0
    atom = parse((newsroom_path / "ut/atom-kopia.xml").read_text(encoding="utf-8"))
    links = {link.rel: link.href for link in atom.feed.links}
    assert links == {"self": f"{BASE}atom-kopia.xml", "alternate": home}
    assert atom.feed.id == f"{BASE}atom-kopia.xml"
    assert invoke("export", "json", *chosen, "-o", "ut/nyheter.json").exit_code == 0
    feed = json.loads((newsroom_path / "ut/nyheter.json").read_text(encoding="utf-8"))
    assert (feed["feed_url"], feed["home_page_url"]) == (f"{BASE}nyheter.json", home)


# -- 10. dates in the newsroom's timezone ----------------------------------------------------


def test_feed_dates_are_written_in_the_newsrooms_timezone(
    invoke: Invoke, newsroom_path: Path
) -> None:
    add_article(
        newsroom_path,
        "sen-kvall",
        'title = "Sen kväll"\ndate = 2022-07-10T23:17:00+01:00\nstatus = "published"\n'
        "updated = 2022-07-11T06:00:00Z",
    )
    rss = invoke("export", "rss", "-o", "-").stdout
    assert "<pubDate>Mon, 11 Jul 2022 00:17:00 +0200</pubDate>" in rss
    assert "<lastBuildDate>Mon, 11 Jul 2022 08:00:00 +0200</lastBuildDate>" in rss
    atom = parse(invoke("export", "atom", "-o", "-").stdout)
    assert atom.entries[0].published == "2022-07-11T00:17:00+02:00"
    assert atom.entries[0].updated == "2022-07-11T08:00:00+02:00"
    item = json.loads(invoke("export", "json", "-o", "-").stdout)["items"][0]
    assert item["date_published"] == "2022-07-11T00:17:00+02:00"
