"""Which articles a listing or a bulk change is about: filters, newest-first order, search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from newscli.article import Article, Summary
from newscli.slugs import fold
from newscli.topics import topic_key

S = TypeVar("S", bound=Summary)


@dataclass(frozen=True)
class Filters:
    """The filters `list` offers; every one that is set must match."""

    topics: tuple[str, ...] = ()
    author: str | None = None
    status: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    search: str | None = None

    @property
    def active(self) -> bool:
        return any((self.topics, self.author, self.status, self.since, self.until, self.search))


def matches(article: Summary, filters: Filters) -> bool:
    """True when the article passes every filter that is set."""
    if filters.topics:
        wanted = {topic_key(t) for t in filters.topics}
        if not wanted & set(article.topic_keys):
            return False
    if filters.author and fold(filters.author.strip()) != fold(article.author.strip()):
        return False
    if filters.status and article.status != filters.status:
        return False
    if filters.since and article.date < filters.since:
        return False
    if filters.until and article.date > filters.until:
        return False
    if filters.search:
        haystack = search_text(article)
        if not all(word in haystack for word in fold(filters.search).split()):
            return False
    return True


def search_text(article: Summary) -> str:
    """What --search looks in: title, lead and (of a whole Article) body, folded."""
    body = article.body if isinstance(article, Article) else ""
    return fold(f"{article.title}\n{article.lead}\n{body}")


def search_words(article: Summary) -> str:
    """The distinct words of search_text(article), each once, joined by spaces: what the
    index keeps, a third of the text on a typical story.

    A search word holds no whitespace, so it occurs in the text exactly when it occurs inside
    one of the text's words, and so in this string (whose spaces it cannot span either).
    The words are made distinct before folding, to fold less text: folding is done a
    character at a time (accents are marks after their letter, never across whitespace), so
    folding each word gives the words of the folded text.
    """
    body = article.body if isinstance(article, Article) else ""
    words = dict.fromkeys(f"{article.title}\n{article.lead}\n{body}".split())
    return " ".join(dict.fromkeys(fold(" ".join(words)).split()))


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
    """What the public may see, newest first: published and not dated in the future.

    drafts and future widen the choice for preview builds.
    """
    return newest_first(
        a for a in articles if (a.published or drafts) and (a.date <= now or future)
    )
