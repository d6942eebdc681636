"""Hostile and near-valid article files through reading, check, list, tag and every export.

The promise: never a traceback; either a correct result or a clear message naming the file
and line, while every other article is listed, tagged and exported as if nothing happened.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscli import frontmatter
from newscli.article import to_meta
from newscli.config import Site
from newscli.errors import ArticleError
from newscli.newsroom import Newsroom, decode, parse_article
from tests.test_security_support import (
    FUZZ,
    FUZZ_CLI,
    GOOD,
    HOSTILE_PATH,
    SAMPLE_STORY,
    check_xml_feed,
    file_line_message,
    near_valid_article,
    run,
    scratch_newsroom,
)

SITE = Site()
REL = PurePosixPath(HOSTILE_PATH)


def lines_in(data: bytes) -> int:
    return data.count(b"\n") + 1


@FUZZ
@given(near_valid_article())
def test_any_file_reads_as_an_article_or_an_error_naming_file_and_line(data: bytes) -> None:
    try:
        article = parse_article(decode(data, REL), SITE, REL)
    except ArticleError as exc:
        assert exc.path == REL
        assert exc.line is not None and 1 <= exc.line <= lines_in(data)
        assert exc.message.strip()
        return
    # A correct result: what was read survives a canonical rewrite unchanged.
    again = parse_article(frontmatter.dump(to_meta(article), article.body), SITE, REL)
    assert again == article


@FUZZ
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_never_escape_as_anything_but_an_article_error(data: bytes) -> None:
    try:
        parse_article(decode(data, REL), SITE, REL)
    except ArticleError as exc:
        assert exc.line is not None and 1 <= exc.line <= lines_in(data)


@FUZZ_CLI
@given(near_valid_article())
def test_every_command_answers_whatever_the_file_holds(data: bytes) -> None:
    with scratch_newsroom({HOSTILE_PATH: data}) as root:
        hostile = root / HOSTILE_PATH
        checked = run(root, "check")
        broken = checked.exit_code == 1
        if broken:
            pattern = file_line_message(HOSTILE_PATH)
            assert checked.stdout and all(
                pattern.match(line) for line in checked.stdout.splitlines()
            ), checked.stdout
        else:
            assert checked.exit_code == 0 and checked.stdout == ""

        listed = run(root, "list", "--format", "json", "--no-index")
        assert listed.exit_code == 0
        paths = [record["path"] for record in json.loads(listed.stdout)]
        assert SAMPLE_STORY in paths
        if broken:
            assert HOSTILE_PATH not in paths
            assert file_line_message(f"skipped {HOSTILE_PATH}").search(listed.stderr)
        else:
            assert HOSTILE_PATH in paths
        indexed = run(root, "list", "--format", "paths")
        assert sorted(indexed.stdout.split()) == sorted(paths)
        for args in (("list",), ("list", "--format", "cards"), ("list", "-f", "csv"), ("topics",)):
            assert run(root, *args).exit_code == 0

        for kind in ("rss", "atom"):
            feed = run(root, "export", kind, "--full", "--future", "-o", "-")
            assert feed.exit_code == (1 if broken else 0)  # a broken file fails every export
            check_xml_feed(feed.stdout)
        assert run(root, "export", "json", "--full", "-o", "-").exit_code == (1 if broken else 0)
        site = run(root, "export", "html", "-o", str(root / "public"))
        assert site.exit_code == (1 if broken else 0)
        assert (root / "public" / "index.html").is_file()

        before = hostile.read_bytes()
        tagged = run(root, "tag", "add", "Fuzz", "--all")
        assert "Fuzz" in Newsroom(root).load(root / SAMPLE_STORY).topics
        if broken:
            assert tagged.exit_code == 1
            assert hostile.read_bytes() == before
            assert f"skipped {HOSTILE_PATH}" in tagged.stderr
        elif hostile.read_bytes() != before:
            after = hostile.read_bytes().decode()
            assert frontmatter.split(after).body == frontmatter.split(before.decode()).body
            assert "Fuzz" in Newsroom(root).load(hostile).topics
        else:
            assert tagged.exit_code == 1 and HOSTILE_PATH in tagged.stderr


# -- the cases the fuzzing found, kept as plain tests -------------------------------------------

HEAD = GOOD.split("\n[image]")[0]


def _problem(data: bytes) -> ArticleError:
    with pytest.raises(ArticleError) as exc:
        parse_article(decode(data, REL), SITE, REL)
    return exc.value


@pytest.mark.parametrize(
    "value",
    ["[" * 1_500 + "]" * 1_500, "[" * 400 + "]" * 400, "{a = " * 600 + "1" + "}" * 600],
)
def test_deeply_nested_front_matter_is_a_clear_error(value: str) -> None:
    error = _problem(f"{HEAD}\ndjup = {value}\n+++\n".encode())
    assert "nested" in error.message and error.line == 11


def test_deep_table_headers_are_a_clear_error() -> None:
    header = ".".join(["t"] * 3_000)
    error = _problem(f"{HEAD}\n[{header}]\nx = 1\n+++\n".encode())
    assert "nested" in error.message and error.line == 11


@pytest.mark.parametrize(
    "date",
    ["0001-01-01", "0001-01-01T00:00:00", "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-12:00"],
)
def test_dates_beyond_what_a_feed_can_write_are_a_clear_error(date: str) -> None:
    error = _problem(GOOD.replace("2022-01-10T10:00:00+01:00", date).encode())
    assert "'date'" in error.message and error.line == 5


def test_ten_thousand_topics_are_a_clear_error_not_a_site_of_ten_thousand_pages() -> None:
    topics = ", ".join(f'"Ämne {n}"' for n in range(10_000))
    error = _problem(GOOD.replace('["Ekonomi", "Familjefrågor"]', f"[{topics}]").encode())
    assert "topics" in error.message and error.line == 8


@pytest.mark.parametrize(("key", "line"), [("caption", 11), ("credit", 11), ("alt", 11)])
def test_control_characters_in_photo_text_are_a_clear_error(key: str, line: int) -> None:
    text = GOOD.replace('src = "images/bild.jpg"\n', 'src = "images/bild.jpg"\nalt = "Alt"\n')
    line_of = re.compile(rf'^{key} = ".*"$', re.MULTILINE)
    text = line_of.sub(lambda _: f'{key} = "a\\u0008b"', text)
    error = _problem(text.encode())
    assert "control characters" in error.message and error.line == line


def test_control_characters_in_topics_are_dropped_like_stray_spaces() -> None:
    text = GOOD.replace('"Familjefrågor"', '"Famil\\u0000j\\u001b[2J", "\\u0007"')
    article = parse_article(text, SITE, REL)
    assert article.topics == ("Ekonomi", "Familj[2J")


def test_a_broken_file_never_stops_list_or_export(tmp_path: Path) -> None:
    deep = f"{HEAD}\ndjup = {'[' * 1_500}{']' * 1_500}\n+++\n".encode()
    with scratch_newsroom({HOSTILE_PATH: deep}) as root:
        listed = run(root, "list", "--format", "paths")
        assert listed.stdout.split() == [SAMPLE_STORY]
        assert f"skipped {HOSTILE_PATH}:11: " in listed.stderr
        # The site is written without it, and the export fails: the newsroom needs a repair.
        assert run(root, "export", "html", "-o", str(tmp_path / "site")).exit_code == 1
        assert (tmp_path / "site" / "index.html").is_file()
        assert run(root, "check").stdout.startswith(f"{HOSTILE_PATH}:11: ")


def test_tag_never_writes_a_file_that_would_not_read_back() -> None:
    topics = ", ".join(f'"Ämne {n}"' for n in range(100))
    full = GOOD.replace('["Ekonomi", "Familjefrågor"]', f"[{topics}]").encode()
    with scratch_newsroom({HOSTILE_PATH: full}) as root:
        for dry_run in (("--dry-run",), ()):
            result = run(root, "tag", "add", "Ett till", "--all", *dry_run)
            assert result.exit_code == 1
            assert f"{HOSTILE_PATH}:8: not changed: 'topics' has 101 topics" in result.stderr
        assert (root / HOSTILE_PATH).read_bytes() == full
        assert "Ett till" in Newsroom(root).load(root / SAMPLE_STORY).topics
