"""A topic: its identity, the one name the newsroom shows for it, and its address on the site.

Staff type topics in many spellings ("Familjefrågor", "familjefrågor "). They are one topic
when their key (a slug) is the same, and everywhere newscli shows a topic — `topics`, `list`,
`tag`'s messages, every feed and every page — it shows one name: the spelling most articles
of the newsroom use, ties broken by Unicode order (so "Familjefrågor" wins over
"familjefrågor" at equal counts). The rule lives in `Topics`, and nowhere else.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Protocol

from slugify import slugify

from newscli.slugs import MAX_SLUG, SLUG_PATTERN, SWEDISH

# The folder of the topics on the site before it had one in its language, and an English
# site's now; newscli.export.urls.sections names each language's.
TOPICS_PATH = "topics/"


@lru_cache(maxsize=8192)
def topic_key(topic: str) -> str:
    """A topic's identity: 'familjefrågor ' and 'Familjefrågor' are the same topic."""
    key: str = slugify(topic, replacements=SWEDISH)
    if key:
        return key
    # A topic with no letters or digits (say "…" or "+++"): a stable, path-safe key all the same.
    digest = hashlib.sha1(" ".join(topic.split()).casefold().encode("utf-8")).hexdigest()
    return f"topic-{digest[:10]}"


# Control characters str.split() does not already treat as white space.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")


def clean_topic(topic: str) -> str:
    """The display form of a topic as typed, without stray or doubled white space, and
    without control characters (a terminal would obey them, a feed reader refuse them)."""
    return " ".join(_CONTROL.sub("", topic).split())


def dedupe_topics(topics: Iterable[str]) -> list[str]:
    """Topics in their order, cleaned, each identity once (the first spelling wins)."""
    seen: set[str] = set()
    result = []
    for topic in topics:
        cleaned = clean_topic(topic)
        key = topic_key(cleaned)
        if cleaned and key not in seen:
            seen.add(key)
            result.append(cleaned)
    return result


def slug_like(topic: str, slugs: Callable[[str], Iterable[str]]) -> str | None:
    """The story slug a topic reads like, or None: a topic typed as a slug is written (its
    own key) that is a slug or the first words of one ('socialnamnden') was most likely
    meant as a REF. slugs(base): the slugs that are base or begin with it (Catalog.slugs),
    asked only for a topic written as a slug."""
    cleaned = clean_topic(topic)
    if not cleaned or cleaned != topic_key(cleaned):
        return None  # capitals, spaces, accents: written as a topic is
    found = slugs(cleaned)
    like = [slug for slug in found if slug == cleaned or slug.startswith(f"{cleaned}-")]
    return min(like, default=None)


def topic_path(key: str, section: str = TOPICS_PATH) -> str:
    """The folder of a topic's page under the site root: 'topics/<key>/' (section: the
    topics' folder in the site's language, 'amnen/' on a Swedish site).

    A key that is not a slug (a topic made only of emoji or punctuation, whose key could hold
    '/' or be '..') gets a folder named from a hash of it, so that no topic can name a path
    outside topics/; a key longer than a slug may be is cut and given a hash.
    """
    if not SLUG_PATTERN.fullmatch(key):
        key = "topic-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    elif len(key) > MAX_SLUG:
        # A folder name has at most 255 bytes; keep topic folders as short as story slugs.
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
        key = f"{key[: MAX_SLUG - 13].rstrip('-')}-{digest}"
    return f"{section}{key}/"


