"""Feeds as stories: RSS 2.0 and Atom (feedparser), JSON Feed 1.1 (json).

Each entry gives a title, a date with its offset, an author, topics from its categories, a
lead from its summary, a body from its full content (HTML made Markdown, newscli.importing.
html), the feed's name and the entry's link as its source, a photo from an enclosure or
media:content, and its guid as the key a second run finds it by. XML that declares entities
(an entity bomb) or refers to outside ones is refused before feedparser reads it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from typing import Any

from newscli.errors import NewsError
from newscli.i18n import _, number
from newscli.importing.fetch import Fetched
from newscli.importing.html import html_to_markdown, html_to_text
from newscli.importing.incoming import Incoming, IncomingPhoto, Read, Unreadable

_JSON_FEED = "https://jsonfeed.org/version/"
_IMAGE_SUFFIX = re.compile(r"\.(jpe?g|png|webp|avif|gif)$", re.IGNORECASE)
# A DTD that declares entities, in any case and in UTF-16 too (checked when the XML parser
# could not read the document at all, before the lenient parser gets it).
_ENTITY = re.compile(
    rb"<!\s*ENTITY|<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y|\x00<\x00!\x00E\x00N\x00T", re.I
)


class FeedError(NewsError):
    """A document that is not a feed newscli can read, or that it refuses to read."""


def read_feed(fetched: Fetched) -> Read:
    """The entries of an RSS, Atom or JSON feed as stories, in the feed's order; an entry that
    cannot be one is an Unreadable naming it, and the others go on. FeedError when the
    document is not a feed, or declares XML entities."""
    data = fetched.data
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _json_feed(fetched)
    refuse_entities(data, fetched.location)
    return _xml_feed(fetched)


# -- XML ---------------------------------------------------------------------------------------


def refuse_entities(data: bytes, where: str) -> None:
    """FeedError when the XML declares entities (an entity bomb, 'billion laughs') or refers
    to outside ones (a file or URL the parser would read): a feed needs neither."""
    import xml.etree.ElementTree as ElementTree

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FeedError(
            _(
                "declares XML entities or refers to outside ones ({kind}); a feed needs "
                "neither, and they can make a reader exhaust memory or read local files: not read"
            ).format(kind=type(exc).__name__),
            where,
        ) from None
    except (ElementTree.ParseError, ValueError, LookupError):
        # Not well-formed (or an encoding expat lacks): feedparser may still make sense of
        # it, but never of a document that declares entities.
        if _ENTITY.search(data):
            raise FeedError(
                _("declares XML entities, which a feed does not need; not read"), where
            ) from None


def _xml_feed(fetched: Fetched) -> Read:
    import feedparser

    headers = {"content-type": fetched.content_type} if fetched.content_type else None
    parsed = feedparser.parse(fetched.data, response_headers=headers)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or _("no RSS, Atom or JSON feed in it")
        raise FeedError(
            _("is not a feed newscli can read: {reason}").format(reason=reason), fetched.location
        )
    channel = parsed.feed
    name = _text(channel.get("title", ""), channel.get("title_detail"))
    feed_id = str(channel.get("id") or channel.get("link") or fetched.location)
    return [
        _xml_entry(entry, position, fetched.location, name, feed_id)
        for position, entry in enumerate(parsed.entries, start=1)
    ]


def _text(value: str, detail: Any) -> str:
    """A title or name as plain text (feedparser keeps HTML titles as HTML)."""
    kind = str(detail.get("type", "")) if detail else ""
    text = html_to_text(value) if "html" in kind else value
    return " ".join(text.split())


def _xml_entry(
    entry: Any, position: int, location: str, name: str, feed_id: str
) -> Incoming | Unreadable:
    title = _text(entry.get("title", ""), entry.get("title_detail"))
    where = (
        _("{location}, entry {number} {title!r}") if title else _("{location}, entry {number}")
    ).format(location=location, number=number(position), title=title[:60])
    try:
        # dict.get: feedparser's own get() answers "updated" with "published" (and warns).
        published, changed = dict.get(entry, "published"), dict.get(entry, "updated")
        date = _date(
            published or changed,
            dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed"),
        )
        updated = None
        if published and changed:
            updated = _date(changed, dict.get(entry, "updated_parsed"))
        content = entry.get("content") or []
        summary = str(entry.get("summary", ""))
        if content:
            body = html_to_markdown(str(content[0].get("value", "")))
            lead = html_to_text(summary)
        else:
            body, lead = html_to_markdown(summary), ""
        link = str(entry.get("link", ""))
        guid = str(entry.get("id") or link)
        if not title:
            return Unreadable(where, _("has no title"))
        if not guid:
            return Unreadable(where, _("has no guid or link, so a second run could not find it"))
        topics = [str(tag.get("term") or tag.get("label") or "") for tag in entry.get("tags", [])]
        return Incoming(
            where=where,
            title=title,
            date=date,
            updated=None if updated == date else updated,
            author=_author(entry),
            topics=tuple(t for t in topics if t.strip()),
            lead=lead,
            body=body,
            photo=_xml_photo(entry),
            source_name=name,
            source_url=link,
            key={"feed": feed_id, "guid": guid},
        )
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        return Unreadable(where, _("cannot be read: {reason}").format(reason=exc))


def _author(entry: Any) -> str:
    detail = entry.get("author_detail") or {}
    found = detail.get("name") or entry.get("author") or ""
    return " ".join(str(found).split())


def _is_image(kind: str, url: str) -> bool:
    if kind:
        return kind.lower().startswith("image/")
    return bool(_IMAGE_SUFFIX.search(url.split("?", 1)[0]))


def _xml_photo(entry: Any) -> IncomingPhoto | None:
    candidates: list[tuple[str, str]] = []
    for media in entry.get("media_content", []):
        medium = str(media.get("medium", ""))
        kind = "image/" if medium == "image" else str(media.get("type", ""))
        candidates.append((str(media.get("url", "")), kind))
    for enclosure in entry.get("enclosures", []):
        candidates.append((str(enclosure.get("href", "")), str(enclosure.get("type", ""))))
    for url, kind in candidates:
        if url and _is_image(kind, url):
            return IncomingPhoto(url=url)
    return None


# -- dates -------------------------------------------------------------------------------------


def _date(raw: Any, parsed: Any = None) -> dt.datetime | None:
    """A feed's date with the offset it was written with: RFC 822 (RSS) or RFC 3339 (Atom,
    JSON Feed); feedparser's own reading (in UTC) for the odd forms it knows; None if none.
    ValueError for a date that is there but cannot be read."""
    if not raw:
        return None
    text = str(raw).strip()
    value: dt.datetime | None = None
    try:
        value = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:
            value = email.utils.parsedate_to_datetime(text)
        except (ValueError, TypeError, IndexError):
            value = None
    if value is None and parsed:
        year, month, day, hour, minute, second = parsed[:6]
        value = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    if value is None:
        raise ValueError(_("its date {date!r} is not one newscli can read").format(date=text[:60]))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # RFC 822's -0000: the time is in UTC
    return value


# -- JSON Feed ---------------------------------------------------------------------------------


def _json_feed(fetched: Fetched) -> Read:
    where = fetched.location
    try:
        feed = json.loads(fetched.data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FeedError(
            _("a JSON Feed must be UTF-8 (byte {byte})").format(
                byte=f"0x{exc.object[exc.start]:02x}"
            ),
            where,
        ) from None
    except json.JSONDecodeError as exc:
        raise FeedError(_("is not valid JSON: {problem}").format(problem=exc), where) from None
    if not isinstance(feed, dict) or not str(feed.get("version", "")).startswith(_JSON_FEED):
        raise FeedError(_("is JSON but not a JSON Feed (no jsonfeed.org version)"), where)
    items = feed.get("items")
    if not isinstance(items, list):
        raise FeedError(_("is a JSON Feed without an 'items' list"), where)
    name = " ".join(str(feed.get("title", "")).split())
    feed_id = str(feed.get("feed_url") or feed.get("home_page_url") or where)
    authors = _json_authors(feed)
    return [_json_item(item, n, where, name, feed_id, authors) for n, item in enumerate(items, 1)]


def _json_authors(holder: dict[str, Any]) -> str:
    found = holder.get("authors")
    if not isinstance(found, list):
        single = holder.get("author")  # JSON Feed 1.0
        found = [single] if isinstance(single, dict) else []
    names = [str(a.get("name", "")).strip() for a in found if isinstance(a, dict)]
    return ", ".join(n for n in names if n)


def _json_item(
    item: Any, position: int, location: str, name: str, feed_id: str, feed_authors: str
) -> Incoming | Unreadable:
    place = _("{location}, item {number}").format(location=location, number=number(position))
    if not isinstance(item, dict):
        return Unreadable(place, _("is not a JSON object"))
    title = " ".join(str(item.get("title") or "").split())
    where = (
        _("{location}, item {number} {title!r}").format(
            location=location, number=number(position), title=title[:60]
        )
        if title
        else place
    )
    try:
        date = _date(item.get("date_published"))
        updated = _date(item.get("date_modified"))
        html = item.get("content_html")
        text = item.get("content_text")
        summary = str(item.get("summary") or "")
        if isinstance(html, str) and html.strip():
            body = html_to_markdown(html)
        else:
            body = _plain_paragraphs(str(text or ""))
        link = str(item.get("url") or "")
        guid = str(item.get("id") or link)
        if not title:
            return Unreadable(where, _("has no title"))
        if not guid:
            return Unreadable(where, _("has no id or url, so a second run could not find it"))
        tags = item["tags"] if isinstance(item.get("tags"), list) else []
        return Incoming(
            where=where,
            title=title,
            date=date,
            updated=None if updated == date else updated,
            author=_json_authors(item) or feed_authors,
            topics=tuple(str(t) for t in tags if isinstance(t, str) and t.strip()),
            lead=" ".join(summary.split()),
            body=body,
            photo=_json_photo(item),
            source_name=name,
            source_url=link,
            key={"feed": feed_id, "guid": guid},
        )
    except (ValueError, TypeError, AttributeError) as exc:
        return Unreadable(where, _("cannot be read: {reason}").format(reason=exc))


def _plain_paragraphs(text: str) -> str:
    """content_text as Markdown: its words, with anything Markdown would read escaped."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    from html import escape

    return html_to_markdown("".join(f"<p>{escape(p)}</p>" for p in paragraphs))


def _json_photo(item: dict[str, Any]) -> IncomingPhoto | None:
    for key in ("image", "banner_image"):
        url = item.get(key)
        if isinstance(url, str) and url:
            return IncomingPhoto(url=url)
    attachments = item.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        if isinstance(attachment, dict):
            url = str(attachment.get("url", ""))
            if url and _is_image(str(attachment.get("mime_type", "")), url):
                return IncomingPhoto(url=url)
    return None
