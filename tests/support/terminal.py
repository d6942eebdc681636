"""newscli on a real terminal (a pty) for what only a terminal shows: questions answered by
typing, and Ctrl+C sent as the keyboard sends it (the terminal's SIGINT, not a signal aimed
at one process)."""

from __future__ import annotations

import fcntl
import os
import select
import subprocess
import sys
import termios
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import REPO

CTRL_C = "\x03"
# A safety net against a hang, never a measurement: every wait ends long before it.
PATIENCE = 30.0


class Terminal:
    """The keyboard and screen of one newscli run on a pty."""

    def __init__(self, process: subprocess.Popen[bytes], master: int):
        self.process = process
        self.master = master
        self.screen = ""

    def _read(self, timeout: float) -> bool:
        """Read what the terminal shows; False when the program has closed it."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 4096)
        except OSError:  # EIO: every end of the pty's other side is closed
            return False
        if not data:
            return False
        self.screen += data.decode("utf-8", "replace")
        return True

    def expect(self, text: str) -> None:
        """Wait until the screen shows text (a question), failing if the program ends first."""
        while text not in self.screen:
            if not self._read(PATIENCE) or self.process.poll() is not None:
                self._read(0.1)
                assert text in self.screen, f"never shown: {text!r}\nscreen: {self.screen!r}"
                return

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode("utf-8"))

    def wait(self) -> int:
        """The exit status, with everything the program showed read."""
        while self._read(PATIENCE):
            pass
        return self.process.wait(PATIENCE)


def _take_the_terminal() -> None:  # pragma: no cover - runs in the child
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


@contextmanager
def terminal(
    cwd: Path,
    *args: str,
    size: tuple[int, int] = (24, 80),
    env: dict[str, str] | None = None,
    stdout: int | None = None,
    program: list[str] | None = None,
) -> Iterator[Terminal]:
    """newscli args (or another program: a shell) run in cwd with a pty of size (rows,
    columns) as its controlling terminal and every stream; env: variables to set besides
    the process's (a value None unsets); stdout: another standard output
    (subprocess.PIPE: as `p=$(newscli …)` runs it)."""
    import struct

    master, slave = os.openpty()
    rows, columns = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    variables = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "dumb", "NO_COLOR": "1"}
    for name in ("COLUMNS", "LINES"):
        variables.pop(name, None)
    variables |= env or {}
    process = subprocess.Popen(
        program or [sys.executable, "-m", "newscli", *args],
        stdin=slave,
        stdout=slave if stdout is None else stdout,
        stderr=slave,
        cwd=cwd,
        env=variables,
        start_new_session=True,
        preexec_fn=_take_the_terminal,
    )
    os.close(slave)
    try:
        yield Terminal(process, master)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
