"""A story's history from git as `newscli log` shows it: one file a line, and plain words
before the first commit."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Invoke

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")


def git(root: Path, *args: str) -> None:
    assert GIT is not None
    env = {"GIT_AUTHOR_NAME": "Helene", "GIT_AUTHOR_EMAIL": "h@example.se",
           "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "x@example.se",
           "HOME": str(root), "PATH": "/usr/bin:/bin"}  # fmt: skip
    subprocess.run([GIT, *args], cwd=root, env=env, check=True, capture_output=True)


def test_log_before_the_first_commit_says_so_in_plain_words(
    invoke: Invoke, newsroom_path: Path
) -> None:
    git(newsroom_path, "init", "-q")
    result = invoke("log")
    assert result.exit_code == 0, result.stderr
    assert "No history yet" in result.stderr
    assert "fatal" not in result.stdout + result.stderr


def test_log_shows_each_file_of_a_change_on_a_line_of_its_own(
    invoke: Invoke, newsroom_path: Path
) -> None:
    git(newsroom_path, "init", "-q")
    git(newsroom_path, "add", "articles")
    git(newsroom_path, "commit", "-qm", "Fem nyheter")
    shown = invoke("log").stdout
    assert "\\x0a" not in shown
    lines = [line for line in shown.splitlines() if ".md" in line]
    assert len(lines) == 5  # each file ends on a line of its own
