"""Pages copied from a browser as plain text: a full story, or a topic listing of teasers.

A browser copies a page as its paragraphs, one blank line between them, and nothing else: no
markup, no dates, no links. What each paragraph is has to be read from its shape:

- a *heading* is one short line that does not end as a sentence does (no full stop, comma,
  colon or semicolon at its end, no sentence break inside, not a quote);
- a *listing* has an "Ämnen: X" line followed by teasers, each a headline and its teaser
  paragraph, with the photo's words before them: its caption (ending in "Foto: Name", the
  credit, when the page gives one) and its alt text (a short line before the headline: the
  page shows a photo's alt text when it copies it, often the headline once more);
- a *story* starts with its title line, then the lead, then the body, and ends with the lines
  "Författare: …", "Källa: …" and "Detta inlägg finns i sin helhet på …" (author, source,
  and the note that points at the original).

Lines that are the page's own chrome ("Gå direkt till innehåll", "Läs mer" …) are left out.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from pathlib import Path

from newscli.i18n import _
from newscli.importing.incoming import Incoming, IncomingPhoto, Read, Unreadable
from newscli.text import clean_line

# A copied page is a few kilobytes; anything this big is not one (and is not read whole).
MAX_BYTES = 5 * 1024 * 1024

# The page's own navigation and buttons, as they come along with a copy (casefolded).
CHROME = frozenset(
    {
        "gå direkt till innehåll",
        "gå till huvudinnehållet",
        "hoppa till innehåll",
        "hoppa till huvudinnehållet",
        "till innehållet",
        "skip to content",
        "skip to main content",
        "meny",
        "stäng",
        "sök",
        "dela",
        "dela sidan",
        "skriv ut",
        "lyssna",
        "lyssna på sidan",
        "läs mer",
        "visa fler",
        "visa alla",
        "till toppen",
        "tillbaka till toppen",
    }
)

# One topic's listing: "Ämnen: Familjefrågor" (also "Ämne:"); on a story, its topics.
_TOPICS = re.compile(r"Ämnen?:\s*(?P<topics>\S.*)")
_AUTHOR = re.compile(r"Författare:\s*(?P<author>\S.*)")
_SOURCE = re.compile(r"Källa:\s*(?P<source>\S.*)")
_NOTE = re.compile(r"Detta inlägg finns i sin helhet på\s+\S.*")
# A caption's credit at its end: "… med mässdagarna. Foto: Helene Markström".
_CREDIT = re.compile(r"(?P<caption>.*?)\s*\b(?:Foto|Bild|Fotograf):\s*(?P<credit>\S.*?)\s*\.?")
# A quote as Swedish text opens one: a dash (hyphen, en or em dash), then the words.
_QUOTE = re.compile(r"[-–—]\s*(?=[^\W\d_])")
_SENTENCE_BREAK = re.compile(r"[.!?…]\s+[A-ZÅÄÖ0-9\"”»]")
_HEADING_MAX = 160
_SPACES = re.compile(r"[ \t]+")  # runs of plain spaces; a non-breaking space is kept
_BLANK_LINE = re.compile(r"\n[ \t\xa0]*\n")
_NEWLINES = re.compile(r"\r\n?|[\x85\u2028\u2029]")
# What makes Markdown of plain words: marks, links, escapes, raw HTML, entities; and at a
# line's start, headings, quotes, lists and rules.
_INLINE_MARKUP = re.compile(r"[\\`*_\[\]<]|&(?=#?\w+;)")
_LINE_MARKUP = re.compile(r"^(\s*)([#>+=|]|[-*](?=\s|$)|\d+(?=[.)]))", re.MULTILINE)


def read_text(paths: Sequence[Path]) -> Read:
    """The stories in copied pages: one per story page, one per teaser of a listing page."""
    read: Read = []
    for path in paths:
        read.extend(read_page(path))
    return read


def read_page(path: Path) -> Read:
    """The stories in one copied page, or why it holds none."""
    from newscli.files import FileRefused, read_plain_file

    where = str(path)
    try:
        data = read_plain_file(path, MAX_BYTES, _("too large for a copied page (over 5 MB)"))
    except FileRefused as exc:
        return [Unreadable(where, exc.reason)]
    text = decode_page(data)
    if text is None:
        return [Unreadable(where, _("not a text file (it holds NUL bytes)"))]
    return parse_page(text, where)


def _windows_1252(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="ignore"), error.end


codecs.register_error("newscli.copied.cp1252", _windows_1252)


def decode_page(data: bytes) -> str | None:
    """The text of a copied page, whatever the editor saved it as; None for a binary file.

    UTF-8 first (a byte order mark is dropped). A byte that is not UTF-8 is read as
    Windows-1252, the "ANSI" of Swedish Windows: Latin-1 plus – “ ” … € where Latin-1 has
    invisible control codes, so a file Notepad saved as ANSI and one stray byte in a UTF-8
    file both read right. The five bytes Windows-1252 leaves undefined are control codes in
    Latin-1 too, and dropped as every control character is. A UTF-16 file (Notepad's
    "Unicode") is known by its byte order mark.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data:
        return None
    return data.decode("utf-8-sig", errors="newscli.copied.cp1252")


