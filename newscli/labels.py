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
        "withdrawn": "Nyheten har avpublicerats",
        "withdrawn_on": "Den togs bort från webbplatsen den",
        "withdrawn_record": "Den finns kvar hos kommunen som allmän handling.",
        "state_draft": "utkast",
        "state_scheduled": "schemalagd",
        "state_published": "publicerad",
        "state_expiring": "upphör",
        "state_expired": "utgången",
        "state_withdrawn": "avpublicerad",
        "archive": "Arkiv",
        "all_topics": "Alla ämnen",
        "news": "Nyheter",
        "latest": "Senaste nyheterna",
        "topics_heading": "Ämnen",
        "page_of": "Sida {page} av {pages}",
        "pages_nav": "Sidnavigering",
        "main_nav": "Huvudmeny",
        "no_stories": "Inga nyheter ännu.",
        "story_one": "nyhet",
        "story_many": "nyheter",
        "subscribe": "Prenumerera:",
        "topic_feed": "Prenumerera på ämnet (RSS)",
        "not_found": "Sidan finns inte",
        "not_found_text": "Sidan du letade efter finns inte här, eller finns inte längre.",
        "to_front": "Till förstasidan",
        "moved": "Sidan har flyttat",
        "moved_text": "Sidan finns nu på en ny adress:",
        "feeds_nav": "Nyhetsflöden",
        "statement": "Tillgänglighetsredogörelse",
        "lix_very_easy": "mycket lättläst",
        "lix_easy": "lättläst",
        "lix_medium": "medelsvår",
        "lix_hard": "svår",
        "lix_very_hard": "mycket svår",
        "search": "Sök",
        "search_label": "Sök bland nyheterna",
        "search_button": "Sök",
        "search_topic": "Ämne",
        "search_year": "År",
        "search_all_years": "Alla år",
        "search_order": "Ordning",
        "search_relevance": "Bäst träff först",
        "search_newest": "Nyast först",
        "search_no_js": "Sökningen behöver JavaScript, som är avstängt i din webbläsare. Alla nyheter finns i arkivet:",
        "search_hits_one": "1 träff för ”{query}”",
        "search_hits_many": "{count} träffar för ”{query}”",
        "search_hits_shown": "Visar de {shown} första.",
        "search_none": "Inga träffar för ”{query}”.",
        "search_searching": "Söker …",
        "search_unavailable": "Sökningen kunde inte laddas. Alla nyheter finns i arkivet.",
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
        "withdrawn": "This story has been withdrawn",
        "withdrawn_on": "It was taken off the site on",
        "withdrawn_record": "The municipality keeps it as a public record.",
        "state_draft": "draft",
        "state_scheduled": "scheduled",
        "state_published": "published",
        "state_expiring": "expiring",
        "state_expired": "expired",
        "state_withdrawn": "withdrawn",
        "archive": "Archive",
        "all_topics": "All topics",
        "news": "News",
        "latest": "Latest news",
        "topics_heading": "Topics",
        "page_of": "Page {page} of {pages}",
        "pages_nav": "Pages",
        "main_nav": "Main menu",
        "no_stories": "No stories yet.",
        "story_one": "story",
        "story_many": "stories",
        "subscribe": "Subscribe:",
        "topic_feed": "Subscribe to this topic (RSS)",
        "not_found": "Page not found",
        "not_found_text": "The page you were looking for is not here, or no longer is.",
        "to_front": "Go to the front page",
        "moved": "This page has moved",
        "moved_text": "The page is now at a new address:",
        "feeds_nav": "News feeds",
        "statement": "Accessibility statement",
        "lix_very_easy": "very easy",
        "lix_easy": "easy",
        "lix_medium": "medium",
        "lix_hard": "hard",
        "lix_very_hard": "very hard",
        "search": "Search",
        "search_label": "Search the news",
        "search_button": "Search",
        "search_topic": "Topic",
        "search_year": "Year",
        "search_all_years": "All years",
        "search_order": "Order",
        "search_relevance": "Best match first",
        "search_newest": "Newest first",
        "search_no_js": "Search needs JavaScript, which is turned off in your browser. Every story is in the archive:",
        "search_hits_one": "1 result for “{query}”",
        "search_hits_many": "{count} results for “{query}”",
        "search_hits_shown": "Showing the first {shown}.",
        "search_none": "No results for “{query}”.",
        "search_searching": "Searching …",
        "search_unavailable": "Search could not be loaded. Every story is in the archive.",
    },
}


def label(language: str, key: str) -> str:
    return _LABELS.get(language, _LABELS["sv"])[key]


def month_name(language: str, month: int) -> str:
    return _MONTHS.get(language, _MONTHS["sv"])[month - 1]


def moment(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """value as the newsroom's clocks show it: a story stored at 23:17+01:00 in July is on
    the 11th in Stockholm, not the 10th. In UTC when tz's offset then has seconds (local
    mean time before 1900), which neither RFC 822, RFC 3339 nor HTML can write."""
    local = value.astimezone(tz)
    offset = local.utcoffset()
    if offset is not None and offset.seconds % 60:
        return value.astimezone(dt.UTC)
    return local


def long_date(value: dt.datetime | dt.date, language: str) -> str:
    """'23 november 2021' in Swedish, 'November 23, 2021' in English."""
    month = month_name(language, value.month)
    if language == "en":
        return f"{month} {value.day}, {value.year}"
    return f"{value.day} {month} {value.year}"
