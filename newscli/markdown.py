"""Story Markdown: HTML (CommonMark, raw HTML off, only safe URLs), plain text and text blocks.

markdown-it-py is the reference and reads Markdown for every purpose. A story body's HTML
comes from cmark (C, via cmarkgfm, about ten times faster) when the result is provably
markdown-it's: the text holds no '<' (so no raw HTML and no autolink) and every link and
image URL cmark found is a safe one made only of characters both write alike. Anything else
(raw HTML allowed, a '<', an unsafe or unusual URL) is rendered by markdown-it-py itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from html import unescape as html_unescape
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:  # imported when first needed: plain leads rarely need a parser
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def is_safe_url(url: str) -> bool:
    """True for relative URLs and http(s)/mailto/tel ones; never javascript:, data:, file: …"""
    cleaned = "".join(ch for ch in url if ch > " ").lower()
    try:
        scheme = urlsplit(cleaned).scheme
    except ValueError:
        return False
    return scheme == "" or scheme in SAFE_SCHEMES


def is_relative_url(url: str) -> bool:
    """True for a path relative to the site root: no scheme, no host, no leading '/' or '#'."""
    parts = urlsplit(url)
    return not (parts.scheme or parts.netloc or url.startswith(("/", "#", "?")))


def absolute_url(base_url: str, url: str) -> str:
    """url made absolute against the site's base_url; absolute URLs and fragments stay."""
    if not is_relative_url(url):
        return url
    base = base_url if base_url.endswith("/") else base_url + "/"
    return urljoin(base, url)


@cache
def _parser(allow_html: bool) -> MarkdownIt:
    from markdown_it import MarkdownIt

    # CommonMark and its pipe tables (GFM): imported tables stay tables.
    parser = MarkdownIt("commonmark", {"html": allow_html}).enable("table")
    parser.validateLink = is_safe_url  # type: ignore[method-assign]
    return parser


def tokens(text: str, *, allow_html: bool = False) -> list[Token]:
    """The block tokens of a story body as the site's parser reads it (each with its source
    lines in .map, inline ones with their children), for rules that look at its structure."""
    return _parser(allow_html).parse(text)


def _rewrite(tokens: list[Token], rewrite_url: Callable[[str], str]) -> None:
    for token in tokens:
        if token.type == "link_open":
            href = token.attrGet("href")
            if isinstance(href, str):
                token.attrSet("href", rewrite_url(href))
        elif token.type == "image":
            src = token.attrGet("src")
            if isinstance(src, str):
                token.attrSet("src", rewrite_url(src))
        if token.children:
            _rewrite(token.children, rewrite_url)


def render_markdown(
    text: str, *, allow_html: bool = False, rewrite_url: Callable[[str], str] | None = None
) -> str:
    """HTML for a story body; rewrite_url maps every link and image URL (for feeds and pages)."""
    if not allow_html and not _reference_only(text):
        html = _compiled(text, rewrite_url)
        if html is not None:
            return html
    return _reference(text, allow_html=allow_html, rewrite_url=rewrite_url)


# What only markdown-it renders: '<' (raw HTML, autolinks), a link reference definition,
# tabs, control characters and Unicode spaces and separators (the two disagree on where
# such space ends a line or a mark, and which reference a definition makes), numeric
# character references, a backslash before a space, code (spans and fences: their spaces
# and last lines), a last line of spaces; and '|' (pipe tables: cmark without its GFM
# extensions reads none).
_REFERENCE_ONLY = re.compile(
    "[<\t\x00-\x09\x0b-\x1f\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]"
)
_REFERENCE_ONLY_MARKS = ("]:", "&#", "\\ ", "`", "~~~", "|")


def _reference_only(text: str) -> bool:
    """True for a text only markdown-it renders as markdown-it does (see above)."""
    if _REFERENCE_ONLY.search(text) or any(mark in text for mark in _REFERENCE_ONLY_MARKS):
        return True
    last = text.rstrip("\n").rsplit("\n", 1)
    return len(last) == 2 and last[1] != "" and last[1].strip(" ") == ""


# A URL markdown-it and cmark write alike: ASCII that neither percent-encodes (nor a '%':
# cmark's encoding of a non-ASCII host is not markdown-it's punycode).
_PLAIN_URL = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&()*+,;=]*")
# Where cmark writes a link's URL (raw HTML cannot put one there: no '<').
_URL_ATTRIBUTE = re.compile(r'(<a href=")([^"]*)"')


