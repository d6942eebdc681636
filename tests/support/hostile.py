"""Hostile input: what staff paste and attackers type, near-valid article files, and article
files with any value in any field."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest
import tomli_w
from hypothesis import strategies as st

from newscli.config import Site
from newscli.errors import ArticleError
from newscli.newsroom import decode, parse_article

# -- hostile text ---------------------------------------------------------------------------------

# What staff paste from e-mail and Word, and what an attacker types into a form.
NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "</title><script>x</script>",
    "</textarea></style></script>",
    "<!--",
    "-->",
    "<![CDATA[x]]>",
    "]]>",
    "&amp;&lt;&#x3C;&#60;&",
    "{{ 7*7 }}{% raw %}",
    "${7*7}",
    "\u202e",  # right-to-left override
    "\u2028\u2029",
    "\ufeff",
    "\ufffe\uffff",
    "\x0b\x0c",  # Word's line and page breaks
    "\x00",
    "\x1b[31m",
    "\x7f\x85",
    "\r\n",
    "Familjefrågor ",
    "ÅÄÖ åäö é",
    "🙂",
    "a" * 300,
    "../../../../etc/passwd",
    "%2e%2e%2f",
    "C:\\Windows\\x",
    "+++",
    '"""',
    "'''",
    "# not a comment",
    "[image]",
    "x = 1",
]

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.lists(st.sampled_from(NASTY) | st.text(max_size=8), min_size=1, max_size=4).map("".join),
)
# The same without the characters validation refuses (control characters), for fields that
# must reach the output.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
printable_text = hostile_text.map(lambda s: _CONTROL.sub("", s))
# Text for a command-line argument: the operating system cannot pass a NUL byte in one
# (stdin can).
argument_text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40)).filter(
    lambda s: "\x00" not in s
)


def toml_string(value: str) -> str:
    """A TOML basic string holding value exactly."""
    return tomli_w.dumps({"x": value}).removeprefix("x = ").removesuffix("\n")


# -- hostile links and Markdown -----------------------------------------------------------------

HOSTILE_URLS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "&#106;avascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    '"><script>alert(1)</script>',
    "https://x.se/\"onmouseover='alert(1)'",
    "https://x.se/<script>",
]
url_value = st.one_of(st.sampled_from(HOSTILE_URLS), printable_text)
hostile_markdown = st.one_of(
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '<img src=x onerror="alert(1)">',
            "<a href='javascript:alert(1)'>x</a>",
            "<javascript:alert(1)>",
            '<https://x.se/"onclick="alert(1)>',
            "[x]: javascript:alert(1)\n\n[länk][x]",
            "<svg><script>alert(1)</script></svg>",
            "<!-- kommentar --><style>body{}</style>",
            "<iframe src=https://x.se></iframe>",
            "```\n</code><script>alert(1)</script>\n```",
            "<details open ontoggle=alert(1)>",
        ]
    ),
    st.sampled_from(HOSTILE_URLS).map(lambda u: f"[länk]({u}) ![bild]({u})"),
    printable_text,
)


# -- near-valid article files ---------------------------------------------------------------------

GOOD = (
    "+++\n"
    'id = "5f0c2e6a-0000-4d6e-9a57-3c1f4c0de8b1"\n'
    'title = "Fuzzad artikel"\n'
    'slug = "fuzzad-artikel"\n'
    "date = 2022-01-10T10:00:00+01:00\n"
    'status = "published"\n'
    'author = "Piteå kommun"\n'
    'topics = ["Ekonomi", "Familjefrågor"]\n'
    'teaser = "En ingress."\n'
    "\n"
    "[image]\n"
    'src = "images/bild.jpg"\n'
    'caption = "En bildtext."\n'
    'credit = "Fotograf"\n'
    "+++\n"
    "\n"
    "Brödtext med **fetstil** och en [länk](https://www.example.se/).\n"
)

