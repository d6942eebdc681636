"""Which articles a listing is about: every filter of `list`, newest first."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from newscli.article import Article
from newscli.query import (
    Filters,
    begins_a_word,
    chosen_topics,
    matches,
    search_text,
    search_words,
)
from newscli.slugs import fold
from newscli.topics import Topics
from tests.conftest import STORY_PATH, Invoke


def test_list_finds_stories_by_topic_words_dates_status_and_author(invoke: Invoke) -> None:
    def paths(*args: str) -> list[str]:
        result = invoke("list", "--format", "paths", *args)
        assert result.exit_code == 0, result.stderr
        return result.stdout.splitlines()

    assert len(paths()) == 5
    assert len(paths("--topic", "familjefragor")) == 4
    assert len(paths("--topic", "FAMILJEFRÅGOR ")) == 4
    assert paths("--search", "forbattrad") == [STORY_PATH]
    assert paths("--search", "KÄLLBOGÅRDEN") == [STORY_PATH]  # in the teaser and body only
    assert len(paths("--since", "2022-02-16", "--until", "2022-03-03")) == 2
    assert len(paths("--until", "2021-11-23")) == 1  # the whole day counts
    assert paths("--limit", "1") == [
        "articles/2022/03/framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa.md"
    ]
    assert paths("--status", "draft") == []
    assert len(paths("--author", "piteå kommun")) == 5


# Letters, accents (composed and as marks, also marks outside the combining blocks, in an
# order NFKD changes), characters whose NFKD holds a space (¨ ´ ˘ ᾽), Unicode whitespace
# (no-break, em and ideographic spaces, \x1c, NEL), invisible in-word characters.
TRICKY = [
    *"aAåÅäÄöéeßİıσΣﬁ-.,)»",
    *"\u0308\u0301\u0327\u05b0\u05b8\u0591\u0e48",
    *"¨´˘\u1fbd",
    *" \t\n\u00a0\u2003\u3000\x1c\x85",
    *"\u00ad\u200b\u2060\ufeff",
    "prognosen",
    "Källbo",
]
texts = st.lists(st.sampled_from(TRICKY), max_size=40).map("".join)


@given(title=texts, teaser=texts, body=texts, query=texts)
def test_the_words_the_index_keeps_find_exactly_what_the_whole_text_finds(
    title: str, teaser: str, body: str, query: str
) -> None:
    article = Article(
        id="x",
        title=title,
        slug="x",
        date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        teaser=teaser,
        body=body,
    )
    kept = search_words(article)
    assert set(kept.split()) <= set(search_text(article).split())
    words = fold(query).split()
    assert all(w in kept for w in words) == matches(article, Filters(search=query))
    for word in search_text(article).split():  # every part of every word is found
        for start in range(len(word)):
            assert word[start:] in kept and word[: start + 1] in kept


def test_an_author_is_found_by_the_start_of_any_word() -> None:
    assert begins_a_word("pitea", "pitea kommun")
    assert begins_a_word("kom", "pitea kommun")
    assert begins_a_word("pitea kom", "pitea   kommun")
    assert begins_a_word("berg", "anna-karin berg")
    assert begins_a_word("karin", "anna-karin berg")
    assert not begins_a_word("ommun", "pitea kommun")
    assert not begins_a_word("kommunen", "pitea kommun")
    assert not begins_a_word(" ", "pitea kommun")  # a blank author finds no one


@given(st.text(max_size=12), st.text(max_size=30))
def test_begins_a_word_is_the_start_of_a_word_found_in_the_text(typed: str, text: str) -> None:
    if begins_a_word(typed, text):
        assert " ".join(typed.split()) in " ".join(text.split())


def test_a_topic_is_itself_or_every_topic_with_a_word_it_begins() -> None:
    topics = Topics.of(
        [
            Article(
                id=str(n),
                title="x",
                slug=f"x{n}",
                date=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                topics=names,
            )
            for n, names in enumerate(
                [("Ekonomi",), ("Ekonomistyrning",), ("Våld i nära relationer", "Familjefrågor")]
            )
        ]
    )
    assert chosen_topics(["ekonomi "], topics) == (("Ekonomi",), [])
    assert chosen_topics(["EKON"], topics) == (("Ekonomi", "Ekonomistyrning"), [])
    assert chosen_topics(["nära"], topics) == (("Våld i nära relationer",), [])
    assert chosen_topics(["famil", "Ekonomii"], topics) == (
        ("Familjefrågor", "Ekonomii"),
        ["Ekonomii"],
    )
    assert chosen_topics(["ra"], topics) == (("ra",), ["ra"])  # inside a word is no start
