"""Invisible characters in front matter: cleaned out of the TOML and nothing else."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from newscli.invisible import INVISIBLE, cleaned

WORD = "\x0b\x0c\x00\u200b\ufeff\u2028\x7f"


def test_a_break_is_a_space_in_a_line_and_a_line_break_in_a_multi_line_string() -> None:
    toml = 'title = "Öppet\x0bhus" # a\x0cb\nteaser = """Ett\x0ctvå\u200b"""\r\nx = \'a\x0bb\'\n'
    fixed, changes = cleaned(toml, first_line=2)
    assert fixed == 'title = "Öppet hus" # a b\nteaser = """Ett\r\ntvå"""\r\nx = \'a b\'\n'
    assert [(c.line, c.column, c.key) for c in changes] == [
        (2, 15, "title"),
        (2, 24, "#"),
        (3, 16, "teaser"),
        (3, 20, "teaser"),
        (4, 7, "x"),
    ]


def test_crlf_line_ends_and_tabs_are_not_invisible_characters() -> None:
    toml = 'title = "a\tb"\r\ntopics = ["x"]\r\n'
    assert cleaned(toml) == (toml, [])


@given(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\\n\r')),
    st.lists(st.tuples(st.integers(0, 200), st.sampled_from(WORD)), max_size=5),
)
def test_a_title_with_word_s_characters_reads_back_cleaned(title: str, pasted: list) -> None:
    """Whatever was pasted into a valid title, the cleaned TOML reads, and only the
    invisible characters changed."""
    title = INVISIBLE.sub("", title)
    dirty = title
    for at, char in pasted:
        dirty = dirty[:at] + char + dirty[at:]
    fixed, changes = cleaned(f'title = "{dirty}"\nslug = "x"\n')
    meta = tomllib.loads(fixed)
    assert meta["slug"] == "x"
    assert INVISIBLE.sub("", meta["title"].replace(" ", "")) == title.replace(" ", "")
    assert len(changes) == len(pasted)


TOML_BITS = st.sampled_from(
    [*"ab \"'\\#=\n\t[]", "\x0b", "\x0c", "\x00", "\u200b", "\r\n", "\r", '"""', "'''"]
)


@given(st.lists(TOML_BITS, max_size=40))
def test_every_invisible_character_is_cleaned_and_said_wherever_it_is(bits: list) -> None:
    """In a string, after an escape, in a comment or between keys: none is left."""
    toml = "".join(bits)
    fixed, changes = cleaned(toml)
    assert INVISIBLE.search(fixed.replace("\r\n", "\n")) is None
    assert len(changes) == len(INVISIBLE.findall(toml.replace("\r\n", "\n")))
