"""The Article model: typed fields over the front matter, validation, no I/O."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from newscli.i18n import _, number
from newscli.markdown import plain_text
from newscli.slugs import is_valid_slug
from newscli.text import clean_line, has_control
from newscli.topics import dedupe_topics, topic_key

STATUSES = ("draft", "published", "withdrawn")
REQUIRED = ("id", "title", "slug", "date")
# Canonical key order for rewrites; keys newscli does not know follow, in their own order.
KEY_ORDER = (
    "id",
    "title",
    "slug",
    "date",
    "updated",
    "expires",
    "status",
    "withdrawn",
    "withdrawn_reason",
    "review_by",
    "author",
    "topics",
    "teaser",
)
# The moments of a story's life besides its date (see newscli.lifecycle).
LIFE_DATES = ("expires", "withdrawn", "review_by")
# Every topic gets a page listing its stories, each with all its topics: a story with
# thousands of topics would make the site grow with the square of that number.
MAX_TOPICS = 100


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an article, tied to the front-matter key it is about."""

    key: str
    message: str


class InvalidArticle(ValueError):
    """The front matter does not describe a valid article."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Image:
    src: str
    alt: str = ""
    caption: str = ""
    credit: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Source:
    name: str = ""
    url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Summary:
    """A story as listings show it: its front matter, its file and its lead, not its body.

    The catalog answers listings with summaries (from the index, without reading a file);
    an Article is a Summary with its body.
    """

    id: str
    title: str
    slug: str
    date: dt.datetime
    updated: dt.datetime | None = None
    status: str = "draft"
    author: str = ""
    topics: tuple[str, ...] = ()
    teaser: str | None = None
    image: Image | None = None
    source: Source | None = None
    # A story's life (newscli.lifecycle): off every public output from expires on; when
    # withdrawn (status "withdrawn"), why; when its review is due.
    expires: dt.datetime | None = None
    withdrawn: dt.datetime | None = None
    withdrawn_reason: str = ""
    review_by: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    path: PurePosixPath | None = None
    # What readers see as the story's lead, as one line of plain text: the teaser, or the
    # body's first paragraph with its Markdown rendered to text.
    lead: str = ""

    @property
    def published(self) -> bool:
        return self.status == "published"

    @property
    def topic_keys(self) -> tuple[str, ...]:
        return tuple(topic_key(t) for t in self.topics)

    @property
    def last_change(self) -> dt.datetime:
        return self.updated or self.date


@dataclass(frozen=True, slots=True)
class Article(Summary):
    """One news story; extra holds the front-matter keys newscli does not know, untouched."""

    lead: str = field(init=False, default="")
    body: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "lead", lead_of(self.teaser, self.body))

    @property
    def lead_markdown(self) -> str | None:
        """The lead as Markdown when it is the body's first paragraph; None for a teaser."""
        return None if self.teaser is not None else first_paragraph(self.body)

    @property
    def story(self) -> str:
        """The body to show under the lead: without the paragraph that is the lead, if it came from there."""
        if self.teaser is not None:
            return self.body
        blocks = self.body.strip("\n").split("\n\n")
        index = _lead_block(blocks)
        if index is None:
            return self.body
        return "\n\n".join(blocks[:index] + blocks[index + 1 :])

    def summary(self) -> Summary:
        """The article without its body."""
        values = {name: getattr(self, name) for name in Summary.__dataclass_fields__}
        return Summary(**values)


@dataclass(frozen=True)
class Rewrite:
    """What an edit makes of one article: the front-matter keys to set, and how the change
    reads to people (`before → after`)."""

    values: dict[str, Any]
    before: tuple[str, ...]
    after: tuple[str, ...]


# An edit of any front-matter keys, None when the article is already as wanted: tag's
# topic edits and the life-cycle edits, applied by the one runner in newscli.tagging.
ArticleEdit = Callable[[Article], Rewrite | None]


def lead_of(teaser: str | None, body: str) -> str:
    """The lead readers see: the teaser as written, else the body's first paragraph as text."""
    if teaser is not None:
        return " ".join(teaser.split())
    return plain_text(first_paragraph(body))


def first_paragraph(body: str) -> str:
    """The first block of text in Markdown, skipping headings and photos alone, each line's
    spaces tidied (its line breaks kept: joined, a hard break `\\` would show as a backslash)."""
    blocks = body.strip("\n").split("\n\n")
    index = _lead_block(blocks)
    if index is None:
        return ""
    return "\n".join(" ".join(line.split()) for line in blocks[index].strip().split("\n"))


def _lead_block(blocks: list[str]) -> int | None:
    """Which block of a body is its lead: the first a reader reads as text, not a heading
    nor a photo alone (a story that opens with its photo has its lead below it)."""
    for index, block in enumerate(blocks):
        block = block.strip()
        if not block or block.startswith("#"):
            continue
        if block.startswith(("![", "[![", "<")) and not plain_text(block):
            continue  # only a photo (or markup) shows here: no words to lead with
        return index
    return None


