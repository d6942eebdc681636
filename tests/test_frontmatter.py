"""Article text ⇄ (front matter, body): the body kept byte for byte, the topics key rewritten
with every comment kept, and a broken file an error naming its line."""

import datetime as dt

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from newscli import frontmatter
from newscli.article import Article, from_meta, to_meta
from tests.conftest import STOCKHOLM
from tests.support.hostile import HEAD, problem

TEXT = '+++\n# a comment\nid = "x"\ntitle = "T"\ntopics = ["A", "B"]\n\n[image]\nsrc = "i.jpg"\n+++\n\nBody\n+++\nmore\n'


def test_split_keeps_the_body_byte_for_byte() -> None:
    parts = frontmatter.split(TEXT)
    assert parts.body == "\nBody\n+++\nmore\n"
    assert parts.head + parts.toml + parts.tail + parts.body == TEXT


def test_missing_delimiters_are_errors_with_lines() -> None:
    with pytest.raises(frontmatter.FrontMatterError) as opening:
        frontmatter.split("title = 'x'\n")
    assert opening.value.line == 1
    with pytest.raises(frontmatter.FrontMatterError) as closing:
        frontmatter.split("+++\ntitle = 'x'\n\nbody\n")
    assert "closing" in closing.value.message


def test_broken_toml_reports_the_file_line() -> None:
    with pytest.raises(frontmatter.FrontMatterError) as exc:
        frontmatter.parse('+++\nid = "x"\ntitle = "unterminated\n+++\n')
    assert exc.value.line == 3


def _set_topics(text: str, topics: list[str]) -> str:
    meta, _, parts = frontmatter.parse(text)
    return frontmatter.set_key(parts, meta, "topics", topics)


def test_set_key_changes_only_that_key() -> None:
    new = _set_topics(TEXT, ["A", "C"])
    assert new == TEXT.replace('topics = ["A", "B"]\n', 'topics = [\n    "A",\n    "C",\n]\n')
    meta, body, _ = frontmatter.parse(new)
    assert meta == {"id": "x", "title": "T", "topics": ["A", "C"], "image": {"src": "i.jpg"}}
    assert body == "\nBody\n+++\nmore\n"


def test_a_trailing_comment_on_the_topics_line_survives() -> None:
    text = '+++\nid = "x"\ntopics = ["Ekonomi"]  # a comment\n\n[image]\nsrc = "i.jpg"\n+++\nBody\n'
    new = _set_topics(text, ["Ekonomi", "Skola"])
    assert new == text.replace('["Ekonomi"]', '["Ekonomi", "Skola"]')


def test_comments_inside_a_multi_line_topics_array_survive() -> None:
    text = (
        '+++\nid = "x"\ntopics = [\n'
        '  "Ekonomi",  # the main one\n'
        "  # the rest, by weight\n"
        '  "Skola",\n'
        '  "Vård",  # from the old site\n'
        "]\n+++\nBody\n"
    )
    new = _set_topics(text, ["Ekonomi", "Vård", "Brandskydd"])
    assert new == (
        '+++\nid = "x"\ntopics = [\n'
        '  "Ekonomi",  # the main one\n'
        "  # the rest, by weight\n"
        '  "Vård",  # from the old site\n'
        '  "Brandskydd",\n'
        "]\n+++\nBody\n"
    )


def test_a_removed_topic_loses_only_its_own_comment() -> None:
    text = '+++\ntopics = [\n  "A",  # keep me\n  "B",  # about B\n  "C",\n]\n+++\n'
    new = _set_topics(text, ["A", "C"])
    assert new == '+++\ntopics = [\n  "A",  # keep me\n  "C",\n]\n+++\n'


def test_a_renamed_topic_keeps_its_comment() -> None:
    text = '+++\ntopics = [\n  "Ekonomi",\n  "Familjefrågor",  # since 2020\n]\n+++\n'
    new = _set_topics(text, ["Ekonomi", "Familj och barn"])
    assert new == text.replace("Familjefrågor", "Familj och barn")


