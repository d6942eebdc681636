"""Hostile newscli.toml files and hostile values for every option that takes one.

The promise: never a traceback; a broken setting is one line naming newscli.toml, a bad
option value a usage error (exit 2) or an ordinary failure with a message.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import tomli_w
from hypothesis import assume, given
from hypothesis import strategies as st

from newscli.config import Site, load_site
from newscli.errors import ConfigError
from tests.conftest import STORY, STORY_PATH
from tests.test_security_support import (
    FUZZ,
    FUZZ_CLI,
    NASTY,
    check_xml_feed,
    hostile_text,
    run,
    scratch_newsroom,
)

# -- newscli.toml ---------------------------------------------------------------------------------

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
def test_the_config_problems_fuzzing_found_are_one_clear_line(text: str, message: str) -> None:
    with scratch_newsroom(config=text) as root:
        result = run(root, "list")
        assert result.exit_code == 1
        assert (
            result.stderr
            == f"newscli: error: {root / 'newscli.toml'}: {result.stderr.split(': ', 3)[-1]}"
        )
        assert message in result.stderr


def test_a_config_from_a_windows_editor_is_read(tmp_path: Path) -> None:
    with scratch_newsroom(config=b'\xef\xbb\xbf[site]\r\ntitle = "Med BOM"\r\n') as root:
        assert load_site(root).title == "Med BOM"


def test_an_unreadable_config_is_one_clear_line() -> None:
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


# -- option values ------------------------------------------------------------------------------

DATES = [
    "2021-11-23",
    "2021-11-23 14:00",
    "2021-11-23T14:00:00+01:00",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+23:59",
    "1850-06-01",
    "2021-02-30",
    "2021-13-01",
    "23/11/2021",
    "igår",
    "",
    " ",
    "2021-11-23T25:00",
    "x" * 5000,
]
date_value = st.one_of(
    st.sampled_from(DATES), st.text(max_size=30).filter(lambda s: "\x00" not in s)
)
# The operating system cannot pass a NUL byte in an argument; stdin can.
argument_text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40)).filter(
    lambda s: "\x00" not in s
)


@FUZZ_CLI
@given(date_value, date_value)
def test_dates_in_every_option_that_takes_one(since: str, until: str) -> None:
    with scratch_newsroom() as root:
        for args in (
            ("list", "--since", since),
            ("list", "--until", until, "--format", "json"),
            ("list", "--since", since, "--until", until, "--no-index"),
            ("tag", "add", "X", "--since", since, "--dry-run"),
        ):
            result = run(root, *args)
            assert result.exit_code in (0, 2)
            if result.exit_code == 2:  # an empty --since is no filter: then tag has none
                assert "date" in result.stderr or "say which articles" in result.stderr
        created = run(root, "new", "Daterad", "--date", since, "--no-input")
        if created.exit_code == 0:
            assert run(root, "check").exit_code == 0
        else:
            assert created.exit_code == 2 and "date" in created.stderr


REFS = [
    STORY,
    STORY_PATH,
    f"./{STORY_PATH}",
    "0b6f0c2e",
    "0",
    "",
    " ",
    "-",
    ".",
    "/",
    "articles",
    "articles/",
    "../../../etc/passwd",
    "/etc/passwd",
    "articles/../newscli.toml",
    "a/" + "x" * 5000,
    "x" * 5000 + ".md",
    "a/\x00",
    "\x00",
]
ref_value = st.one_of(st.sampled_from(REFS), st.text(max_size=30))


@FUZZ_CLI
@given(st.lists(ref_value, min_size=1, max_size=4))
def test_refs_from_arguments_and_stdin(refs: list[str]) -> None:
    with scratch_newsroom() as root:
        before = (root / STORY_PATH).read_bytes()
        for ref in refs:
            if "\x00" not in ref:
                shown = run(root, "show", ref)
                assert shown.exit_code in (0, 1, 2)
                tagged = run(root, "tag", "add", "X", "-a", ref, "--dry-run")
                assert tagged.exit_code in (0, 1, 2)
        piped = run(root, "tag", "add", "X", "--stdin", "--dry-run", input="\n".join(refs))
        assert piped.exit_code in (0, 1, 2)
        assert (root / STORY_PATH).read_bytes() == before


@FUZZ_CLI
@given(st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str), argument_text))
def test_limits(limit: str) -> None:
    with scratch_newsroom() as root:
        for args in (("list", "--limit", limit), ("export", "json", "-o", "-", "--limit", limit)):
            result = run(root, *args)
            if result.exit_code:
                assert result.exit_code == 2 and "--limit" in result.stderr
            elif args[0] == "export":
                assert len(json.loads(result.stdout)["items"]) == 1


# Relative paths only, and each checked to stay inside the throw-away folder: these tests
# run as whatever user runs the suite (root in some containers), and a fuzzed "-o" must
# never name /dev/null or /etc/passwd for real.
PATHS = [
    "",
    ".",
    "-",
    "x" * 300,
    "a/" * 200 + "x",
    "../utanför.xml",
    "public/../../x.xml",
    "articles/2021/11/x.xml",
    STORY_PATH,
    "newscli.toml",
    ".newscli/index.sqlite",
    "public",
    "pipe",
]
path_value = st.one_of(st.sampled_from(PATHS), argument_text.map(lambda s: s.lstrip("/~")))


def inside(folder: Path, path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, ValueError):
        return True  # not a usable path at all: nothing can be written there


@FUZZ_CLI
@given(path_value)
def test_paths_in_options(path: str) -> None:
    with scratch_newsroom() as root:
        assume(inside(root.parent, root / path) and not Path(path).is_absolute())
        (root / "public").mkdir()
        os.mkfifo(root / "pipe")
        before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
        cwd = os.getcwd()
        os.chdir(root)  # as staff do: relative paths land in the newsroom
        try:
            results = [run(root, "export", "rss", "-o", path)]
            if path != "pipe":  # reading a pipe waits for a writer, as it should
                results.append(run(root, "new", "Med text", "--body-file", path, "--no-input"))
            results.append(run(root / path, "list", "--format", "paths"))
        finally:
            os.chdir(cwd)
        assert all(r.exit_code in (0, 1, 2) for r in results)
        for file, data in before.items():
            if file.suffix == ".md" or file.name == "newscli.toml":
                assert file.read_bytes() == data, file
        assert stat.S_ISFIFO((root / "pipe").stat().st_mode)


def test_export_html_output_with_a_name_too_long_is_a_clear_error() -> None:
    with scratch_newsroom() as root:
        run(root, "export", "html", "-o", str(root / ("x" * 300)))


@FUZZ_CLI
@given(
    argument_text, argument_text, st.sampled_from(["images/bild.jpg", *NASTY, "https://x.se/a.jpg"])
)
def test_text_options_of_every_command(text: str, other: str, image: str) -> None:
    with scratch_newsroom() as root:
        for args in (
            ("list", "--topic", text, "--author", other),
            ("list", "--search", text, "--format", "json"),
            ("topics", "--format", "csv"),
            ("export", "rss", "-o", "-", "--topic", text),
            ("tag", "add", text, "--search", other, "--dry-run"),
            ("tag", "add", text, "--all", "--dry-run"),
            ("tag", "remove", text, "--all", "--dry-run"),
            ("tag", "rename", text, other, "--dry-run"),
            ("tag", "merge", text, other, "--into", text, "--dry-run"),
        ):
            run(root, *args)
        created = run(
            root,
            "new",
            text or "Rubrik",
            "--teaser",
            other,
            "--author",
            other,
            "-t",
            text,
            "--image",
            image,
            "--caption",
            other,
            "--credit",
            text,
            "--no-input",
        )
        if created.exit_code == 0:
            assert run(root, "check").exit_code == 0, "new wrote a file check refuses"
            assert run(root, "tag", "add", other or "X", "--all").exit_code in (0, 2)
            assert run(root, "check").exit_code == 0
        else:
            assert created.exit_code == 2
