"""Swedish-aware slugs for article paths and the identity of topics."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from slugify import slugify

MAX_SLUG = 80
FALLBACK_SLUG = "artikel"
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Fold Swedish letters the Swedish way before python-slugify sees them, so that
# "Jäv för" becomes "jav-for" whatever transliteration table the library ships.
_SWEDISH = [
    ("å", "a"),
    ("ä", "a"),
    ("ö", "o"),
    ("Å", "A"),
    ("Ä", "A"),
    ("Ö", "O"),
    ("é", "e"),
    ("É", "E"),
]


def make_slug(text: str, max_length: int = MAX_SLUG) -> str:
    """The slug of a title: lower case ASCII words joined by '-', at most max_length long."""
    slug: str = slugify(text, max_length=max_length, word_boundary=True, replacements=_SWEDISH)
    return slug or FALLBACK_SLUG


def unique_slug(base: str, taken: set[str]) -> str:
    """base itself, or base-2, base-3 … whichever is free, still within MAX_SLUG."""
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: MAX_SLUG - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1


def is_valid_slug(slug: str) -> bool:
    """True for slugs that are safe as a file name: no dots, slashes or upper case."""
    return len(slug) <= MAX_SLUG and SLUG_PATTERN.fullmatch(slug) is not None


@lru_cache(maxsize=8192)
def topic_key(topic: str) -> str:
    """A topic's identity: 'familjefrågor ' and 'Familjefrågor' are the same topic."""
    key: str = slugify(topic, replacements=_SWEDISH)
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


# The combining-mark blocks of Unicode: what is left of an accent after NFKD decomposition.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def fold(text: str) -> str:
    """Case- and accent-insensitive form of text for searching ('Förbättrad' → 'forbattrad')."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))
