"""The layers keep their promises: cli → core → render/export, and the core never prints."""

from __future__ import annotations

import ast
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
