"""Work shared out to forked processes: the work is never pickled, comes back whole, and a
failure or a dead worker ends the run instead of hanging it."""

from __future__ import annotations

import os
import threading

import pytest

from newscli import parallel

pytestmark = pytest.mark.skipif(
    "fork" not in parallel.mp.get_all_start_methods(), reason="needs fork"
)


def test_work_a_closure_does_comes_back_from_the_workers_in_order() -> None:
    seen = {"offset": 1000}  # the workers start with the parent's memory, nothing pickled
    chunks = [range(start, start + 3) for start in range(0, 30, 3)]

    def work(chunk: range) -> list[int]:
        return [n + seen["offset"] for n in chunk]

    done = list(parallel.shared_out(work, chunks, 2, ordered=True))
    assert done == [[n + 1000 for n in chunk] for chunk in chunks]


def test_a_worker_s_failure_is_raised_in_the_parent() -> None:
    def work(chunk: int) -> int:
        if chunk == 3:
            raise ValueError("chunk 3 is bad")
        return chunk

    with pytest.raises(ValueError, match="chunk 3 is bad"):
        list(parallel.shared_out(work, list(range(6)), 2))


def test_a_worker_that_dies_ends_the_run_instead_of_hanging_it() -> None:
    def work(chunk: int) -> int:
        if chunk == 2:
            os._exit(3)
        return chunk

    with pytest.raises(ChildProcessError, match="exit code 3"):
        list(parallel.shared_out(work, list(range(4)), 2))


def test_work_asked_for_from_a_thread_of_a_threaded_program_is_never_forked() -> None:
    asked: list[int] = []
    thread = threading.Thread(target=lambda: asked.append(parallel.workers(100_000, 10)))
    thread.start()
    thread.join()
    assert asked == [1]
    assert parallel.workers(9, 10) == 1  # too little work: in order, in this process


def test_a_result_that_cannot_come_back_ends_the_run_instead_of_hanging_it() -> None:
    def work(chunk: int) -> object:
        return (lambda: chunk) if chunk == 1 else chunk  # a lambda cannot be sent back

    with pytest.raises(ChildProcessError, match="without every result"):
        list(parallel.shared_out(work, list(range(3)), 2))
