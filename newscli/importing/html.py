"""HTML from feeds and exports as clean Markdown: what a story says, nothing a page ran; pure.

Headings, paragraphs, line breaks, lists (nested too), tables, quotes, preformatted text,
links, emphasis and images are kept (markdownify writes them); scripts, styles, frames,
forms and embedded objects go with everything inside them; a link or image whose address is
not http(s), mailto, tel or relative (javascript:, data:, …) loses its address and keeps its
words; tracking pixels and the tracking parameters of links (utm_*, fbclid, gclid …) are
dropped. Attributes never reach Markdown at all, so event handlers and tracking attributes
cannot either.

Imported text is text: every character of it that Markdown would read as markup (`<`, `[`,
`*`, a `#` or `1.` starting a line …) is escaped, so that the only Markdown structure is the
structure this converter made from the HTML's elements, and a text that reads as HTML
(`&lt;script&gt;`) stays visible words whatever the site's `allow_html` says.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

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
_INLINE_MARKS = re.compile(r"([\\`\[\]<|~])|&(?=#?\w+;)")
_LINE_MARKS = re.compile(
    r"(^|\n)([ \t]*)(#{1,6}(?=\s|$)|>|[-+](?=\s|$)|=+[ \t]*(?=\n|$)|-{2,}[ \t]*(?=\n|$))"
)
_NUMBERED = re.compile(r"(^|\n)([ \t]*\d+)([.)])(?=\s|$)")
_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)
_LEADING = re.compile(r"^[ \t]+", re.MULTILINE)  # four spaces would make code of words


# Elements that make a block of their own: a line break at their edge breaks no line.
_BLOCKS = frozenset(
    "address article aside blockquote body caption dd details div dl dt fieldset figcaption "
    "figure footer h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table "
    "tbody td tfoot th thead tr ul [document]".split()
)
# Inline marks that Markdown can only put around words: around a block they are let go.
_EMPHASIS = ("b", "strong", "i", "em", "u", "s", "del", "strike", "mark", "small", "span", "code")
_OTHER_MARKER = "data-newscli-other-marker"
_ORPHANS = "data-newscli-orphan-items"
_TAG_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*|\[document\]")
# Deeper than this, elements are only their words (the converter recurses ~4 frames a level).
_MAX_DEPTH = 60
IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)$", re.IGNORECASE)


def _clean_url(url: str, base_url: str = "") -> str | None:
    """url fit for a Markdown link: None when it is not safe; made absolute against base_url
    (when given); tracking parameters out; spaces and parentheses (which would end a
    Markdown link) escaped."""
    url = url.strip()
    if not url or not is_safe_url(url):
        return None
    try:
        if base_url and not urlsplit(url).scheme:
            url = urljoin(base_url if base_url.endswith("/") else base_url + "/", url)
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


def escape_text(text: str) -> str:
    """Text as Markdown that shows exactly this text: every mark escaped."""
    text = _INLINE_MARKS.sub(lambda m: "\\" + (m.group(1) or "&"), text)
    text = _LINE_MARKS.sub(lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}", text)
    return _NUMBERED.sub(r"\1\2\\\3", text).replace("*", r"\*").replace("_", r"\_")


def _converter(**options: Any) -> Any:
    from markdownify import MarkdownConverter

    _BASE: Any = MarkdownConverter  # its stubs lack the convert_* methods

    class Converter(MarkdownConverter):
        def escape(self, text: str, parent_tags: Any) -> str:
            """Every mark in words escaped: the words stay words."""
            return escape_text(text) if text else ""

        def convert_br(self, el: Any, text: str, parent_tags: Any) -> str:
            """A hard break in a paragraph; a newline in preformatted text; a space where
            Markdown has no line breaks (a heading, a table cell, a code span, a term)."""
            if "pre" in parent_tags:
                return "\n"
            if {"_inline", "_noformat", "dt"} & set(parent_tags):
                return " "
            return "\\\n"

        def convert_img(self, el: Any, text: str, parent_tags: Any) -> str:
            """An image, its alt text escaped (a `]` in it would end the image)."""
            if "_inline" in parent_tags:
                return escape_text(str(el.get("alt") or ""))
            return f"![{escape_text(str(el.get('alt') or ''))}]({el.get('src')})"

        def convert_code(self, el: Any, text: str, parent_tags: Any) -> str:
            """Inline code; in a table cell its `|` escaped (the table reads `\\|` in code
            as `|`, and a bare one would end the cell)."""
            code: str = _BASE.convert_code(self, el, text, parent_tags)
            in_cell = "table" in parent_tags and {"td", "th"} & set(parent_tags)
            outermost = "code" not in parent_tags  # code in code: escaped once, outside
            return code.replace("|", "\\|") if in_cell and outermost else code

        def convert_dt(self, el: Any, text: str, parent_tags: Any) -> str:
            """A term of a definition list, in bold on a line of its own (CommonMark has no
            definition lists; markdownify's `: ` form would read as one paragraph)."""
            term = " ".join(text.split())
            if not term or "_inline" in parent_tags:
                return text
            after = el.find_next_sibling(["dt", "dd"])
            defined = after is not None and after.name == "dd" and after.get_text().strip()
            return f"\n\n**{term}**" + ("\\\n" if defined else "\n\n")

        def convert_dd(self, el: Any, text: str, parent_tags: Any) -> str:
            """A definition: under its term (or a paragraph of its own)."""
            return f"{text.strip()}\n\n" if "_inline" not in parent_tags else text

        def convert_li(self, el: Any, text: str, parent_tags: Any) -> str:
            """A list item; in a list right after another of its kind, with the other
            marker (`*`, `1)`), or Markdown would make the two lists one."""
            item: str = _BASE.convert_li(self, el, text, parent_tags)
            if el.parent is None or not el.parent.get(_OTHER_MARKER):
                return item
            if el.parent.name == "ol":
                return re.sub(r"^(\d+)\.", r"\1)", item)
            return "*" + item[1:] if item.startswith("-") else item

        def convert_tr(self, el: Any, text: str, parent_tags: Any) -> str:
            """A table row; the table's first row is its header (Markdown tables have one,
            and only one: a <tfoot> row is a row like the others)."""
            row = f"|{text}\n"
            table = el.find_parent("table")
            if table is None or table.find("tr") is not el:
                return row
            width = sum(_colspan(cell) for cell in el.find_all(["td", "th"], recursive=False))
            return row + "| " + " | ".join(["---"] * max(width, 1)) + " |\n"

        def convert_pre(self, el: Any, text: str, parent_tags: Any) -> str:
            """A fenced block, its fence longer than any run of backticks inside it."""
            text = text.strip("\n")
            if not text.strip():
                return ""
            runs = re.findall(r"`{3,}", text)
            fence = "`" * max([3, *(len(run) + 1 for run in runs)])
            return f"\n\n{fence}\n{text}\n{fence}\n\n"

    return Converter(**options)


def _lists_apart(soup: Any) -> None:
    """Mark each list that follows another of its kind (only white space between): its
    items get the other marker, so that Markdown keeps the two lists apart."""
    for found in soup.find_all(["ul", "ol"]):
        before = found.previous_sibling
        while before is not None and not _is_words(before) and before.name is None:
            before = before.previous_sibling
        if before is not None and before.name == found.name and not before.get(_OTHER_MARKER):
            found[_OTHER_MARKER] = "1"


def _colspan(cell: Any) -> int:
    span = str(cell.get("colspan") or "1")
    return max(1, min(1000, int(span))) if span.isdigit() else 1


def _is_words(node: Any) -> bool:
    """True for words or an image (not a comment, not white space, not a line break)."""
    from bs4.element import Comment, NavigableString, Tag

    if isinstance(node, Tag):
        return node.name == "img" or (node.name != "br" and bool(node.get_text().strip()))
    return (
        isinstance(node, NavigableString) and not isinstance(node, Comment) and bool(node.strip())
    )


def _words_beside(node: Any, forward: bool) -> bool:
    """True when words (or an image) stand next to node within the same block, before the
    next line break, in the direction asked."""
    from bs4.element import Tag

    while True:
        for sibling in node.next_siblings if forward else node.previous_siblings:
            if isinstance(sibling, Tag) and (sibling.name in _BLOCKS or sibling.name == "br"):
                return False
            if _is_words(sibling):
                return True
        parent = node.parent
        if parent is None or parent.name in _BLOCKS:
            return False
        node = parent


def _lines_of_code(code: Any) -> None:
    """Inline code with line breaks (WordPress's <code> in classic text) as the block of
    lines a browser shows: its own white space collapsed, a line at each <br>."""
    from bs4.element import NavigableString

    for text in code.find_all(string=True):
        text.replace_with(NavigableString(re.sub(r"\s+", " ", str(text))))
    for br in code.find_all("br"):
        for text, strip in ((br.previous_sibling, str.rstrip), (br.next_sibling, str.lstrip)):
            if isinstance(text, NavigableString):
                text.replace_with(NavigableString(strip(str(text))))
    code.name = "pre"


def _line_breaks(soup: Any) -> None:
    """<br> as a reader sees it: a newline inside <pre>; a line break only between words of
    one block (one at a block's edge, or a second in a row, shows nothing and would leave a
    stray backslash in Markdown); moved out of emphasis or a link that it ends or starts."""
    from bs4.element import NavigableString

    for br in soup.find_all("br"):
        if br.find_parent("pre") is not None:
            br.replace_with(NavigableString("\n"))
            continue
        while br.parent is not None and br.parent.name not in _BLOCKS:
            parent = br.parent
            if not any(_is_words(node) for node in br.next_siblings):
                parent.insert_after(br.extract())
            elif not any(_is_words(node) for node in br.previous_siblings):
                parent.insert_before(br.extract())
            else:
                break
        if not (_words_beside(br, forward=False) and _words_beside(br, forward=True)):
            br.decompose()
            continue
        after = br.next_sibling
        if isinstance(after, NavigableString) and after[:1].isspace():
            after.replace_with(NavigableString(after.lstrip()))


def _flattened(soup: Any) -> None:
    """What is nested deeper than _MAX_DEPTH as its words only: no story nests so deep, and
    the converter (recursive) would end in a RecursionError."""
    from bs4.element import NavigableString, Tag

    stack = [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        for child in node.children:
            if not isinstance(child, Tag):
                continue
            if depth + 1 < _MAX_DEPTH:
                stack.append((child, depth + 1))
            elif child.find(True) is not None:
                words = " ".join(child.get_text(" ").split())
                child.clear()
                child.append(NavigableString(words))


def _emphasis_around_words_only(soup: Any) -> None:
    """Bold, italics or code around a list, a paragraph or a table (a browser draws it, old
    editors write it) let go: `**- a**` is no list in Markdown, and what is left of the
    marks shows as stray characters. The words inside keep their own marks."""
    for mark in reversed(soup.find_all(_EMPHASIS)):  # the innermost first
        if mark.find(_BLOCKS - {"[document]", "html", "body"}) is not None:
            mark.unwrap()


def _items_in_lists(soup: Any) -> None:
    """A list item outside any list (pasted from a longer page) in a list of its own: the
    converter would write its bullet in the middle of the line before it."""
    for item in soup.find_all("li"):
        if item.parent is not None and item.parent.name not in ("ul", "ol", "menu"):
            before = item.find_previous_sibling(True)
            if before is not None and before.name == "ul" and before.get(_ORPHANS) is not None:
                before.append(item.extract())  # the orphan just before: the same list
            else:
                item.wrap(soup.new_tag("ul", attrs={_ORPHANS: ""}))
    for made in soup.find_all(attrs={_ORPHANS: True}):
        del made[_ORPHANS]


def _tables_in_tables(soup: Any) -> None:
    """A table (or a stray row or cell) inside a table's cell as its cells' words, side by
    side: a Markdown table holds no table, and one written inside another breaks both into
    lines of bars."""
    from bs4.element import NavigableString

    parts = ["table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th"]
    for cell in soup.find_all(["td", "th"]):
        for part in cell.find_all(parts):
            part.insert(0, NavigableString(" "))
            part.unwrap()


def _lines_hold_words_only(soup: Any) -> None:
    """A term or a heading that holds a list, a table or a paragraph as its words: both are
    one line in Markdown, and a block written inside one breaks it into bars and marks."""
    from bs4.element import NavigableString

    inner = _BLOCKS - {"[document]", "html", "body"}
    for line in reversed(soup.find_all(["dt", "h1", "h2", "h3", "h4", "h5", "h6"])):
        if line.find(inner) is not None:
            words = " ".join(line.get_text(" ").split())
            line.clear()
            line.append(NavigableString(words))


def _words_beside_blocks_in_items(soup: Any) -> None:
    """In a list item that holds a block (a list, code, a paragraph), the words after a
    block each in a paragraph of their own: written straight after a nested list or a code
    fence, they would join its last line ("```1." inside the code). The words before the
    first block stay the item's first line."""
    from bs4.element import Tag

    for item in soup.find_all("li"):
        children = list(item.children)
        if not any(isinstance(c, Tag) and c.name in _BLOCKS for c in children):
            continue
        run: list[Any] = []
        after_block = False
        for child in [*children, None]:
            if child is None or (isinstance(child, Tag) and child.name in _BLOCKS):
                if after_block and any(str(part).strip() for part in run):
                    paragraph = soup.new_tag("p")
                    run[0].insert_before(paragraph)
                    for part in run:
                        paragraph.append(part.extract())
                run, after_block = [], True
            else:
                run.append(child)


def _convert(html: str, base_url: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    _flattened(soup)
    for element in soup.find_all(_DROPPED):
        element.decompose()
    for link in soup.find_all("a"):
        href = _clean_url(str(link.get("href") or ""), base_url)
        if href is None or _shows_its_own_image(link, href):
            link.unwrap()  # the words (or the image) stay, the address goes
        else:
            link.attrs = {"href": href}
    for image in soup.find_all("img"):
        src = _clean_url(str(image.get("src") or ""), base_url)
        if src is None or _is_pixel(image):
            image.decompose()
        else:
            image.attrs = {"src": src, "alt": " ".join(str(image.get("alt") or "").split())}
    for code in soup.find_all("code"):
        if code.find("br") is not None and code.find_parent("pre") is None:
            _lines_of_code(code)
    for odd in soup.find_all(lambda tag: not _TAG_NAME.fullmatch(tag.name)):
        odd.unwrap()  # "<A<br>": a tag typed by hand, broken; its words stay
    _items_in_lists(soup)
    _tables_in_tables(soup)
    _lines_hold_words_only(soup)
    _words_beside_blocks_in_items(soup)
    _emphasis_around_words_only(soup)
    _line_breaks(soup)
    _lists_apart(soup)
    converter = _converter(
        heading_style="atx",
        bullets="-",
        strong_em_symbol="*",
        newline_style="backslash",
        autolinks=True,
    )
    markdown: str = converter.convert_soup(soup)
    return markdown


def _shows_its_own_image(link: Any, href: str) -> bool:
    """A link around nothing but an image, to an image file: the same photo at its full
    size (WordPress's "link to media file"), which the image itself already shows."""
    images = link.find_all("img")
    return (
        len(images) == 1
        and not link.get_text().strip()
        and bool(IMAGE_FILE.search(urlsplit(href).path))
    )


def html_to_markdown(html: str, *, base_url: str = "") -> str:
    """The Markdown of an HTML fragment: its structure kept, anything that runs or tracks
    dropped, every word that would read as markup escaped; relative links and images read
    against base_url when given; paragraphs one blank line apart, no trailing spaces, no
    blank lines at either end."""
    if "<" not in html and "&" not in html:
        return _tidy(escape_text(_LEADING.sub("", html)))
    return _tidy(_convert(html, base_url))


def _tidy(markdown: str) -> str:
    text = markdown.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = _TRAILING.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def html_to_text(html: str) -> str:
    """What a reader sees of an HTML fragment, as one line of plain text (for a lead)."""
    return plain_text(html_to_markdown(html))
