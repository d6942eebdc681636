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
from newscli.files import ChangedOnDisk, replace_unchanged, write_atomic
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


# -- replace_unchanged: never over a save someone made meanwhile ---------------------------------


@pytest.fixture(params=["exchange", "swap"])
def exchange(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of exchanging two files: the system's (Linux) and the move aside."""
    if request.param == "swap":
        monkeypatch.setattr(files, "_renameat2_exchange", lambda a, b: False)
    elif files._find_renameat2() is None:
        pytest.skip("no renameat2 here")
    return str(request.param)


def test_an_unchanged_file_is_replaced_keeping_its_mode(tmp_path: Path, exchange: str) -> None:
    target = tmp_path / "a.md"
    target.write_bytes(b"old")
    target.chmod(0o640)
    status = replace_unchanged(target, b"new", b"old")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert status.st_ino == target.stat().st_ino
    assert leftovers(tmp_path) == []


def test_a_file_changed_before_the_replace_is_left_as_it_is(tmp_path: Path, exchange: str) -> None:
    target = tmp_path / "a.md"
    target.write_bytes(b"saved by the editor")
    with pytest.raises(ChangedOnDisk):
        replace_unchanged(target, b"new", b"old")
    assert target.read_bytes() == b"saved by the editor"
    assert leftovers(tmp_path) == []


def editor_saves_during(
    monkeypatch: pytest.MonkeyPatch, target: Path, saves: dict[int, bytes]
) -> None:
    """An editor saves target (by renaming a file over it) just before the n-th exchange."""
    real = files._exchange
    count = [0]

    def exchange(tmp: Path, path: Path) -> bool:
        count[0] += 1
        if count[0] in saves:
            saved = path.with_name("editor-save")
            saved.write_bytes(saves[count[0]])
            os.replace(saved, path)
        return real(tmp, path)

    monkeypatch.setattr(files, "_exchange", exchange)


def test_a_save_landing_after_the_check_is_put_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: str
) -> None:
    """The check-then-rename moment in which check-then-rename writers lose a save."""
    target = tmp_path / "a.md"
    target.write_bytes(b"old")
    editor_saves_during(monkeypatch, target, {1: b"the editor's save"})
    with pytest.raises(ChangedOnDisk):
        replace_unchanged(target, b"new", b"old")
    assert target.read_bytes() == b"the editor's save"
    assert leftovers(tmp_path) == []


def test_a_second_save_landing_while_the_first_is_put_back_is_the_one_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: str
) -> None:
    target = tmp_path / "a.md"
    target.write_bytes(b"old")
    editor_saves_during(monkeypatch, target, {1: b"first save", 2: b"second save"})
    with pytest.raises(ChangedOnDisk):
        replace_unchanged(target, b"new", b"old")
    assert target.read_bytes() == b"second save"
    assert leftovers(tmp_path) == []


def test_without_the_system_s_exchange_a_save_into_the_empty_moment_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The move aside leaves the name empty for a moment: a save then is never replaced."""
    monkeypatch.setattr(files, "_renameat2_exchange", lambda a, b: False)
    target = tmp_path / "a.md"
    target.write_bytes(b"old")
    real_link = os.link

    def link(source: Path, destination: Path) -> None:
        if Path(destination) == target and not target.exists():
            target.write_bytes(b"saved while empty")
        real_link(source, destination)

    monkeypatch.setattr(files.os, "link", link)
    with pytest.raises(ChangedOnDisk):
        replace_unchanged(target, b"new", b"old")
    assert target.read_bytes() == b"saved while empty"
    assert leftovers(tmp_path) == []
