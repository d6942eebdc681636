"""One Environment per run: its streams, terminals and clock are the only ones a command uses."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from tests.conftest import Invoke


def test_new_reads_the_body_from_the_run_s_stdin_and_dates_it_by_its_clock(
    invoke: Invoke, newsroom_path: Path
) -> None:
    moment = dt.datetime(2030, 5, 17, 9, 41, tzinfo=dt.UTC)
    result = invoke(
        "new",
        "Från standard in",
        "--body-file",
        "-",
        "--no-input",
        stdin=io.StringIO("Texten kom från körningens stdin.\n"),
        clock=lambda tz: moment.astimezone(tz),
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "articles/2030/05/fran-standard-in.md"
    text = (newsroom_path / result.stdout.strip()).read_text(encoding="utf-8")
    assert "date = 2030-05-17 11:41:00+02:00" in text
    assert text.endswith("\nTexten kom från körningens stdin.\n")
