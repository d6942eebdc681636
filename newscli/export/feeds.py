"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 from articles already chosen: rendering only, no I/O.

The XML is built from strings by one function, `_element`, that escapes every value; see
docs/architecture.md for why this is kept instead of a serializer.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from html import escape as html_escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape as xml_escape

from newscli.article import Article, Summary
from newscli.config import Site
from newscli.errors import ConfigError, NewsError
from newscli.export.urls import article_path, public_url, valid_url
from newscli.i18n import _, ngettext, number
from newscli.labels import label, moment
from newscli.markdown import absolute_url, render_markdown
from newscli.topics import Topic, Topics

if TYPE_CHECKING:
    from newscli.export.images import FeedPhoto

PhotoOf = Callable[[Summary], "FeedPhoto | None"]

FEED_FILES = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json"}
# No version number: a new newscli release must not change feeds whose articles did not change.
GENERATOR = "newscli"

# Characters XML 1.0 (section 2.2) does not allow anywhere in a document.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The RSS Profile asks for hexadecimal references in plain-text elements: the form the
# widest range of aggregators reads back as text rather than markup.
_RSS_PLAIN = str.maketrans({"&": "&#x26;", "<": "&#x3C;", ">": "&#x3E;"})
_ATTRIBUTE = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
# "Name <address>": an author with an e-mail address, as mail programs write one.
_NAME_AND_EMAIL = re.compile(r"\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s@]+@[^<>\s@]+)>\s*")
# Atom ids must be IRIs; an article id that is not a UUID gets a stable one derived from it.
_ID_NAMESPACE = uuid.UUID("6f1c0e7a-3f0e-5b8e-9d43-6e657773636c")
_IMAGE_TYPES = {
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}
_RSS_NAMESPACES = (
    ' xmlns:atom="http://www.w3.org/2005/Atom"'
    ' xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
    ' xmlns:media="http://search.yahoo.com/mrss/"'
)


@dataclass(frozen=True)
class FeedSpec:
    """Which feed to render: its own address, the page it is the feed of, its title."""

    kind: str  # "rss" | "atom" | "json"
    feed_url: str  # absolute public URL of this feed (self link)
    title: str  # channel title (site.title, or "Ämnen: X – site.title" for a topic)
    full: bool = False
    home_url: str = ""  # the page (channel link); "" for the folder of feed_url


# -- where feeds live and what they hold ----------------------------------------------


def require_base_url(site: Site) -> str:
    """site.base_url ending in '/', or ConfigError saying what to set: feeds need absolute links."""
    if not site.base_url:
        raise ConfigError(
            _(
                "feeds need absolute links: set base_url under [site] in newscli.toml "
                '(for example base_url = "https://www.example.se/aktuellt/"), or pass --base-url'
            )
        )
    base = valid_url(site.base_url)
    return base if base.endswith("/") else base + "/"


def feed_path(kind: str, topic: Topic | None = None) -> str:
    """Where a feed lives under base_url: 'rss.xml', or 'topics/<key>/rss.xml' for a topic."""
    return (topic.path if topic else "") + FEED_FILES[kind]


def author_parts(author: str) -> tuple[str, str | None]:
    """An author as its name and e-mail address: 'Anna <anna@x.se>' is ('Anna', 'anna@x.se'),
    anything else is a name alone. Formats without an e-mail field show the name alone."""
    found = _NAME_AND_EMAIL.fullmatch(author)
    if found is None:
        return author, None
    return found["name"] or found["email"], found["email"]


def author_name(author: str) -> str:
    """The author's name without an e-mail address, for pages and feeds that have no field
    for one."""
    return author_parts(author)[0]


def feed_title(site: Site, topic: Topic | None = None) -> str:
    """The site title, or 'Ämnen: Familjefrågor – <site title>' for a topic's feed."""
    if not topic:
        return site.title
    return f"{label(site.language, 'topics')} {topic.name} – {site.title}"


