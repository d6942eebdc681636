"""Newscli as a user runs it: throw-away newsrooms for one Hypothesis example, the command
line with the answers it promises, and an $EDITOR that is a small script."""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from newscli import cli
from tests.conftest import PINNED, REPO, STORY_PATH, Invoke

CONFIG = (
    "[site]\n"
    'title = "Säkerhetstest"\n'
    'base_url = "https://www.example.se/aktuellt/"\n'
    'language = "sv"\n'
    'description = "Nyheter"\n'
    "[defaults]\n"
    'author = "Piteå kommun"\n'
)


@contextmanager
def scratch_newsroom(
    files: dict[str, bytes] | None = None, config: str | bytes | None = CONFIG, *, sample: int = 1
) -> Iterator[Path]:
    """A throw-away newsroom with `sample` of the sample stories plus files, for one example.

    Hypothesis runs many examples in one test, so this does not use pytest's tmp_path.
    """
    with tempfile.TemporaryDirectory(prefix="newscli-sec-") as folder:
        root = Path(folder) / "newsroom"
        sources = sorted((REPO / "articles").rglob("*.md"))[:sample]
        if STORY_PATH not in [str(p.relative_to(REPO)) for p in sources] and sample:
            sources[0] = REPO / STORY_PATH
        for source in sources:
            target = root / source.relative_to(REPO)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
        (root / "articles").mkdir(parents=True, exist_ok=True)
        if config is not None:
            data = config.encode() if isinstance(config, str) else config
            (root / "newscli.toml").write_bytes(data)
        for rel, data in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        yield root


def run(root: Path, *args: str, input: str | None = None) -> Result:
    """Run newscli in root, as a user would (exceptions caught the way the CLI catches them)."""
    result = CliRunner().invoke(cli.app, [*args, "--root", str(root)], input=input, obj=PINNED)
    assert_answer(result, args)
    return result


def assert_answer(result: Result, args: tuple[str, ...] | list[str] = ()) -> None:
    """Never a traceback or a catch-all: an exit code newscli promises and, on failure, a message."""
    where = f"newscli {' '.join(map(repr, args))}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        trace = "".join(traceback.format_exception(result.exception))
        pytest.fail(f"{where} raised instead of answering:\n{trace}")
    assert "Traceback" not in result.stderr, f"{where}: {result.stderr}"
    assert "unexpected" not in result.stderr, f"{where} hit the catch-all: {result.stderr}"
    assert result.exit_code in (0, 1, 2), f"{where}: exit {result.exit_code}"
    if result.exit_code != 0:
        assert result.stderr.strip(), f"{where} failed silently"


def file_line_message(path: str) -> re.Pattern[str]:
    """`path:LINE: message`, the form every problem with a file takes."""
    return re.compile(rf"{re.escape(path)}:[1-9][0-9]*: \S")


def write_editor(tmp_path: Path, script: str) -> str:
    """An $EDITOR that runs a small Python script on the file it is given."""
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nfrom pathlib import Path\np = Path(sys.argv[1])\n" + script)
    return f"{sys.executable} {editor}"


def export(invoke: Invoke, kind: str, *args: str, **environment: object) -> str:
    """The feed export prints to stdout with -o -, checked to be a clean success."""
    result = invoke("export", kind, "-o", "-", *args, **environment)
    assert result.exit_code == 0, result.output
    return result.stdout
