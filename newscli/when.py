"""Dates as staff type them, one reader for every option and question that takes one.

What is typed names a period: a day (2022-02-03, 3 mars 2024, 15 June 2026, November 23,
2021, today/idag, yesterday/igår, tomorrow/imorgon, 7d: the day a week ago, 2w), a month
(2022-02, mars 2022) or a year (2022); or a moment: a day with a time (2022-02-03 14:00,
3 mar 2024 14.00, idag kl. 9), now/nu, or ISO 8601 (with an offset it means itself).
`--since` takes a period's first moment and `--until` its last, so `--until 2022-02`
includes all of February; a moment option (`new --date`, `--at`) takes its first. Everything
newscli prints as a date (its tables, cards, log, pages, JSON) reads back here.

Times without an offset are the newsroom's clocks (`[site] timezone`), counted from the
run's clock (Environment.now), never the system's. A local time that never happens (the
hour skipped when summer time begins) is a usage error saying so; one that happens twice
(the hour repeated when it ends) is the first of the two, in summer time. Moments are
returned with a fixed offset, so that they compare equal to what TOML reads back.
"""

from __future__ import annotations

import datetime as dt
import re

from newscli.config import Site
from newscli.errors import UsageError
from newscli.i18n import N_, _
from newscli.slugs import fold