def _compiled(text: str, rewrite_url: Callable[[str], str] | None) -> str | None:
    """cmark's HTML for text (which holds no '<'), each URL rewritten; None when a URL is
    not one whose HTML both renderers write alike, or is not safe (markdown-it makes no
    link of it: its rendering is the one that counts)."""
    html = _cmark_html(text)
    if html is None or "<img " in html:  # an image's alt text: line breaks kept or not
        return None
    failed = False

    def url(found: re.Match[str]) -> str:
        nonlocal failed
        written = html_unescape(found.group(2))
        if not _PLAIN_URL.fullmatch(written) or not is_safe_url(written):
            failed = True
            return found.group(0)
        shown = rewrite_url(written) if rewrite_url is not None else written
        return f'{found.group(1)}{escape_html(shown)}"'

    html = _URL_ATTRIBUTE.sub(url, html).replace(
        "<blockquote>\n</blockquote>", "<blockquote></blockquote>"
    )
    return None if failed else html


def escape_html(text: str) -> str:
    """Text for HTML as markdown-it writes it (&, <, > and ")."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


@cache
def _cmark() -> tuple[Any, Any, Callable[[int], None]] | None:
    """cmark's render function, its FFI and the C free() for what it returns; None without
    cmarkgfm (markdown-it-py renders everything then)."""
    try:
        from cmarkgfm import _cmark as binding  # type: ignore[import-untyped]
    except ImportError:
        return None
    import ctypes

    try:
        free = ctypes.CDLL(None).free  # the C library cmark allocates with
    except (OSError, TypeError, AttributeError):  # no C library to name (Windows)
        return None
    free.argtypes = [ctypes.c_void_p]
    free.restype = None
    return binding.lib, binding.ffi, free


def _cmark_html(text: str) -> str | None:
    found = _cmark()
    if found is None:
        return None
    lib, ffi, free = found
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: markdown-it takes any str
        return None
    # UNSAFE: a javascript: URL is written as it is, to be found above, not blanked; raw
    # HTML cannot occur (no '<').
    raw = lib.cmark_markdown_to_html(data, len(data), lib.CMARK_OPT_UNSAFE)
    try:
        html: str = ffi.string(raw).decode("utf-8")
    finally:
        free(int(ffi.cast("uintptr_t", raw)))  # cmarkgfm never frees it
    return html


def _reference(
    text: str, *, allow_html: bool = False, rewrite_url: Callable[[str], str] | None = None
) -> str:
    """HTML for a story body by markdown-it-py: the reference render_markdown matches."""
    parser = _parser(allow_html)
    env: dict[str, Any] = {}
    tokens = parser.parse(text, env)
    if rewrite_url is not None:
        _rewrite(tokens, rewrite_url)
    html: str = parser.renderer.render(tokens, parser.options, env)
    return html


# Anything that can make Markdown more than its words: inline marks, links, entities,
# escapes, raw HTML; and, at the start of a line, lists, quotes and headings.
_MARKUP = re.compile(r"[\\`*_\[\]<>&!~|]|^\s*(?:[-+=>#]|\d+[.)])", re.MULTILINE)


def plain_text(markdown: str) -> str:
    """What a reader sees of a bit of Markdown, as one line of plain text: marks and link
    targets gone, entities decoded, line breaks as spaces, images left out."""
    if not _MARKUP.search(markdown):
        return " ".join(markdown.split())
    parts: list[str] = []
    for block in _parser(False).parse(markdown):
        if block.children:
            for token in block.children:
                if token.type in ("text", "code_inline"):
                    parts.append(token.content)
                elif token.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
        elif block.type in ("code_block", "fence"):
            parts.append(block.content)
        if block.nesting == -1 or block.type in ("code_block", "fence", "hr"):
            parts.append(" ")
    return " ".join("".join(parts).split())


@dataclass(frozen=True)
class TextBlock:
    """The words of one block of Markdown (a paragraph, heading or table cell) as a reader
    sees them, with the source line each line of it starts on (0-based in the Markdown):
    lines[i] is (offset in text, source line)."""

    text: str
    lines: tuple[tuple[int, int], ...]

    def line_at(self, offset: int) -> int:
        """The source line of the character at offset."""
        found = self.lines[0][1]
        for start, line in self.lines:
            if start > offset:
                break
            found = line
        return found


def text_blocks(markdown: str) -> list[TextBlock]:
    """Every block of visible text in a story body, in order: marks and link targets gone,
    images and code left out, soft line breaks as spaces (their lines kept)."""
    blocks: list[TextBlock] = []
    for block in _parser(False).parse(markdown):
        if block.type != "inline" or not block.children or block.map is None:
            continue
        line = block.map[0]
        text: list[str] = []
        lines = [(0, line)]
        size = 0
        for token in block.children:
            if token.type == "image":
                continue
            if token.type in ("text", "code_inline"):
                text.append(token.content)
                size += len(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                line += 1
                text.append(" ")
                size += 1
                lines.append((size, line))
        joined = "".join(text)
        if joined.strip():
            blocks.append(TextBlock(joined, tuple(lines)))
    return blocks
