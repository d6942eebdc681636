"""Words and dates in the site language: one small table per language, no OS locale."""

from __future__ import annotations

import datetime as dt

_MONTHS = {
    "sv": (
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

_LABELS = {
    "sv": {
        "photo": "Foto:",
        "author": "Författare:",
        "source": "Källa:",
        "topics": "Ämnen:",
        "updated": "Uppdaterad",
        "older": "Äldre",
        "newer": "Nyare",
        "skip": "Gå direkt till innehåll",
        "draft": "Utkast",
        "future": "Inte publicerad än",
        "archive": "Arkiv",
        "all_topics": "Alla ämnen",
    },
    "en": {
        "photo": "Photo:",
        "author": "Author:",
        "source": "Source:",
        "topics": "Topics:",
        "updated": "Updated",
        "older": "Older",
        "newer": "Newer",
        "skip": "Skip to content",
        "draft": "Draft",
        "future": "Not yet published",
        "archive": "Archive",
        "all_topics": "All topics",
    },
}


def label(language: str, key: str) -> str:
    return _LABELS.get(language, _LABELS["sv"])[key]


def month_name(language: str, month: int) -> str:
    return _MONTHS.get(language, _MONTHS["sv"])[month - 1]


def long_date(value: dt.datetime | dt.date, language: str) -> str:
    """'23 november 2021' in Swedish, 'November 23, 2021' in English."""
    month = month_name(language, value.month)
    if language == "en":
        return f"{month} {value.day}, {value.year}"
    return f"{value.day} {month} {value.year}"
