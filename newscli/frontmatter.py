"""Article text ⇄ (front matter, body): TOML between '+++' lines, the body kept byte for byte."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import tomli_w

from newscli.i18n import _
from newscli.invisible import located

if TYPE_CHECKING:
    from tomlkit.items import Array

DELIMITER = "+++"
BOM = "\ufeff"
_TOML_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")
_HEADER = re.compile(r"^\[")


class FrontMatterError(ValueError):
    """Front matter that cannot be split or parsed; line is 1-based in the whole file."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Split:
    """A file cut in three: everything up to and including the opening delimiter, the TOML, the rest."""

    head: str
    toml: str
    tail: str
    body: str

    @property
    def toml_first_line(self) -> int:
        return self.head.count("\n") + 1


_CLOSING = re.compile(r"^\+\+\+[ \t]*\r?$", re.MULTILINE)


def split(text: str) -> Split:
    """Cut text at its '+++' lines; the body is everything after the closing line, untouched."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[: first_end + 1]
    if first.removeprefix(BOM).rstrip() != DELIMITER:
        raise FrontMatterError(_("does not start with a '+++' line (TOML front matter)"), 1)
    closing = _CLOSING.search(text, len(first))
    if first_end < 0 or closing is None:
        raise FrontMatterError(_("front matter has no closing '+++' line"), text.count("\n") + 1)
    end = closing.end()
    if end < len(text) and text[end] == "\n":
        end += 1
    return Split(
        head=first,
        toml=text[len(first) : closing.start()],
        tail=text[closing.start() : end],
        body=text[end:],
    )


def parse(text: str) -> tuple[dict[str, Any], str, Split]:
    """The front matter as a dict, the body, and the split for line numbers and rewrites."""
    parts = split(text)
    try:
        meta = tomllib.loads(parts.toml)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = parts.toml_first_line + int(found.group(1)) - 1 if found else 1
        invisible = located(parts.toml, int(found.group(1)), int(found.group(2))) if found else None
        message = _TOML_LINE.sub("", str(exc)).strip()
        raise FrontMatterError(
            invisible or _("broken TOML front matter: {problem}").format(problem=message), line
        ) from None
    except RecursionError:
        # tomllib recurses once per nested array or inline table.
        line = parts.toml_first_line + _deep_line(parts.toml) - 1
        raise FrontMatterError(too_deep(), line) from None
    for key, value in meta.items():
        if nesting(value) > MAX_NESTING:
            raise FrontMatterError(too_deep(), key_line(parts, key))
    return meta, parts.body, parts


# Arrays and tables inside each other: an article needs two levels, and everything that
# walks a value (JSON, the index, templates, TOML writers) recurses once per level.
MAX_NESTING = 32


def too_deep() -> str:
    """The message for front matter nested deeper than MAX_NESTING."""
    return _(
        "front matter is nested more than {limit} levels deep (arrays or tables in each other)"
    ).format(limit=MAX_NESTING)


def nesting(value: Any) -> int:
    """How deep tables and arrays are nested in value (0 for a plain value); no recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_NESTING:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _deep_line(toml: str) -> int:
    """The TOML line where brackets and braces nest deeper than MAX_NESTING, skipping strings
    and comments; only used once tomllib has given up, so speed does not matter."""
    depth, line, at = 0, 1, 0
    while at < len(toml):
        char = toml[at]
        if char == "\n":
            line += 1
        elif char == "#":
            at = toml.find("\n", at)
            at = len(toml) if at < 0 else at
            continue
        elif char in "\"'":
            quote = char * 3 if toml.startswith(char * 3, at) else char
            end = at + len(quote)
            while end < len(toml) and not toml.startswith(quote, end):
                if len(quote) == 1 and toml[end] == "\n":
                    break
                end += 2 if char == '"' and toml[end] == "\\" else 1
            line += toml.count("\n", at, end)
            at = end + len(quote) if toml.startswith(quote, end) else end
            continue
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return line
        elif char in "]}":
            depth = max(0, depth - 1)
        at += 1
    return 1


def dump(meta: dict[str, Any], body: str) -> str:
    """A whole article file: front matter in the order given, then the body as it is."""
    return f"{DELIMITER}\n{tomli_w.dumps(meta)}{DELIMITER}\n{body}"


def key_line(parts: Split, key: str) -> int:
    """The file line where a top-level key is set (`key =`, `key.x =`, or a `[key]` header),
    or the first front-matter line."""
    name = rf"(?:{re.escape(key)}|\"{re.escape(key)}\")"
    assignment = re.compile(rf"^\s*{name}\s*[.=]")
    header = re.compile(rf"^\s*\[+\s*{name}\s*[.\]]")
    in_table = False
    for offset, line in enumerate(parts.toml.split("\n")):
        if header.match(line) or (not in_table and assignment.match(line)):
            return parts.toml_first_line + offset
        in_table = in_table or bool(_HEADER.match(line.lstrip()))
    return parts.toml_first_line


