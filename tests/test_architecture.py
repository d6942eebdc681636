"""The layers keep their promises: cli → core → render/export, and the core never prints."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from tests.conftest import REPO

PACKAGE = REPO / "newscli"
OUTER = ("newscli.cli", "newscli.render", "newscli.export")


def modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def core_modules() -> list[Path]:
    return [
        p
        for p in modules(PACKAGE)
        # locale/ is the catalogs' build tool (Babel), not the core: it reads the command
        # line's help texts (newscli.cli.help.written_help)
        if p.relative_to(PACKAGE).parts[0]
        not in ("cli", "render", "export", "locale", "__main__.py")
    ]


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: p.name)
def test_the_core_imports_no_command_line_renderer_or_exporter(path: Path) -> None:
    wrong = {name for name in imports(path) if name.startswith((*OUTER, "typer", "rich", "click"))}
    assert not wrong, f"{path.relative_to(REPO)} imports {sorted(wrong)}"


@pytest.mark.parametrize(
    "path", modules(PACKAGE / "render") + modules(PACKAGE / "export"), ids=lambda p: p.name
)
def test_renderers_and_exports_never_reach_back_into_the_command_line(path: Path) -> None:
    assert not {n for n in imports(path) if n.startswith(("newscli.cli", "typer"))}


@pytest.mark.parametrize(
    "path",
    [p for p in core_modules() if p.name != "environment.py"] + modules(PACKAGE / "export"),
    ids=lambda p: p.name,
)
def test_the_core_and_exports_never_print_or_exit(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {
        ast.unparse(node.func)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and ast.unparse(node.func) in ("print", "sys.exit", "exit", "input", "os._exit")
    }
    reads = {
        ast.unparse(node)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and ast.unparse(node) in ("sys.stdin", "sys.stdout", "sys.stderr")
    }
    assert not calls | reads, f"{path.relative_to(REPO)}: {sorted(calls | reads)}"


def test_streams_terminals_and_the_clock_are_asked_in_one_place() -> None:
    """Only newscli/environment.py asks whether a stream is a terminal or what time it is."""
    for path in modules(PACKAGE):
        if path.name == "environment.py":
            continue
        text = path.read_text(encoding="utf-8")
        for asked in (".isatty()", "datetime.now(", "dt.datetime.now(", "os.environ"):
            if asked == "os.environ" and path.name == "config.py":
                continue  # find_root() without an Environment, for library use
            assert asked not in text, f"{path.relative_to(REPO)} uses {asked}"


def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_questions_and_the_working_directory_have_one_home() -> None:
    """Every question goes through newscli.cli.asking (on stderr), never Click's prompts
    (on stdout, inside `$(newscli new …)`); the working directory is the Environment's."""
    for path in modules(PACKAGE):
        text = _source(path)
        for banned in ("typer.prompt", "typer.confirm", "click.prompt", "click.confirm"):
            assert banned not in text, f"{path.relative_to(REPO)} uses {banned}"
        if path.name != "environment.py":
            assert "Path.cwd" not in text and "os.getcwd" not in text, path.relative_to(REPO)


def test_typers_insides_are_reached_from_one_module() -> None:
    """Typer's private modules (its copy of Click, TyperChoice) only through
    newscli/cli/typer_inside.py, whose test fails loudly on a Typer upgrade."""
    for path in modules(PACKAGE):
        if path.name == "typer_inside.py":
            continue
        private = {name for name in imports(path) if name.startswith(("typer._", "click"))}
        private |= {"typer._click"} if "from typer import _" in _source(path) else set()
        assert not private, f"{path.relative_to(REPO)} imports {sorted(private)}"


def _command_modules() -> set[str]:
    """The cli modules that define the commands the app registers."""
    from typer.main import get_command

    from newscli import cli

    found = set()

    def walk(command: object) -> None:
        callback = getattr(command, "callback", None)
        if callback is not None:
            found.add(inspect.unwrap(callback).__module__)
        for inner in getattr(command, "commands", {}).values():
            walk(inner)

    walk(get_command(cli.app))
    found.discard("newscli.cli")  # the app's own callback (--version, --debug)
    return found


def test_command_modules_never_import_each_other() -> None:
    """What two command modules share lives in a shared one (common, selection, bulk,
    story_photo …), so that a command module can change without moving another."""
    commands = _command_modules()
    assert {"newscli.cli.stories", "newscli.cli.tag", "newscli.cli.lifecycle"} <= commands
    for name in sorted(commands):
        path = REPO / (name.replace(".", "/") + ".py")
        others = {
            imported
            for imported in imports(path)
            for other in commands - {name}
            if imported == other or imported.startswith(other + ".")
        }
        text = _source(path)
        others |= {
            other
            for other in commands - {name}
            if f"from newscli.cli import {other.rsplit('.', 1)[1]}" in text
        }
        assert not others, f"{path.relative_to(REPO)} imports {sorted(others)}"
