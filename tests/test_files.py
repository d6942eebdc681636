"""The file primitives: write_atomic under every failure, and replace_unchanged, which
never replaces a save someone made meanwhile, with the system's exchange and without it."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from newscli import files
from newscli.errors import WriteError
from newscli.files import write_atomic
from tests.support.faults import ERRNOS, STEPS, inject, leftovers

# -- write_atomic: the old file or the new one, never a torn one --------------------------------


def test_atomic_write_keeps_mode_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


@pytest.mark.parametrize("code", ERRNOS, ids=errno.errorcode.get)
@pytest.mark.parametrize("step", STEPS)
def test_a_failing_step_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, code: int
) -> None:
    target = tmp_path / "story.md"
    exclusive = step == "link"
    if not exclusive:
        target.write_bytes(b"original\n")
        target.chmod(0o640)
    inject(monkeypatch, step, code, "story.md")
    with pytest.raises(WriteError) as failure:
        write_atomic(target, b"new text\n", exclusive=exclusive)
    assert failure.value.path == target
    assert str(target) in str(failure.value)
    assert os.strerror(code) in str(failure.value)
    if exclusive:
        assert not target.exists()
    else:
        assert target.read_bytes() == b"original\n"
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_an_interrupted_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "story.md"
    target.write_bytes(b"original\n")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new\n")
    assert target.read_bytes() == b"original\n"
    assert leftovers(tmp_path) == []


def test_exclusive_write_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("first")
    with pytest.raises(FileExistsError):
        write_atomic(target, b"second", exclusive=True)
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]
