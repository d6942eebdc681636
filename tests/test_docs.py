"""The README and docs stay true to the command line."""

import re

from typer.main import get_command

from newscli import cli
from tests.conftest import REPO


def _commands() -> set[str]:
    group = get_command(cli.app)
    names = set()
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        if sub is not None:
            names.update(f"{name} {inner}" for inner in sub)
        else:
            names.add(name)
    return names


def test_readme_lists_every_command_and_no_other() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n\n", 2)[1]
    listed = set(re.findall(r"^\| `newscli ([a-z ]+?)`", table, re.MULTILINE))
    assert listed == _commands()


def _documented(heading: str) -> set[str]:
    """Commands a heading documents: 'tag add|remove TOPIC…' → {'tag add', 'tag remove'}."""
    names: set[str] = set()
    for part in heading.split(" / "):
        words = []
        for word in part.removeprefix("newscli ").split():
            if not re.fullmatch(r"[a-z|]+", word):
                break
            words.append(word)
        *group, last = words
        names.update(" ".join([*group, alternative]) for alternative in last.split("|"))
    return names


def test_command_reference_documents_every_command_and_no_other() -> None:
    reference = (REPO / "docs" / "commands.md").read_text(encoding="utf-8")
    documented: set[str] = set()
    for heading in re.findall(r"^## (newscli .+)$", reference, re.MULTILINE):
        documented |= _documented(heading)
    assert documented == _commands()


def test_readme_quick_start_makes_a_venv_then_gives_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("## ", 1)[0]
    blocks = re.findall(r"```sh\n(.+?)\n```", quick, re.DOTALL)
    assert len(blocks) == 3
    assert blocks[0] == "python3 -m venv .venv && . .venv/bin/activate"
    assert blocks[1].startswith("pip install . && newscli list")
    assert blocks[2] == "pip install '.[test]' && python -m pytest"


def _architecture_listing() -> set[str]:
    """The modules and packages docs/architecture.md's tree lists, as paths under newscli/
    ('cli/', 'cli/stories.py'): a name's indentation says which package it is in."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Every module and its one job", 1)[1]
    tree = section.split("```", 2)[1]
    listed: set[str] = set()
    folders: list[str] = []
    for line in tree.splitlines():
        found = re.match(r"( *)([\w.]+/?)(?:\s|$)", line)
        if not found or not found.group(2).endswith(("/", ".py")):
            continue  # a description's next line
        depth = len(found.group(1)) // 2 - 1
        if depth < 0:
            continue  # newscli/ itself
        del folders[depth:]
        path = "".join(folders) + found.group(2)
        listed.add(path.removesuffix("__init__.py"))  # a package's __init__.py is the package
        if path.endswith("/"):
            folders.append(found.group(2))
    return listed


def test_architecture_lists_every_module_of_newscli() -> None:
    package = REPO / "newscli"
    modules = {
        path.relative_to(package).as_posix().removesuffix("__init__.py")
        for path in package.rglob("*.py")
    }
    listed = _architecture_listing()
    assert modules - listed == set(), "modules missing from docs/architecture.md"
    assert listed - modules == set(), "docs/architecture.md lists modules that do not exist"
