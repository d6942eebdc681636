"""WordPress's own export (WXR): its posts as stories, read with a parser that refuses
entity bombs and external entities.

A WXR file is RSS 2.0 with WordPress's namespaces: one `<item>` per post, page, attachment,
menu entry …, with `wp:post_type`, `wp:status`, `wp:post_date_gmt`, `content:encoded` (the
post's HTML as WordPress stores it), `excerpt:encoded`, `dc:creator` (a login, named in the
channel's `wp:author` entries) and `<category domain="category|post_tag">`. A post's featured
image is an attachment item, found through the post's `_thumbnail_id` meta.

WordPress stores HTML that is not yet the page: block-editor comments (`<!-- wp:… -->`),
shortcodes (`[caption]…[/caption]`, `[gallery]`) and, from the classic editor, text whose
paragraphs are blank lines (WordPress adds the `<p>` when it shows the page: wpautop).
`clean_content` makes that plain HTML; the shared HTML converter (`html_to_markdown`) then
makes it Markdown.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
from collections.abc import Callable, Collection
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

from newscli.errors import NewsError
from newscli.i18n import _
from newscli.importing.incoming import Incoming, IncomingPhoto, Read, Unreadable
from newscli.text import clean_line

Converter = Callable[[str], str]

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
# WXR 1.0, 1.1 and 1.2 differ only in these namespaces' version numbers.
_WP = re.compile(r"\{http://wordpress\.org/export/(?P<version>[\d.]+)/\}")
_TOPIC_DOMAINS = ("category", "post_tag")
# WordPress's default category ("Uncategorized", "Okategoriserade"): not a topic anyone chose.
_DEFAULT_CATEGORY = "uncategorized"
_NO_DATE = "0000-00-00 00:00:00"

# What each WordPress status becomes; private, password-protected and trashed posts are
# never imported (see _skipped), so that nothing hidden in WordPress is published here.
STATUSES = {
    "publish": "published",
    "future": "published",  # with its date ahead: newscli shows it as scheduled
    "draft": "draft",
    "pending": "draft",
    "inherit": "draft",  # attachments, when asked for
}


def read_wordpress(path: Path, kinds: Collection[str] = ("post",)) -> Read:
    """The items of kinds (post; also page, attachment … when asked) in a WXR file."""
    return read_export(path, kinds)


def html_to_markdown(content: str) -> str:
    """HTML as Markdown, by the converter every import source shares (importing/html.py)."""
    from newscli.importing.html import html_to_markdown as convert

    return convert(content)


def read_export(
    path: Path, kinds: Collection[str] = ("post",), to_markdown: Converter = html_to_markdown
) -> Read:
    """read_wordpress, with the HTML → Markdown step given (tests pass their own).

    A file that is not a WordPress export at all (not XML, an entity bomb, an external
    entity, an RSS feed without WordPress's elements) raises NewsError: nothing is read.
    One item that cannot be a story is an Unreadable entry; the others are read.
    """
    channel, wp = _channel(path)
    site = _text(channel, f"{wp}base_blog_url") or _text(channel, "link")
    site_title = clean_line(_text(channel, "title")).strip()
    authors = {
        _text(author, f"{wp}author_login"): _text(author, f"{wp}author_display_name")
        for author in channel.iter(f"{wp}author")
    }
    items = channel.findall("item")
    attachments = {
        _text(item, f"{wp}post_id"): item
        for item in items
        if _text(item, f"{wp}post_type") == "attachment"
    }
    reader = _Reader(path.name, wp, site, site_title, authors, attachments, to_markdown)
    return [reader.story(item) for item in items if _text(item, f"{wp}post_type") in kinds]


def _channel(path: Path) -> tuple[Element, str]:
    """The export's channel and its WordPress namespace ("{http://wordpress.org/export/1.2/}"),
    parsed with defusedxml; NewsError for anything else."""
    import defusedxml
    import defusedxml.ElementTree as SafeTree

    try:
        root = SafeTree.parse(path, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except OSError as exc:
        raise NewsError(
            _("cannot be read: {reason}").format(reason=exc.strerror or exc), path
        ) from None
    except defusedxml.DefusedXmlException:
        raise NewsError(
            _(
                "declares XML entities (the form entity bombs and external-file tricks take); "
                "WordPress never writes them, so the file is not read"
            ),
            path,
        ) from None
    except ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        raise NewsError(
            _("not well-formed XML ({reason}, column {column})").format(
                reason=reason, column=column + 1
            ),
            path,
            line,
        ) from None
    channel = root.getroot().find("channel")
    wp = _namespace(channel) if channel is not None else None
    if channel is None or wp is None:
        raise NewsError(_("not a WordPress export (WXR): no WordPress elements in it"), path)
    return channel, wp


def _namespace(channel: Element) -> str | None:
    for element in channel.iter():
        found = _WP.match(element.tag)
        if found:
            return found.group()
    return None


def _text(element: Element, tag: str) -> str:
    found = element.find(tag)
    return (found.text or "").strip() if found is not None else ""


class _Reader:
    """One export's items as stories: what every item needs from the channel."""

    def __init__(
        self,
        name: str,
        wp: str,
        site: str,
        site_title: str,
        authors: dict[str, str],
        attachments: dict[str, Element],
        to_markdown: Converter,
    ) -> None:
        self.name = name
        self.wp = wp
        self.site = site
        self.site_title = site_title
        self.authors = authors
        self.attachments = attachments
        self.to_markdown = to_markdown

    def story(self, item: Element) -> Incoming | Unreadable:
        wp = self.wp
        kind = _text(item, f"{wp}post_type")
        post_id = _text(item, f"{wp}post_id")
        title = plain_text(_text(item, "title"))
        where = _("{file}, {kind} {id}").format(file=self.name, kind=kind, id=post_id)
        where += f" {title[:60]!r}" if title else ""
        wp_status = _text(item, f"{wp}status")
        skipped = _skipped(wp_status, bool(_text(item, f"{wp}post_password")))
        if skipped:
            return Unreadable(where, skipped, private=True)
        if not title:
            return Unreadable(where, _("has no title"))
        status = STATUSES[wp_status]
        date = _gmt(_text(item, f"{wp}post_date_gmt"))
        modified = _gmt(_text(item, f"{wp}post_modified_gmt"))
        if date is None and status == "published":
            date = _rfc822(_text(item, "pubDate"))
        elif date is None:
            date = modified  # a draft never scheduled has no date: the last time it was saved
        login = _text(item, _CREATOR)
        return Incoming(
            where=where,
            title=title,
            date=date,
            updated=modified if date and modified and modified > date else None,
            author=clean_line(self.authors.get(login) or login).strip(),
            topics=_topics(item),
            lead=plain_text(_excerpt(item)),
            body=self.to_markdown(clean_content(_text(item, _CONTENT))).strip(),
            status=status,
            photo=self.photo(item),
            source_name=self.site_title,
            source_url=_web_url(_text(item, "link")),
            key={"wordpress": self.site, "guid": _text(item, "guid") or post_id},
        )

    def photo(self, item: Element) -> IncomingPhoto | None:
        """The featured image: the attachment the post's _thumbnail_id names."""
        attachment = self.attachments.get(_meta(item, self.wp, "_thumbnail_id"))
        if attachment is None:
            return None
        url = _web_url(_text(attachment, f"{self.wp}attachment_url"))
        if not url:
            return None
        return IncomingPhoto(
            url=url,
            alt=plain_text(_meta(attachment, self.wp, "_wp_attachment_image_alt")),
            caption=plain_text(_excerpt(attachment)),
        )


def _skipped(status: str, password: bool) -> str:
    """Why an item is not imported, or "" when it is."""
    if status == "private":
        return _("private in WordPress: not imported, so that it is never published by mistake")
    if password:
        return _(
            "protected by a password in WordPress: not imported, so that it is never "
            "published by mistake"
        )
    if status == "trash":
        return _("in WordPress's trash: not imported")
    if status not in STATUSES:
        return _("has a WordPress status newscli does not know: “{status}”").format(status=status)
    return ""


def _excerpt(item: Element) -> str:
    for child in item:
        if child.tag.endswith("/excerpt/}encoded"):
            return (child.text or "").strip()
    return ""


def _meta(item: Element, wp: str, key: str) -> str:
    for meta in item.iter(f"{wp}postmeta"):
        if _text(meta, f"{wp}meta_key") == key:
            return _text(meta, f"{wp}meta_value")
    return ""


def _topics(item: Element) -> tuple[str, ...]:
    """Categories and tags, each once (WordPress may have both spellings of one word)."""
    topics: dict[str, str] = {}
    for category in item.findall("category"):
        if category.get("domain") not in _TOPIC_DOMAINS:
            continue
        if category.get("nicename") == _DEFAULT_CATEGORY:
            continue
        name = plain_text(category.text or "")
        if name:
            topics.setdefault(name.casefold(), name)
    return tuple(topics.values())


def _gmt(text: str) -> dt.datetime | None:
    """A `wp:post_date_gmt` as an aware datetime; None for a draft's zero date."""
    if not text or text == _NO_DATE:
        return None
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _rfc822(text: str) -> dt.datetime | None:
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo and moment.year > 1 else None


def _web_url(url: str) -> str:
    """url when it is an http(s) address, else "" (never javascript:, data:, file: …)."""
    url = url.strip()
    return url if urlsplit(url).scheme.lower() in ("http", "https") else ""


def plain_text(fragment: str) -> str:
    """A title, excerpt, caption or category as one line of text (WordPress keeps "&amp;"
    and inline tags in them)."""
    from newscli.importing.html import html_to_text

    return clean_line(html_to_text(fragment)).strip()


# -- WordPress's stored HTML as plain HTML ----------------------------------------------------

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
# Core shortcodes and the page builders' wrappers; a bracket in text ("[1]", "[sic]") is
# left alone, as WordPress leaves a shortcode nobody registered.
_DROPPED = ("gallery", "playlist", "contact-form-7", "contact-form", "wpforms", "ninja_form")
_SHORTCODE = re.compile(
    r"\[(?P<name>caption|wp_caption|embed|audio|video|gallery|playlist|contact-form-7|"
    r"contact-form|wpforms|ninja_form|(?:vc|et_pb|fusion)_\w+)\b(?P<attributes>[^\]]*)\]"
    r"(?:(?P<content>.*?)\[/(?P=name)\])?",
    re.DOTALL,
)
_CAPTION_IMAGE = re.compile(
    r"^\s*(?P<image>(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(?P<text>.*)$", re.DOTALL
)
_BLOCK_TAGS = (
    "address|article|aside|blockquote|details|div|dl|dd|dt|fieldset|figcaption|figure|footer|"
    "form|h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul|"
    "script|style|iframe|video|audio|object"
)
_STARTS_AS_BLOCK = re.compile(rf"^</?(?:{_BLOCK_TAGS})\b", re.IGNORECASE)
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)


