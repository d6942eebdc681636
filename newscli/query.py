"""Which articles a listing or a bulk change is about: filters, newest-first order, search."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from newscli.article import Article, Summary
from newscli.lifecycle import review_due, state_of, visible
from newscli.slugs import fold
from newscli.topics import Topics, clean_topic, topic_key

S = TypeVar("S", bound=Summary)


@dataclass(frozen=True)
class Filters:
    """The filters `list` offers; every one that is set must match.

    topics are topics by any spelling (any of them matches; a typed prefix is made into the
    newsroom's topics it means by chosen_topics first); author matches the start of a word
    of a story's author, case and accents ignored ('pitea' finds 'Piteå kommun').
    """

    topics: tuple[str, ...] = ()
    author: str | None = None
    status: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    search: str | None = None
    # A story's state (newscli.lifecycle.State values, any of them) and whether its review
    # is due, both at the moment at.
    states: tuple[str, ...] = ()
    review: bool = False
    at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if (self.states or self.review) and self.at is None:
            raise ValueError("states and review are asked at a moment: give at")

    @property
    def active(self) -> bool:
        return any(
            (
                self.topics,
                self.author,
                self.status,
                self.since,
                self.until,
                self.search,
                self.states,
                self.review,
            )
        )


def matches(article: Summary, filters: Filters) -> bool:
    """True when the article passes every filter that is set."""
    if filters.topics:
        wanted = {topic_key(t) for t in filters.topics}
        if not wanted & set(article.topic_keys):
            return False
    if filters.author and not begins_a_word(fold(filters.author), fold(article.author)):
        return False
    if filters.status and article.status != filters.status:
        return False
    if filters.since and article.date < filters.since:
        return False
    if filters.until and article.date > filters.until:
        return False
    if filters.states and filters.at and state_of(article, filters.at) not in filters.states:
        return False
    if filters.review and filters.at and not review_due(article, filters.at):
        return False
    if filters.search:
        haystack = search_text(article)
        if not all(word in haystack for word in fold(filters.search).split()):
            return False
    return True


@functools.lru_cache(maxsize=64)
def _word_start(typed: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(typed))


def begins_a_word(typed: str, text: str) -> bool:
    """True when typed (folded) is at the start of a word of text (folded), spaces counted
    as one: 'pitea' and 'kom' begin words of 'pitea kommun', 'ommun' does not. Blank typed
    text matches only blank text. The index asks SQLite the same question through this
    function (index.py registers it), so the two answer alike."""
    typed, text = " ".join(typed.split()), " ".join(text.split())
    if not typed:
        return not text
    return _word_start(typed).search(text) is not None


def chosen_topics(typed: Iterable[str], topics: Topics) -> tuple[tuple[str, ...], list[str]]:
    """The newsroom's topics a --topic means, and the typed topics that mean none.

    A topic the newsroom has (in any spelling) means itself only: `--topic ekonomi` is not
    also "Ekonomistyrning". Otherwise the typed text means every topic with a word it
    begins (`--topic famil` finds "Familjefrågor", `--topic vald` "Våld i nära relationer").
    A typed topic that means none is kept as it is, so that it matches no story.
    """
    chosen: list[str] = []
    unknown: list[str] = []
    for name in typed:
        known = topics.get(name)
        if known is not None:
            chosen.append(known.name)
            continue
        key = topic_key(clean_topic(name))
        found = [t.name for t in topics.sorted("name") if f"-{key}" in f"-{t.key}"]
        if not found:
            unknown.append(name)
        chosen.extend(found or [name])
    return tuple(dict.fromkeys(chosen)), unknown


def search_text(article: Summary) -> str:
    """What --search looks in: title, lead and (of a whole Article) body, folded."""
    body = article.body if isinstance(article, Article) else ""
    return fold(f"{article.title}\n{article.lead}\n{body}")


def search_words(article: Summary) -> str:
    """The distinct words of search_text(article), joined by spaces, less those that are
    in another word with a stop or comma after them: what the index keeps, a third of the
    text of a typical story or less.

    A search word holds no whitespace, so it occurs in the text exactly when it occurs inside
    one of the text's words, and so in this string (whose spaces it cannot span either).
    Each distinct word is folded on its own (and remembered): folding goes a character at a
    time (an accent is a mark after its letter, never across whitespace), so the folded words
    are the words of the folded text. (A folded word may hold a space, as NFKD makes '¨' a
    space and a mark: the string then holds both words, which is all a search asks of it.)
    """
    body = article.body if isinstance(article, Article) else ""
    words = dict.fromkeys(f"{article.title}\n{article.lead}\n{body}".split())
    if len(_FOLDED) > _FOLDED_MAX:
        _FOLDED.clear()
    known = _FOLDED.get
    kept = dict.fromkeys([known(word) or _FOLDED.setdefault(word, fold(word)) for word in words])
    # A word that is also there with a stop or comma after it adds nothing a search can find.
    for word in [word for word in kept if word[-1:] in _TRAILING]:
        kept.pop(word[:-1], None)
    return " ".join(kept)


# Words folded before: most words of a story are in the stories before it, and folding is
# most of the cost of search_words. Bounded, so that a big first build stays small.
_FOLDED: dict[str, str] = {}
_FOLDED_MAX = 100_000
_TRAILING = ".,:;!?)\"'”»"


def newest_first(articles: Iterable[S]) -> list[S]:
    """Articles sorted newest first; ties broken by path so the order is stable."""
    return sorted(articles, key=lambda a: (-a.date.timestamp(), str(a.path)))


def select(articles: Iterable[S], filters: Filters, limit: int | None = None) -> list[S]:
    """The matching articles, newest first, at most limit of them."""
    chosen = newest_first(a for a in articles if matches(a, filters))
    return chosen if limit is None else chosen[:limit]


def publishable(
    articles: Iterable[S], now: dt.datetime, *, drafts: bool = False, future: bool = False
) -> list[S]:
    """What the public may see, newest first: published, not dated in the future, not
    expired and not withdrawn (see newscli.lifecycle).

    drafts and future widen the choice for preview builds.
    """
    return newest_first(a for a in articles if visible(a, now, drafts=drafts, future=future))