def _as_datetime(value: Any, tz: ZoneInfo) -> dt.datetime | None:
    """A TOML date or date-time as an aware datetime; dates without offset take tz."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=tz)
    return None


def _in_range(value: dt.datetime) -> bool:
    """True when the moment can be written in UTC, as feeds and sorting need (years 1–9999)."""
    try:
        value.astimezone(dt.UTC)
    except OverflowError:
        return False
    return True


def _text(
    meta: dict[str, Any], key: str, problems: list[Problem], *, required: bool = False
) -> str:
    value = meta.get(key)
    if value is None:
        if required:
            problems.append(Problem(key, _("missing required field '{key}'").format(key=key)))
        return ""
    if not isinstance(value, str):
        problems.append(
            Problem(
                key,
                _("'{key}' must be a string, not {type}").format(
                    key=key, type=type(value).__name__
                ),
            )
        )
        return ""
    value = clean_line(value)
    if required and not value.strip():
        problems.append(Problem(key, _("'{key}' is empty").format(key=key)))
    return value


def _table(
    meta: dict[str, Any], key: str, known: tuple[str, ...], problems: list[Problem]
) -> dict[str, Any] | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.append(Problem(key, _("'{key}' must be a table ([{key}])").format(key=key)))
        return None
    for name in known:
        if name in value and not isinstance(value[name], str):
            problems.append(
                Problem(key, _("'{key}.{name}' must be a string").format(key=key, name=name))
            )
            return None
    return {k: clean_line(v) if k in known else v for k, v in value.items()}


# The text fields of the front matter, as (key, key inside its table or None).
TEXT_FIELDS = (
    ("id", None),
    ("title", None),
    ("author", None),
    ("teaser", None),
    ("withdrawn_reason", None),
    *(("image", name) for name in ("src", "alt", "caption", "credit")),
    *(("source", name) for name in ("name", "url")),
)


def control_warnings(meta: dict[str, Any]) -> list[Problem]:
    """A warning for each text field that holds line breaks or control characters (text
    pasted from Word or the web): newscli shows them as spaces or leaves them out."""
    found = []
    for key, name in TEXT_FIELDS:
        value = meta.get(key)
        if name is not None:
            value = value.get(name) if isinstance(value, dict) else None
        if isinstance(value, str) and has_control(value):
            field = key if name is None else f"{key}.{name}"
            found.append(
                Problem(
                    key,
                    _(
                        "'{field}' holds line breaks or control characters (from Word or a web "
                        "page?); they are shown as spaces or left out"
                    ).format(field=field),
                )
            )
    return found


def from_meta(
    meta: dict[str, Any], body: str, tz: ZoneInfo, path: PurePosixPath | None = None
) -> Article:
    """Build an Article from parsed front matter, or raise InvalidArticle with every problem."""
    return Article(**_fields(meta, tz, path), body=body)


def summary_from_meta(
    meta: dict[str, Any], lead: str, tz: ZoneInfo, path: PurePosixPath | None = None
) -> Summary:
    """A Summary from front matter and the lead the index keeps; as strict as from_meta."""
    return Summary(**_fields(meta, tz, path), lead=lead)


def summary_from_index(meta: dict[str, Any], lead: str, path: PurePosixPath) -> Summary:
    """A Summary from front matter the index stored: to_meta of an article that passed
    from_meta, so it is built without validating it again (a tenth of the cost, which a
    site of 100 000 stories pays once per story)."""
    image = meta.get("image")
    source = meta.get("source")
    known = set(KEY_ORDER) | {"image", "source"}
    return Summary(
        id=meta["id"],
        title=meta["title"],
        slug=meta["slug"],
        date=meta["date"],
        updated=meta.get("updated"),
        status=meta["status"],
        author=meta.get("author", ""),
        topics=tuple(meta.get("topics", ())),
        teaser=meta.get("teaser"),
        image=None if image is None else _image(image),
        source=None if source is None else _source(source),
        expires=meta.get("expires"),
        withdrawn=meta.get("withdrawn"),
        withdrawn_reason=meta.get("withdrawn_reason", ""),
        review_by=meta.get("review_by"),
        extra={k: v for k, v in meta.items() if k not in known},
        path=path,
        lead=lead,
    )


def _image(table: dict[str, Any]) -> Image:
    known = ("src", "alt", "caption", "credit")
    return Image(
        src=table["src"],
        alt=table.get("alt", ""),
        caption=table.get("caption", ""),
        credit=table.get("credit", ""),
        extra={k: v for k, v in table.items() if k not in known},
    )


def _source(table: dict[str, Any]) -> Source:
    return Source(
        name=table.get("name", ""),
        url=table.get("url", ""),
        extra={k: v for k, v in table.items() if k not in ("name", "url")},
    )


def _fields(meta: dict[str, Any], tz: ZoneInfo, path: PurePosixPath | None) -> dict[str, Any]:
    problems: list[Problem] = []
    article_id = _text(meta, "id", problems, required=True)
    title = _text(meta, "title", problems, required=True)
    slug = _text(meta, "slug", problems, required=True)
    if slug and not is_valid_slug(slug):
        problems.append(
            Problem(
                "slug",
                _("slug {slug} must be lower-case letters, digits and '-', at most 80").format(
                    slug=repr(slug)
                ),
            )
        )
    dates: dict[str, dt.datetime | None] = {}
    for key in ("date", "updated", *LIFE_DATES):
        raw = meta.get(key)
        value = dates[key] = _as_datetime(raw, tz)
        if raw is None:
            if key == "date":
                problems.append(Problem(key, _("missing required field '{key}'").format(key=key)))
        elif value is None:
            problems.append(
                Problem(
                    key,
                    _(
                        "'{key}' must be a TOML date-time like 2021-11-23T14:00:00+01:00, "
                        "not {value}"
                    ).format(key=key, value=repr(raw)),
                )
            )
        elif not _in_range(value):
            problems.append(
                Problem(
                    key,
                    _("'{key}' {value} is out of range (years 1–9999 in UTC)").format(
                        key=key, value=raw
                    ),
                )
            )
    status = meta.get("status", "draft")
    if status not in STATUSES:
        problems.append(
            Problem(
                "status",
                _("unknown status {status} (use draft, published or withdrawn)").format(
                    status=repr(status)
                ),
            )
        )
    withdrawn_reason = _text(meta, "withdrawn_reason", problems)
    author = _text(meta, "author", problems)
    topics_raw = meta.get("topics", [])
    if not isinstance(topics_raw, list) or not all(isinstance(t, str) for t in topics_raw):
        problems.append(Problem("topics", _("'topics' must be a list of strings")))
        topics_raw = []
    elif len(topics_raw) > MAX_TOPICS:
        problems.append(
            Problem(
                "topics",
                _("'topics' has {count} topics; at most {limit}").format(
                    count=number(len(topics_raw)), limit=number(MAX_TOPICS)
                ),
            )
        )
    teaser = _text(meta, "teaser", problems) if "teaser" in meta else None
    image_table = _table(meta, "image", ("src", "alt", "caption", "credit"), problems)
    if image_table is not None and not image_table.get("src"):
        problems.append(Problem("image", _("'image.src' is missing")))

        image_table = None
    source_table = _table(meta, "source", ("name", "url"), problems)
    if problems:
        raise InvalidArticle(problems)
    image = None if image_table is None else _image(image_table)
    source = None if source_table is None else _source(source_table)
    date = dates["date"]
    assert date is not None
    known = set(KEY_ORDER) | {"image", "source"}
    return dict(
        id=article_id,
        title=title,
        slug=slug,
        date=date,
        updated=dates["updated"],
        status=status,
        author=author,
        topics=tuple(dedupe_topics(topics_raw)),
        teaser=teaser,
        image=image,
        source=source,
        expires=dates["expires"],
        withdrawn=dates["withdrawn"],
        withdrawn_reason=withdrawn_reason,
        review_by=dates["review_by"],
        extra={k: v for k, v in meta.items() if k not in known},
        path=path,
    )


def _writable(moment: dt.datetime) -> dt.datetime:
    """The moment as TOML can write it: an offset with seconds (a zone's local mean time
    before about 1900, such as +01:12:12) has no TOML form, so such a moment is kept in UTC."""
    offset = moment.utcoffset()
    if offset is not None and offset.seconds % 60:
        with contextlib.suppress(OverflowError):  # year 1: from_meta refuses it anyway
            return moment.astimezone(dt.UTC)
    return moment


def to_meta(article: Summary) -> dict[str, Any]:
    """The front matter of an article in canonical key order, unknown keys kept."""
    meta: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "slug": article.slug,
        "date": _writable(article.date),
    }
    if article.updated is not None:
        meta["updated"] = _writable(article.updated)
    if article.expires is not None:
        meta["expires"] = _writable(article.expires)
    meta["status"] = article.status
    if article.withdrawn is not None:
        meta["withdrawn"] = _writable(article.withdrawn)
    if article.withdrawn_reason:
        meta["withdrawn_reason"] = article.withdrawn_reason
    if article.review_by is not None:
        meta["review_by"] = _writable(article.review_by)
    if article.author:
        meta["author"] = article.author
    meta["topics"] = list(article.topics)
    if article.teaser is not None:
        meta["teaser"] = article.teaser
    meta.update(article.extra)
    if article.image is not None:
        image = {
            "src": article.image.src,
            "alt": article.image.alt,
            "caption": article.image.caption,
            "credit": article.image.credit,
        }
        meta["image"] = {k: v for k, v in image.items() if v} | article.image.extra
    if article.source is not None:
        source = {"name": article.source.name, "url": article.source.url}
        meta["source"] = {k: v for k, v in source.items() if v} | article.source.extra
    return meta


def is_safe_relative(path: str) -> bool:
    """True for a relative path that stays inside its folder (no '..', no absolute path) and
    that no browser reads as a URL (a ':' before the first '/' would make 'javascript:x.jpg'
    a scheme)."""
    pure = PurePosixPath(path)
    return (
        not pure.is_absolute()
        and ".." not in pure.parts
        and "\\" not in path
        and ":" not in path.split("/", 1)[0]
    )