def set_key(parts: Split, meta: dict[str, Any], key: str, value: Any) -> str:
    """The whole file text with one top-level key set to value; every other line, every comment
    and the body kept byte for byte.

    meta is the parsed TOML of parts. Only the key's own lines change (from `key =` to the end
    of its value and any comment after it). When they hold no '#' they are written afresh as
    tomli-w writes them (fast); otherwise they are edited with tomlkit, which keeps a comment
    after the value and comments on lines of their own. A list that replaces an array is
    applied as the smallest edit (keep, replace, delete, insert item by item), so a comment
    after an item stays with that item and an item replaced in place (a renamed topic) keeps
    its comment; the one comment that is lost is the one after an item that is deleted. When
    the key's lines cannot be told apart, the whole front matter goes through tomlkit, and is
    refused if tomlkit would not give its other lines back unchanged. A new key is added after
    the last top-level key, before the first [table]. New lines use the file's line ending
    (that of its opening '+++' line).

    The usual edit costs two parses of the key's own lines, not of the whole front matter:
    the old lines start where a top-level statement starts and read alone as exactly
    `key = meta[key]` (see _key_lines), and the new lines read alone as exactly
    `key = value` and end with a line break. TOML defines a top-level key once, by one
    statement, and nothing else in the document can refer to it, so swapping that
    statement for the new one reads back as meta with only the key changed. Any other
    edit (a new key, the whole front matter through tomlkit) is parsed whole to check it.

    Raises FrontMatterError when the result would not read back as meta with only that key
    changed, or value cannot be written as TOML.
    """
    newline = "\r\n" if parts.head.endswith("\r\n") else "\n"
    expected = {**meta, key: value}
    failure = _("cannot set {key} in the front matter without changing anything else").format(
        key=repr(key)
    )

    lines = _lines(parts.toml)
    try:
        start, end, first_header = _key_lines(lines, key, meta.get(key))
        toml: str | None = None
        if start is None:
            toml = _insert_key(lines, first_header, key, value, newline)
        elif end is not None:
            old = "".join(lines[start:end])
            if "#" in old:  # perhaps a comment: leave the key's lines to tomlkit
                new = _edit_one_line(old, meta[key], value)
                if new is None:
                    new = _edit_with_tomlkit(old, meta[key], key, value, newline)
            else:
                new = tomli_w.dumps({key: value}).replace("\n", newline)
            if (
                new is not None
                and (new.endswith("\n") or end == len(lines))
                and _reads_back(new, {key: value})
            ):  # the key's own statement swapped for another: see above
                toml = "".join(lines[:start]) + new + "".join(lines[end:])
                return parts.head + toml + parts.tail + parts.body
        if toml is None or not _reads_back(toml, expected):
            toml = _edit_with_tomlkit(parts.toml, meta.get(key), key, value, newline)
            if toml is not None and not _reads_back(toml, expected):
                toml = None
    except (TypeError, ValueError, RecursionError) as exc:  # a value TOML cannot hold
        raise FrontMatterError(f"{failure}: {exc}", key_line(parts, key)) from None
    if toml is None:
        raise FrontMatterError(failure, key_line(parts, key))
    return parts.head + toml + parts.tail + parts.body


def _lines(text: str) -> list[str]:
    """text cut after each '\n' (str.splitlines also cuts at U+2028 and others, which a TOML
    string may hold)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _parses(toml: str) -> bool:
    try:
        tomllib.loads(toml)
    except tomllib.TOMLDecodeError:
        return False
    return True


def _reads_back(toml: str, expected: dict[str, Any]) -> bool:
    try:
        return tomllib.loads(toml) == expected
    except (tomllib.TOMLDecodeError, RecursionError):
        return False


def _key_lines(lines: list[str], key: str, old: Any) -> tuple[int | None, int | None, int]:
    """Where key is set among the top-level lines: its first line, the line after its value
    (and the comment after it), and the first [table] line. The second is None unless
    those lines read alone as exactly {key: old} (the key's value in the whole front
    matter). The first is None when no line starts with `key =` (outside a multi-line
    string)."""
    pattern = re.compile(
        rf"^[ \t]*(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')\s*="
    )
    for index, line in enumerate(lines):
        if _HEADER.match(line):
            return None, None, index
        if pattern.match(line):
            before = "".join(lines[:index])
            if ('"""' in before or "'''" in before) and not _parses(before):
                continue  # the line is inside a multi-line string
            stop = _value_end(lines, index)
            if stop is not None and _reads_back("".join(lines[index:stop]), {key: old}):
                return index, stop, len(lines)
            return index, None, len(lines)
    return None, None, len(lines)