BAD_DATES = [
    "2021-13-01T10:00:00+01:00",
    "2021-02-30",
    "0001-01-01",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59-12:00",
    "9999-12-31",
    "2021-11-23T25:00:00",
    "10:00:00",
    '"igår"',
    "1979-05-27T07:32:00Z",
    "1850-01-01T12:00:00",
    "2021-11-23 14:00:00",
    "[]",
    "{}",
    "1e999",
    "nan",
]


def _nested(depth: int, kind: str) -> str:
    if kind == "array":
        return "[" * depth + "]" * depth
    return "{a = " * depth + "1" + "}" * depth


def _mutations(draw: st.DrawFn, text: str) -> bytes:
    kind = draw(
        st.sampled_from(
            [
                "truncate",
                "delimiters",
                "bom",
                "crlf",
                "cr",
                "nul",
                "bytes",
                "huge_line",
                "many_topics",
                "deep",
                "deep_tables",
                "date",
                "field",
                "duplicate_key",
                "none",
            ]
        )
    )
    if kind == "truncate":
        return text.encode()[: draw(st.integers(0, len(text.encode())))]
    if kind == "delimiters":
        opening = draw(
            st.sampled_from(["+++", "---", "++", "++++", " +++", "+++ x", "", "\ufeff---"])
        )
        closing = draw(st.sampled_from(["+++", "---", "++", "+++ ", "+++\t", "", "+++x", "  +++"]))
        lines = text.split("\n")
        if "+++" not in lines[1:]:
            return text.encode()
        end = lines.index("+++", 1)
        lines[0], lines[end] = opening, closing
        return "\n".join(lines).encode()
    if kind == "bom":
        return b"\xef\xbb\xbf" * draw(st.integers(1, 2)) + text.encode()
    if kind == "crlf":
        return text.replace("\n", "\r\n").encode()
    if kind == "cr":
        return text.replace("\n", "\r").encode()
    if kind in ("nul", "bytes"):
        data = bytearray(text.encode())
        for _ in range(draw(st.integers(1, 5))):
            at = draw(st.integers(0, len(data)))
            junk = b"\x00" if kind == "nul" else draw(st.binary(min_size=1, max_size=4))
            data[at:at] = junk
        return bytes(data)
    if kind == "huge_line":
        size = draw(st.sampled_from([10_000, 200_000, 1_000_000]))
        where = draw(st.sampled_from(["body", "title", "comment"]))
        if where == "body":
            return (text + "x" * size + "\n").encode()
        if where == "title":
            return text.replace('"Fuzzad artikel"', '"' + "å" * size + '"').encode()
        return text.replace("+++\n", "+++\n#" + "c" * size + "\n", 1).encode()
    if kind == "many_topics":
        count = draw(st.sampled_from([101, 1_000, 10_000]))
        topics = ", ".join(f'"Ämne {n}"' for n in range(count))
        return text.replace('["Ekonomi", "Familjefrågor"]', f"[{topics}]").encode()
    if kind == "deep":
        depth = draw(st.sampled_from([40, 200, 600, 1_500, 5_000]))
        shape = draw(st.sampled_from(["array", "table"]))
        return text.replace("[image]", f"djup = {_nested(depth, shape)}\n\n[image]").encode()
    if kind == "deep_tables":
        depth = draw(st.sampled_from([40, 300, 3_000]))
        header = ".".join(["t"] * depth)
        return text.replace("+++\n\n", f"[{header}]\nx = 1\n+++\n\n").encode()
    if kind == "date":
        value = draw(st.sampled_from(BAD_DATES))
        key = draw(st.sampled_from(["date", "updated"]))
        if key == "date":
            return text.replace("2022-01-10T10:00:00+01:00", value).encode()
        return text.replace(
            'status = "published"', f'updated = {value}\nstatus = "published"'
        ).encode()
    if kind == "field":
        key = draw(st.sampled_from(["title", "slug", "author", "teaser", "id", "status"]))
        value = draw(hostile_text)
        pattern = re.compile(rf"^{key} = .*$", re.MULTILINE)
        return pattern.sub(lambda _: f"{key} = {toml_string(value)}", text, count=1).encode()
    if kind == "duplicate_key":
        return text.replace(
            'status = "published"', 'status = "published"\nstatus = "draft"'
        ).encode()
    return text.encode()


