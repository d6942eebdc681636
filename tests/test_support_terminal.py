"""The pty harness fails instead of hanging: a wait for text the program never shows ends at
its deadline, however long the program keeps the terminal open."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.support import terminal as harness


def test_a_wait_for_text_never_shown_fails_at_its_deadline_instead_of_hanging(
    newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with harness.terminal(newsroom_path, "new") as screen:
        screen.expect("Title")  # the program waits for an answer now, and shows nothing more
        monkeypatch.setattr(harness, "PATIENCE", 0.5)  # a short wait: the suite's time
        started = time.monotonic()
        with pytest.raises(AssertionError, match=r"not shown within 0\.5 s"):
            screen.expect("a question newscli never asks")
        assert time.monotonic() - started < 10
        started = time.monotonic()
        with pytest.raises(AssertionError, match=r"still running after 0\.5 s"):
            screen.wait()
        assert time.monotonic() - started < 10
