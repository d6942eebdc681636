"""newscli at newsroom scale: every figure of the performance goals, as ratios to floors.

    python -m benchmarks.run            # N = 10 000
    python -m benchmarks.run --n 100000
    python -m benchmarks.run --n 200 --repeat 1   # the smoke run the test suite does

Floors are measured in the same run: the import floor (`python -c "import typer,
rich.console"`) and the parse floor (a bare loop that reads every article file and parses its
front matter with tomllib). Each command runs in its own process; wall time is the median of
--repeat runs, peak memory the largest resident set any run of it reached.

The generated newsroom is kept in ~/.cache/newscli-bench/ and reused: generating 10 000
stories takes a while. (On the development machines /tmp creates files several times more
slowly than the home folder, which would distort every export figure.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.generate import generate

PARSE_FLOOR = """
import os, sys, tomllib
for folder, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".md"):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                text = handle.read()
            tomllib.loads(text.split("+++\\n", 2)[1])
"""


@dataclass(frozen=True)
class Figure:
    what: str
    seconds: float
    peak_mb: float
    floor: str  # "import" or "parse"
    goal: float | None  # the goal as a ratio to the floor; None: reported only


def run_once(argv: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one process."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if process.returncode not in (0,):
        raise RuntimeError(f"{' '.join(argv)} failed ({process.returncode}): {stderr[-500:]}")
    return elapsed, usage.ru_maxrss / 1024


def measure(
    argv: Sequence[str], cwd: Path, repeat: int, before: Callable[[], None] = lambda: None
) -> tuple[float, float]:
    times, peaks = [], []
    for _ in range(repeat):
        before()
        seconds, peak = run_once(argv, cwd)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def newscli(*args: str) -> list[str]:
    return [sys.executable, "-m", "newscli", *args]


def pick_topic(root: Path) -> str:
    """The topic closest to being on 1/7 of the stories."""
    import json

    output = subprocess.run(
        newscli("topics", "--format", "json", "--root", str(root)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    topics = json.loads(output)
    total = sum(1 for _ in (root / "articles").rglob("*.md"))
    return min(topics, key=lambda t: abs(t["articles"] / total - 1 / 7))["topic"]


def figures(root: Path, repeat: int) -> list[Figure]:
    cwd = root
    results: list[Figure] = []

    def add(
        what: str,
        argv: Sequence[str],
        floor: str,
        goal: float | None,
        before: Callable[[], None] = lambda: None,
    ) -> None:
        seconds, peak = measure(argv, cwd, repeat, before)
        results.append(Figure(what, seconds, peak, floor, goal))

    add("import floor", [sys.executable, "-c", "import typer, rich.console"], "import", None)
    add("parse floor", [sys.executable, "-c", PARSE_FLOOR, str(root / "articles")], "parse", None)
    add("newscli --version", newscli("--version"), "import", 1.3)
    add("newscli --help", newscli("--help"), "import", 1.3)
    index = root / ".newscli"
    add(
        "list, first run (no index)",
        newscli("list"),
        "parse",
        2.0,
        lambda: shutil.rmtree(index, ignore_errors=True),
    )
    add("list (warm index)", newscli("list"), "parse", 0.5)
    add("list --topic (warm)", newscli("list", "--topic", "Ekonomi"), "parse", 0.5)
    add("list --search (warm)", newscli("list", "--search", "prognos"), "parse", 0.5)
    add("list --format paths (warm)", newscli("list", "--format", "paths"), "parse", None)
    some = next((root / "articles").rglob("*.md")).stem
    add("show REF", newscli("show", some), "import", 1.5)
    topic = pick_topic(root)
    renamed = f"{topic} (ny)"
    state = {"name": topic}

    def flip() -> None:
        """Rename back before each measured run, unmeasured, so every run renames the same topic."""
        if state["name"] != topic:
            subprocess.run(
                newscli("tag", "rename", renamed, topic), cwd=cwd, capture_output=True, check=True
            )
        state["name"] = renamed

    add(
        f"tag rename ({topic}, ~1/7 of stories)",
        newscli("tag", "rename", topic, renamed),
        "parse",
        3.0,
        flip,
    )
    flip()
    site = root / "public"
    add("export rss", newscli("export", "rss"), "parse", 3.0)
    add(
        "export html, full",
        newscli("export", "html"),
        "parse",
        6.0,
        lambda: shutil.rmtree(site, ignore_errors=True),
    )
    story = next((root / "articles").rglob("*.md"))
    original = story.read_text(encoding="utf-8")
    counter = {"n": 0}

    def touch_one() -> None:
        counter["n"] += 1
        story.write_text(original.rstrip("\n") + f"\n\nÄndring {counter['n']}.\n", encoding="utf-8")

    try:
        add("export html, one story changed", newscli("export", "html"), "parse", 0.5, touch_one)
    finally:
        story.write_text(original, encoding="utf-8")
    return results


def report(results: list[Figure], n: int) -> tuple[str, bool]:
    floors = {f.floor: f.seconds for f in results if f.what.endswith("floor")}
    lines = [
        f"newscli benchmark, N = {n:,} articles, {os.cpu_count()} cores".replace(",", " "),
        "",
        f"| {'what':<42} | {'seconds':>7} | {'peak MB':>7} | {'ratio':>12} | {'goal':>6} | met |",
        f"|{'-' * 44}|{'-' * 9}|{'-' * 9}|{'-' * 14}|{'-' * 8}|-----|",
    ]
    all_met = True
    for figure in results:
        ratio = figure.seconds / floors[figure.floor]
        ratio_text = f"{ratio:.2f} × {figure.floor}"
        goal = f"≤ {figure.goal:g}" if figure.goal is not None else ""
        met = "" if figure.goal is None else ("yes" if ratio <= figure.goal else "NO")
        all_met &= met != "NO"
        lines.append(
            f"| {figure.what:<42} | {figure.seconds:7.3f} | {figure.peak_mb:7.0f} | {ratio_text:>12} | {goal:>6} | {met:^3} |"
        )
    peak = max(f.peak_mb for f in results)
    lines.append("")
    lines.append(f"peak memory of any command: {peak:.0f} MB (goal at N = 100 000: ≤ 500 MB)")
    return "\n".join(lines), all_met


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="number of articles (default 10 000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument(
        "--dir",
        type=Path,
        help="where the generated newsroom is kept and reused (default: ~/.cache/newscli-bench/)",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    root = args.dir or Path.home() / ".cache" / "newscli-bench" / f"n{args.n}-seed{args.seed}"
    if not (root / "articles").is_dir():
        print(f"generating {args.n} articles in {root} …", file=sys.stderr)
        generate(root, args.n, args.seed)
    table, _ = report(figures(root, args.repeat), args.n)
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