def test_comment_lines_above_and_below_the_topics_survive() -> None:
    text = (
        '+++\n# above everything\nid = "x"  # the id\n# just above\ntopics = ["A"]\n'
        '# just below\ntitle = "Nr #1"\n\n[image]  # the picture\nsrc = "i.jpg"\n# last\n+++\nB\n'
    )
    new = _set_topics(text, ["A", "B"])
    assert new == text.replace('topics = ["A"]\n', 'topics = [\n    "A",\n    "B",\n]\n')


@pytest.mark.parametrize("comment", ["", "  # with a comment"])
def test_a_crlf_file_stays_crlf(comment: str) -> None:
    text = (
        f'+++\r\nid = "x"\r\ntopics = ["A"]{comment}\r\n\r\n[image]\r\nsrc = "i.jpg"\r\n'
        "+++\r\nBody\r\n"
    )
    new = _set_topics(text, ["A", "B"])
    assert "\n" not in new.replace("\r\n", "")
    assert frontmatter.parse(new)[0]["topics"] == ["A", "B"]
    assert new.startswith('+++\r\nid = "x"\r\ntopics = ')
    assert new.endswith('\r\n\r\n[image]\r\nsrc = "i.jpg"\r\n+++\r\nBody\r\n')
    assert comment in new


def test_a_new_line_in_a_crlf_file_is_crlf_too() -> None:
    text = '+++\r\nid = "x"  # the id\r\n\r\n[image]\r\nsrc = "i.jpg"\r\n+++\r\nBody\r\n'
    new = _set_topics(text, ["Ekonomi"])
    assert new == (
        '+++\r\nid = "x"  # the id\r\ntopics = [\r\n    "Ekonomi",\r\n]\r\n'
        '\r\n[image]\r\nsrc = "i.jpg"\r\n+++\r\nBody\r\n'
    )


@pytest.mark.parametrize("comment", ["", "  # with a comment"])
def test_the_body_is_kept_byte_for_byte(comment: str) -> None:
    body = "\r\n+++\ntopics = []  # not front matter\n\n\tindented  \nno final newline"
    text = f'+++\nid = "x"\ntopics = ["A"]{comment}\n+++\n{body}'
    new = _set_topics(text, [])
    assert frontmatter.split(new).body == body
    assert new.endswith(f"\n+++\n{body}")


def test_unknown_keys_and_tables_are_kept() -> None:
    text = (
        '+++\nid = "x"  # id\nreviewer = { name = "Eva", when = 2021-11-22 }\n'
        'topics = ["A"]  # t\nscore = 1.5\n\n[extra]\nnested = [1, [2, 3]]\n'
        '[[links]]\nurl = "https://example.se"\n+++\nB\n'
    )
    meta, _, parts = frontmatter.parse(text)
    new = frontmatter.set_key(parts, meta, "topics", ["B"])
    assert new == text.replace('topics = ["A"]', 'topics = ["B"]')
    assert frontmatter.parse(new)[0] == {**meta, "topics": ["B"]}


def test_a_missing_key_is_added_before_the_first_table() -> None:
    text = '+++\nid = "x"  # id\n\n[image]\nsrc = "i.jpg"\n+++\nB\n'
    new = _set_topics(text, ["Ekonomi"])
    assert new == text.replace("# id\n", '# id\ntopics = [\n    "Ekonomi",\n]\n')
    meta, body, _ = frontmatter.parse(new)
    assert meta == {"id": "x", "topics": ["Ekonomi"], "image": {"src": "i.jpg"}}
    assert body == "B\n"


def test_a_quoted_key_and_hashes_in_strings_are_edited_correctly() -> None:
    text = '+++\n\'topics\' = ["Nr #1", "B"]  # quoted key\n+++\n'
    new = _set_topics(text, ["Nr #1", "Nr #2"])
    assert new == '+++\n\'topics\' = ["Nr #1", "Nr #2"]  # quoted key\n+++\n'


