"""Swedish-aware slugs for article paths, and accent folding for search."""

from __future__ import annotations

import difflib
import heapq
import re
import unicodedata
from collections.abc import Sequence

from slugify import slugify

MAX_SLUG = 80
FALLBACK_SLUG = "artikel"
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Fold Swedish letters the Swedish way before python-slugify sees them, so that
# "Jäv för" becomes "jav-for" whatever transliteration table the library ships.
SWEDISH = [
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
    slug: str = slugify(text, max_length=max_length, word_boundary=True, replacements=SWEDISH)
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


# The combining-mark blocks of Unicode: what is left of an accent after NFKD decomposition.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


# Characters that are inside a word without being part of it: the soft hyphen (Word's
# optional hyphen), zero-width space, joiners, word joiner and byte order mark.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")


def fold(text: str) -> str:
    """Case- and accent-insensitive form of text for searching ('Förbättrad' → 'forbattrad'),
    with invisible in-word characters removed ('social\u00adtjänst' → 'socialtjanst')."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", _INVISIBLE.sub("", text).casefold()))


def closest(typed: str, candidates: Sequence[str], n: int = 5, cutoff: float = 0.6) -> list[int]:
    """The positions of the candidates closest to typed, best first (for "did you mean …"),
    compared case- and accent-insensitively: 'Forbattrad' finds 'Förbättrad …', a word typed
    in the middle of a title or slug finds it too, and a near miss ('prognoss') by likeness.
    """
    word = _words(typed)
    if not word:
        return []
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)  # the typed text is the one compared with every candidate
    scored = []
    for position, candidate in enumerate(candidates):
        text = _words(candidate)
        if len(word) >= 3 and f" {word}" in f" {text}":  # at the start of a word
            score = 1.0 if text.startswith(word) else 0.9
        else:
            # Like the whole text, or like its beginning (a typo in a long slug's first words).
            score = max(
                _likeness(matcher, text, cutoff), _likeness(matcher, text[: len(word) + 2], cutoff)
            )
            if score < cutoff:
                continue
        scored.append((-score, position))
    return [position for _, position in heapq.nsmallest(n, scored)]


def _words(text: str) -> str:
    """text folded, its words (and a slug's parts) joined by one space."""
    return " ".join(fold(text).replace("-", " ").split())


def _likeness(matcher: difflib.SequenceMatcher[str], text: str, cutoff: float) -> float:
    """difflib's ratio of text to the matcher's typed text, 0 when a cheap bound is below cutoff."""
    matcher.set_seq1(text)
    if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
        return 0.0
    return matcher.ratio()
