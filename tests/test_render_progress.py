"""The progress bar of `export html`: drawn on a terminal, and when stderr is not one,
neither drawn nor even imported (Rich stays out of the process)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Invoke


def test_export_shows_a_progress_bar_on_a_terminal_and_none_when_piped(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm")  # Rich shows no live bar on a dumb terminal
    on_terminal = invoke("export", "html", "--drafts", stderr_isatty=True)
    assert on_terminal.exit_code == 0, on_terminal.stderr
    assert "Exporting" in on_terminal.stderr
    # The bar itself: drawn, and full when the last page is written (18 of 18 pages).
    assert re.search(r"Exporting ━+ (\d+)/\1\b", on_terminal.stderr), on_terminal.stderr
    assert "Exported 5 stories" in on_terminal.stderr.splitlines()[-1]
    piped = invoke("export", "html", "--drafts", "-o", "again")
    assert "Exporting" not in piped.stderr and "\x1b" not in piped.stderr
    assert piped.stderr.splitlines()[-1].startswith("Exported 5 stories")


def test_export_without_a_terminal_does_not_import_rich(
    newsroom_path: Path, tmp_path: Path
) -> None:
    code = (
        "import sys\n"
        "from newscli.cli import main\n"
        "sys.argv = ['newscli', 'export', 'html', '-o', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'rich'], 'rich imported'\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "out")],
        cwd=newsroom_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "out/index.html").is_file()
