"""The newsroom lock: one writer at a time, on every platform filelock supports."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from newscli.config import STATE
from newscli.errors import WriteError
from newscli.files import folder_inside
from newscli.i18n import _

if TYPE_CHECKING:
    import filelock


# The locks this process holds, by lock file and thread.
_HELD: set[tuple[str, int]] = set()


class NewsroomLock:
    """An exclusive lock on the newsroom for writers, so two runs that write never interleave.

    The lock is `<root>/.newscli/lock`, held with filelock (flock on Unix, LockFileEx on
    Windows), so it excludes other processes and other threads; it is released when the
    process ends, however it ends. The file stays in `.newscli/` after release. Taken again
    in the thread that holds it (a rewrite inside a bulk run), it nests: only the outermost
    release lets go.
    """

    def __init__(self, root: Path, wait: Callable[[], None] | None = None):
        self.root = root
        self.path = root / STATE / "lock"
        self.wait = wait
        self._lock: filelock.BaseFileLock | None = None
        self._key = ("", 0)
        self._nested = False

    def __enter__(self) -> NewsroomLock:
        self._key = (os.path.abspath(self.path), threading.get_ident())
        if self._key in _HELD:
            self._nested = True
            return self
        import filelock  # ~30 ms to import: only commands that write pay for it

        try:
            folder_inside(self.root, STATE)
            lock = filelock.FileLock(self.path, thread_local=False)
            try:
                lock.acquire(timeout=0)
            except filelock.Timeout:  # busy: say so once, then wait as long as it takes
                if self.wait is not None:
                    self.wait()
                lock.acquire()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if exc.filename and Path(exc.filename) != self.path:  # `.newscli` is a file, say
                reason = f"{exc.filename}: {reason}"
            raise WriteError(
                _("cannot take the newsroom lock: {reason}").format(reason=reason), self.path
            ) from None

        self._lock = lock
        _HELD.add(self._key)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._nested:
            self._nested = False
            return
        _HELD.discard(self._key)
        if self._lock is not None:
            self._lock.release()
            self._lock = None


@contextlib.contextmanager
def shared(root: Path) -> Iterator[None]:
    """In a helper thread of a run that holds the newsroom lock (tag's writers, whose fsyncs
    overlap): act under that lock, as a nested take in the holding thread would.
    RuntimeError when no thread of this process holds it: a helper never writes unlocked."""
    path = os.path.abspath(root / STATE / "lock")
    if not any(held == path for held, _thread in _HELD):
        raise RuntimeError("the newsroom lock is not held by this process")
    key = (path, threading.get_ident())
    if key in _HELD:  # the holding thread itself
        yield
        return
    _HELD.add(key)
    try:
        yield
    finally:
        _HELD.discard(key)