def clean_content(content: str) -> str:
    """A post's stored content as plain HTML: block comments removed, shortcodes turned into
    HTML (a caption becomes a figure, an embed a link) or removed (galleries, forms), and the
    classic editor's blank-line paragraphs made <p> as WordPress does when it shows them."""
    content = content.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    content = _COMMENT.sub("", content)
    content = _SHORTCODE.sub(_shortcode, content)
    return _paragraphs(content)


def _attributes(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): next(v for v in m.group(2, 3, 4) if v is not None)
        for m in _ATTRIBUTE.finditer(text)
    }


def _shortcode(match: re.Match[str]) -> str:
    name = match["name"]
    attributes = _attributes(match["attributes"] or "")
    content = match["content"] or ""
    if name in ("caption", "wp_caption"):
        found = _CAPTION_IMAGE.match(content)
        image, words = (found["image"], found["text"]) if found else ("", content)
        words = words.strip() or attributes.get("caption", "")
        caption = f"<figcaption>{words}</figcaption>" if words else ""
        return f"\n\n<figure>{image}{caption}</figure>\n\n"
    if name in ("embed", "audio", "video"):
        url = content.strip() if name == "embed" else ""
        for key in ("src", "mp4", "mp3", "m4a", "ogg", "webm", "wav", "m4v", "ogv"):
            url = url or attributes.get(key, "")
        if not _web_url(url):
            return ""
        shown = html.escape(url)
        return f'\n\n<p><a href="{shown}">{shown}</a></p>\n\n'
    if name in _DROPPED:
        return ""
    return _SHORTCODE.sub(_shortcode, content)  # a page builder's wrapper: its content stays


def _paragraphs(content: str) -> str:
    """wpautop, in short: text between blank lines that is not already a block is a <p>,
    its single line breaks <br>; <pre> keeps its lines."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group())
        return f"\x00{len(kept) - 1}\x00"

    content = _PRE.sub(keep, content)
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", content)]
    paragraphs = []
    for chunk in chunks:
        if not chunk:
            continue
        if _STARTS_AS_BLOCK.match(chunk) or re.fullmatch(r"\x00\d+\x00", chunk):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + re.sub(r"\s*\n\s*", "<br />\n", chunk) + "</p>")
    result = "\n\n".join(paragraphs)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], result)
