"""Text from outside made fit to keep, and text made safe to show on a terminal; pure.

Staff paste from Word and web pages: a soft line break arrives as a vertical tab, a page
break as a form feed, a web page's line as U+2028. Such text is a story all the same, so it
is read, not refused: line breaks of any kind become spaces in one-line fields, and every
other control character is dropped. A terminal, on the other hand, obeys control
characters (a title could clear the screen or rename the window) and shows bidi overrides
as reversed text, so everything newscli prints to one goes through `terminal_safe`.
"""

from __future__ import annotations

import re

# Line and paragraph breaks in any of their forms: VT, FF, NEL, LS, PS (and CR, LF, tab).
_BREAKS = re.compile("[\t\n\v\f\r\x85\u2028\u2029]")
# Other C0 and C1 controls, DEL, and bidi embeddings/overrides/isolates.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]")
# Everything a terminal could take as an instruction, tab and newline included.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


def has_control(text: str) -> bool:
    """True when text holds a character clean_line changes (other than plain spaces)."""
    return bool(_CONTROL.search(text) or _BREAKS.search(text.replace("\n", " ")))


def clean_line(text: str) -> str:
    """A one-line field as readers should see it: breaks as spaces, controls dropped."""
    if text.isprintable():  # nearly always, and asked in C: no break or control in it
        return text
    return _CONTROL.sub("", _BREAKS.sub(" ", text))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str, *, lines: bool = False) -> str:
    """text with every control character, bidi control and undecodable byte shown as a
    visible escape (ESC as \\x1b), so a terminal only ever displays it; with lines=True
    newlines and tabs stay (a story's body, a file's text)."""
    if lines:
        return "\n".join(
            "\t".join(_UNSAFE.sub(_escape, part) for part in line.split("\t"))
            for line in text.split("\n")
        )
    return _UNSAFE.sub(_escape, text)
