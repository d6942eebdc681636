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
    """What the public may see, newest first: published and not dated in the future.

    drafts and future widen the choice for preview builds.
    """
    return newest_first(
        a for a in articles if (a.published or drafts) and (a.date <= now or future)
    )
