"""Swedish personal identity numbers (personnummer) and coordination numbers
(samordningsnummer) in a story's file: found as people and word processors write them,
checked (a real date, the Luhn check digit) and reported by line, so that `check`, every
door that makes a story public and every export can refuse to publish them.

A social-services news desk must never publish one. What is found is what *looks like* one
once the text is read as a reader sees it (Markdown emphasis, escapes, HTML entities and
tags, TOML escapes, soft hyphens and zero-width characters taken out, every dash read as
'-'): 10 or 12 digits, with '-', '+', a space, a line break or nothing between the date and
the last four, whose date part is a real day (a coordination number adds 60 to the day) and
whose last digit is the Luhn check digit of the other nine. The slug and the names of the
files a story links to are searched too, where '-', '_' or '.' joins words.

Phone numbers, organisation numbers, case numbers, date-time stamps and amounts are not
found by their form (a group of 2–4 digits first, a month above 12, a clock time with ':',
a currency after). A string that passes every test and is still something else (a mobile
number written as ten digits in a row) is refused like a real number: a story that holds
one deliberately says so in its front matter (ACKNOWLEDGE = "why"), and is then let through.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath
from typing import TYPE_CHECKING, Any

from newscli.errors import ArticleError
from newscli.i18n import _

if TYPE_CHECKING:
    from newscli.article import Article

# The front-matter key with which a story says why it holds such a number on purpose.
ACKNOWLEDGE = "personal_number_ok"

# 6 or 8 date digits, a separator ('-', '+', a space, a line break, or none), 4 digits; not
# part of a longer number, word, UUID or decimal ("12,5" or a version "1.2.3"): neither a
# word character nor a '-' on either side, no ',5' or '.5' after, and no clock time (":30")
# or currency after (an amount). A digit comes first, so that the search skips ahead fast.
_SEPARATOR = r"(?: ?[-+]? ?(?:\n *)?)"
_NUMBER = re.compile(
    rf"(\d(?<![\w-]\d)\d{{5}}(?:\d\d)?)({_SEPARATOR})(\d{{4}})(?![\w-])(?![.,:]\d)"
    r"(?! ?(?:kr\b|kronor|sek\b|:-|%|€|\$|euro))",
    re.IGNORECASE,
)
# In a slug or a file name, where '-', '_' and '.' join the words.
_IN_NAME = re.compile(r"(\d(?<!\d\d)\d{5}(?:\d\d)?)([-+_. ]?)(\d{4})(?!\d)")
# What a reader does not see of the text: Markdown emphasis, an escape's backslash, an inline
# HTML tag, an entity or TOML escape (read as its character), soft hyphens and zero-width
# characters; '_' only where it is no word's inner character.
# Each branch starts with its own character, so that the search skips ahead fast.
_HIDDEN = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});"
    r"|\\(?:[-+*_~\\`.]|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})"
    r"|</?(?:b|strong|em|i|u|s|del|ins|mark|span|sup|sub|small|nobr|wbr)\b[^<>\n]*>"
    r"|[*~]+|_+"
)
# Soft hyphens and zero-width characters are taken out; dashes and minus signs (Unicode's
# dash punctuation) read as '-'; spaces as word processors write them (no-break, thin,
# narrow, figure) as ' '.
_AS_READ = (
    dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", "")
    | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
    | dict.fromkeys("\t\u00a0\u2002\u2003\u2007\u2009\u200a\u202f", " ")
)
_DIGIT = re.compile(r"\d")
_UNUSUAL = re.compile("[" + "".join(_AS_READ) + "]")
# Links' targets (Markdown, HTML, [image] src): file names a story links to.
_LINKED = re.compile(r"\]\(\s*<?([^)\s>]+)")
_NAMED = re.compile(r"""[hsHS](?:ref|rc|REF|RC)\s*=\s*["']([^"'\n]+)["']""")
_SLUG = re.compile(r'(?m)^\s*slug\s*=\s*"(?P<slug>[^"\n]*)"')


@dataclass(frozen=True)
class IdentityNumber:
    """One number found: as written, where (1-based line), and which kind it is."""

    text: str
    line: int
    coordination: bool

    @property
    def kind(self) -> str:
        return _("coordination number") if self.coordination else _("personal identity number")

    @property
    def masked(self) -> str:
        """The number with its last four digits hidden, for messages (logs are not private)."""
        return self.text[:-4] + "XXXX"


def luhn_valid(digits: str) -> bool:
    """True when the last digit is the Luhn check digit of the others (weights 2, 1, 2 …)."""
    total = 0
    for index, char in enumerate(reversed(digits[:-1])):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10 == int(digits[-1])


def _real_day(years: tuple[int, ...], month: int, day: int) -> bool:
    for year in years:
        try:
            dt.date(year, month, day)
        except ValueError:
            continue
        return True
    return False


def classify(date_part: str, serial: str) -> bool | None:
    """For the date digits (YYMMDD or YYYYMMDD) and the four last digits: None when they
    are no identity number; else whether it is a coordination number (day + 60)."""
    if len(date_part) == 8:
        century, rest = int(date_part[:2]), date_part[2:]
        if century not in (18, 19, 20):
            return None
        years: tuple[int, ...] = (int(date_part[:4]),)
    else:
        rest = date_part
        years = (1900 + int(rest[:2]), 2000 + int(rest[:2]))  # a leap day fits one of them
    month, day = int(rest[2:4]), int(rest[4:6])
    coordination = day > 60
    if coordination:
        day -= 60
    if not _real_day(years, month, day) or not luhn_valid(rest + serial):
        return None
    return coordination


def _shown(hidden: re.Match[str]) -> str:
    """What the reader sees of one hidden piece (see _HIDDEN); a '_' inside a word stays."""
    value = hidden.group(0)
    first = value[0]
    if first == "&":
        return html.unescape(value)
    if first == "\\":
        return value[1] if len(value) == 2 else chr(min(int(value[2:], 16), 0x10FFFF))
    if first == "_":
        text, start, end = hidden.string, hidden.start(), hidden.end()
        inside = start > 0 and end < len(text) and text[start - 1].isalnum()
        return value if inside and text[end].isalnum() else ""
    return ""


def _read(text: str) -> str:
    """text as a reader sees it (see _HIDDEN), every dash a '-', every space a ' '. No
    line break is taken out, so a line is the count of line breaks before it."""
    seen = _HIDDEN.sub(_shown, text)
    return _UNUSUAL.sub(lambda found: _AS_READ[found.group(0)], seen)


def _found(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, str]]:
    """(start, as the reader sees it) of every identity or coordination number pattern
    finds in text, and its kind."""
    for match in pattern.finditer(text):
        if classify(match.group(1), match.group(3)) is not None:
            yield match.start(), match.group(0)


def _number(written: str, line: int) -> IdentityNumber:
    written = re.sub(r" ?([-+]) ?", r"\1", " ".join(written.split()))
    digits = re.sub(r"\D", "", written)
    coordination = classify(digits[:-4], digits[-4:])
    return IdentityNumber(written, line, bool(coordination))


def find_numbers(text: str, first_line: int = 1) -> Iterator[IdentityNumber]:
    """Every identity or coordination number in text as a reader sees it, with its line
    (text's first line is first_line)."""
    for start, end in _dense(text):
        seen = _read(text[start:end])
        line = first_line + text.count("\n", 0, start)
        for offset, written in _found(_NUMBER, seen):
            yield _number(written, line + seen.count("\n", 0, offset))


# Ten digits within this many characters may be a number, whatever hides between them.
_SPAN = 120


def _dense(text: str) -> Iterator[tuple[int, int]]:
    """The pieces of text, whole lines and the line after (a number may be broken across
    them), where ten digits come close enough to be a number: all that needs reading."""
    digits = [found.start() for found in _DIGIT.finditer(text)]
    piece: tuple[int, int] | None = None
    for first, tenth in zip(digits, digits[9:], strict=False):
        if tenth - first > _SPAN:
            continue
        start = text.rfind("\n", 0, first) + 1
        end = text.find("\n", text.find("\n", tenth) + 1)
        end = len(text) if end < 0 or text.find("\n", tenth) < 0 else end
        if piece is not None and start <= piece[1]:
            piece = (piece[0], max(piece[1], end))
            continue
        if piece is not None:
            yield piece
        piece = (start, end)
    if piece is not None:
        yield piece


def find_in_name(name: str, line: int) -> Iterator[IdentityNumber]:
    """Every identity or coordination number in a slug or a file name (percent-encoding
    read), at line."""
    seen = _read(urllib.parse.unquote(name))
    for _start, written in _found(_IN_NAME, seen):
        yield _number(written, line)


def numbers_in_file(text: str) -> list[IdentityNumber]:
    """Every identity or coordination number a story's file would publish: in its text
    (the front matter's fields and the body), its slug and the names of the files it links
    to, by line, each once."""
    found = {(n.line, n.text): n for n in find_numbers(text)}
    names = [(m.start("slug"), m.group("slug")) for m in _SLUG.finditer(text)]
    names += [(m.start(), m.group(1)) for m in (*_LINKED.finditer(text), *_NAMED.finditer(text))]
    for offset, name in names:
        for number in find_in_name(name, text.count("\n", 0, offset) + 1):
            digits = re.sub(r"\D", "", number.text)
            if not any(
                n.line == number.line and re.sub(r"\D", "", n.text) == digits
                for n in found.values()
            ):
                found[(number.line, number.text)] = number
    return sorted(found.values(), key=lambda number: number.line)


def acknowledged(extra: dict[str, Any]) -> bool:
    """True when the story's front matter says, with a reason, why it holds such a number."""
    reason = extra.get(ACKNOWLEDGE)
    return isinstance(reason, str) and bool(reason.strip())


def refusal(number: IdentityNumber) -> str:
    """What check and the exports say about a number they will not publish."""
    if number.coordination:
        message = _(
            "holds what looks like a coordination number ({number}): never publish one; take "
            'it out, or, if it must stay, say why with {key} = "…" in the front matter'
        )
    else:
        message = _(
            "holds what looks like a personal identity number ({number}): never publish one; "
            'take it out, or, if it must stay, say why with {key} = "…" in the front matter'
        )
    return message.format(number=number.masked, key=ACKNOWLEDGE)


def without_id(text: str) -> str:
    """A story file's text with its id line's value blanked (a UUID is no identity number,
    and blanking it keeps the line numbers)."""
    return re.sub(r'(?m)^(\s*id\s*=\s*)"[^"\n]*"', r'\1""', text, count=1)


def held(text: str, extra: dict[str, Any]) -> list[IdentityNumber]:
    """The numbers that keep a story's file (text, its front matter's extra keys) from being
    published: [] when there are none or the story says why it holds them."""
    if acknowledged(extra):
        return []
    return numbers_in_file(without_id(text))


def refuse_publishing(text: str, extra: dict[str, Any], path: PurePath) -> None:
    """Raise ArticleError at the first number's line when a story about to be made public
    (text, its front matter's extra keys, its file) holds one: every door that publishes."""
    found = held(text, extra)
    if found:
        message = _("not published: {refusal}").format(refusal=refusals(found))
        raise ArticleError(message, path, found[0].line)


def refusals(found: list[IdentityNumber]) -> str:
    """What is said of a story's numbers: the first, and how many more (check lists each)."""
    message = refusal(found[0])
    if len(found) > 1:
        message += " " + _("(and {n} more: newscli check lists them)").format(n=len(found) - 1)
    return message


def _file_text(story: Article) -> tuple[str, PurePosixPath]:
    """The text a new story's file will hold, and where it will be (a free slug may still
    add -2)."""
    from newscli.article import to_meta
    from newscli.frontmatter import dump

    where = PurePosixPath("articles", f"{story.date:%Y}", f"{story.date:%m}", f"{story.slug}.md")
    return dump(to_meta(story), story.body), where


def refuse_new(story: Article) -> None:
    """ArticleError when a new story to be published at once (`new --publish`) holds a
    number, at its line in the file it would be; nothing is written."""
    text, where = _file_text(story)
    refuse_publishing(text, story.extra, where)


def published_as_draft(story: Article) -> tuple[Article, list[str]]:
    """An imported story that would be published holding a number becomes a draft, with
    the warning that says so (its file's path as {path}, its line)."""
    if not story.published:
        return story, []
    text, _where = _file_text(story)
    found = held(text, story.extra)
    if not found:
        return story, []
    warning = _(
        "{path}:{line}: {refusal}; imported as a draft, not published (take it out, then "
        "newscli publish)"
    ).format(path="{path}", line=found[0].line, refusal=refusal(found[0]))
    return dataclasses.replace(story, status="draft"), [warning]
