"""Invisible characters in front matter, named as people know them and cleaned out; pure.

Text pasted from Word into an editor brings characters no editor shows: a soft line break
is a vertical tab, a page break a form feed, and web pages bring zero-width spaces. TOML
refuses most of them ("Illegal character '\\x0b'"), which tells no one where to look; so a
broken file's message names the character, its field and its column (`located`), and
`newscli check --fix` cleans the TOML text (`cleaned`): in a one-line string a break becomes
a space, in a multi-line string a line break; every other invisible character goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newscli.i18n import N_, _

# The characters named with their own words; any other invisible one by its code point.
NAMES = {
    "\x00": N_("a NUL character (an empty byte)"),
    "\x0b": N_("a vertical tab (from Word?)"),
    "\x0c": N_("a form feed (a page break from Word?)"),
    "\r": N_("a carriage return without a line feed"),
    "\x7f": N_("a delete character (DEL)"),
    "\x85": N_("a next-line character (NEL)"),
    "\u2028": N_("a line separator (U+2028, from a web page?)"),
    "\u2029": N_("a paragraph separator (U+2029)"),
    "\u200b": N_("a zero-width space"),
    "\u2060": N_("a word joiner (U+2060, zero-width)"),
    "\ufeff": N_("a zero-width no-break space (U+FEFF, a byte order mark)"),
    "\u200e": N_("a left-to-right mark (U+200E)"),
    "\u200f": N_("a right-to-left mark (U+200F)"),
}
# Breaks: a space in a one-line value, a line break in a multi-line string.
BREAKS = frozenset("\x0b\x0c\r\x85\u2028\u2029")
# Everything check --fix takes out of TOML: C0 and C1 controls but tab and newline, DEL,
# zero-width spaces and joiners that join nothing, marks and bidi controls. (A zero-width
# joiner or non-joiner, U+200D/U+200C, belongs to emoji and scripts: it stays.)
INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069"
    "\ufeff]"
)

# The fields people know by a name of their own; any other is named by its key.
FIELDS = {
    "title": N_("the title"),
    "teaser": N_("the teaser"),
    "author": N_("the author"),
    "topics": N_("the topics"),
    "image.alt": N_("the photo's alt text"),
    "image.caption": N_("the photo's caption"),
    "image.credit": N_("the photo credit"),
}
COMMENT = "#"  # the key of a character in a comment (Cleaned.key)

_KEY = re.compile(
    r"""^[ \t]*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:[ \t]*\.[ \t]*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)[ \t]*="""
)
_TABLE = re.compile(r"^[ \t]*\[\[?[ \t]*([^\]]+?)[ \t]*\]\]?[ \t]*(?:#.*)?$")
_CR = re.compile(r"\r(?!\n)")


def name_of(char: str) -> str:
    """What a person calls an invisible character, in their language."""
    known = NAMES.get(char)
    if known is not None:
        return _(known)
    return _("an invisible control character (U+{code:04X})").format(code=ord(char))


def is_invisible(char: str) -> bool:
    """True for a character check --fix takes out (or makes a space or a line break)."""
    return INVISIBLE.fullmatch(char) is not None


def field_at(lines: list[str], index: int) -> str | None:
    """The dotted key (image.alt) whose value lines[index] is part of: the nearest
    `key =` at or above it, under its table; None above the first key."""
    key = None
    for number in range(index, -1, -1):
        line = lines[number]
        if key is None:
            found = _KEY.match(line)
            if found:
                key = _plain_key(found.group(1))
                continue
        table = _TABLE.match(line)
        if table and key is not None:
            return f"{_plain_key(table.group(1))}.{key}"
    return key


def _plain_key(text: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in text.split("."))


def field_name(key: str | None) -> str | None:
    """A field as the message names it: 'the title', 'a comment', else 'the value of
    image.credit'."""
    if key is None:
        return None
    if key == COMMENT:
        return _("a comment")
    known = FIELDS.get(key)
    return _(known) if known is not None else _("the value of {key}").format(key=key)


def located(toml: str, line: int, column: int) -> str | None:
    """The message for a TOML error at line and column (1-based, in toml) when an
    invisible character causes it, the character at that place or else the first on its
    line: what it is, in which field, at which column (the line is the error's own);
    None when no invisible character is there."""
    on_line = [change for change in cleaned(toml)[1] if change.line == line]
    if not on_line:
        return None
    change = next((c for c in on_line if c.column == column), on_line[0])
    field = field_name(change.key)
    if field is None:
        return _("{what} at column {column}; newscli check --fix cleans it").format(
            what=name_of(change.char), column=change.column
        )
    return _("{what} in {field}, column {column}; newscli check --fix cleans it").format(
        what=name_of(change.char), field=field, column=change.column
    )


@dataclass(frozen=True)
class Cleaned:
    """One invisible character check --fix changed: where it was (line and column in the
    file), what it was, its field's key, and what took its place ('' when removed)."""

    line: int
    column: int
    char: str
    key: str | None
    replacement: str

    def describe(self) -> str:
        """The change as a sentence: 'a vertical tab (from Word?) in the title on line 3,
        column 17 made a space'."""
        field = field_name(self.key)
        done = {
            " ": N_("made a space"),
            "\n": N_("made a line break"),
            "": N_("removed"),
        }[self.replacement]
        where = {"what": name_of(self.char), "line": self.line, "column": self.column}
        if field is None:
            return _("{what} on line {line}, column {column}: {done}").format(done=_(done), **where)
        return _("{what} in {field} on line {line}, column {column}: {done}").format(
            field=field, done=_(done), **where
        )


def cleaned(toml: str, first_line: int = 1) -> tuple[str, list[Cleaned]]:
    """toml with its invisible characters cleaned out, and each change: a break in a
    multi-line string becomes a line break (the file's own), elsewhere a space; any other
    invisible character is removed. Everything else is kept as it is, comments included."""
    if INVISIBLE.search(toml.replace("\r\n", "\n")) is None:
        return toml, []
    newline = "\r\n" if "\r\n" in toml else "\n"
    lines = toml.split("\n")
    out: list[str] = []
    changes: list[Cleaned] = []
    state = ""  # '' outside a string, or the quote that opened it: " ' """ '''
    line = column = 0  # 0-based in toml
    i = 0
    while i < len(toml):
        char = toml[i]
        if char == "\n":
            line, column = line + 1, 0
            if state in ('"', "'", "#"):
                state = ""
            out.append(char)
            i += 1
            continue
        lone_cr = char == "\r" and _CR.match(toml, i) is not None
        if (char != "\r" or lone_cr) and is_invisible(char):
            multi = state in ('"""', "'''")
            key = COMMENT if state == "#" else field_at(lines, line)
            replacement = ("\n" if multi else " ") if char in BREAKS else ""
            changes.append(Cleaned(first_line + line, column + 1, char, key, replacement))
            out.append(newline if replacement == "\n" else replacement)
            i += 1
            column += 1
            continue
        step = 1
        if state == "":
            if toml.startswith(('"""', "'''"), i):
                state, step = toml[i : i + 3], 3
            elif char in "\"'#":
                state = char
        elif state == "#":
            pass
        elif state in ('"', '"""') and char == "\\":
            step = (
                2
                if i + 1 < len(toml) and toml[i + 1] != "\n" and not is_invisible(toml[i + 1])
                else 1
            )
        elif toml.startswith(state, i):
            state, step = "", len(state)
        out.append(toml[i : i + step])
        i += step
        column += step
    return "".join(out), changes