@st.composite
def near_valid_article(draw: st.DrawFn) -> bytes:
    """Bytes that are almost an article file: one (or two) things wrong, or nothing at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    data = _mutations(draw, GOOD)
    if draw(st.integers(0, 3)) == 0:
        data = _mutations(draw, data.decode("utf-8", errors="replace"))
    return data


# -- parsing one hostile file -------------------------------------------------------------------

HOSTILE_PATH = "articles/2022/01/fientlig.md"
SITE = Site()
REL = PurePosixPath(HOSTILE_PATH)
HEAD = GOOD.split("\n[image]")[0]  # GOOD's front matter up to its [image] table


def problem(data: bytes) -> ArticleError:
    """The ArticleError data must give when read as the file at HOSTILE_PATH."""
    with pytest.raises(ArticleError) as exc:
        parse_article(decode(data, REL), SITE, REL)
    return exc.value


# -- an article file with any value in any field --------------------------------------------------

# A body that uses every construct CommonMark has, so that the benign site shows every
# element and attribute Markdown can produce.
FULL_BODY = """
Första stycket med *kursiv*, **fetstil**, `kod` och en [länk](https://www.example.se/ "titel").
En rad\\
med hårt radbrott.

## Mellanrubrik

### Mindre rubrik

#### h4

##### h5

###### h6

> Ett citat.

- punkt
- lista

3. numrerad
4. lista

```python
print("kod")
```

    indragen kod

---

![Bild](images/bild.jpg "bildtitel")
"""


def article(name: str, **fields: str | list[str]) -> bytes:
    """An article file with the given fields (TOML-escaped) and a body."""
    values: dict[str, object] = {
        "id": f"{name}-0000-4000-8000-000000000000",
        "title": "Rubrik",
        "slug": name,
        "date": "2022-01-10T10:00:00+01:00",
        "updated": "2022-01-11T10:00:00+01:00",
        "status": "published",
        "author": "Författare",
        "topics": ["Ekonomi", "Familjefrågor"],
        "teaser": "Ingress.",
        "caption": "Bildtext.",
        "credit": "Fotograf",
        "alt": "Alt-text",
        "src": "images/bild.jpg",
        "source_name": "Källa",
        "source_url": "https://www.example.se/kalla",
        "body": FULL_BODY,
    }
    values.update(fields)
    lines = ["+++"]
    for key in ("id", "title", "slug", "status", "author", "teaser"):
        if values[key] is not None and not (key == "teaser" and values[key] == "-"):
            lines.append(f"{key} = {toml_string(str(values[key]))}")
    lines += [f"date = {values['date']}", f"updated = {values['updated']}"]
    lines.append(f"topics = {tomli_w.dumps({'t': values['topics']})[4:].strip()}")
    lines += [
        "[image]",
        f"src = {toml_string(str(values['src']))}",
        f"alt = {toml_string(str(values['alt']))}",
        f"caption = {toml_string(str(values['caption']))}",
        f"credit = {toml_string(str(values['credit']))}",
        "[source]",
        f"name = {toml_string(str(values['source_name']))}",
        f"url = {toml_string(str(values['source_url']))}",
        "+++",
    ]
    return ("\n".join(lines) + "\n" + str(values["body"])).encode()


def break_with_conflict_markers(path: Path) -> None:
    """What a half-finished git merge leaves in the front matter."""
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            'status = "published"\n',
            '<<<<<<< HEAD\nstatus = "published"\n=======\nstatus = "draft"\n>>>>>>> main\n',
            1,
        ),
        encoding="utf-8",
    )