def parse_page(text: str, where: str) -> Read:
    """The stories in a copied page's text (where names the page in messages); pure."""
    blocks = _blocks(text)
    if not blocks:
        return [Unreadable(where, _("the page is empty"))]
    for index, block in enumerate(blocks):
        heading = _TOPICS.fullmatch(block)
        if heading and "\n" not in block:
            read = _listing(heading["topics"].strip(), blocks[index + 1 :], where)
            if any(isinstance(entry, Incoming) for entry in read):
                return read
            break  # "Ämnen: …" with no teaser after it: a story's topics line, or nothing
    if _is_heading(blocks[0]) and len(blocks) > 1:
        return [_story(blocks, where)]
    return [
        Unreadable(
            where,
            _(
                "neither a story (a title line, then paragraphs) nor a topic listing "
                "(an “Ämnen: …” line, then teasers)"
            ),
        )
    ]


def _blocks(text: str) -> list[str]:
    """The page's paragraphs: lines cleaned, page chrome left out."""
    text = _NEWLINES.sub("\n", text)
    blocks = []
    for raw in _BLANK_LINE.split(text):
        lines = [_squeeze(clean_line(line)) for line in raw.split("\n")]
        block = "\n".join(line for line in lines if line)
        if block and block.casefold().rstrip(".:»›> ") not in CHROME:
            blocks.append(block)
    return blocks


def _is_heading(block: str) -> bool:
    """A short line that does not end as a sentence does: a title, headline or subheading."""
    return (
        "\n" not in block
        and len(block) <= _HEADING_MAX
        and not block.endswith((".", ",", ":", ";"))
        and not _QUOTE.match(block)
        and not _SENTENCE_BREAK.search(block)
        and not _CREDIT.fullmatch(block)
    )


def _photo_words(block: str) -> tuple[str, str]:
    """A caption and its credit ("… Foto: Name" at its end; the credit may be missing)."""
    found = _CREDIT.fullmatch(block)
    if found:
        return _squeeze(found["caption"].replace("\n", " ")), found["credit"]
    return _squeeze(block.replace("\n", " ")), ""


def _listing(topic: str, blocks: list[str], where: str) -> Read:
    """One draft per teaser: headline, teaser paragraph, and the photo's words before them."""
    read: Read = []
    alt = ""
    caption: str | None = None
    index = 0
    count = 0

    def leftover(text: str) -> Unreadable:
        return Unreadable(
            where,
            _("text that belongs to no teaser, left out: “{text}”").format(text=_shorten(text)),
        )

    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if (
            _is_heading(block)
            and following is not None
            and not _is_heading(following)
            and not _CREDIT.fullmatch(following)
        ):
            count += 1
            words, credit = _photo_words(caption) if caption is not None else ("", "")
            photo = IncomingPhoto(alt=alt, caption=words, credit=credit)
            read.append(
                Incoming(
                    where=_("{page}, teaser {number}").format(page=where, number=count),
                    title=block,
                    topics=(topic,),
                    lead=_squeeze(_dialogue(following).replace("\n", " ")),
                    status="draft",
                    photo=photo if alt or words or credit else None,
                    key={"copied": block},
                )
            )
            alt, caption = "", None
            index += 2
            continue
        if _is_heading(block):
            if alt:
                read.append(leftover(alt))
            alt = block
        else:
            if caption is not None:
                read.append(leftover(caption))
            caption = block
        index += 1
    read.extend(leftover(text) for text in (alt, caption) if text)
    return read


def _story(blocks: list[str], where: str) -> Incoming | Unreadable:
    """A full story: title, lead, body with its subheadings, and the closing lines."""
    title = blocks[0]
    author = source = note = ""
    topics: tuple[str, ...] = ()
    content: list[str] = []
    for block in blocks[1:]:
        one_line = "\n" not in block
        if one_line and (found := _AUTHOR.fullmatch(block)):
            author = found["author"].strip()
        elif one_line and (found := _SOURCE.fullmatch(block)):
            source = found["source"].strip()
        elif one_line and _NOTE.fullmatch(block):
            note = block
        elif one_line and (found := _TOPICS.fullmatch(block)):
            topics = tuple(t.strip() for t in found["topics"].split(",") if t.strip())
        else:
            content.append(block)
    if not content:
        return Unreadable(where, _("a title and no text: not a story"))
    lead = ""
    if not _is_heading(content[0]):
        lead = _squeeze(_dialogue(content.pop(0)).replace("\n", " "))
    body: list[str] = []
    for index, block in enumerate(content):
        between = index < len(content) - 1 and (index > 0 or bool(lead))
        if _is_heading(block) and between:
            body.append("## " + markdown_text(block))
        else:
            body.append(markdown_text(_dialogue(block)))
    return Incoming(
        where=where,
        title=title,
        author=author,
        topics=topics,
        lead=lead,
        body="\n\n".join(body),
        source_name=source,
        source_note=note,
        key={"copied": title},
    )


def _dialogue(paragraph: str) -> str:
    """A quote opened with "-", "–" or "—" in the Swedish form: an en dash and a space."""
    return _QUOTE.sub("– ", paragraph, count=1)


def markdown_text(text: str) -> str:
    """Plain words as Markdown that shows them as they are: marks and line starts escaped."""
    text = _INLINE_MARKUP.sub(lambda m: "\\" + m.group(), text)
    return _LINE_MARKUP.sub(
        lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2).isdigit() else "\\" + m.group(2)),
        text,
    )


def _squeeze(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" ")


def _shorten(text: str, width: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"