# What may be typed, as the one usage error lists it (translated there); {durations} says
# which way a bare 7d counts.
FORMS = N_(
    "2022-02-03, 2022-02, 2022, today (idag), yesterday (igår), {durations}, "
    "tomorrow (imorgon), now (nu), 3 mars 2024, 15 June 2026, mars 2022, "
    "a day with a time (2022-02-03 14:00, 3 mar 2024 14.00, idag 9:30) or ISO 8601"
)
AGO = N_("7d (days ago), 2w (weeks ago)")
AHEAD = N_("7d (in 7 days), 2w (in 2 weeks)")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "january", "jan"),
            ("februari", "february", "feb"),
            ("mars", "march", "mar"),
            ("april", "apr"),
            ("maj", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("augusti", "august", "aug"),
            ("september", "sept", "sep"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_DAYS_FROM_TODAY = {
    "today": 0,
    "idag": 0,
    "i dag": 0,
    "yesterday": -1,
    "igar": -1,
    "i gar": -1,
    "tomorrow": 1,
    "imorgon": 1,
    "i morgon": 1,
    "imorn": 1,
}
_NOW = {"now", "nu"}

_MONTH_NAME = "(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
# A time of day after a day: 14:00, 14.00, 9:30:15, kl. 14, klockan 9.30, at 2:00 (an hour
# alone only after kl, klockan or at).
_TIME = (
    r"(?:(?:,\s*|\s+)(?:(?P<kl>kl\.?|klockan|at)\s*)?"
    r"(?P<hour>[0-9]{1,2})(?:[:.](?P<minute>[0-9]{2})(?:[:.](?P<second>[0-9]{2}))?)?)?"
)
_DAY_FORMS = [
    re.compile(pattern + _TIME, re.ASCII)
    for pattern in (
        r"(?P<year>[0-9]{1,4})-(?P<monthno>[0-9]{1,2})-(?P<day>[0-9]{1,2})",
        r"(?:den\s+)?(?P<day>[0-9]{1,2})\.?\s+" + _MONTH_NAME + r"\s+(?P<year>[0-9]{1,4})",
        _MONTH_NAME + r"\s+(?P<day>[0-9]{1,2}),?\s+(?P<year>[0-9]{1,4})",
        "(?P<word>" + "|".join(_DAYS_FROM_TODAY) + ")",
    )
]
_MONTH_FORMS = [
    re.compile(r"(?P<year>[0-9]{1,4})-(?P<monthno>[0-9]{1,2})", re.ASCII),
    re.compile(_MONTH_NAME + r"\s+(?P<year>[0-9]{1,4})", re.ASCII),
]
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
# 7d, 2w, and the Swedish 2v (veckor); a space between is allowed, a sign says the way.
_DURATION = re.compile(r"(?P<sign>[+-])?\s*(?P<count>[0-9]{1,5})\s*(?P<unit>[dwv])", re.ASCII)


def period(
    text: str, site: Site, now: dt.datetime, *, ahead: bool = False
) -> tuple[dt.datetime, dt.datetime]:
    """The first and the last moment text means (both inclusive; one moment for a day with
    a time); now is the run's clock. A bare 7d counts back, or forward with ahead."""
    tz = site.tz
    typed = " ".join(text.split())
    word = fold(typed)
    today = now.astimezone(tz).date()
    if word in _NOW:
        return _fixed(now), _fixed(now)
    for form in _DAY_FORMS:
        if found := form.fullmatch(word):
            return _day(found, today, tz, typed, ahead)
    for form in _MONTH_FORMS:
        if found := form.fullmatch(word):
            return _month(int(found["year"]), _month_number(found), tz, typed, ahead)
    if _YEAR.fullmatch(word) and int(word) >= 1:
        year = int(word)
        following = dt.date(year + 1, 1, 1) if year < 9999 else None
        return _start(dt.date(year, 1, 1), tz), _end_before(following, tz)
    if found := _DURATION.fullmatch(word):
        days = int(found["count"]) * (1 if found["unit"] == "d" else 7)
        forward = found["sign"] == "+" or (ahead and found["sign"] is None)
        day = _days_after(today, days if forward else -days, typed, ahead)
        return _whole_day(day, tz)
    return _iso(typed, tz, ahead)


def moment(text: str, site: Site, now: dt.datetime, *, ahead: bool = False) -> dt.datetime:
    """The moment text means, to the second: now, a day with a time, ISO 8601, or the first
    moment of a day, month or year (`new --date`, `publish --at`, `expire --at`). ahead:
    a bare 7d is 7 days from now (`--at`), not 7 days ago."""
    return period(text, site, now, ahead=ahead)[0].replace(microsecond=0)


def since(text: str, site: Site, now: dt.datetime) -> dt.datetime:
    """The first moment of the period a --since DATE means."""
    return period(text, site, now)[0]


def until(text: str, site: Site, now: dt.datetime) -> dt.datetime:
    """The last moment of the period an --until DATE means (`--until 2022-02`: all of February)."""
    return period(text, site, now)[1]


def unreadable(text: str, *, ahead: bool = False) -> UsageError:
    """The one error for a date that cannot be read: every form that can."""
    forms = _(FORMS).format(durations=_(AHEAD if ahead else AGO))
    return UsageError(_("cannot read date {text!r}; use {forms}").format(text=text, forms=forms))


def _month_number(found: re.Match[str]) -> int:
    if "monthno" in found.re.groupindex:
        return int(found["monthno"])
    return _MONTHS[found["month"]]


def _day(
    found: re.Match[str], today: dt.date, tz: dt.tzinfo, typed: str, ahead: bool
) -> tuple[dt.datetime, dt.datetime]:
    """A day, or a moment when a time of day is given."""
    names = found.re.groupindex
    if "word" in names:
        day = _days_after(today, _DAYS_FROM_TODAY[found["word"]], typed, ahead)
    else:
        try:
            day = dt.date(int(found["year"]), _month_number(found), int(found["day"]))
        except ValueError:
            raise unreadable(typed, ahead=ahead) from None
    if found["hour"] is None:
        return _whole_day(day, tz)
    if found["minute"] is None and found["kl"] is None:
        raise unreadable(typed, ahead=ahead)
    try:
        time = dt.time(int(found["hour"]), int(found["minute"] or 0), int(found["second"] or 0))
    except ValueError:
        raise unreadable(typed, ahead=ahead) from None
    at = _local(dt.datetime.combine(day, time), tz, typed)
    return at, at


def _month(
    year: int, number: int, tz: dt.tzinfo, typed: str, ahead: bool
) -> tuple[dt.datetime, dt.datetime]:
    if not (1 <= number <= 12 and year >= 1):
        raise unreadable(typed, ahead=ahead)
    first = dt.date(year, number, 1)
    following = dt.date(year, number + 1, 1) if number < 12 else None
    if number == 12 and year < 9999:
        following = dt.date(year + 1, 1, 1)
    return _start(first, tz), _end_before(following, tz)


def _days_after(today: dt.date, days: int, typed: str, ahead: bool) -> dt.date:
    try:
        return today + dt.timedelta(days=days)
    except OverflowError:
        raise unreadable(typed, ahead=ahead) from None


def _iso(typed: str, tz: dt.tzinfo, ahead: bool) -> tuple[dt.datetime, dt.datetime]:
    """ISO 8601: a day (no time given), or a moment (an offset, or the newsroom's clocks)."""
    try:
        value = dt.datetime.fromisoformat(typed)
    except ValueError:
        raise unreadable(typed, ahead=ahead) from None
    if value.tzinfo is not None:
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            raise unreadable(typed, ahead=ahead) from None
        return _fixed(value), _fixed(value)
    if not any(mark in typed for mark in "T :"):
        return _whole_day(value.date(), tz)
    at = _local(value, tz, typed)
    return at, at


def _local(naive: dt.datetime, tz: dt.tzinfo, typed: str) -> dt.datetime:
    """A time on the newsroom's clocks as a moment. One that never happens (skipped when
    summer time begins) is a usage error; one that happens twice is the first."""
    first, second = naive.replace(tzinfo=tz, fold=0), naive.replace(tzinfo=tz, fold=1)
    for candidate in (first, second):
        try:
            shown = candidate.astimezone(dt.UTC).astimezone(tz)
        except OverflowError:
            raise unreadable(typed) from None
        if shown.replace(tzinfo=None) == naive:
            return _fixed(candidate)
    later = first.astimezone(dt.UTC).astimezone(tz)
    raise UsageError(
        _(
            "{text!r} does not exist in {zone}: the clocks are put forward over it that "
            "night (as when summer time begins); give another time, such as {later}"
        ).format(text=typed, zone=tz, later=f"{later:%Y-%m-%d %H:%M}")
    )


def _fixed(value: dt.datetime) -> dt.datetime:
    """value with its offset as a fixed one: no fold or gap left for == to trip on."""
    offset = value.utcoffset()
    assert offset is not None
    return value.replace(tzinfo=dt.timezone(offset), fold=0)


def _whole_day(day: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    following = day + dt.timedelta(days=1) if day < dt.date.max else None
    return _start(day, tz), _end_before(following, tz)


def _start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The first moment of day on the newsroom's clocks (after the gap, where a zone puts
    its clocks forward at midnight)."""
    midnight = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    try:
        return _fixed(midnight.astimezone(dt.UTC).astimezone(tz))
    except OverflowError:  # the first day of year 1 east of UTC
        return _fixed(midnight)


def _end_before(following: dt.date | None, tz: dt.tzinfo) -> dt.datetime:
    """The last moment before the day following starts (the last moment of all without one)."""
    if following is None:
        return _fixed(dt.datetime.combine(dt.date.max, dt.time.max, tzinfo=tz))
    return _start(following, tz) - dt.timedelta(microseconds=1)