def test_a_key_line_inside_a_multi_line_string_is_left_alone() -> None:
    text = '+++\nteaser = """\ntopics = ["x"]\n"""\ntopics = ["A"]  # c\n+++\nB\n'
    new = _set_topics(text, ["A", "B"])
    assert new == text.replace('["A"]', '["A", "B"]')


def test_a_value_toml_cannot_hold_is_an_error_not_a_broken_file() -> None:
    meta, _, parts = frontmatter.parse(TEXT)
    with pytest.raises(frontmatter.FrontMatterError) as exc:
        frontmatter.set_key(parts, meta, "topics", ["A", None])
    assert exc.value.line == 5


_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=60)
_line_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40
).filter(str.strip)
_body = st.lists(
    st.sampled_from(["+++", "", "Text med å ä ö", "## Rubrik", "-Citat", "+++ x", "\t"]) | _text,
    max_size=8,
).map("\n".join)


@given(title=_line_text, teaser=_line_text, topics=st.lists(_line_text, max_size=4), body=_body)
def test_round_trip_reads_back_what_was_written(
    title: str, teaser: str, topics: list[str], body: str
) -> None:
    from newscli.topics import dedupe_topics

    article = Article(
        id="0b6f0c2e-6a53-4d6e-9a57-3c1f4c0de8b1",
        title=title,
        slug="s",
        date=dt.datetime(2021, 11, 23, 0, 30, tzinfo=STOCKHOLM),
        body=body,
        status="published",
        topics=tuple(dedupe_topics(topics)),
        teaser=teaser,
        extra={"unknown": {"nested": [1, 2]}, "note": "kept"},
    )
    text = frontmatter.dump(to_meta(article), article.body)
    meta, read_body, _ = frontmatter.parse(text)
    again = from_meta(meta, read_body, STOCKHOLM)
    assert again == article
    assert read_body == body
    assert frontmatter.dump(to_meta(again), again.body) == text


_topic = st.text(  # U+2028 and the like are fine in TOML strings and must not cut a line
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="§"),
    min_size=1,
    max_size=12,
)


