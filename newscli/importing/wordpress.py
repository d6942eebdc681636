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

# HTML and the address its relative links are read against → Markdown.
Converter = Callable[[str, str], str]
# A [gallery]'s attributes → the HTML of its photos.
Gallery = Callable[[dict[str, str]], str]

# WXR 1.0, 1.1 and 1.2 differ only in these namespaces' version numbers; WordPress has
# written them with http:// and, lately, https:// (and the other namespaces may follow).
_WP = re.compile(r"\{https?://wordpress\.org/export/(?P<version>[\d.]+)/\}")
_CONTENT = re.compile(r"\{https?://purl\.org/rss/1\.0/modules/content/\}encoded")
_EXCERPT = re.compile(r"\{https?://wordpress\.org/export/[\d.]+/excerpt/\}encoded")
_CREATOR = re.compile(r"\{https?://purl\.org/dc/elements/1\.1/\}creator")
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


def html_to_markdown(content: str, base_url: str) -> str:
    """HTML as Markdown, by the converter every import source shares (importing/html.py),
    its relative links and images read against the site's address."""
    from newscli.importing.html import html_to_markdown as convert

    return convert(content, base_url=base_url)


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


def _child_text(element: Element, tag: re.Pattern[str]) -> str:
    """The text of element's first child whose tag (namespace included) matches."""
    for child in element:
        if tag.fullmatch(child.tag):
            return (child.text or "").strip()
    return ""


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
        login = _child_text(item, _CREATOR)
        return Incoming(
            where=where,
            title=title,
            date=date,
            updated=modified if date and modified and modified > date else None,
            author=clean_line(self.authors.get(login) or login).strip(),
            topics=_topics(item),
            lead=plain_text(_excerpt(item)),
            body=self.to_markdown(
                clean_content(
                    _child_text(item, _CONTENT),
                    lambda attributes: self.gallery(attributes, post_id),
                ),
                self.site,
            ).strip(),
            status=status,
            photo=self.photo(item),
            source_name=self.site_title,
            source_url=_web_url(_text(item, "link")),
            key=_key(self.site, post_id, _text(item, "guid")),
            former_key={"wordpress": self.site, "guid": _text(item, "guid") or post_id},
        )

    def gallery(self, attributes: dict[str, str], post_id: str) -> str:
        """A [gallery] as figures: the photos its ids name, else those attached to the post
        (in their menu order), each with its alt text and caption, as WordPress shows it."""
        from newscli.importing.html import IMAGE_FILE

        wp = self.wp
        ids = (attributes.get("ids") or attributes.get("include") or "").split(",")
        if any(i.strip() for i in ids):
            found = [self.attachments[i.strip()] for i in ids if i.strip() in self.attachments]
        else:
            attached = [
                a for a in self.attachments.values() if _text(a, f"{wp}post_parent") == post_id
            ]
            found = sorted(attached, key=lambda a: _number(_text(a, f"{wp}menu_order")))
        figures = []
        for attachment in found:
            url = _web_url(_text(attachment, f"{wp}attachment_url"))
            if not url or not IMAGE_FILE.search(urlsplit(url).path):
                continue
            alt = html.escape(plain_text(_meta(attachment, wp, "_wp_attachment_image_alt")))
            caption = html.escape(plain_text(_excerpt(attachment)))
            figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
            figures.append(
                f'<figure><img src="{html.escape(url)}" alt="{alt}" />{figcaption}</figure>'
            )
        return "".join(f"\n\n{figure}\n\n" for figure in figures)

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


