"""Dates as staff type them: a moment (`new --date`, `--at`) or a period (`--since`, `--until`).

A period is a day (2022-02-03, today/idag, yesterday/igår, 7d: the day a week ago, 2w), a
month (2022-02) or a year (2022), in the newsroom's timezone: `--since` takes its first
moment and `--until` its last, so `--until 2022-02` includes all of February. A date with a
time (2022-02-03 14:00, ISO 8601) is a moment and means itself. Relative dates count from
the run's clock (Environment.now), never the system's.
"""

from __future__ import annotations

import datetime as dt
import re

from newscli.config import Site
from newscli.errors import UsageError
from newscli.i18n import N_, _
from newscli.slugs import fold

# What a period may be, as a usage error lists it (translated there).
PERIOD_FORMS = N_(
    "2022-02-03, 2022-02, 2022, today (idag), yesterday (igår), 7d (days ago), "
    "2w (weeks ago), or a date and time (2022-02-03 14:00, ISO 8601)"
)

_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"\d{4}")
# 7d, 2w, and the Swedish 2v (veckor); a space between is allowed.
_AGO = re.compile(r"(\d{1,5})\s*([dwv])")
_TODAY = {"today", "idag"}
_YESTERDAY = {"yesterday", "igar"}


def parse_date(text: str, site: Site) -> dt.datetime:
    """A moment typed by staff: 2021-11-23 (its start), 2021-11-23 14:00 or ISO 8601; a time
    without an offset is read in the newsroom's timezone."""
    text = text.strip()
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            _("cannot read date {text!r}; use 2021-11-23, 2021-11-23 14:00 or ISO 8601").format(
                text=text
            )
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=site.tz)


def period(text: str, site: Site, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The first and the last moment a DATE of a selection means (both inclusive); now is
    the run's clock, for today, yesterday and 7d."""
    tz = site.tz
    typed = text.strip()
    word = fold(typed)
    today = now.astimezone(tz).date()
    day: dt.date | None = None
    if word in _TODAY:
        day = today
    elif word in _YESTERDAY:
        day = today - dt.timedelta(days=1)
    elif ago := _AGO.fullmatch(word):
        count = int(ago.group(1)) * (1 if ago.group(2) == "d" else 7)
        day = _days_before(today, count, typed)
    elif month := _MONTH.fullmatch(typed):
        year, number = int(month.group(1)), int(month.group(2))
        if 1 <= number <= 12 and year >= 1:
            first = dt.date(year, number, 1)
            following = dt.date(year + number // 12, number % 12 + 1, 1) if year < 9999 else None
            return _start(first, tz), _end_before(following, tz)
    elif _YEAR.fullmatch(typed) and int(typed) >= 1:
        year = int(typed)
        following = dt.date(year + 1, 1, 1) if year < 9999 else None
        return _start(dt.date(year, 1, 1), tz), _end_before(following, tz)
    if day is None:
        day, moment = _iso(typed, tz)
        if moment is not None:
            return moment, moment
    following = day + dt.timedelta(days=1) if day < dt.date.max else None
    return _start(day, tz), _end_before(following, tz)


def since(text: str, site: Site, now: dt.datetime) -> dt.datetime:
    """The first moment of the period a --since DATE means."""
    return period(text, site, now)[0]


def until(text: str, site: Site, now: dt.datetime) -> dt.datetime:
    """The last moment of the period an --until DATE means (`--until 2022-02`: all of February)."""
    return period(text, site, now)[1]


def _unreadable(text: str) -> UsageError:
    return UsageError(
        _("cannot read date {text!r}; use {forms}").format(text=text, forms=_(PERIOD_FORMS))
    )


def _days_before(today: dt.date, count: int, typed: str) -> dt.date:
    try:
        return today - dt.timedelta(days=count)
    except OverflowError:
        raise _unreadable(typed) from None


def _iso(typed: str, tz: dt.tzinfo) -> tuple[dt.date, dt.datetime | None]:
    """A day (no time given), or a moment (a time given, read in tz without an offset)."""
    try:
        value = dt.datetime.fromisoformat(typed)
    except ValueError:
        raise _unreadable(typed) from None
    if not any(mark in typed for mark in "T :") and value.tzinfo is None:
        return value.date(), None
    return value.date(), value if value.tzinfo is not None else value.replace(tzinfo=tz)


def _start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def _end_before(following: dt.date | None, tz: dt.tzinfo) -> dt.datetime:
    """The last moment before the day following starts (the last moment of all without one)."""
    if following is None:
        return dt.datetime.combine(dt.date.max, dt.time.max, tzinfo=tz)
    return _start(following, tz) - dt.timedelta(microseconds=1)