def feed_spec(
    site: Site,
    kind: str,
    *,
    topic: Topic | None = None,
    full: bool = False,
    name: str | None = None,
) -> FeedSpec:
    """The spec of the site's feed of one kind, or of one topic's feed. name is the file
    the feed is written to elsewhere (-o FILE): published as base_url + name, its own
    address is that (its page is still the site's or the topic's)."""
    base = require_base_url(site)
    url = base + (quote(name) if name else feed_path(kind, topic))
    home = base + (topic.path if topic else "")
    return FeedSpec(kind, url, feed_title(site, topic), full, home)


# -- the parts of an item every format shares ---------------------------------------


@dataclass(frozen=True)
class _Photo:
    url: str
    type: str | None
    length: int | None  # bytes, known when the file is in the newsroom


@dataclass(frozen=True)
class _Item:
    article: Summary
    date: dt.datetime  # the article's dates in the newsroom's timezone
    last_change: dt.datetime
    url: str
    content_html: str | None
    photo: _Photo | None
    topics: tuple[str, ...]  # the newsroom's names of the article's topics


def _photo(article: Summary, base: str, photo_of: PhotoOf) -> _Photo | None:
    found = photo_of(article)
    if found is None:
        return None
    url = public_url(base, found.url)
    kind = found.type or _IMAGE_TYPES.get(Path(urlsplit(found.url).path).suffix.lower())
    return _Photo(url, kind, found.length)


def _story_html(article: Article, site: Site, base: str) -> str:
    """The lead and the story as HTML, links and images absolute, for readers showing it alone."""
    body = render_markdown(
        article.body, allow_html=site.allow_html, rewrite_url=lambda url: absolute_url(base, url)
    ).rstrip("\n")
    if article.teaser is None:
        # The lead is the body's first paragraph: the body already starts with it.
        return body
    lead = f"<p>{html_escape(article.lead, quote=False)}</p>"
    return f"{lead}\n{body}" if body else lead


def _items(
    articles: Sequence[Summary],
    site: Site,
    spec: FeedSpec,
    base: str,
    photo_of: PhotoOf,
    topics: Topics,
) -> list[_Item]:
    return [
        _Item(
            article=a,
            date=moment(a.date, site.tz),
            last_change=moment(a.last_change, site.tz),
            url=base + article_path(a),
            # A summary has no body (a broken file's last good version): sent without it.
            content_html=_story_html(a, site, base)
            if spec.full and isinstance(a, Article)
            else None,
            photo=_photo(a, base, photo_of),
            topics=topics.names(a.topics),
        )
        for a in articles
    ]


# Dates reach here in the newsroom's timezone (labels.moment), as the site shows them.
def _rfc822(when: dt.datetime) -> str:
    return format_datetime(when)


def _rfc3339(when: dt.datetime) -> str:
    return when.isoformat()


def _newest_change(items: Sequence[_Item]) -> dt.datetime | None:
    return max((i.last_change for i in items), default=None)


def _home_url(spec: FeedSpec) -> str:
    return spec.home_url or spec.feed_url.rsplit("/", 1)[0] + "/"


def check_unique_ids(articles: Iterable[tuple[str, str]]) -> None:
    """NewsError naming both files when two articles (id, path) have one id (a copied
    file): a feed would carry one guid twice, and readers drop or merge such stories
    without a word."""
    seen: dict[str, str] = {}
    clashes = []
    for article_id, path in sorted(articles, key=lambda pair: pair[1]):
        # As Atom writes it: a UUID in capitals is the same id.
        first = seen.setdefault(_atom_id(article_id), path)
        if first != path:
            clashes.append(
                _("{id} in {first} and {second}").format(
                    id=repr(article_id), first=first, second=path
                )
            )
    if clashes:
        shown = "; ".join(clashes[:5])
        if len(clashes) > 5:
            more = len(clashes) - 5
            shown = ngettext("{clashes} (and {n} more)", "{clashes} (and {n} more)", more).format(
                clashes=shown, n=number(more)
            )
        raise NewsError(
            _(
                "two story files have the same id: {clashes}; give the copy an id of its own "
                "(a new UUID) and export again; nothing was written"
            ).format(clashes=shown)
        )


def _atom_id(article_id: str) -> str:
    try:
        return uuid.UUID(article_id).urn
    except ValueError:
        return uuid.uuid5(_ID_NAMESPACE, article_id).urn


