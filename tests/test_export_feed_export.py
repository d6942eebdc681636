"""`export rss|atom|json`: which stories a feed holds, where it is written (only when it
changed), and what happens to a broken article or a feed that cannot be written."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tests.support.checkers import BASE, check_json_feed, read_feed
from tests.support.faults import inject, leftovers
from tests.support.harness import export
from tests.support.newsrooms import SAMPLE_IDS, add_article

# -- choosing the stories -----------------------------------------------------------------


def test_a_topic_feed_holds_that_topic_s_stories_and_goes_to_its_folder(
    invoke: Invoke, newsroom_path: Path
) -> None:
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


# -- where it goes ----------------------------------------------------------------------------


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
    assert result.exit_code == 0
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
