"""Feeds as stories: RSS 2.0 and Atom (feedparser), JSON Feed 1.1 (json).

Each entry gives a title (as its text), a date with its offset, an author, topics from its
categories, a lead from its summary, a body from its full content (HTML made Markdown,
newscli.importing.html), the feed's name and the entry's link as its source, a photo from
media:content, media:thumbnail or an enclosure with its caption and credit (media:description,
media:credit: never the body), and its guid as the key a second run finds it by. An entry with
only a summary is a draft whose lead is the summary, the full text being at its link.
Relative addresses are made absolute against the entry's link, else the feed's. XML that
declares entities (an entity bomb) or refers to outside ones is refused before feedparser
reads it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from html import escape
from typing import Any
from urllib.parse import urljoin

from newscli.errors import NewsError
from newscli.i18n import _, number
from newscli.importing.fetch import Fetched, is_url
from newscli.importing.html import html_to_markdown, html_to_text
from newscli.importing.incoming import Incoming, IncomingPhoto, Read, Unreadable

_JSON_FEED = "https://jsonfeed.org/version/"
_IMAGE_SUFFIX = re.compile(r"\.(jpe?g|png|webp|avif|gif)$", re.IGNORECASE)
# The blocks of an HTML summary: more than one, and it carries structure a plain lead would lose.
_BLOCK = re.compile(r"<(p|h[1-6]|ul|ol|blockquote|pre|table|figure|img)\b", re.IGNORECASE)
# An address's scheme ("https:", "javascript:"); an href or src without one is relative.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_RELATIVE_ATTRIBUTE = re.compile(
    r"""\b(?:href|src)\s*=\s*["']?(?![A-Za-z][A-Za-z0-9+.-]*:|#)""", re.IGNORECASE
)
# RFC 822's day, month and year, to see the year as written ("0001" is no two-digit year).
_RFC822_YEAR = re.compile(r"\b\d{1,2}\s+[A-Za-z]{3,}\.?\s+(\d{1,4})\b")
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
    start = data.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if not start:
        raise FeedError(_("is empty: there is no feed in it"), fetched.location)
    if start.startswith(b"{"):
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


def _media_words_apart() -> None:
    """feedparser reads media:description as the entry's summary (so a photo's caption became
    a story's body); keep it apart, as the words of the photo it describes."""
    from feedparser.namespaces.mediarss import Namespace

    if getattr(Namespace, "_newscli_media_words", False):
        return

    def start(parser: Any, attrs: dict[str, str]) -> None:
        parser._newscli_media_type = attrs.get("type", "plain")
        parser.push("newscli_media_description", 1)

    def end(parser: Any) -> None:
        value = parser.pop("newscli_media_description")
        if value is not None and str(value).strip():
            kind = getattr(parser, "_newscli_media_type", "plain")
            context = parser._get_context()
            context.setdefault("newscli_media_descriptions", []).append((kind, str(value)))

    Namespace._start_media_description = start
    Namespace._end_media_description = end
    Namespace._newscli_media_words = True


def _xml_feed(fetched: Fetched) -> Read:
    import feedparser

    _media_words_apart()
    headers = {"content-type": fetched.content_type} if fetched.content_type else None
    parsed = feedparser.parse(fetched.data, response_headers=headers)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        problem = parsed.get("bozo_exception")
        if not (problem and parsed.version):  # not a feed at all: no parser's words about it
            problem = _("no RSS, Atom or JSON feed in it")
        raise FeedError(
            _("is not a feed newscli can read: {reason}").format(reason=problem),
            fetched.location,
        )
    channel = parsed.feed
    name = _text(channel.get("title", ""))
    base = _feed_address(channel, fetched.location)
    feed_id = str(channel.get("id") or channel.get("link") or fetched.location)
    return [
        _xml_entry(entry, position, fetched.location, name, feed_id, base)
        for position, entry in enumerate(parsed.entries, start=1)
    ]


def _feed_address(channel: Any, location: str) -> str:
    """What relative addresses in a feed are relative to: its link (the site), itself made
    absolute against where the feed came from, or its own address (rel="self") in a file."""
    base = location if is_url(location) else ""
    if not base:
        selves = [str(link.get("href", "")) for link in channel.get("links", [])]
        rels = [str(link.get("rel", "")) for link in channel.get("links", [])]
        base = next((h for h, r in zip(selves, rels, strict=True) if r == "self" and is_url(h)), "")
    home = str(channel.get("link") or "")
    joined = _absolute(home, base) if home else base
    return joined if is_url(joined) else base