@st.composite
def _topic_edit(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """Old topics and new ones as tagging makes them: each kept, removed or renamed in place,
    then some added at the end."""
    old = draw(st.lists(_topic, max_size=6, unique=True))
    fresh = iter(draw(st.lists(_topic.filter(lambda t: t not in old), unique=True, max_size=9)))
    new: list[str] = []
    for topic in old:
        fate = draw(st.sampled_from(["keep", "remove", "rename"]))
        if fate == "keep":
            new.append(topic)
        elif fate == "rename":
            new.append(next(fresh, topic))
    new.extend(list(fresh)[: draw(st.integers(0, 3))])
    return old, new


def _toml_string(value: str) -> str:
    return tomli_w.dumps({"t": value})[len("t = ") : -1]


@settings(deadline=None)
@given(
    edit=_topic_edit(),
    multiline=st.booleans(),
    crlf=st.booleans(),
    places=st.sets(
        st.sampled_from(
            ["top", "id", "above", "topics", "own-line", "below", "table", "last", "closing"]
        )
    ),
    item_comments=st.lists(st.booleans(), min_size=6, max_size=6),
    body=_body,
)
def test_set_key_keeps_every_comment_but_those_of_removed_topics(
    edit: tuple[list[str], list[str]],
    multiline: bool,
    crlf: bool,
    places: set[str],
    item_comments: list[bool],
    body: str,
) -> None:
    old, new = edit
    kept: list[str] = []  # comments that must survive
    numbers = iter(range(100))

    def comment(keep: bool = True) -> str:
        text = f"# §{next(numbers)} note"
        if keep:
            kept.append(text)
        return text

    before = [comment() if "top" in places else None]
    before += ['id = "x"' + (f"  {comment()}" if "id" in places else "")]
    before += [comment() if "above" in places else None]
    trailing = f"  {comment()}" if "topics" in places else ""
    if multiline:
        block = ["topics = ["]
        for index, topic in enumerate(old):
            if "own-line" in places:
                block.append(f"  {comment()}")
            item = f"  {_toml_string(topic)},"
            if item_comments[index]:
                item += f"  {comment(keep=topic in new)}"
            block.append(item)
        block.append(f"  {comment()}" if "closing" in places else None)
        block.append("]" + trailing)
    else:
        block = ["topics = [" + ", ".join(map(_toml_string, old)) + "]" + trailing]
    after = [comment() if "below" in places else None, 'custom = "kept"', ""]
    after += ["[image]" + (f"  {comment()}" if "table" in places else ""), 'src = "i.jpg"']
    after += [comment() if "last" in places else None]

    nl = "\r\n" if crlf else "\n"

    def joined(lines: list[str | None]) -> str:
        return "".join(line + nl for line in lines if line is not None)

    prefix, suffix = f"+++{nl}{joined(before)}", f"{joined(after)}+++{nl}{body}"
    text = prefix + joined(block) + suffix
    meta, _, parts = frontmatter.parse(text)

    result = frontmatter.set_key(parts, meta, "topics", new)

    assert frontmatter.parse(result)[0] == {**meta, "topics": new}
    assert frontmatter.split(result).body == body
    assert result.startswith(prefix) and result.endswith(suffix)
    for note in kept:
        assert note in result
    if crlf:
        assert "\n" not in result[: -len(body) or None].replace("\r\n", "")


# -- what fuzzing found: nesting that would crash the TOML parser ------------------------------


@pytest.mark.parametrize(
    "value",
    ["[" * 1_500 + "]" * 1_500, "[" * 400 + "]" * 400, "{a = " * 600 + "1" + "}" * 600],
)
def test_deeply_nested_front_matter_is_a_clear_error(value: str) -> None:
    error = problem(f"{HEAD}\ndjup = {value}\n+++\n".encode())
    assert "nested" in error.message and error.line == 11


def test_deep_table_headers_are_a_clear_error() -> None:
    header = ".".join(["t"] * 3_000)
    error = problem(f"{HEAD}\n[{header}]\nx = 1\n+++\n".encode())
    assert "nested" in error.message and error.line == 11


def test_a_topics_array_of_ten_thousand_lines_is_read_once_not_once_per_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """tag add on such a file took 54 s holding the newsroom lock: the end of the array was
    found by parsing it again for every line."""
    comments = "".join(f"  # rad {n}\n" for n in range(10_000))
    text = f'+++\ntitle = "T"\ntopics = [\n  "Ekonomi",\n{comments}]\n+++\n\nBrödtext.\n'
    meta, _, parts = frontmatter.parse(text)
    calls = []
    real = frontmatter._parses

    def counting(toml: str) -> bool:
        calls.append(len(toml))
        return real(toml)

    monkeypatch.setattr(frontmatter, "_parses", counting)
    new = frontmatter.set_key(parts, meta, "topics", ["Ekonomi", "Budget"])
    assert len(calls) <= 3
    assert frontmatter.parse(new)[0]["topics"] == ["Ekonomi", "Budget"]
    assert new.count("  # rad ") == 10_000 and new.endswith("+++\n\nBrödtext.\n")


# Statements that make the topics key's own lines hard to tell apart: the key's name in
# strings and comments, lines that look like a table or a key inside multi-line values.
_TRICKY = [
    'teaser = """\ntopics = ["i en sträng"]\n"""',
    "note = '''\ntopics = [\"bokstavligt\"]\n'''",
    'grid = [\n[1, 2],\n["topics = [3]"],\n]',
    '# topics = ["bortkommenterad"]',
    'title = "topics = [\\"x\\"]"  # topics = []',
    'id = "a"\n\n',
    'deep = { topics = ["inline"] }',
]
_TOPICS_FORMS = [
    'topics = ["A", "B"]',
    'topics = ["A", "B"]  # en kommentar',
    '"topics" = [\n    "A",  # a\n    "B",\n]',
    '\'topics\' = [\n  # först\n  "A", "B"\n] # sist',
    'topics = [ "A" , "B" ]',
]


@settings(deadline=None)
@given(
    before=st.lists(st.sampled_from(_TRICKY), max_size=3, unique=True),
    topics=st.sampled_from(_TOPICS_FORMS),
    after=st.lists(st.sampled_from(_TRICKY), max_size=3, unique=True),
    table=st.sampled_from(["", '[source]\ntopics = ["tabellen"]\nname = "x"\n']),
    new=st.lists(_topic, max_size=4),
    crlf=st.booleans(),
)
def test_an_edit_reads_back_exactly_whatever_surrounds_the_key(
    before: list[str], topics: str, after: list[str], table: str, new: list[str], crlf: bool
) -> None:
    toml = "\n".join([*before, topics, *[s for s in after if s not in before]]) + "\n" + table
    text = "+++\n" + toml + "+++\nBrödtext\n"
    if crlf:
        text = text.replace("\n", "\r\n")
    meta, body, parts = frontmatter.parse(text)
    new_text = frontmatter.set_key(parts, meta, "topics", new)
    again, again_body, again_parts = frontmatter.parse(new_text)
    assert again == {**meta, "topics": new}
    assert again_body == body and again_parts.head == parts.head
    kept = new_text.replace("\r\n", "\n")
    assert all(statement in kept for statement in [*before, *after, table])


@settings(deadline=None)
@given(edit=_topic_edit(), spacing=st.sampled_from([" ", "  ", "\t"]), crlf=st.booleans())
def test_a_one_line_array_with_a_comment_is_written_as_tomlkit_writes_it(
    edit: tuple[list[str], list[str]], spacing: str, crlf: bool
) -> None:
    old, new = edit
    array = "[" + ", ".join(_toml_string(topic) for topic in old) + "]"
    text = f'+++\ntitle = "T"\ntopics = {array}{spacing}# från gamla webben\nteaser = "x"\n+++\nB\n'
    newline = "\r\n" if crlf else "\n"
    text = text.replace("\n", newline)
    meta, _, parts = frontmatter.parse(text)
    edited = frontmatter.set_key(parts, meta, "topics", new)
    by_tomlkit = frontmatter._edit_with_tomlkit(parts.toml, old, "topics", new, newline)
    assert edited == parts.head + str(by_tomlkit) + parts.tail + parts.body
    assert frontmatter.parse(edited)[0] == {**meta, "topics": new}


# -- invisible characters -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'id = "x"\ntitle = "Öppet\x0bhus"\n',
            "a vertical tab (from Word?) in the title, column 15",
        ),
        ('teaser = """Ett\x0ctvå"""\n', "a form feed (a page break from Word?) in the teaser"),
        ('[image]\nalt = "a\x00b"\n', "a NUL character (an empty byte) in the photo's alt text"),
        (
            'title = "x"\nokand = 1 # a\x0bb\n',
            "a vertical tab (from Word?) in a comment, column 14",
        ),
        ('title\u200b = "x"\n', "a zero-width space at column 6"),
    ],
)
def test_an_invisible_character_is_named_with_its_field_and_column(toml: str, message: str) -> None:
    with pytest.raises(frontmatter.FrontMatterError) as raised:
        frontmatter.parse(f"+++\n{toml}+++\nBody\n")
    assert raised.value.message.startswith(message), raised.value.message
    assert "newscli check --fix" in raised.value.message
    assert "\\x" not in raised.value.message
