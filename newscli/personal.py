"""Swedish personal identity numbers (personnummer) and coordination numbers
(samordningsnummer) in a story's text: found, checked (a real date, the Luhn check digit)
and reported by line, so that `check` and every export can refuse to publish them.

A social-services news desk must never publish one. What is found is what *looks like* one:
10 or 12 digits, with or without the separator (- or +), whose date part is a real day (a
coordination number adds 60 to the day) and whose last digit is the Luhn check digit of the
other nine. A phone number can pass that test by chance (one in ten of those with a date
in them); a story that holds a number deliberately says so in its front matter
(ACKNOWLEDGE = "why"), and is then let through.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from newscli.i18n import _

# The front-matter key with which a story says why it holds such a number on purpose.
ACKNOWLEDGE = "personal_number_ok"

# 6 or 8 date digits, an optional separator, 4 digits; not part of a longer number, word,
# UUID or decimal ("12,5" or a version "1.2.3"): neither a word character nor a '-' on either
# side, and no ',5' or '.5' after.
_NUMBER = re.compile(r"(?<![\w-])(\d{6}|\d{8})([-+]?)(\d{4})(?![\w-])(?![.,]\d)")
# A line without six digits in a row holds no number (a regex skips it: a loop over its
# characters cost an export of 10 000 stories seconds).
_DIGITS = re.compile(r"\d{6}")


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


def find_numbers(text: str, first_line: int = 1) -> Iterator[IdentityNumber]:
    """Every identity or coordination number in text, with its line (text's first line is
    first_line)."""
    for offset, line in enumerate(text.split("\n")):
        if not _DIGITS.search(line):
            continue
        for found in _NUMBER.finditer(line):
            kind = classify(found.group(1), found.group(3))
            if kind is not None:
                yield IdentityNumber(found.group(0), first_line + offset, kind)


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
