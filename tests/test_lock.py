"""The newsroom lock: a second writer waits (and says so once); a lock it cannot take is an error."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscli.errors import WriteError
from newscli.lock import NewsroomLock
from tests.conftest import REPO

HOLDER = """
import sys
from pathlib import Path
from newscli.lock import NewsroomLock
with NewsroomLock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""

WAITER = """
import sys
from pathlib import Path
from newscli.lock import NewsroomLock
with NewsroomLock(Path(sys.argv[1]), wait=lambda: print("waiting", flush=True)):
    print("locked", flush=True)
"""


class Run:
    """A Python process running code against the newsroom at root, its output line by line."""

    def __init__(self, code: str, root: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def line(self, timeout: float = 20) -> str:
        return self.lines.get(timeout=timeout)

    def finish(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        assert self.process.wait(timeout=20) == 0


@pytest.fixture
def runs() -> Iterator[list[Run]]:
    started: list[Run] = []
    yield started
    for run in started:
        if run.process.poll() is None:
            run.process.kill()
            run.process.wait()


def test_a_second_process_waits_for_the_first_and_says_so_once(
    tmp_path: Path, runs: list[Run]
) -> None:
    holder = Run(HOLDER, tmp_path)
    runs.append(holder)
    assert holder.line() == "locked"

    waiter = Run(WAITER, tmp_path)
    runs.append(waiter)
    assert waiter.line() == "waiting"
    time.sleep(0.5)
    assert waiter.lines.empty() and waiter.process.poll() is None  # still waiting

    holder.finish()
    assert waiter.line() == "locked"
    waiter.finish()
    assert waiter.lines.empty()  # "waiting" came once, however long it waited


def test_a_free_lock_is_taken_without_waiting_and_creates_its_folder(tmp_path: Path) -> None:
    waits: list[None] = []
    for _ in range(2):  # released on exit, so the second run does not wait either
        with NewsroomLock(tmp_path, wait=lambda: waits.append(None)):
            assert (tmp_path / ".newscli").is_dir()
    assert waits == []


def test_a_file_in_the_way_of_the_lock_folder_is_a_write_error_naming_it(
    tmp_path: Path,
) -> None:
    (tmp_path / ".newscli").write_text("not a folder\n")
    with pytest.raises(WriteError) as exc, NewsroomLock(tmp_path):
        pass
    assert exc.value.path == tmp_path / ".newscli"
    assert str(exc.value) == f"{tmp_path / '.newscli'}: cannot create the folder: File exists"


def test_a_lock_folder_that_leads_out_of_the_newsroom_is_never_written(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    newsroom = tmp_path / "newsroom"
    newsroom.mkdir()
    (newsroom / ".newscli").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(WriteError, match="leads out of the newsroom"), NewsroomLock(newsroom):
        pass
    assert list(elsewhere.iterdir()) == []


def test_a_read_only_lock_folder_is_a_write_error(tmp_path: Path) -> None:
    folder = tmp_path / ".newscli"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("this user (root?) can write to a read-only folder")
        with pytest.raises(WriteError) as exc, NewsroomLock(tmp_path):
            pass
        assert exc.value.path == folder / "lock"
        assert "cannot take the newsroom lock" in exc.value.message
    finally:
        folder.chmod(0o700)


def test_the_lock_taken_again_in_the_same_thread_nests_and_other_threads_still_wait(
    tmp_path: Path,
) -> None:
    """A rewrite takes the lock inside a bulk run that holds it: no deadlock, and the lock
    is let go only when the outer holder ends."""
    entered = threading.Event()

    def other() -> None:
        with NewsroomLock(tmp_path):
            entered.set()

    with NewsroomLock(tmp_path):
        with NewsroomLock(tmp_path):
            pass
        thread = threading.Thread(target=other)
        thread.start()
        assert not entered.wait(0.3)  # still held by the outer lock
    assert entered.wait(20)
    thread.join(20)
