"""Site settings from newscli.toml: any file gives settings or one error naming it (fuzzed),
and every command answers whatever the file holds; --base-url is checked the same way."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st

from newscli.config import Site, load_site
from newscli.errors import ConfigError
from tests.conftest import STORY_PATH, Invoke
from tests.support.checkers import check_xml_feed
from tests.support.fuzz import FUZZ, FUZZ_CLI
from tests.support.harness import run, scratch_newsroom
from tests.support.hostile import hostile_text

SPECIAL = {
    "language": ["sv", "en", "de", "SV", "", "sv-SE"],
    "timezone": [
        "Europe/Stockholm",
        "UTC",
        "Europe",
        "",
        "../../etc/passwd",
        "/etc/localtime",
        "Europe/",
        "Nowhere/City",
        "a" * 300,
    ],
    "base_url": [
        "https://www.example.se/aktuellt/",
        "http://localhost:8000",
        "https://",
        "https://[::1/",
        "https://x.se:99999/",
        "https://x.se:port/",
        "javascript:alert(1)//https://",
        "ftp://x.se/",
        " https://x.se/",
        "https://x.se/a b/",
        'https://x.se/"><script>alert(1)</script>',
        "HTTPS://X.SE/",
        "https://x.se/?a=1&b=<2>#frag",
        "https://user:pass@x.se/",
        "//x.se/",
    ],
    "per_page": [1, 0, -1, 2**63, 10**100],
    "allow_html": [True, False],
}

KEYS = ["title", "base_url", "language", "timezone", "description", "per_page", "allow_html"]

any_value = st.one_of(
    hostile_text,
    st.integers(),
    st.booleans(),
    st.floats(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2),
    st.dates(),
    st.datetimes(timezones=st.just(dt.UTC)),
)


@st.composite
def site_value(draw: st.DrawFn, key: str) -> object:
    if key in SPECIAL and draw(st.booleans()):
        return draw(st.sampled_from(SPECIAL[key]))
    return draw(any_value)


@st.composite
def config_text(draw: st.DrawFn) -> bytes:
    """A newscli.toml: right, wrong types, odd values, broken TOML, odd bytes."""
    kind = draw(st.sampled_from(["values", "values", "values", "mutated", "bytes", "shape"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "shape":
        return draw(
            st.sampled_from(
                [
                    b'site = "x"\n',
                    b"site = [1, 2]\n",
                    b"[[site]]\ntitle = 'x'\n",
                    b"defaults = 1\n",
                    b"[site]\nx = " + b"[" * 2000 + b"]" * 2000 + b"\n",
                    b"[site.title]\nx = 1\n",
                    b"[site]\ntitle = 'x'\ntitle = 'y'\n",
                    b"\xef\xbb\xbf[site]\ntitle = 'BOM'\n",
                    b"[site]\r\ntitle = 'CRLF'\r\n",
                    b"",
                ]
            )
        )
    site = {key: draw(site_value(key)) for key in draw(st.sets(st.sampled_from(KEYS)))}
    data: dict[str, object] = {"site": site}
    if draw(st.booleans()):
        data["defaults"] = {"author": draw(st.one_of(hostile_text, any_value))}
    text = tomli_w.dumps(data).encode()
    if kind == "mutated":
        cut = draw(st.integers(0, len(text)))
        junk = draw(st.sampled_from([b"", b"\x00", b"\xff", b"[", b'"', b"=", b"\n[site]\n"]))
        text = text[:cut] + junk + text[cut:]
    return text


@FUZZ
@given(config_text())
def test_any_config_gives_settings_or_one_error_naming_the_file(data: bytes) -> None:
    with scratch_newsroom(config=data, sample=0) as root:
        try:
            site = load_site(root)
        except ConfigError as exc:
            assert exc.path == root / "newscli.toml"
            assert str(exc).startswith(f"{root / 'newscli.toml'}: ")
            return
    assert site.language in ("sv", "en")
    assert site.per_page >= 1
    site.tz  # noqa: B018 - a valid zone
    if site.base_url:  # any case: HTTPS://X.SE/ is a fine address
        assert urlsplit(site.base_url).scheme in ("https", "http")
        assert urlsplit(site.base_url).hostname


@FUZZ_CLI
@given(config_text())
def test_every_command_answers_whatever_the_config_holds(data: bytes) -> None:
    with scratch_newsroom(config=data) as root:
        listed = run(root, "list", "--format", "paths")
        if listed.exit_code:
            assert listed.exit_code == 1
            lines = listed.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("newscli: error: ")
            assert "newscli.toml: " in lines[0]
            for args in (("check",), ("export", "html"), ("new", "X", "--no-input")):
                assert run(root, *args).exit_code == 1
            return
        assert listed.stdout.split() == [STORY_PATH]
        assert run(root, "check").exit_code == 0
        feed = run(root, "export", "rss", "--full", "-o", "-")
        if feed.exit_code == 0:
            check_xml_feed(feed.stdout)
        else:
            assert "base_url" in feed.stderr  # no base_url: the message says what to set
        assert run(root, "export", "atom", "-o", "-", "--base-url", "https://x.se/").exit_code == 0
        assert run(root, "export", "html").exit_code == 0
        created = run(root, "new", "Ny", "--no-input")
        if created.exit_code == 0:
            assert run(root, "check").exit_code == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[site]\nx = " + "[" * 2000 + "]" * 2000, "nested too deeply"),
        ('[site]\nbase_url = "https://"', "base_url must be an http(s) address with a host"),
        ('[site]\nbase_url = "https://[::1/"', "base_url must be an http(s) address"),
        ('[site]\ntitle = "A\\u001b[2JB"', "title contains control characters"),
        ('[defaults]\nauthor = "\\u0007"', "author contains control characters"),
        ('[site]\ntimezone = "Europe"', "unknown timezone 'Europe'"),
        ('[site]\nlanguage = "de"', "language must be one of sv, en"),
        ("[site]\nper_page = 0", "per_page must be at least 1"),
    ],
)
def test_the_config_problems_fuzzing_found_are_errors_naming_the_file(
    text: str, message: str
) -> None:
    with scratch_newsroom(config=text) as root:
        result = run(root, "list")
        assert result.exit_code == 1
        assert (
            result.stderr
            == f"newscli: error: {root / 'newscli.toml'}: {result.stderr.split(': ', 3)[-1]}"
        )
        assert message in result.stderr


def test_broken_config_is_one_clear_line(invoke: Invoke, newsroom_path: Path) -> None:
    (newsroom_path / "newscli.toml").write_text('[site]\nlanguage = "de"\n')
    result = invoke("list")
    assert result.exit_code == 1
    assert result.stderr.startswith("newscli: error: ")
    assert result.stderr.endswith("newscli.toml: language must be one of sv, en, not 'de'\n")
    assert len(result.stderr.splitlines()) == 1


def test_a_config_from_a_windows_editor_is_read(tmp_path: Path) -> None:
    with scratch_newsroom(config=b'\xef\xbb\xbf[site]\r\ntitle = "Med BOM"\r\n') as root:
        assert load_site(root).title == "Med BOM"


def test_an_unreadable_config_is_an_error_naming_it() -> None:
    with scratch_newsroom(config=None) as root:
        (root / "newscli.toml").mkdir()
        result = run(root, "list")
        assert (
            result.exit_code == 1 and "newscli.toml: cannot read: Is a directory" in result.stderr
        )


def test_a_bad_base_url_on_the_command_line_is_refused() -> None:
    with scratch_newsroom() as root:
        for url in ("https://", "https://[::1/", "https://x.se/a b"):
            for command in (("export", "rss", "-o", "-"), ("export", "html")):
                result = run(root, *command, "--base-url", url)
                assert result.exit_code in (1, 2) and "base_url" in result.stderr
    with pytest.raises(ConfigError):
        Site(base_url="https://")


def test_the_settings_module_imports_nothing_that_imports_it_back() -> None:
    """config ↔ newsroom was an import circle (one side hidden in a function); the folder
    names live beside newscli.toml now, and config needs only errors and messages."""
    import ast

    from tests.conftest import REPO

    tree = ast.parse((REPO / "newscli" / "config.py").read_text(encoding="utf-8"))
    imported = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newscli")
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name.startswith("newscli")
    }
    assert imported <= {"newscli.errors", "newscli.i18n"}, sorted(imported)