def _number(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() else 0


def _key(site: str, post_id: str, guid: str) -> dict[str, str]:
    """What finds a post again: its site and its post id, unique within a site (a guid is
    not: posts copied by plugins or imported twice share theirs); the guid only without one."""
    if post_id:
        return {"wordpress": site, "post_id": post_id}
    return {"wordpress": site, "guid": guid}


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
    return _child_text(item, _EXCERPT)


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
_DROPPED = ("playlist", "contact-form-7", "contact-form", "wpforms", "ninja_form")
_SHORTCODE = re.compile(
    r"\[(?P<name>caption|wp_caption|embed|audio|video|gallery|playlist|contact-form-7|"
    r"contact-form|wpforms|ninja_form|(?:vc|et_pb|fusion)_\w+)\b(?P<attributes>[^\]]*)\]"
    r"(?:(?P<content>.*?)\[/(?P=name)\])?",
    re.DOTALL,
)
_CAPTION_IMAGE = re.compile(
    r"^\s*(?P<image>(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(?P<text>.*)$", re.DOTALL
)
# wpautop's block elements (wp-includes/formatting.php): never wrapped in <p>.
_ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|"
    r"map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|"
    r"aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_PRE = re.compile(r"<pre\b.*?</pre>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")
_KEPT_LINES = re.compile(r"<(script|style|svg|math)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:")


def clean_content(content: str, gallery: Gallery = lambda attributes: "") -> str:
    """A post's stored content as plain HTML: block comments removed, shortcodes turned into
    HTML (a caption becomes a figure, an embed a link, a gallery what gallery makes of its
    attributes) or removed (forms), and the classic editor's blank-line paragraphs made <p>
    as WordPress does when it shows them."""
    content = content.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n")
    content = content.replace("\x01", "").replace("\x02", "")
    blocks = bool(_BLOCK_COMMENT.search(content))
    content = _COMMENT.sub("", content)
    content = _SHORTCODE.sub(lambda match: _shortcode(match, gallery), content)
    # The block editor writes its own <p>; WordPress runs wpautop only on classic content.
    return content.strip() if blocks else wpautop(content).strip()


def _attributes(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): next(v for v in m.group(2, 3, 4) if v is not None)
        for m in _ATTRIBUTE.finditer(text)
    }


def _shortcode(match: re.Match[str], gallery: Gallery) -> str:
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
    if name == "gallery":
        return gallery(attributes)
    if name in _DROPPED:
        return ""
    # a page builder's wrapper: its content stays
    return _SHORTCODE.sub(lambda inner: _shortcode(inner, gallery), content)


def wpautop(text: str) -> str:
    """WordPress's own paragraph rules for text the classic editor stored (wpautop, as
    wp-includes/formatting.php has it): two <br>s or a blank line end a paragraph, a single
    newline is a <br />, block tags are never wrapped in <p>, and <pre> keeps its lines."""
    if not text.strip():
        return ""
    kept: dict[str, str] = {}

    def keep(match: re.Match[str]) -> str:
        name = f"<pre wp-pre-tag-{len(kept)}></pre>"
        kept[name] = match.group()
        return name

    text = _PRE.sub(keep, text + "\n")
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(rf"(<{_ALL_BLOCKS}[\s/>])", r"\n\n\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"(</{_ALL_BLOCKS}>)", r"\1\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text, flags=re.IGNORECASE)
    # A newline inside a tag (between its attributes) is no line break.
    text = _TAG.sub(lambda m: m.group().replace("\n", " \x01 "), text)
    if "<figcaption" in text:
        text = re.sub(r"(?<!\s)\s*(<figcaption[^<>]*>)", r"\1", text)
        text = re.sub(r"</figcaption>\s*", "</figcaption>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [part for part in re.split(r"\n\s*\n", text) if part]
    text = "".join(f"<p>{part.strip(chr(10))}</p>\n" for part in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*(</?{_ALL_BLOCKS}[^<>]*>)\s*</p>", r"\1", text)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^<>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*(</?{_ALL_BLOCKS}[^<>]*>)", r"\1", text)
    text = re.sub(rf"(</?{_ALL_BLOCKS}[^<>]*>)\s*</p>", r"\1", text)
    text = _KEPT_LINES.sub(lambda m: m.group().replace("\n", "\x02"), text)
    text = re.sub(r"<br\s*/?>", "<br />", text, flags=re.IGNORECASE)
    # (matched from the start of a run of white space only: linear on long runs)
    text = re.sub(r"(?<!\s)(?<!<br />)\s*\n", "<br />\n", text)
    text = text.replace("\x02", "\n")
    text = re.sub(rf"(</?{_ALL_BLOCKS}[^<>]*>)\s*<br />", r"\1", text)
    text = re.sub(r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^<>]*>)", r"\1", text)
    text = re.sub(r"\n</p>$", "</p>", text)
    for name, pre in kept.items():
        text = text.replace(name, pre)
    return text.replace(" \x01 ", "\n").replace("\x01", "\n")
