"""Faults: an OS call that fails in one step of write_atomic, and a newscli process killed
(SIGKILL) part-way through a run."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newscli import files as files_module
from tests.conftest import newscli_process

ERRNOS = [errno.ENOSPC, errno.EIO, errno.EACCES]
STEPS = ["mkstemp", "write", "fsync", "chmod", "replace", "link"]


def failing(code: int, only: Callable[..., bool] = lambda *a: True, real: Any = None) -> Any:
    """A stand-in for an OS call that fails with errno code (for the calls only() picks)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if only(*args):
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    return call


class FailingFile:
    """A file object whose write fails as on a full disk."""

    def __init__(self, handle: Any, code: int) -> None:
        self.handle, self.code = handle, code

    def __enter__(self) -> FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        raise OSError(self.code, os.strerror(self.code))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


def fd_path(fd: int) -> str:
    """The file an open descriptor is for (Linux /proc; elsewhere every fd matches)."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


def inject(monkeypatch: pytest.MonkeyPatch, step: str, code: int, target: str = "") -> None:
    """Make one step of write_atomic fail, for the files whose path contains target."""

    def hits(*args: Any) -> bool:
        return any(target in str(a) for a in args if isinstance(a, (str, Path)))

    os_module = files_module.os
    if step == "mkstemp":
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
            if target in str(kwargs.get("prefix", "")):
                raise OSError(code, os.strerror(code))
            return real_mkstemp(*args, **kwargs)

        monkeypatch.setattr(files_module.tempfile, "mkstemp", mkstemp)
    elif step == "write":
        real_fdopen = os.fdopen

        def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
            handle = real_fdopen(fd, *args, **kwargs)
            return FailingFile(handle, code) if target in fd_path(fd) else handle

        monkeypatch.setattr(os_module, "fdopen", fdopen)
    elif step == "fsync":
        monkeypatch.setattr(
            os_module, "fsync", failing(code, lambda fd: target in fd_path(fd), os.fsync)
        )
    elif step == "chmod":
        monkeypatch.setattr(os_module, "chmod", failing(code, hits, real=os.chmod))
    elif step == "replace":  # the step that puts the new file in place: a rename, an exchange
        monkeypatch.setattr(os_module, "replace", failing(code, lambda s, d: hits(d), os.replace))
        exchange = files_module._exchange
        monkeypatch.setattr(
            files_module, "_exchange", failing(code, lambda s, d: hits(d), exchange)
        )
    elif step == "link":
        monkeypatch.setattr(os_module, "link", failing(code, lambda s, d: hits(d), os.link))


def leftovers(folder: Path) -> list[str]:
    """The temporary files a write left behind under folder (a kill may leave hidden ones)."""
    return sorted(p.name for p in folder.rglob("*.tmp"))


# -- killed processes -------------------------------------------------------------------------

KILL_AT = [0.02, 0.4, 0.85]  # share of the files the run will change
needs_sigkill = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def finish(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    """newscli run to the end on the newsroom at root."""
    run = newscli_process(root, *args)
    out, err = run.communicate(timeout=120)
    return subprocess.CompletedProcess(run.args, run.returncode, out, err)


def kill_when(run: subprocess.Popen[str], done: Callable[[], int], wanted: int) -> int:
    """SIGKILL run as soon as done() reaches wanted (or it ends by itself); what done() saw."""
    deadline = time.monotonic() + 60
    seen = 0
    while time.monotonic() < deadline and run.poll() is None:
        seen = done()
        if seen >= wanted:
            break
        time.sleep(0.002)
    run.send_signal(signal.SIGKILL)
    run.wait()
    return seen


def plant_leftovers(folder: Path, name: str, other: str) -> tuple[Path, Path, Path]:
    """Beside the file name in folder: what a killed write left an hour ago, a write under
    way now (write_atomic's names), and someone else's hidden .tmp file an hour old."""
    left = folder / f".{name}.x1y2z3w4.tmp"
    young = folder / f".{name}.a1b2c3d4.tmp"
    theirs = folder / other
    for path in (left, young, theirs):
        path.write_text("halvskrivet")
    an_hour_ago = time.time() - 3600
    for path in (left, theirs):
        os.utime(path, (an_hour_ago, an_hour_ago))
    return left, young, theirs
