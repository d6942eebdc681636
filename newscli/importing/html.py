"""HTML from feeds and exports as clean Markdown: what a story says, nothing a page ran; pure.

Headings, paragraphs, lists, links, emphasis and quotes are kept (markdownify writes them);
scripts, styles, frames, forms and embedded objects go with everything inside them; a link
or image whose address is not http(s), mailto, tel or relative (javascript:, data:, …) loses
its address and keeps its words; tracking pixels and the tracking parameters of links
(utm_*, fbclid, gclid …) are dropped. Attributes never reach Markdown at all, so event
handlers and tracking attributes cannot either.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from newscli.markdown import is_safe_url, plain_text

# Elements dropped with their content: they run, style or embed something; none is words.
_DROPPED = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "svg",
    "math",
    "canvas",
    "audio",
    "video",
    "head",
    "meta",
    "link",
    "base",
)
# Query parameters that only tell an analytics service where a click came from.
_TRACKING = re.compile(r"utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|yclid|igshid")
_BLANK_LINES = re.compile(r"\n{3,}")
# What would make words Markdown: a backslash, code and link brackets, an entity, anywhere;
# and at the start of a line, a heading, quote, list item or rule (escaping a mark that did
# not need it changes nothing a reader sees).
_INLINE_MARKS = re.compile(r"([\\`\[\]<])|&(?=#?\w+;)")
_LINE_MARKS = re.compile(
    r"(^|\n)([ \t]*)(#{1,6}(?=\s|$)|>|[-+](?=\s|$)|=+[ \t]*(?=\n|$)|-{2,}[ \t]*(?=\n|$))"
)
_NUMBERED = re.compile(r"(^|\n)([ \t]*\d+)([.)])(?=\s|$)")
_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)


def _clean_url(url: str) -> str | None:
    """url fit for a Markdown link: None when it is not safe; tracking parameters out,
    spaces and parentheses (which would end a Markdown link) escaped."""
    url = url.strip()
    if not url or not is_safe_url(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.query:
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        without = [(k, v) for k, v in kept if not _TRACKING.fullmatch(k.lower())]
        if len(without) != len(kept):
            parts = parts._replace(query=urlencode(without))
            url = urlunsplit(parts)
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")


def _is_pixel(image: Any) -> bool:
    """A 1×1 (or 0×0) image: a tracking pixel, not a picture."""
    sizes = [str(image.get(name, "")).strip().removesuffix("px") for name in ("width", "height")]
    return any(size in ("0", "1") for size in sizes)


def _escape_marks(text: str) -> str:
    """Words as Markdown that shows them as words: a "<" that would open raw HTML or an
    autolink too (imported text is text, whatever allow_html says)."""
    text = _INLINE_MARKS.sub(lambda m: "\\" + (m.group(1) or "&"), text)
    text = _LINE_MARKS.sub(lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}", text)
    text = _NUMBERED.sub(r"\1\2\\\3", text)
    return text.replace("*", r"\*").replace("_", r"\_")


def _converter(**options: Any) -> Any:
    from markdownify import MarkdownConverter

    class Converter(MarkdownConverter):
        def escape(self, text: str, parent_tags: Any) -> str:
            """markdownify's escaping of * and _, and of what else would make words Markdown."""
            if not text:
                return ""
            return _escape_marks(text)

    return Converter(**options)


def _convert(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(_DROPPED):
        element.decompose()
    for link in soup.find_all("a"):
        href = _clean_url(str(link.get("href") or ""))
        if href is None:
            link.unwrap()  # the words stay, the address goes
        else:
            link.attrs = {"href": href}
    for image in soup.find_all("img"):
        src = _clean_url(str(image.get("src") or ""))
        if src is None or _is_pixel(image):
            image.decompose()
        else:
            image.attrs = {"src": src, "alt": str(image.get("alt") or "")}
    converter = _converter(
        heading_style="atx",
        bullets="-",
        strong_em_symbol="*",
        newline_style="backslash",
        autolinks=True,
    )
    markdown: str = converter.convert_soup(soup)
    return markdown


def html_to_markdown(html: str) -> str:
    """The Markdown of an HTML fragment: headings, lists, links, emphasis and quotes kept,
    anything that runs or tracks dropped; paragraphs one blank line apart, no trailing
    spaces, no blank lines at either end."""
    if "<" not in html and "&" not in html:
        return _tidy(_escape_marks(html))
    return _tidy(_convert(html))


def _tidy(markdown: str) -> str:
    text = markdown.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = _TRAILING.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def html_to_text(html: str) -> str:
    """What a reader sees of an HTML fragment, as one line of plain text (for a lead)."""
    return plain_text(html_to_markdown(html))
