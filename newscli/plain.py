"""Plain language (klarspråk): LIX, Swedish sentences, long sentences, abbreviations.

LIX (läsbarhetsindex, Björnsson 1968) = words per sentence + 100 × the share of words longer
than six letters, computed on what a reader sees: the title, the teaser and the body
without its Markdown syntax (each heading, paragraph, list item and table cell ends a
sentence, as the title does). A sentence also ends at '.', '!' or '?' followed by a space
and a capital letter, a digit or a quotation mark, except after an abbreviation that does
not end sentences ("bl.a.", "t.ex.", "ca."), so "22,5", "1.5" and "23.11.2021" end nothing;
after one that may ("dec.") only before a capital letter. A dash quote ("– Det är bra.")
starts a sentence after '.', '!', '?' or ':'. A web or e-mail address, a number range
("08.00–16.30"), a number in groups ("12 000") and a phone number are one word each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from newscli.article import Article
from newscli.i18n import N_
from newscli.markdown import TextBlock, text_blocks

# The bands of LIX, as plain-language guidance names them: (upper bound, key), the last open.
BANDS = ((30.0, "very_easy"), (40.0, "easy"), (50.0, "medium"), (60.0, "hard"))
LAST_BAND = "very_hard"
# Longer sentences than this are hard to follow (Språkrådet: 15–20 words on average).
LONG_SENTENCE = 25
# A word of more than this many letters counts as long in LIX.
LONG_WORD = 6

# Abbreviations plain-language guidance (Språkrådet, Myndigheternas skrivregler) asks to
# write out, with the written-out form; matched with or without spaces inside.
ABBREVIATIONS: dict[str, str] = {
    "bl.a.": "bland annat",
    "t.ex.": "till exempel",
    "m.m.": "med mera",
    "m.fl.": "med flera",
    "ca": "cirka",
    "d.v.s.": "det vill säga",
    "dvs.": "det vill säga",
    "o.s.v.": "och så vidare",
    "osv.": "och så vidare",
    "s.k.": "så kallad",
    "p.g.a.": "på grund av",
    "pga.": "på grund av",
    "fr.o.m.": "från och med",
    "t.o.m.": "till och med",
    "i.o.m.": "i och med",
    "m.a.o.": "med andra ord",
    "f.d.": "före detta",
    "o.d.": "och dylikt",
    "t.v.": "tills vidare",
    "inkl.": "inklusive",
    "exkl.": "exklusive",
    "resp.": "respektive",
    "enl.": "enligt",
    "ang.": "angående",
    "jfr": "jämför",
    "etc.": N_("etcetera (or: och så vidare)"),  # translated where it is shown (checks)
}
# Abbreviations after which a period does not end the sentence, whatever follows; those of
# ABBREVIATIONS that often end one ("m.m.", "osv.", "etc.") are not among them.
_NEVER_LAST = {
    *(a for a in ABBREVIATIONS if a not in ("m.m.", "m.fl.", "o.s.v.", "osv.", "etc.")),
    "ex.",
    "nr.",
    "kl.",
    "tel.",
    "ev.",
    "dr.",
    "prof.",
}
# Abbreviations that end a sentence when the next word starts with a capital letter
# ("Vi ses i dec. Välkommen!"), and none before a number ("den 3 dec. 2024").
_LAST_BEFORE_A_CAPITAL = {
    "st.",
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "aug.",
    "sep.",
    "sept.",
    "okt.",
    "nov.",
    "dec.",
}
# Fewer words than this are too few for LIX to say anything: `check` does not judge them.
LIX_MIN_WORDS = 50


def _pattern(abbreviation: str) -> str:
    """A regex for an abbreviation as written, with optional spaces after its inner dots
    ("t. ex."), its final dot optional when it has only one ("ca", "ca.")."""
    parts = [re.escape(p) for p in abbreviation.rstrip(".").split(".")]
    final = r"\." if "." in abbreviation.rstrip(".") else r"\.?"
    return r"\.\s?".join(parts) + final


_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:"
    + "|".join(_pattern(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w])",
    re.IGNORECASE,
)
_NOT_ENDING = {a.rstrip(".") for a in _NEVER_LAST}
_ENDING_BEFORE_A_CAPITAL = {a.rstrip(".") for a in _LAST_BEFORE_A_CAPITAL}
_WRITTEN_OUT = {a.rstrip("."): form for a, form in ABBREVIATIONS.items()}
# A web or e-mail address, read as one word (its last '.' or ')' ends the sentence).
_ADDRESS = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]]"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}",
    re.IGNORECASE,
)
# A word: letters and digits, with inner hyphens, dashes (a range: 08.00–16.30), dots,
# commas and apostrophes; a number in groups of three ("12 000") and a phone number
# ("0911-69 60 00") are one.
_WORD = re.compile(
    r"(?<![\d,.])\d{1,3}(?:[ \u00a0\u202f]\d{3}(?![\d.]))+(?:,\d+)?"  # 12 000, 1 500,50
    r"|(?<!\d)0\d{1,3}-\d{2,3}(?:[ \u00a0]\d{2,3}(?!\d))+"  # 0911-69 60 00
    r"|[^\W_]+(?:[-–—.,:'’][^\W_]+)*",
    re.UNICODE,
)
# A candidate end of sentence: terminal marks, then a space and what starts a sentence; or
# a dash quote ("– Ja, säger hon. – Det är bra.") wherever it begins a new line of speech.
_END = re.compile(
    r"[.!?]+[\"”»)]*(?=\s+[\"“”»–—(\-]?[A-ZÅÄÖÉÜ0-9])"
    r"|[.!?:]+[\"”»]*(?=\s+[–—]\s+[A-ZÅÄÖÉÜ0-9])"
)
_LAST_WORD = re.compile(r"(\S+)$")
_NEXT_CAPITAL = re.compile(r"\s+[\"“”»–—(\-]?\s*[A-ZÅÄÖÉÜ]")


def words(text: str) -> list[str]:
    """The words of a text as a reader reads them: letters and digits, with inner hyphens,
    dashes, dots and commas kept in ("e-post", "t.ex", "22,5", "08.00–16.30"); a web or
    e-mail address is one word."""
    if "@" not in text and "www." not in text and "://" not in text:
        return _WORD.findall(text)
    found: list[str] = []
    position = 0
    for address in _ADDRESS.finditer(text):
        found += _WORD.findall(text, position, address.start())
        found.append(address.group(0))
        position = address.end()
    return found + _WORD.findall(text, position)


def _is_long(word: str) -> bool:
    return sum(1 for char in word if char.isalpha()) > LONG_WORD


@dataclass(frozen=True)
class Sentence:
    """One sentence as a reader sees it, with the source line it starts on (0-based in its
    block's Markdown, or 0 for a one-line text)."""

    text: str
    line: int

    @property
    def words(self) -> list[str]:
        return words(self.text)


def split_sentences(text: str) -> list[str]:
    """A block of Swedish text as sentences; the block's end ends the last one."""
    return [s for _, s in _spans(text)]


def _spans(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    for end in _END.finditer(text):
        if end.start() < start or _inside_address(text, end.start()):
            continue
        before = text[start : end.start() + 1]
        last = _LAST_WORD.search(before)
        word = last.group(1).casefold().rstrip(".") if last is not None else ""
        if word in _NOT_ENDING:
            continue
        if word in _ENDING_BEFORE_A_CAPITAL and not _NEXT_CAPITAL.match(text, end.end()):
            continue
        piece = text[start : end.end()]
        if words(piece):
            yield start, piece.strip()
        start = end.end()
    rest = text[start:]
    if words(rest):
        yield start, rest.strip()


def _inside_address(text: str, offset: int) -> bool:
    """True when offset is inside a web or e-mail address (its dots end nothing)."""
    if "@" not in text and "www." not in text and "://" not in text:
        return False
    return any(found.start() <= offset < found.end() - 1 for found in _ADDRESS.finditer(text))


def block_sentences(block: TextBlock) -> list[Sentence]:
    """The sentences of one block of Markdown, each with its source line."""
    skipped = len(block.text) - len(block.text.lstrip())
    return [Sentence(text, block.line_at(start + skipped)) for start, text in _spans(block.text)]


@dataclass(frozen=True)
class Readability:
    """The counts LIX is made of, and LIX itself."""

    words: int
    sentences: int
    long_words: int

    @property
    def lix(self) -> float:
        if not self.words or not self.sentences:
            return 0.0
        return self.words / self.sentences + 100 * self.long_words / self.words

    @property
    def band(self) -> str:
        """very_easy, easy, medium, hard or very_hard (see labels.py for their names)."""
        return band_of(self.lix)


def band_of(lix: float) -> str:
    for upper, name in BANDS:
        if lix < upper:
            return name
    return LAST_BAND


def readability(title: str, teaser: str | None, body: str) -> Readability:
    """LIX of a story as it is read: its title, its teaser (if it has one) and its body."""
    sentences = [*split_sentences(title)]
    if teaser:
        sentences += split_sentences(teaser)
    for block in text_blocks(body):
        sentences += split_sentences(block.text)
    found = [word for sentence in sentences for word in words(sentence)]
    return Readability(
        words=len(found),
        sentences=sum(1 for sentence in sentences if words(sentence)),
        long_words=sum(1 for word in found if _is_long(word)),
    )


def story_readability(story: Article) -> Readability:
    """LIX of a whole story (its title, teaser and body)."""
    return readability(story.title, story.teaser, story.body)


@dataclass(frozen=True)
class Abbreviation:
    """An abbreviation to write out: as written, its written-out form, where in the text."""

    text: str
    written_out: str
    offset: int


def abbreviations(text: str) -> list[Abbreviation]:
    """Every abbreviation in text that plain-language guidance asks to write out."""
    found = []
    for match in _ABBREVIATION.finditer(text):
        key = re.sub(r"\s", "", match.group(0)).casefold().rstrip(".")
        found.append(Abbreviation(match.group(0), _WRITTEN_OUT[key], match.start()))
    return found
