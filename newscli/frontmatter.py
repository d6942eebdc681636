"""Article text ⇄ (front matter, body): TOML between '+++' lines, the body kept byte for byte."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

import tomli_w

DELIMITER = "+++"
BOM = "\ufeff"
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")
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
        raise FrontMatterError("does not start with a '+++' line (TOML front matter)", 1)
    closing = _CLOSING.search(text, len(first))
    if first_end < 0 or closing is None:
        raise FrontMatterError("front matter has no closing '+++' line", text.count("\n") + 1)
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
        message = _TOML_LINE.sub("", str(exc)).strip()
        raise FrontMatterError(f"broken TOML front matter: {message}", line) from None
    except RecursionError:
        # tomllib recurses once per nested array or inline table.
        line = parts.toml_first_line + _deep_line(parts.toml) - 1
        raise FrontMatterError(TOO_DEEP, line) from None
    for key, value in meta.items():
        if nesting(value) > MAX_NESTING:
            raise FrontMatterError(TOO_DEEP, key_line(parts, key))
    return meta, parts.body, parts


# Arrays and tables inside each other: an article needs two levels, and everything that
# walks a value (JSON, the index, templates, TOML writers) recurses once per level.
MAX_NESTING = 32
TOO_DEEP = (
    f"front matter is nested more than {MAX_NESTING} levels deep (arrays or tables in each other)"
)


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
    for offset, line in enumerate(parts.toml.splitlines()):
        if header.match(line) or (not in_table and assignment.match(line)):
            return parts.toml_first_line + offset
        in_table = in_table or bool(_HEADER.match(line.lstrip()))
    return parts.toml_first_line


def has_comments(toml_text: str, meta: dict[str, Any]) -> bool:
    """True when a canonical rewrite would drop a comment: more '#' than the values hold."""
    return toml_text.count("#") > tomli_w.dumps(meta).count("#")


def replace_key(parts: Split, meta: dict[str, Any], key: str, value: Any) -> str | None:
    """The file with one top-level key set to value and every other line as it was.

    meta is the parsed TOML of parts. Returns None when the key's lines cannot be found
    with certainty; the caller then falls back to a canonical rewrite. The result is
    checked by parsing it again: it must equal meta with only that key changed.
    """
    lines = parts.toml.splitlines(keepends=True)
    new_lines = tomli_w.dumps({key: value})
    pattern = re.compile(rf"^(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")
    start = end = None
    first_header = len(lines)
    for index, line in enumerate(lines):
        if _HEADER.match(line):
            first_header = index
            break
        if pattern.match(line):
            start = index
            for stop in range(index, len(lines)):
                try:
                    tomllib.loads("".join(lines[index : stop + 1]))
                except tomllib.TOMLDecodeError:
                    continue
                end = stop + 1
                break
            break
    if start is not None and end is None:
        return None
    if start is None:
        insert_at = first_header
        while insert_at > 0 and not lines[insert_at - 1].strip():
            insert_at -= 1
        before = "".join(lines[:insert_at])
        if before and not before.endswith("\n"):
            before += "\n"
        toml = before + new_lines + "".join(lines[insert_at:])
    else:
        assert end is not None
        toml = "".join(lines[:start]) + new_lines + "".join(lines[end:])
    expected = {**meta, key: value}
    try:
        if tomllib.loads(toml) != expected:
            return None
    except tomllib.TOMLDecodeError:
        return None
    return parts.head + toml + parts.tail + parts.body
