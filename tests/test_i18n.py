"""The user's language: chosen from the locale once per run, Swedish from the committed
catalog, numbers and plurals per language, and machine formats and exit codes that never
change with it."""

from __future__ import annotations

import gettext
import json
import os
import re
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.numbers import format_decimal
from typer.testing import CliRunner

from newscli import cli, i18n
from newscli.environment import Environment
from newscli.i18n import _, decimal, ngettext, number
from newscli.locale import TEMPLATE, TRANSLATED, extract, read, source_path
from tests.conftest import PINNED, REPO, STORY, Invoke

SWEDISH = {"LANG": "sv_SE.UTF-8"}
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ENGLISH = {"LANG": "en_US.UTF-8"}


@pytest.fixture
def swedish() -> Iterator[None]:
    i18n.use("sv")
    yield
    i18n.use("en")


# -- the language a run speaks ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variables", "language"),
    [
        ({}, "en"),
        ({"LANG": "sv_SE.UTF-8"}, "sv"),
        ({"LANG": "sv_FI"}, "sv"),
        ({"LANG": "sv"}, "sv"),
        ({"LANG": "sv_SE.ISO8859-15@euro"}, "sv"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LC_MESSAGES": "sv_SE.UTF-8", "LANG": "en_US.UTF-8"}, "sv"),
        ({"LC_ALL": "sv_SE.UTF-8", "LC_MESSAGES": "C", "LANG": "C"}, "sv"),
        ({"LC_ALL": "C", "LANG": "sv_SE.UTF-8"}, "en"),
        ({"LC_ALL": "", "LANG": "sv_SE.UTF-8"}, "sv"),
        ({"LANGUAGE": "fi:sv:en", "LANG": "en_US.UTF-8"}, "sv"),
        ({"LANGUAGE": "en:sv", "LANG": "sv_SE.UTF-8"}, "en"),
        ({"LANGUAGE": "sv_SE", "LC_ALL": "en_US.UTF-8"}, "sv"),
        ({"LANGUAGE": "de:fr", "LANG": "sv_SE.UTF-8"}, "en"),  # LANGUAGE decides, as in gettext
        ({"LANGUAGE": "", "LANG": "sv_SE.UTF-8"}, "sv"),
    ],
)
def test_the_language_follows_the_locale_variables_in_gettext_order(
    variables: dict[str, str], language: str
) -> None:
    assert Environment(variables=variables).language == language


def test_a_swedish_locale_makes_the_whole_run_swedish(invoke: Invoke) -> None:
    result = invoke("tag", "add", "Brandskydd", "--all", "--dry-run", variables=SWEDISH)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("5 nyheter skulle ändras\n")
    english = invoke("tag", "add", "Brandskydd", "--all", "--dry-run", variables=ENGLISH)
    assert english.stdout.endswith("5 stories would change\n")


