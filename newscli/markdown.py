"""Story Markdown with markdown-it-py: HTML (CommonMark, raw HTML off, only safe URLs) and plain text."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
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