def _text(value: str) -> str:
    """A title or name as its text: feedparser keeps HTML titles as HTML, and a title that
    reads as HTML is taken as the words a reader would see ("<b>Fet</b>" is "Fet")."""
    text = html_to_text(value) if "<" in value or "&" in value else value
    return " ".join(text.split())


def _absolute(url: str, base: str) -> str:
    """url made absolute against base (an http(s) address), as it is otherwise."""
    url = url.strip()
    if not url or not base or is_url(url):
        return url
    try:
        return urljoin(base, url)
    except ValueError:
        return url


def _absolute_html(html: str, base: str) -> str:
    """The relative links and images of an HTML fragment made absolute against base (an
    address with a scheme, javascript: say, is left to the HTML reader to judge)."""
    if not base or "<" not in html or not _RELATIVE_ATTRIBUTE.search(html):
        return html
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag, attribute in (("a", "href"), ("img", "src")):
        for element in soup.find_all(tag):
            value = str(element.get(attribute) or "").strip()
            if value and not _SCHEME.match(value) and not value.startswith("#"):
                element[attribute] = _absolute(value, base)
    return str(soup)


def _is_full_text(html: str) -> bool:
    """A summary with more than one block (paragraphs, a heading, a list …) carries structure
    a one-line lead would lose: it is kept as a body too."""
    return len(_BLOCK.findall(html)) > 1


def _xml_entry(
    entry: Any, position: int, location: str, name: str, feed_id: str, base: str
) -> Incoming | Unreadable:
    title = _text(str(entry.get("title", "")))
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
        link = _absolute(str(entry.get("link", "")), base)
        here = link if is_url(link) else base
        content = entry.get("content") or []
        summary = _absolute_html(str(entry.get("summary", "")), here)
        status = ""
        note = ""
        if content:
            body = html_to_markdown(_absolute_html(str(content[0].get("value", "")), here))
            lead = _lead(summary, link)
        else:
            body, lead, status, note = _only_a_summary(summary, link)
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
            status=status,
            photo=_xml_photo(entry, here),
            source_name=name,
            source_url=link,
            source_note=note,
            key={"feed": feed_id, "guid": guid},
        )
    except (ValueError, TypeError, AttributeError, KeyError, OverflowError) as exc:
        return Unreadable(where, _("cannot be read: {reason}").format(reason=exc))


def _lead(summary: str, link: str) -> str:
    """A summary as a lead: its text, without the link back to the story it ends with
    ("Continue reading…", "Läs mer"), which a lead on the story itself does not need."""
    if link and "<a" in summary:
        back = re.compile(
            r"\s*<a\b[^>]*\bhref\s*=\s*[\"']?" + re.escape(escape(link)) + r"[\"'\s>][^<]*</a>\s*$",
            re.IGNORECASE,
        )
        summary = back.sub("", summary.strip())
    return html_to_text(summary)


def _only_a_summary(summary: str, link: str) -> tuple[str, str, str, str]:
    """An entry without its full text: (body, lead, status, note). A draft whose lead is the
    summary (whose body too, when the summary has structure a lead would lose), with a note
    that the full text is at the link."""
    if not summary.strip():
        return "", "", "", ""
    note = (
        _("the feed gave only a summary; the full text is at {url}").format(url=link)
        if link
        else _("the feed gave only a summary")
    )
    if _is_full_text(summary):
        return html_to_markdown(summary), "", "draft", note
    return "", _lead(summary, link), "draft", note


def _author(entry: Any) -> str:
    detail = entry.get("author_detail") or {}
    found = detail.get("name") or entry.get("author") or ""
    return " ".join(str(found).split())


def _is_image(kind: str, url: str) -> bool:
    if kind:
        return kind.lower().startswith("image/")
    return bool(_IMAGE_SUFFIX.search(url.split("?", 1)[0]))


def _xml_photo(entry: Any, base: str) -> IncomingPhoto | None:
    """The entry's photo: an image media:content, else an image enclosure, else its
    media:thumbnail; with its caption (media:description) and credit (media:credit)."""
    candidates: list[tuple[str, str]] = []
    for media in entry.get("media_content", []):
        medium = str(media.get("medium", ""))
        kind = "image/" if medium == "image" else str(media.get("type", ""))
        candidates.append((str(media.get("url", "")), kind))
    for enclosure in entry.get("enclosures", []):
        candidates.append((str(enclosure.get("href", "")), str(enclosure.get("type", ""))))
    for thumbnail in entry.get("media_thumbnail", []):
        candidates.append((str(thumbnail.get("url", "")), "image/"))
    for url, kind in candidates:
        if url and _is_image(kind, url):
            return IncomingPhoto(
                url=_absolute(url, base), caption=_caption(entry), credit=_credit(entry)
            )
    return None