def _value_end(lines: list[str], index: int) -> int | None:
    """The line after the one where the value set on lines[index] ends: one pass over the
    text that skips strings and comments and counts brackets (so a long array with many
    comment lines costs one pass, not one parse per line). None when it never ends."""
    text = "".join(lines[index:])
    at = text.index("=") + 1
    depth = 0
    started = False
    while at < len(text):
        char = text[at]
        if char == "#":
            end = text.find("\n", at)
            at = len(text) if end < 0 else end
            continue
        if char == "\n" and started and depth == 0:
            return index + text.count("\n", 0, at) + 1
        if char in "\"'":
            quote = char * 3 if text.startswith(char * 3, at) else char
            end = at + len(quote)
            while end < len(text) and not text.startswith(quote, end):
                if len(quote) == 1 and text[end] == "\n":
                    return None  # a one-line string that does not end
                end += 2 if char == '"' and text[end] == "\\" else 1
            if end >= len(text):
                return None
            at = end + len(quote)
            started = True
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth < 0:
                return None
        if not char.isspace():
            started = True
        at += 1
    return len(lines) if started and depth == 0 else None


def _insert_key(lines: list[str], first_header: int, key: str, value: Any, newline: str) -> str:
    """lines with key = value added after the last top-level key (before blank lines and the
    first table)."""
    insert_at = first_header
    while insert_at > 0 and not lines[insert_at - 1].strip():
        insert_at -= 1
    before = "".join(lines[:insert_at])
    if before and not before.endswith("\n"):
        before += newline
    new = tomli_w.dumps({key: value}).replace("\n", newline)
    return before + new + "".join(lines[insert_at:])


def _inline(items: list[str]) -> str:
    """A list of strings as one line of TOML: `["A", "B"]`."""
    return "[" + ", ".join(tomli_w.dumps({"s": item})[4:-1] for item in items) + "]"


def _edit_one_line(old: str, before: Any, value: Any) -> str | None:
    """The one line `key = ["A", "B"]  # comment` with the strings of value in the array,
    the spacing and the comment kept byte for byte (what tomlkit would do, without its
    import and parse); None for anything else: an array over several lines, one written
    otherwise than `_inline` writes it, items that are not strings."""
    if not (
        old.count("\n") == 1
        and isinstance(before, list)
        and isinstance(value, list)
        and all(isinstance(item, str) for item in before + value)
    ):
        return None
    name, equals, rest = old.partition("=")
    array = rest.lstrip(" \t")
    written = _inline(before)
    if not array.startswith(written) or not array[len(written) :].lstrip(" \t").startswith("#"):
        return None
    return name + equals + rest[: len(rest) - len(array)] + _inline(value) + array[len(written) :]


def _edit_with_tomlkit(toml: str, old: Any, key: str, value: Any, newline: str) -> str | None:
    """toml (holding key = old, when it holds key) with key set to value by tomlkit, keeping
    comments; None when tomlkit cannot read toml or would not write it back unchanged."""
    import tomlkit  # ~25 ms to import, only for the files whose comments are in the way
    from tomlkit.exceptions import TOMLKitError
    from tomlkit.items import Array

    try:
        doc = tomlkit.parse(toml)
        if doc.as_string() != toml:  # tomlkit 0.15 drops the space in `[ 2021-11-22 ]`
            return None
        current = doc.get(key)
        if not (
            isinstance(current, Array)
            and isinstance(old, list)
            and isinstance(value, list)
            and _edit_array(current, old, value)
        ):
            doc[key] = value
        edited = doc.as_string()
    except TOMLKitError:
        return None
    return _with_newlines(toml, edited, newline)


def _edit_array(array: Array, old: list[Any], new: list[Any]) -> bool:
    """Turn array (holding old) into new with the fewest item changes, so the comments of the
    items that stay stay with them; False when the items cannot be compared."""
    try:
        old_keys = [(type(item), item) for item in old]
        new_keys = [(type(item), item) for item in new]
        matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
        opcodes = matcher.get_opcodes()
    except TypeError:  # unhashable items: tables or arrays in the array
        return False
    for tag, i1, i2, j1, j2 in reversed(opcodes):  # from the end, so indices stay valid
        if tag == "equal":
            continue
        common = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(common):  # in place: the slot keeps its comment
            array[i1 + offset] = new[j1 + offset]
        for index in reversed(range(i1 + common, i2)):
            del array[index]
        for offset, item in enumerate(new[j1 + common : j2]):
            array.insert(i1 + common + offset, item)
    return True


def _with_newlines(original: str, edited: str, newline: str) -> str:
    """edited with the lines it does not share with original (at its start and its end)
    ending in newline, as tomlkit writes '\n' for the lines it adds."""
    if newline == "\n":
        return edited
    old, new = _lines(original), _lines(edited)
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    middle = [
        line[:-1] + newline if line.endswith("\n") and not line.endswith("\r\n") else line
        for line in new[head : len(new) - tail]
    ]
    return "".join(new[:head] + middle + new[len(new) - tail :])
