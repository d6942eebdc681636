"""Several writers at once: two `new` with one title, tag against an editor, two taggers.

Also proven elsewhere, and referenced from docs/security.md:
- tests/test_cli_tag.py::test_two_runs_at_once_lose_neither_change (two bulk taggers);
- tests/test_cli_stories.py::test_edit_refuses_to_save_over_a_change_made_meanwhile.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from newscli import newsroom as newsroom_module
from newscli import tagging
from newscli.newsroom import Newsroom
from tests.conftest import REPO, STORY, STORY_PATH, Invoke


def test_new_never_overwrites_a_file_another_new_created_a_moment_before(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = newsroom_module.write_atomic
    other = b"+++\nANOTHER PROCESS WROTE THIS\n+++\n"

    def racing(path: Path, data: bytes, **kwargs: Any) -> None:
        if kwargs.get("exclusive") and path.name == "samma-rubrik.md":
            path.write_bytes(other)  # the other `new` wins the race, after our scan
        real(path, data, **kwargs)

    monkeypatch.setattr(newsroom_module, "write_atomic", racing)
    result = invoke("new", "Samma rubrik", "--no-input")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "articles/2026/11/samma-rubrik-2.md\n"
    assert (newsroom_path / "articles/2026/11/samma-rubrik.md").read_bytes() == other
    assert Newsroom(newsroom_path).load(newsroom_path / "articles/2026/11/samma-rubrik-2.md")


def test_several_new_at_the_same_moment_create_one_file_each(newsroom_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "newscli", "new", "Samtidig rubrik", "--no-input"]
    runs = [
        subprocess.Popen(
            [*command, "--date", "2024-05-01 10:00", "--root", str(newsroom_path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(4)
    ]
    paths = []
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
        paths.append(out.strip())
    assert len(set(paths)) == 4
    newsroom = Newsroom(newsroom_path)
    ids = {newsroom.load(newsroom_path / p).id for p in paths}
    assert len(ids) == 4


def test_tag_starts_a_file_over_when_an_editor_saved_it_meanwhile(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = newsroom_path / STORY_PATH
    real_rewrite = tagging.rewrite_topics
    saved: list[bool] = []

    def editor_saves_meanwhile(*args: Any) -> str:
        """tag has read the file and works on its new text: now an editor saves it."""
        if not saved:
            saved.append(True)
            story.write_text(story.read_text() + "\nSparat i editorn.\n")
        return real_rewrite(*args)

    monkeypatch.setattr(tagging, "rewrite_topics", editor_saves_meanwhile)
    result = invoke("tag", "add", "Samtidigt", "--article", STORY)
    assert result.exit_code == 0, result.stderr
    text = story.read_text()
    assert text.endswith("\nSparat i editorn.\n"), "the editor's save was lost"
    assert "Samtidigt" in Newsroom(newsroom_path).load(story).topics
    assert saved == [True]