class Tagged(Protocol):
    """What topic bookkeeping needs of an article: its file, its topics, whether it is out."""

    @property
    def path(self) -> PurePosixPath | None: ...

    @property
    def topics(self) -> tuple[str, ...]: ...

    @property
    def published(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class TopicUse:
    """One article as topic bookkeeping sees it (a cheap row of the catalog)."""

    path: PurePosixPath | None
    topics: tuple[str, ...]
    published: bool


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic of the newsroom: key, shown name, the spellings in use and how often."""

    key: str
    name: str
    spellings: tuple[str, ...] = ()  # every spelling in use, most used first
    articles: int = 0
    published: int = 0
    section: str = TOPICS_PATH  # the topics' folder on the site (Topics.in_section)

    @property
    def path(self) -> str:
        """The folder of the topic's page on the site, 'topics/<key>/' ('amnen/<key>/' …)."""
        return topic_path(self.key, self.section)


def _named(key: str, counts: Counter[str], articles: int, published: int) -> Topic:
    """The naming rule, the one place it is written: the most used spelling, ties broken
    by Unicode order."""
    forms = tuple(sorted(counts, key=lambda form: (-counts[form], form)))
    return Topic(key, forms[0], forms, articles, published)


class Topics:
    """Every topic the newsroom's articles use, each with its one name."""

    def __init__(self, topics: Iterable[Topic] = (), section: str = TOPICS_PATH):
        self._by_key = {topic.key: topic for topic in topics}
        self._by_name: dict[str, Topic] = {}  # a site asks for the same few names 30 000 times
        self._section = section

    def in_section(self, section: str) -> Topics:
        """These topics with their pages under section (the site's folder for topics)."""
        if section == self._section:
            return self
        return Topics((replace(t, section=section) for t in self), section)

    @classmethod
    def of(cls, articles: Iterable[Tagged]) -> Topics:
        """The topics of these articles, counted, each named by the newsroom's rule."""
        spellings: dict[str, Counter[str]] = {}
        totals: dict[str, list[int]] = {}
        for article in articles:
            keys = set()
            for name in article.topics:
                key = topic_key(name)
                spellings.setdefault(key, Counter())[name] += 1
                keys.add(key)
            for key in keys:
                count = totals.setdefault(key, [0, 0])
                count[0] += 1
                count[1] += article.published
        return cls(_named(key, counts, *totals[key]) for key, counts in spellings.items())

    @classmethod
    def counted(cls, spellings: Iterable[tuple[str, int, int]]) -> Topics:
        """The topics of (spelling, articles, published) counts, as of() would count them
        (an article holds each topic once, in one spelling)."""
        counts: dict[str, Counter[str]] = {}
        totals: dict[str, list[int]] = {}
        for name, articles, published in spellings:
            key = topic_key(name)
            counts.setdefault(key, Counter())[name] += articles
            total = totals.setdefault(key, [0, 0])
            total[0] += articles
            total[1] += published
        return cls(_named(key, forms, *totals[key]) for key, forms in counts.items())

    def __iter__(self) -> Iterator[Topic]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and topic_key(clean_topic(name)) in self._by_key

    def get(self, name: str) -> Topic | None:
        """The topic any spelling of name means, or None when no article has it."""
        return self._by_key.get(topic_key(clean_topic(name)))

    def topic(self, name: str) -> Topic:
        """The topic name means: the newsroom's, or a new one named as typed."""
        known = self._by_name.get(name)
        if known is not None:
            return known
        found = self.get(name)
        if found is None:
            cleaned = clean_topic(name)
            found = Topic(topic_key(cleaned), cleaned, (cleaned,), section=self._section)
        self._by_name[name] = found
        return found

    def name(self, name: str) -> str:
        """The name shown for any spelling of a topic."""
        return self.topic(name).name

    def names(self, names: Iterable[str]) -> tuple[str, ...]:
        """The shown names of an article's topics, in its order."""
        return tuple(self.name(name) for name in names)

    def sorted(self, by: str = "count") -> list[Topic]:
        """Most used first (by="count"), or by key (by="name")."""
        if by == "name":
            return sorted(self, key=lambda t: (t.key, t.name))
        return sorted(self, key=lambda t: (-t.articles, t.key))

    def suggest(self, name: str) -> list[str]:
        """Names of topics close to one that does not exist, for 'did you mean …?'."""
        shown = [topic.name for topic in self]
        close = difflib.get_close_matches(name, shown, n=3, cutoff=0.6)
        key = topic_key(name)
        close += [s for s in shown if key in topic_key(s) and s not in close][:3]
        return close