# -- XML ----------------------------------------------------------------------------


def _rss_plain(text: str) -> str:
    return text.translate(_RSS_PLAIN)


def _element(
    name: str,
    text: str | None = None,
    attributes: Iterable[tuple[str, str]] = (),
    escape: Callable[[str], str] = xml_escape,
) -> str:
    attrs = "".join(f' {key}="{xml_escape(value, _ATTRIBUTE)}"' for key, value in attributes)
    if text is None:
        return f"<{name}{attrs}/>"
    return f"<{name}{attrs}>{escape(text)}</{name}>"


def _xml_document(root_open: str, children: list[str], root_close: str) -> str:
    # Forbidden characters cannot be part of the markup itself, so removing them from the
    # finished document removes them from every text and attribute value.
    text = "\n".join(['<?xml version="1.0" encoding="utf-8"?>', root_open, *children, root_close])
    return _NOT_XML.sub("", text) + "\n"


def _indent(lines: Iterable[str], depth: int) -> list[str]:
    return ["  " * depth + line for line in lines]


def _rss_item(item: _Item) -> list[str]:
    article = item.article
    lines = [
        _element("title", article.title, escape=_rss_plain),
        _element("link", item.url),
        _element("guid", article.id, [("isPermaLink", "false")]),
        _element("pubDate", _rfc822(item.date)),
    ]
    if article.author:
        lines.append(_element("dc:creator", author_name(article.author), escape=_rss_plain))
    lines.extend(_element("category", topic, escape=_rss_plain) for topic in item.topics)
    if article.lead:
        # description holds HTML (RSS Profile): the plain-text lead is escaped as HTML first.
        lines.append(_element("description", html_escape(article.lead, quote=False)))
    if item.content_html is not None:
        lines.append(_element("content:encoded", item.content_html))
    photo = item.photo
    if photo is not None and photo.length is not None:
        kind = photo.type or "application/octet-stream"  # enclosure requires a type
        attrs = [("url", photo.url), ("length", str(photo.length)), ("type", kind)]
        lines.append(_element("enclosure", None, attrs))
    elif photo is not None:
        attrs = [("url", photo.url), ("medium", "image")]
        lines.append(_element("media:content", None, attrs + _type_attr(photo)))
    return lines


def _type_attr(photo: _Photo) -> list[tuple[str, str]]:
    return [("type", photo.type)] if photo.type else []


def _rss(items: list[_Item], site: Site, spec: FeedSpec) -> str:
    channel = [
        _element("title", spec.title, escape=_rss_plain),
        _element("link", _home_url(spec)),
        _element("description", site.description or spec.title, escape=_rss_plain),
        _element("language", site.language),
    ]
    newest = _newest_change(items)
    if newest is not None:
        channel.append(_element("lastBuildDate", _rfc822(newest)))
    channel.append(_element("generator", GENERATOR))
    self_link = [("href", spec.feed_url), ("rel", "self"), ("type", "application/rss+xml")]
    channel.append(_element("atom:link", None, self_link))
    for item in items:
        channel.extend(["<item>", *_indent(_rss_item(item), 1), "</item>"])
    body = ["  <channel>", *_indent(channel, 2), "  </channel>"]
    return _xml_document(f'<rss version="2.0"{_RSS_NAMESPACES}>', body, "</rss>")


def _atom_author(author: str) -> list[str]:
    name, email = author_parts(author)
    lines = ["<author>", "  " + _element("name", name)]
    if email is not None:
        lines.append("  " + _element("email", email))
    return [*lines, "</author>"]


def _atom_entry(item: _Item) -> list[str]:
    article = item.article
    lines = [
        _element("title", article.title),
        _element("link", None, [("href", item.url), ("rel", "alternate"), ("type", "text/html")]),
        _element("id", _atom_id(article.id)),
        _element("published", _rfc3339(item.date)),
        _element("updated", _rfc3339(item.last_change)),
    ]
    if article.author:
        lines.extend(_atom_author(article.author))
    lines.extend(_element("category", None, [("term", topic)]) for topic in item.topics)
    if article.lead:
        # As HTML, escaped (as RSS's description): readers that take any summary for HTML
        # then show the very text, never markup it seems to hold.
        lead = html_escape(article.lead, quote=False)
        lines.append(_element("summary", lead, [("type", "html")]))
    if item.content_html is not None:
        lines.append(_element("content", item.content_html, [("type", "html")]))
    photo = item.photo
    if photo is not None:
        attrs = [("href", photo.url), ("rel", "enclosure"), *_type_attr(photo)]
        if photo.length is not None:
            attrs.append(("length", str(photo.length)))
        lines.append(_element("link", None, attrs))
    return lines