def _caption(entry: Any) -> str:
    for kind, value in entry.get("newscli_media_descriptions", []):
        text = html_to_text(value) if "html" in str(kind).lower() else value
        if text.strip():
            return " ".join(text.split())
    return ""


def _credit(entry: Any) -> str:
    names = [str(credit.get("content", "")) for credit in entry.get("media_credit", [])]
    return ", ".join(dict.fromkeys(" ".join(n.split()) for n in names if n.strip()))


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
            value = _rfc822(text)
        except (ValueError, TypeError, IndexError, OverflowError):
            value = None
    if value is None and parsed:
        year, month, day, hour, minute, second = parsed[:6]
        value = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    if value is None:
        raise ValueError(_("its date {date!r} is not one newscli can read").format(date=text[:60]))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)  # RFC 822's -0000: the time is in UTC
    return value


def _rfc822(text: str) -> dt.datetime:
    """An RFC 822 date with its year as written: the email module reads every year below
    100 as 19xx or 20xx, right for "22" and wrong for "0001"."""
    value = email.utils.parsedate_to_datetime(text)
    written = _RFC822_YEAR.search(text)
    if written and len(written[1]) > 2 and int(written[1]) != value.year:
        value = value.replace(year=int(written[1]))
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
    except RecursionError:
        raise FeedError(_("is JSON nested deeper than any feed is; not read"), where) from None
    if not isinstance(feed, dict) or not str(feed.get("version", "")).startswith(_JSON_FEED):
        raise FeedError(_("is JSON but not a JSON Feed (no jsonfeed.org version)"), where)
    items = feed.get("items")
    if not isinstance(items, list):
        raise FeedError(_("is a JSON Feed without an 'items' list"), where)
    name = " ".join(str(feed.get("title", "")).split())
    feed_id = str(feed.get("feed_url") or feed.get("home_page_url") or where)
    base = where if is_url(where) else ""
    for address in (feed.get("feed_url"), feed.get("home_page_url")):
        if isinstance(address, str) and is_url(address):
            base = address
    authors = _json_authors(feed)
    return [
        _json_item(item, n, where, name, feed_id, authors, base) for n, item in enumerate(items, 1)
    ]


def _json_authors(holder: dict[str, Any]) -> str:
    found = holder.get("authors")
    if not isinstance(found, list):
        single = holder.get("author")  # JSON Feed 1.0
        found = [single] if isinstance(single, dict) else []
    names = [str(a.get("name", "")).strip() for a in found if isinstance(a, dict)]
    return ", ".join(n for n in names if n)


def _json_item(
    item: Any,
    position: int,
    location: str,
    name: str,
    feed_id: str,
    feed_authors: str,
    base: str,
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
        link = _absolute(str(item.get("url") or ""), base)
        here = link if is_url(link) else base
        html = item.get("content_html")
        text = item.get("content_text")
        summary = str(item.get("summary") or "")
        lead = " ".join(summary.split())
        status = note = ""
        if isinstance(html, str) and html.strip():
            body = html_to_markdown(_absolute_html(html, here))
        elif isinstance(text, str) and text.strip():
            body = _plain_paragraphs(text)
        else:  # only a summary (JSON Feed's summary is plain text)
            body, _lead, status, note = _only_a_summary(escape(summary), link)
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
            lead=lead,
            body=body,
            status=status,
            photo=_json_photo(item, here),
            source_name=name,
            source_url=link,
            source_note=note,
            key={"feed": feed_id, "guid": guid},
        )
    except RecursionError:
        return Unreadable(where, _("is nested deeper than any feed item is"))
    except (ValueError, TypeError, AttributeError, OverflowError) as exc:
        return Unreadable(where, _("cannot be read: {reason}").format(reason=exc))


def _plain_paragraphs(text: str) -> str:
    """content_text as Markdown: its words, with anything Markdown would read escaped."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    return html_to_markdown("".join(f"<p>{escape(p)}</p>" for p in paragraphs))


def _json_photo(item: dict[str, Any], base: str) -> IncomingPhoto | None:
    for key in ("image", "banner_image"):
        url = item.get(key)
        if isinstance(url, str) and url:
            return IncomingPhoto(url=_absolute(url, base))
    attachments = item.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        if isinstance(attachment, dict):
            url = str(attachment.get("url", ""))
            if url and _is_image(str(attachment.get("mime_type", "")), url):
                return IncomingPhoto(url=_absolute(url, base))
    return None
