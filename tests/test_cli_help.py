"""--help reads like a good command line's: every command has an example, values are named
by words (REF, DATE, N), and the command lists' summaries are whole."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from typing import Annotated

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from newscli import cli, i18n
from newscli.cli.common import NewsGroup
from newscli.cli.help import COMMANDS
from tests.conftest import Invoke


def _paths(command: object, path: str = "") -> Iterator[str]:
    yield path
    for name, inner in getattr(command, "commands", {}).items():
        yield from _paths(inner, f"{path} {name}".strip())


PATHS = list(_paths(get_command(cli.app)))


def _help(path: str) -> str:
    # English whatever the shell says: GROUPS is found when the module is imported, before
    # the fixtures that pin the language
    english = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
    result = CliRunner().invoke(
        cli.app, [*path.split(), "--help"], prog_name="newscli", env=english
    )
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path or "newscli")
def test_every_commands_help_has_an_example_it_can_run(path: str) -> None:
    shown = _help(path)
    assert "\nExample:\n" in shown
    example = shown.split("\nExample:\n", 1)[1].strip()
    assert example == COMMANDS[path].example
    words = shlex.split(example)
    assert words[: 1 + len(path.split())] == ["newscli", *path.split()]
    if not getattr(get_command(cli.app), "commands", None) or path:
        for word in words:
            if word.startswith("--"):  # every option the example uses is the command's own
                assert re.search(rf"(^|[ ,]){re.escape(word)}\b", shown, re.MULTILINE), word


@pytest.mark.parametrize("path", PATHS, ids=lambda path: path or "newscli")
def test_values_are_named_by_words_not_types(path: str) -> None:
    shown = _help(path)
    for type_name in (
        "TEXT",
        "INTEGER",
        "FLOAT",
        "<str>",
        "<int",
        "<float",
        "<directory>",
        "<path>",
        "<file>",
        "{ref}",
        "{topics}",
    ):
        assert type_name not in shown, (path, type_name)
    assert not re.search(r"\[[a-z_]+\]", shown.split("\n", 1)[0]), shown.split("\n", 1)[0]


def test_words_for_the_common_options() -> None:
    shown = _help("list")
    for option in ("--since DATE", "--until DATE", "--limit N", "--root PATH", "--topic TOPIC"):
        assert option in shown
    assert "--output PATH" in _help("export rss")
    assert "Usage: newscli show [OPTIONS] REF\n" in _help("show")
    assert "Usage: newscli tag merge [OPTIONS] TOPIC..." in _help("tag merge")


def _listing(shown: str) -> list[str]:
    return shown.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0].splitlines()


GROUPS = [path for path in PATHS if "\nCommands:\n" in _help(path)]


@pytest.mark.parametrize("path", GROUPS, ids=lambda path: path or "newscli")
def test_command_lists_show_whole_summaries_one_line_each(path: str) -> None:
    for line in _listing(_help(path)):
        assert not line.rstrip().endswith("..."), line
        assert line.startswith("  ") and not line.startswith("   "), line  # not wrapped


def test_groups_are_listed() -> None:
    assert {"", "tag", "photo", "export"} <= set(GROUPS)


def test_an_explicit_metavar_is_kept_and_a_command_missing_from_the_table_is_cut_whole() -> None:
    app = typer.Typer(cls=NewsGroup, rich_markup_mode=None)

    @app.command()
    def first(
        when: Annotated[str, typer.Option("--when", metavar="MOMENT")] = "",
        title: Annotated[str, typer.Option("--title")] = "",
        count: Annotated[int, typer.Option("--count")] = 0,
    ) -> None:
        """Do one thing with a rather long explanation of what it does, then another thing."""

    @app.command()
    def second() -> None:
        """Another."""

    listing = _listing(CliRunner().invoke(app, ["--help"]).stdout)
    assert (
        listing[0].split()
        == "first Do one thing with a rather long explanation of what it does".split()
    )
    assert listing[1].split() == ["second", "Another"]
    shown = CliRunner().invoke(app, ["first", "--help"]).stdout
    assert "--when MOMENT" in shown and "--title TITLE" in shown and "--count COUNT" in shown


# -- in the user's language ---------------------------------------------------------------------


def _help_texts(command: object) -> Iterator[str]:
    """Every help text the command tree shows, as written (English)."""
    for thing in (command, *getattr(command, "params", [])):
        text = thing.__dict__.get("help")
        if text:
            yield text
    for inner in getattr(command, "commands", {}).values():
        yield from _help_texts(inner)


def test_every_help_text_has_swedish() -> None:
    """Each command's help (its docstring) and each option's and argument's help has a
    translation: `python -m newscli.locale` collects them, the .po must say them in Swedish."""
    texts = set(_help_texts(get_command(cli.app)))
    assert "Print the version and exit." in texts and len(texts) > 100
    i18n.use("sv")
    untranslated = sorted(text for text in texts if i18n._(text) == text)
    assert not untranslated


def test_a_swedish_help_has_no_english_help_texts(invoke: Invoke) -> None:
    english = invoke("list", "--help", variables={"LANG": "C"}).stdout
    swedish = invoke("list", "--help", variables={"LANG": "sv_SE.UTF-8"}).stdout
    for text in ("List stories, newest first", "At most this many stories.", "Output format."):
        assert text in english and text not in swedish
    assert "Show this message and exit." in english
    assert "Visa den här hjälpen och avsluta." in swedish
    assert "Högst så här många nyheter." in swedish and "Utdataformat." in swedish


def test_typers_own_options_speak_swedish_too(invoke: Invoke) -> None:
    shown = invoke("--help", variables={"LANG": "sv_SE.UTF-8"}).stdout
    assert "Visa versionen och avsluta." in shown
    assert "Installera komplettering för det aktuella skalet." in shown
    assert "current shell" not in shown and "Show this message" not in shown


# -- newscli help GUIDE -------------------------------------------------------------------


def test_no_message_or_help_points_to_a_docs_file_an_installed_newscli_lacks() -> None:
    from pathlib import Path

    template = Path(cli.__file__).parents[1] / "locale" / "newscli.pot"
    msgids = re.findall(r'^msgid "(.*(?:\n".*")*)', template.read_text("utf-8"), re.M)
    assert [m for m in msgids if "docs/" in m] == []


def test_help_lists_its_guides_and_each_is_made_from_the_code(invoke: Invoke) -> None:
    from newscli.checks import RULES

    listed = invoke("help")
    assert listed.exit_code == 0
    assert all(f"  {guide} " in listed.stdout for guide in ("checks", "dates", "settings"))
    checks = invoke("help", "checks").stdout
    assert all(rule.name in checks for rule in RULES)
    assert "[checks.off]" in checks
    swedish = invoke("help", "accessibility", variables={"LANG": "sv_SE.UTF-8"}).stdout
    assert "# [accessibility]" in swedish and "Tillgänglighetsredogörelsen" in swedish
    assert "tag add [OPTIONS] TOPIC..." in invoke("help", "tag", "add").stdout
    unknown = invoke("help", "nope")
    assert unknown.exit_code == 2 and "checks, accessibility, dates, settings" in unknown.stderr