def _atom(items: list[_Item], site: Site, spec: FeedSpec) -> str:
    # An empty feed still needs <updated>; the epoch keeps it free of the clock.
    newest = _newest_change(items) or dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    feed = [_element("title", spec.title)]
    if site.description:
        feed.append(_element("subtitle", site.description))
    feed += [
        _element(
            "link", None, [("href", _home_url(spec)), ("rel", "alternate"), ("type", "text/html")]
        ),
        _element(
            "link",
            None,
            [("href", spec.feed_url), ("rel", "self"), ("type", "application/atom+xml")],
        ),
        _element("id", spec.feed_url),
        _element("updated", _rfc3339(newest)),
        # Entries without an author of their own inherit this one (RFC 4287, 4.1.2).
        *_atom_author(site.default_author or site.title),
        _element("generator", GENERATOR),
    ]
    for item in items:
        feed.extend(["<entry>", *_indent(_atom_entry(item), 1), "</entry>"])
    root = f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{xml_escape(site.language)}">'
    return _xml_document(root, _indent(feed, 1), "</feed>")


# -- JSON Feed ----------------------------------------------------------------------


def _json_item(item: _Item) -> dict[str, Any]:
    article = item.article
    entry: dict[str, Any] = {"id": article.id, "url": item.url, "title": article.title}
    # Every item needs content_html or content_text (JSON Feed 1.1, items).
    if item.content_html is not None:
        entry["content_html"] = item.content_html
    else:
        entry["content_text"] = article.lead
    if article.lead:
        entry["summary"] = article.lead
    if item.photo is not None:
        entry["image"] = item.photo.url
    entry["date_published"] = _rfc3339(item.date)
    entry["date_modified"] = _rfc3339(item.last_change)
    if article.author:
        entry["authors"] = [{"name": author_name(article.author)}]
    if item.topics:
        entry["tags"] = list(item.topics)
    return entry


def _without_forbidden(value: Any) -> Any:
    """The same characters as the XML feeds carry: control characters removed."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {key: _without_forbidden(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_without_forbidden(inner) for inner in value]
    return value


def _json(items: list[_Item], site: Site, spec: FeedSpec) -> str:
    feed: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": spec.title,
        "home_page_url": _home_url(spec),
        "feed_url": spec.feed_url,
    }
    if site.description:
        feed["description"] = site.description
    feed["language"] = site.language
    feed["authors"] = [{"name": author_name(site.default_author or site.title)}]
    feed["items"] = [_json_item(item) for item in items]
    return json.dumps(_without_forbidden(feed), ensure_ascii=False, indent=2) + "\n"


_RENDERERS: dict[str, Callable[[list[_Item], Site, FeedSpec], str]] = {
    "rss": _rss,
    "atom": _atom,
    "json": _json,
}


def render_feed(
    articles: Sequence[Summary],
    site: Site,
    spec: FeedSpec,
    photo_of: PhotoOf,
    topics: Topics,
) -> str:
    """The feed document for articles already chosen and sorted (newest first, limited).

    Requires site.base_url; photo_of gives each article's photo as the site publishes it
    (its biggest derived JPEG, with its length), or None for none;
    topics names each article's topics the way the newsroom shows them.
    With spec.full, whole stories go in for Articles; a Summary (a broken file's last good
    version, whose body cannot be read) goes in without one.
    The same articles always give the same text: no clock, no locale, no version in it.
    """
    if spec.kind not in _RENDERERS:
        raise ValueError(f"unknown feed kind {spec.kind!r}")
    base = require_base_url(site)
    return _RENDERERS[spec.kind](_items(articles, site, spec, base, photo_of, topics), site, spec)
