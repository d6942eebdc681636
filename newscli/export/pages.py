"""The static site's map: which pages there are, where they go and which stories each lists; pure.

Paths here are site-relative folder paths ("2021/11/<slug>/", "amnen/ekonomi/", "" for the
front page); each page is written as index.html in its folder. link() turns them into the
page-relative URLs that work from file:// and from any sub-path.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from newscli.article import Summary
from newscli.export.images import Photo
from newscli.export.urls import SECTIONS, Sections, former_address, sections
from newscli.labels import moment
from newscli.markdown import is_relative_url
from newscli.topics import Topic, Topics, topic_key

# Characters left as they are in a path inside a link: the reserved ones and '%' (a path an
# author already percent-encoded stays as written); spaces and non-ASCII letters get encoded.
PATH_SAFE = "/%:@!$&'()*+,;=-._~"


@dataclass(frozen=True, slots=True)
class TopicLink:
    """A topic as shown on a story: its display form and the path of its page."""

    name: str
    path: str


@dataclass(frozen=True, slots=True)
class Story:
    """An article as the site shows it."""

    article: Summary
    path: str
    lead: str  # the lead as plain text, for cards and descriptions
    topics: tuple[TopicLink, ...]
    image: Photo | None  # the photo as pages show it; None: no photo shown
    draft: bool
    future: bool
    # The file's mtime and size: the body is not held in memory (it is read when the page is
    # rendered), so this is what tells that it changed.
    stamp: tuple[int, int] = (0, 0)
    # Its file is broken now: shown as its last good version, its page left as it was.
    kept: bool = False
    # The author's name as pages show it: without an e-mail address ("Name <address>").
    author: str = ""

    @property
    def preview(self) -> bool:
        """True for a story the public does not see yet (shown only in preview builds)."""
        return self.draft or self.future


@dataclass(frozen=True)
class Listing:
    """One page of a paginated list of stories."""

    path: str
    number: int
    count: int
    stories: tuple[Story, ...]
    newer: str | None
    older: str | None


@dataclass(frozen=True)
class TopicPage:
    """A topic's pages on the site: the stories that have it, in listings."""

    topic: Topic
    stories: tuple[Story, ...]
    listings: tuple[Listing, ...]

    @property
    def key(self) -> str:
        return self.topic.key

    @property
    def name(self) -> str:
        return self.topic.name

    @property
    def path(self) -> str:
        return self.topic.path


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    path: str
    stories: tuple[Story, ...]


@dataclass(frozen=True)
class Year:
    year: int
    months: tuple[Month, ...]


@dataclass(frozen=True)
class SiteMap:
    """Every page of the site: the front-page listings, stories, topics and the archive."""

    front: tuple[Listing, ...]
    stories: tuple[Story, ...]
    topics: tuple[TopicPage, ...]
    years: tuple[Year, ...]
    sections: Sections = SECTIONS["en"]  # the topics' and the archive's folders

    @property
    def months(self) -> tuple[Month, ...]:
        return tuple(month for year in self.years for month in year.months)

    def former_addresses(self) -> tuple[tuple[str, str], ...]:
        """(old folder, page folder) for each section page whose address is now in the site's
        language: the old one still answers, sending the reader on (a site already out)."""
        pages = [self.sections.topics, self.sections.archive]
        pages += [listing.path for topic in self.topics for listing in topic.listings]
        moved = ((former_address(path, self.sections), path) for path in pages)
        return tuple((old, path) for old, path in moved if old is not None)


STATIC_PATH = "static/"


def month_path(year: int, month: int) -> str:
    """The month's archive page sits in the folder its stories' pages are in."""
    return f"{year:04d}/{month:02d}/"


def root_of(path: str) -> str:
    """The way up from a page in folder path to the site root ('../../' for 'topics/x/')."""
    return "../" * path.count("/")


_PLAIN_PATH = re.compile(r"[A-Za-z0-9_./-]*")


def link(target: str, root: str) -> str:
    """A site-relative target as a link from a page whose way to the root is root.

    Folders get an explicit index.html, because file:// does not serve it for a folder.
    Absolute URLs, fragments and queries alone are left as they are.
    """
    if _PLAIN_PATH.fullmatch(target) and not target.startswith("/"):
        # The common case (slugs, topic keys): nothing to quote, no scheme, no fragment.
        return root + (target + "index.html" if target == "" or target.endswith("/") else target)
    if not is_relative_url(target):
        return target
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    path, rest = target[:cut], target[cut:]
    if path == "" or path.endswith("/"):
        path += "index.html"
    return root + quote(path, safe=PATH_SAFE) + rest


def paginate(stories: Sequence[Story], per_page: int, base: str) -> tuple[Listing, ...]:
    """Pages of per_page stories: the first at base, then base/page/2/ …; always one page."""
    count = max(1, -(-len(stories) // per_page))

    def path(number: int) -> str:
        return base if number == 1 else f"{base}page/{number}/"

    return tuple(
        Listing(
            path=path(n),
            number=n,
            count=count,
            stories=tuple(stories[(n - 1) * per_page : n * per_page]),
            newer=path(n - 1) if n > 1 else None,
            older=path(n + 1) if n < count else None,
        )
        for n in range(1, count + 1)
    )


def collation_key(text: str, language: str) -> str:
    """Alphabetical order for the site language: in Swedish å, ä, ö come after z."""
    text = text.casefold()
    if language == "sv":
        text = text.replace("å", "{").replace("ä", "|").replace("ö", "}")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def build_site_map(
    stories: Sequence[Story],
    *,
    per_page: int,
    language: str,
    topics: Topics,
    tz: dt.tzinfo = dt.UTC,
) -> SiteMap:
    """Group stories (newest first) into the front page, topic pages and the archive;
    topics names each topic (the newsroom's names, see newscli.topics), its page under the
    topics' folder in language. A story is in the archive month of its date in tz, the
    month its page shows."""
    folders = sections(language)
    topics = topics.in_section(folders.topics)
    by_topic: dict[str, list[Story]] = defaultdict(list)
    for story in stories:
        for key in dict.fromkeys(story.article.topic_keys):
            by_topic[key].append(story)
    pages = []
    for key, listed in by_topic.items():
        spelling = next(n for n in listed[0].article.topics if topic_key(n) == key)
        topic = topics.topic(spelling)
        pages.append(TopicPage(topic, tuple(listed), paginate(listed, per_page, topic.path)))
    pages.sort(key=lambda t: (collation_key(t.name, language), t.key))

    by_month: dict[tuple[int, int], list[Story]] = defaultdict(list)
    for story in stories:
        local = moment(story.article.date, tz)
        by_month[(local.year, local.month)].append(story)
    years: dict[int, list[Month]] = defaultdict(list)
    for (year, month), listed in sorted(by_month.items(), reverse=True):
        years[year].append(Month(year, month, month_path(year, month), tuple(listed)))
    return SiteMap(
        front=paginate(stories, per_page, ""),
        stories=tuple(stories),
        topics=tuple(pages),
        years=tuple(Year(year, tuple(months)) for year, months in years.items()),
        sections=folders,
    )
