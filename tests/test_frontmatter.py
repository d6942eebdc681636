import datetime as dt
import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscli import frontmatter
from newscli.article import Article, from_meta, to_meta
from tests.conftest import STOCKHOLM

TEXT = '+++\n# a comment\nid = "x"\ntitle = "T"\ntopics = ["A", "B"]\n\n[image]\nsrc = "i.jpg"\n+++\n\nBody\n+++\nmore\n'


def test_split_keeps_the_body_byte_for_byte() -> None:
    parts = frontmatter.split(TEXT)
    assert parts.body == "\nBody\n+++\nmore\n"
    assert parts.head + parts.toml + parts.tail + parts.body == TEXT


def test_missing_delimiters_are_errors_with_lines() -> None:
    with pytest.raises(frontmatter.FrontMatterError) as opening:
        frontmatter.split("title = 'x'\n")
    assert opening.value.line == 1
    with pytest.raises(frontmatter.FrontMatterError) as closing:
        frontmatter.split("+++\ntitle = 'x'\n\nbody\n")
    assert "closing" in closing.value.message


def test_broken_toml_reports_the_file_line() -> None:
    with pytest.raises(frontmatter.FrontMatterError) as exc:
        frontmatter.parse('+++\nid = "x"\ntitle = "unterminated\n+++\n')
    assert exc.value.line == 3


def test_replace_key_changes_only_that_key_and_keeps_comments() -> None:
    meta, _, parts = frontmatter.parse(TEXT)
    new = frontmatter.replace_key(parts, meta, "topics", ["A", "C"])
    assert new is not None
    assert "# a comment" in new
    assert new.endswith("+++\n\nBody\n+++\nmore\n")
    meta, body, _ = frontmatter.parse(new)
    assert meta["topics"] == ["A", "C"] and meta["image"] == {"src": "i.jpg"}
    assert body == parts.body


def test_replace_key_adds_a_missing_key_before_the_tables() -> None:
    text = '+++\nid = "x"\n\n[image]\nsrc = "i.jpg"\n+++\nB\n'
    meta, _, parts = frontmatter.parse(text)
    new = frontmatter.replace_key(parts, meta, "topics", ["Ekonomi"])
    assert new is not None
    meta, body, _ = frontmatter.parse(new)
    assert meta == {"id": "x", "topics": ["Ekonomi"], "image": {"src": "i.jpg"}}
    assert body == "B\n"


def test_comments_are_detected_but_hashes_in_strings_are_not_comments() -> None:
    toml = 'title = "Nr #1"\n'
    assert not frontmatter.has_comments(toml, tomllib.loads(toml))
    toml = 'title = "Nr #1" # first\n'
    assert frontmatter.has_comments(toml, tomllib.loads(toml))


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=60)
_line_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40
).filter(str.strip)
_body = st.lists(
    st.sampled_from(["+++", "", "Text med å ä ö", "## Rubrik", "-Citat", "+++ x", "\t"]) | _text,
    max_size=8,
).map("\n".join)


@given(title=_line_text, teaser=_line_text, topics=st.lists(_line_text, max_size=4), body=_body)
def test_round_trip_reads_back_what_was_written(
    title: str, teaser: str, topics: list[str], body: str
) -> None:
    from newscli.article import dedupe_topics

    article = Article(
        id="0b6f0c2e-6a53-4d6e-9a57-3c1f4c0de8b1",
        title=title,
        slug="s",
        date=dt.datetime(2021, 11, 23, 0, 30, tzinfo=STOCKHOLM),
        body=body,
        status="published",
        topics=tuple(dedupe_topics(topics)),
        teaser=teaser,
        extra={"unknown": {"nested": [1, 2]}, "note": "kept"},
    )
    text = frontmatter.dump(to_meta(article), article.body)
    meta, read_body, _ = frontmatter.parse(text)
    again = from_meta(meta, read_body, STOCKHOLM)
    assert again == article
    assert read_body == body
    assert frontmatter.dump(to_meta(again), again.body) == text
