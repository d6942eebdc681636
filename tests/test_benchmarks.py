"""A smoke run of the benchmark at N = 200, so that it cannot rot (the figures are not judged here)."""

from pathlib import Path

import pytest

from benchmarks import run


def test_the_benchmark_runs_every_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run.main(["--n", "200", "--repeat", "1", "--dir", str(tmp_path / "newsroom")]) == 0
    table = capsys.readouterr().out
    for what in (
        "import floor",
        "parse floor",
        "list, first run",
        "list --search",
        "show REF",
        "tag rename",
        "export rss",
        "export html, full",
        "export html, one story changed",
    ):
        assert what in table, what
    rows = [line for line in table.splitlines() if line.startswith("| ") and "×" in line]
    assert len(rows) == 14
    assert all(float(row.split("|")[2]) > 0 for row in rows)
