"""Work shared out to a process per core, for the index's first read and the site's pages.

The workers are forked: each starts with the parent's memory as it is (an open index, a
site builder with its templates), so the work is a plain closure, never pickled and never
put in a module global. Only the chunks (small: ranges, paths) go to the workers and only
their results come back. Work asked for from a thread other than the main one (a server's
or a watcher's) is never forked (a lock held by another thread stays held in the child
for ever): it runs in order instead, as does work too small to pay for the processes.
`serve --watch` rebuilds in a new process for that reason (newscli.cli.watch).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

C = TypeVar("C")
R = TypeVar("R")

# How often the parent looks whether a worker died while it waits for results (seconds).
_LOOK = 1.0


def workers(items: int, parallel_from: int) -> int:
    """How many processes to share items out to: one (this one) for fewer than
    parallel_from, on one core, without fork, or when asked from any thread but the main
    one (a server's or a watcher's: the program runs threads whose locks a fork would
    copy held). The main thread's helpers (a progress bar's refresh, the output's
    writers) hold no lock the workers take."""
    cores = os.cpu_count() or 1
    if items < parallel_from or cores < 2 or "fork" not in mp.get_all_start_methods():
        return 1
    if threading.current_thread() is not threading.main_thread():
        return 1  # run from a thread of a threaded program (a server): never fork it
    return cores


def shared_out(
    work: Callable[[C], R], chunks: Sequence[C], processes: int, *, ordered: bool = False
) -> Iterator[R]:
    """work(chunk) for every chunk: in this process when processes is 1, else in that many
    forked ones, each result as soon as it is done (in the chunks' order when ordered)."""
    if processes < 2 or len(chunks) < 2:
        yield from map(work, chunks)
        return
    context = mp.get_context("fork")
    tasks: Any = context.SimpleQueue()
    results: Any = context.Queue()
    count = min(processes, len(chunks))
    # Keep the collector away from what the workers inherit: it would touch, and so copy,
    # every page of memory the parent has.
    gc.freeze()
    started = []
    try:
        for _ in range(count):
            process = context.Process(target=_serve, args=(work, chunks, tasks, results))
            process.start()
            started.append(process)
        for number in [*range(len(chunks)), *[None] * count]:  # the workers read meanwhile
            tasks.put(number)
        waiting: dict[int, R] = {}
        next_number = 0
        for _ in range(len(chunks)):
            number, failed, result = _next_result(results, started)
            if failed:
                raise result
            if not ordered:
                yield result
                continue
            waiting[number] = result
            while next_number in waiting:
                yield waiting.pop(next_number)
                next_number += 1
    finally:
        gc.unfreeze()
        for process in started:
            if process.is_alive():
                process.terminate()
            process.join()
        results.close()


def _serve(work: Callable[[C], R], chunks: Sequence[C], tasks: Any, results: Any) -> None:
    """A worker: do chunks until told to stop; a failure goes back to the parent."""
    while (number := tasks.get()) is not None:
        try:
            results.put((number, False, work(chunks[number])))
        except BaseException as exc:
            results.put((number, True, exc))
            return


def _next_result(results: Any, started: Sequence[Any]) -> tuple[int, bool, Any]:
    """The next result a worker sends; an error when a worker died without sending one."""
    while True:
        try:
            found: tuple[int, bool, Any] = results.get(timeout=_LOOK)
            return found
        except queue.Empty:
            dead = [p for p in started if p.exitcode not in (None, 0)]
            if dead:
                raise ChildProcessError(
                    f"a worker process ended with exit code {dead[0].exitcode}"
                ) from None
            if all(p.exitcode is not None for p in started):  # a result that never came
                raise ChildProcessError("the worker processes ended without every result") from None