def test_clirunner_env_reaches_the_run(invoke: Invoke, newsroom_path: Path) -> None:
    """A test (or a user) that sets LANG in the process environment gets Swedish."""
    result = CliRunner().invoke(
        cli.app,
        ["tag", "add", "Brandskydd", "--article", STORY, "--root", str(newsroom_path)],
        env=SWEDISH,
        obj=dict(PINNED),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1 nyhet ändrad\n"


def test_the_language_is_chosen_anew_for_each_run(invoke: Invoke) -> None:
    invoke("tag", "add", "X", "--all", "--dry-run", variables=SWEDISH)
    result = invoke("tag", "add", "X", "--all", "--dry-run", variables={"LANG": "C"})
    assert result.stdout.endswith("5 stories would change\n")


def test_a_missing_catalog_means_english_not_a_crash(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(i18n, "LOCALE", tmp_path)
    result = invoke("tag", "add", "X", "--all", "--dry-run", variables=SWEDISH)
    assert result.exit_code == 0 and result.stdout.endswith("5 stories would change\n")
    assert i18n.language() == "en"


# -- numbers and plurals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "english", "swedish"),
    [
        (0, "0", "0"),
        (999, "999", "999"),
        (5000, "5,000", "5\u00a0000"),
        (1234567, "1,234,567", "1\u00a0234\u00a0567"),
        (-1200, "-1,200", "-1\u00a0200"),
    ],
)
def test_numbers_are_grouped_as_each_language_writes_them(
    count: int, english: str, swedish: str
) -> None:
    assert number(count) == english
    i18n.use("sv")
    assert number(count) == swedish


@pytest.mark.parametrize("value", [0, 7, 5000, 1234567, -1200, 0.25, 12.34, 1234.5])
@pytest.mark.parametrize(("language", "cldr"), [("en", "en_US"), ("sv", "sv_SE")])
def test_numbers_match_babels_cldr_data(value: float, language: str, cldr: str) -> None:
    """The tiny table newscli reads at run time says what CLDR says (Babel is not imported
    by a run, only here)."""
    i18n.use(language)
    if isinstance(value, int):
        assert number(value) == format_decimal(value, locale=cldr)
    assert decimal(value) == format_decimal(value, format="#,##0.0", locale=cldr)


def test_plurals_in_english() -> None:
    one = ngettext("{n} story changed", "{n} stories changed", 1).format(n=number(1))
    two = ngettext("{n} story changed", "{n} stories changed", 2).format(n=number(2))
    assert (one, two) == ("1 story changed", "2 stories changed")


def test_plurals_in_swedish(swedish: None) -> None:
    def story(n: int) -> str:
        return ngettext("{n} story", "{n} stories", n).format(n=number(n))

    assert [story(n) for n in (0, 1, 2, 5000)] == [
        "0 nyheter",
        "1 nyhet",
        "2 nyheter",
        "5\u00a0000 nyheter",
    ]
    assert _("No changes.") == "Inga ändringar."


def test_one_article_changed_says_so_in_both_languages(invoke: Invoke) -> None:
    english = invoke("tag", "add", "Brandskydd", "--article", STORY)
    assert english.stdout == "1 story changed\n"
    swedish = invoke("tag", "add", "Barn", "--article", STORY, variables=SWEDISH)
    assert swedish.stdout == "1 nyhet ändrad\n"
    again = invoke("tag", "add", "Barn", "--article", STORY, variables=SWEDISH)
    assert again.stdout == "0 nyheter ändrade, 1 redan taggad\n"


# -- what never changes with the language -------------------------------------------------------


MACHINE_RUNS = [
    ("list", "--format", "json"),
    ("list", "--format", "csv"),
    ("list", "--format", "paths"),
    ("topics", "--format", "json"),
    ("topics", "--format", "csv"),
    ("tag", "add", "Brandskydd", "--all", "--dry-run", "--format", "json"),
    ("publish", "--all", "--dry-run", "--format", "json"),
    ("export", "json", "-o", "-"),
]


@pytest.mark.parametrize("args", MACHINE_RUNS, ids=" ".join)
def test_machine_formats_are_the_same_in_every_language(
    invoke: Invoke, args: tuple[str, ...]
) -> None:
    english = invoke(*args, variables=ENGLISH)
    swedish = invoke(*args, variables=SWEDISH)
    assert english.exit_code == swedish.exit_code == 0, swedish.stderr
    assert english.stdout == swedish.stdout
    if "json" in args:
        json.loads(swedish.stdout)


def test_the_json_summary_of_a_bulk_change_stays_english(invoke: Invoke) -> None:
    result = invoke("tag", "add", "X", "--all", "--dry-run", "-f", "json", variables=SWEDISH)
    assert json.loads(result.stdout)["summary"] == "5 stories would change"


@pytest.mark.parametrize(
    "args",
    [
        ("topics",),
        ("tag", "add", "Brandskydd", "--all", "--dry-run"),
        ("tag", "add"),  # usage error
        ("tag", "add", "X"),  # no selection
        ("show", "no-such-story"),
        ("unpublish", STORY),  # no --reason
        ("--no-such-option",),
        ("log", STORY),
    ],
    ids=" ".join,
)
def test_exit_codes_are_the_same_in_every_language(invoke: Invoke, args: tuple[str, ...]) -> None:
    english = invoke(*args, variables=ENGLISH)
    swedish = invoke(*args, variables=SWEDISH)
    assert english.exit_code == swedish.exit_code


def test_topics_speak_the_language_and_list_the_same_topics(invoke: Invoke) -> None:
    english = invoke("topics", variables=ENGLISH)
    swedish = invoke("topics", variables=SWEDISH)
    assert english.exit_code == swedish.exit_code == 0
    assert "Anhörigstöd" in english.stdout and "Anhörigstöd" in swedish.stdout


# -- Click's own words --------------------------------------------------------------------------


def test_help_and_usage_errors_say_usage_in_swedish(invoke: Invoke) -> None:
    help = invoke("tag", "--help", variables=SWEDISH)
    assert help.stdout.startswith("Användning: ")
    assert "Flaggor:" in help.stdout and "Kommandon:" in help.stdout
    error = invoke("tag", "add", variables=SWEDISH)
    assert error.exit_code == 2 and error.stderr.startswith("Användning: ")
    assert invoke("tag", "--help").stdout.startswith("Usage: ")


def test_a_question_ended_by_end_of_input_says_so_in_swedish(invoke: Invoke) -> None:
    """A question answered with end of input (Ctrl+D) stops the run, in the user's language;
    the question is on stderr (cli.asking), never in what a script reads."""
    args = ("photo", "set", STORY, "--caption", "Bild")
    swedish = invoke(*args, input="", stdin_isatty=True, variables=SWEDISH)
    assert swedish.exit_code == 1 and swedish.stdout == ""
    assert "Alt-text (vad visar bilden?)" in swedish.stderr
    assert swedish.stderr.strip().endswith("indata tog slut innan ett svar gavs")
    english = invoke(*args, input="", stdin_isatty=True, variables=ENGLISH)
    assert english.exit_code == 1
    assert english.stderr.strip().endswith("the input ended before an answer was given")


def test_a_run_never_imports_babel(tmp_path: Path) -> None:
    """Babel builds the catalogs; newscli --help in Swedish reads them without it."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "LANG": "sv_SE.UTF-8"}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "newscli", "--help"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    assert result.stdout.startswith("Användning: newscli ")
    imported = [line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()]
    assert "newscli.i18n" in imported
    assert not [name for name in imported if name.split(".")[0] == "babel"]


# -- the catalogs are in step with the code -----------------------------------------------------


def _ids(catalog: Catalog) -> set[str]:
    return {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}


def test_every_message_marked_in_the_code_is_in_the_template() -> None:
    missing = _ids(extract()) - _ids(read(TEMPLATE))
    assert not missing, f"run `python -m newscli.locale` (docs/i18n.md): {sorted(missing)}"


def test_the_template_holds_no_message_the_code_lost() -> None:
    stale = _ids(read(TEMPLATE)) - _ids(extract())
    assert not stale, f"run `python -m newscli.locale` (docs/i18n.md): {sorted(stale)}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_has_a_translation(language: str) -> None:
    catalog = read(source_path(language), language)
    assert _ids(catalog) == _ids(read(TEMPLATE)), "run `python -m newscli.locale`"
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert not untranslated, f"translate in {source_path(language)}: {untranslated}"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _forms(message: Message) -> list[tuple[str, str]]:
    """(source, translation) pairs: each plural form against the plural source."""
    if isinstance(message.id, tuple):
        assert isinstance(message.string, tuple)
        return [(message.id[min(i, 1)], s) for i, s in enumerate(message.string)]
    assert isinstance(message.string, str)
    return [(message.id, message.string)]


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_every_placeholder(language: str) -> None:
    """A translation that drops or renames {n} would fail when formatted."""
    wrong = [
        (source, translated)
        for message in read(source_path(language), language)
        if message.id
        for source, translated in _forms(message)
        if translated and _fields(source) != _fields(translated)
    ]
    assert not wrong


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_mo_is_compiled_from_the_po(language: str) -> None:
    """The .mo a run reads says what the .po says (else: `python -m newscli.locale`)."""
    expected: dict[object, str] = {}
    for message in read(source_path(language), language):
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            assert isinstance(message.string, tuple)
            if all(message.string):
                for index, form in enumerate(message.string):
                    expected[(message.id[0], index)] = form
        elif message.string:
            expected[message.id] = message.string
    with i18n.catalog_path(language).open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    found = {key: value for key, value in compiled._catalog.items() if key != ""}  # type: ignore[attr-defined]
    assert found == expected, "the .mo is stale: run `python -m newscli.locale`"


# -- the command line's own words in Swedish ----------------------------------------------------


def _words(screen: str) -> list[str]:
    """The words of a table on a terminal, without its styles and rules."""
    return [word for word in ANSI.sub("", screen).split() if word.strip("┃━┏┓┡┩│─")]


def test_the_list_table_on_a_terminal_has_headers_in_the_users_language(invoke: Invoke) -> None:
    """The listing is newscli's own screen: its headers and states follow the locale (the
    sample site is Swedish; an English user still reads English headers)."""
    wide = {"COLUMNS": "200", "NO_COLOR": "1"}
    english = invoke("list", stdout_isatty=True, variables={**ENGLISH, **wide}).stdout
    swedish = invoke("list", stdout_isatty=True, variables={**SWEDISH, **wide}).stdout
    header = [_words(shown.splitlines()[0]) for shown in (english, swedish)]
    assert header[0] == ["Date", "Title", "Topics", "State", "Slug"]
    assert header[1] == ["Datum", "Rubrik", "Ämnen", "Läge", "Slug"]
    assert "publicerad" in swedish and "publicerad" not in english and "published" in english


def test_topics_table_headers_follow_the_locale(invoke: Invoke) -> None:
    wide = {"COLUMNS": "200", "NO_COLOR": "1"}
    swedish = invoke("topics", stdout_isatty=True, variables={**SWEDISH, **wide}).stdout
    english = invoke("topics", stdout_isatty=True, variables={**ENGLISH, **wide}).stdout
    assert _words(swedish)[:2] == ["Ämne", "Nyheter"]
    assert _words(english)[:2] == ["Topic", "Stories"]


def test_show_of_a_missing_ref_speaks_swedish(invoke: Invoke) -> None:
    swedish = invoke("show", "no-such-story", variables=SWEDISH)
    english = invoke("show", "no-such-story", variables=ENGLISH)
    assert swedish.exit_code == english.exit_code != 0
    assert swedish.stderr.startswith("newscli: fel: ingen nyhet passar 'no-such-story'")
    assert english.stderr.startswith("newscli: error: no story matches 'no-such-story'")


def test_check_counts_in_words_never_with_s_in_brackets(invoke: Invoke) -> None:
    english = invoke("check", variables=ENGLISH).stderr
    swedish = invoke("check", variables=SWEDISH).stderr
    assert "All 5 story files are valid (" in english and "(s)" not in english
    assert "Alla 5 nyhetsfiler är giltiga (" in swedish and "varningar)." in swedish


@pytest.mark.parametrize(
    ("args", "english", "swedish"),
    [
        (("list", "--no-such"), "Error: No such option: --no-such", "Fel: Okänd flagga: --no-such"),
        (("show",), "Error: Missing argument 'REF'.", "Fel: Argumentet 'REF' saknas."),
        (("list", "extra"), "Error: Unexpected extra arguments: extra", "Fel: Oväntade extra"),
        (("list", "--limit", "0"), "0 is not at least 1.", "0 är inte minst 1."),
    ],
    ids=["no such option", "missing argument", "extra argument", "out of range"],
)
def test_clicks_usage_errors_speak_the_users_language(
    invoke: Invoke, args: tuple[str, ...], english: str, swedish: str
) -> None:
    in_english = invoke(*args, variables=ENGLISH)
    in_swedish = invoke(*args, variables=SWEDISH)
    assert in_english.exit_code == in_swedish.exit_code == 2
    assert english in in_english.stderr and swedish in in_swedish.stderr
    command = args[0]  # CliRunner calls the program "root"
    assert f"Try 'root {command} -h' for help." in in_english.stderr
    assert f"Skriv 'root {command} -h' för hjälp." in in_swedish.stderr
    assert "Error" not in in_swedish.stderr and "Try" not in in_swedish.stderr


def test_range_hints_in_help_are_words(invoke: Invoke) -> None:
    assert "[minst 1]" in invoke("list", "--help", variables=SWEDISH).stdout
    assert "[at least 1]" in invoke("list", "--help", variables=ENGLISH).stdout


# -- the core's own messages in Swedish ---------------------------------------------------------


def test_outside_a_newsroom_a_swedish_run_says_so_in_swedish(tmp_path: Path) -> None:
    def run(variables: dict[str, str]) -> str:
        obj = {**PINNED, "cwd": tmp_path, "variables": variables}
        result = CliRunner().invoke(cli.app, ["list"], obj=obj)
        assert result.exit_code == 2
        return result.stderr

    swedish = run(SWEDISH)
    assert swedish.startswith("newscli: fel: inte i ett nyhetsrum: det finns ingen newscli.toml")
    assert "newscli init" in swedish and "NEWSCLI_ROOT" in swedish
    assert run(ENGLISH).startswith("newscli: error: not in a newsroom")
    assert list(tmp_path.iterdir()) == []


def test_a_date_newscli_cannot_read_is_told_in_swedish(invoke: Invoke) -> None:
    swedish = invoke("list", "--since", "garbage", variables=SWEDISH)
    english = invoke("list", "--since", "garbage", variables=ENGLISH)
    assert swedish.exit_code == english.exit_code == 2
    assert swedish.stderr.startswith("newscli: fel: kan inte läsa datumet 'garbage'; använd ")
    assert "idag (today), igår (yesterday), 7d (dagar sedan)" in swedish.stderr
    assert english.stderr.startswith("newscli: error: cannot read date 'garbage'; use ")
    assert "today (idag), yesterday (igår), 7d (days ago)" in english.stderr


def test_importing_a_missing_feed_file_is_told_in_swedish(invoke: Invoke) -> None:
    swedish = invoke("import", "feed", "saknas.xml", variables=SWEDISH)
    assert swedish.exit_code == 1
    assert swedish.stderr.startswith("newscli: fel: saknas.xml: kan inte läsa: ")


def test_importing_what_is_no_feed_is_told_in_swedish(invoke: Invoke, newsroom_path: Path) -> None:
    (newsroom_path / "inget.xml").write_text("inget flöde\n")
    swedish = invoke("import", "feed", "inget.xml", variables=SWEDISH)
    english = invoke("import", "feed", "inget.xml", variables=ENGLISH)
    assert swedish.exit_code == english.exit_code == 1
    assert swedish.stderr.startswith("newscli: fel: inget.xml: är inget flöde som newscli kan läsa")
    assert english.stderr.startswith("newscli: error: inget.xml: is not a feed newscli can read")


def test_a_broken_file_is_told_in_the_language_of_each_run(
    invoke: Invoke, newsroom_path: Path
) -> None:
    """The index keeps a broken file's message: a Swedish run after an English one (which
    made the index) still reads it in Swedish, and without building the index anew (a cron
    job under LANG=C and staff in Swedish take turns with one index)."""
    broken = newsroom_path / "articles" / "trasig.md"
    broken.write_bytes(b'+++\ntitle = "Trasig \xff"\n+++\n')
    english = invoke("list", variables=ENGLISH).stderr
    index = newsroom_path / ".newscli" / "index.sqlite"
    built = index.stat().st_ino, index.stat().st_mtime_ns
    swedish = invoke("list", variables=SWEDISH).stderr
    assert (index.stat().st_ino, index.stat().st_mtime_ns) == built
    assert "articles/trasig.md:2: not valid UTF-8 (byte 0xff)" in english
    assert "articles/trasig.md:2: inte giltig UTF-8 (byte 0xff)" in swedish
    assert "not valid" not in swedish


def test_checks_warnings_say_varning_in_swedish(swedish: None) -> None:
    from pathlib import PurePosixPath

    from newscli.newsroom import Finding

    finding = Finding(PurePosixPath("articles/a.md"), 3, "något", warning=True)
    assert str(finding) == "articles/a.md:3: varning: något"
    assert str(Finding(PurePosixPath("articles/a.md"), 3, "något")) == "articles/a.md:3: något"


def test_a_mistyped_command_gets_did_you_mean_in_swedish(invoke: Invoke) -> None:
    swedish = invoke("lst", variables=SWEDISH)
    english = invoke("lst", variables=ENGLISH)
    assert swedish.exit_code == english.exit_code == 2
    assert "Fel: Det finns inget kommando 'lst'. Menade du 'list'?" in swedish.stderr
    assert "Error: No such command 'lst'. Did you mean 'list'?" in english.stderr
