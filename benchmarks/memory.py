"""Peak memory of a whole process tree, as PSS sampled from /proc while the command runs.

A process's ru_maxrss counts only the largest single process and counts shared pages (the
forked workers' copy-on-write pages, shared libraries) once per process. A newsroom's export
forks workers, so its memory goal is for the tree: the sum of every process's proportional
set size (`Pss:` in /proc/PID/smaps_rollup), which splits each shared page between the
processes sharing it, so the sum is what the tree really holds.
"""

from __future__ import annotations

import os
import threading

INTERVAL = 0.025  # seconds between samples: a short peak can be missed, not invented


def _pss_kb(pid: int) -> int:
    """The process's PSS in kB; 0 when it is gone or shows none (a zombie, a kernel thread)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: the fields after its last ')'.
    fields = stat[stat.rfind(b")") + 2 :].split()
    return int(fields[1]) if len(fields) > 1 else None


def tree(root: int) -> list[int]:
    """root and all its descendants. /proc/PID/task/*/children is not on every kernel, so
    this reads every process's parent; only processes with a higher id than root's, which
    descendants have (ids grow until they wrap at pid_max, rare within one command)."""
    parents: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) > root:
            parent = _parent(int(name))
            if parent is not None:
                parents[int(name)] = parent
    found = {root}
    for pid in sorted(parents):  # a child's id is above its parent's: one pass in id order
        if parents[pid] in found:
            found.add(pid)
    return sorted(found)


def tree_pss_kb(root: int) -> int:
    return sum(_pss_kb(pid) for pid in tree(root))


class TreeSampler:
    """Samples the PSS of root's process tree from a thread until stop(); peak_mb is the
    largest sum seen."""

    def __init__(self, root: int, interval: float = INTERVAL):
        self.root = root
        self.interval = interval
        self.peak_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.peak_kb = max(self.peak_kb, tree_pss_kb(self.root))
            if self._done.wait(self.interval):
                return

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024
