"""Crashes: a bulk tag run and a site export killed (SIGKILL) at several points.

The promise: every article stays intact and parseable, every file of the previous site is
either the old one or the new one (never torn), and running the command again finishes
the job. tests/test_cli_tag.py has the first such test for tag (one kill point, 1 500
files); these add kill points early, midway and late, and the same for export html.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newscli import frontmatter
from newscli.export.output import MANIFEST
from newscli.newsroom import Newsroom
from tests.conftest import REPO, newscli_process

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

ARTICLES = 150
KILL_AT = [0.02, 0.4, 0.85]  # share of the files the run will change


def finish(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "newscli", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


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


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(".tmp")
    }


def leftovers(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".*.tmp"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.generate import generate

    root = tmp_path_factory.mktemp("crash") / "newsroom"
    generate(root, ARTICLES, seed=11)
    return root


# -- tag ------------------------------------------------------------------------------------


@pytest.mark.parametrize("share", KILL_AT)
def test_a_tag_run_killed_at_any_point_leaves_every_article_whole(
    generated: Path, tmp_path: Path, share: float
) -> None:
    root = tmp_path / "newsroom"
    shutil.copytree(generated, root)
    before = {p: p.read_bytes() for p in (root / "articles").rglob("*.md")}
    sample = list(before)[:: max(1, len(before) // 60)]  # watch a spread of files

    def changed() -> int:
        return sum(b"Avbruten" in p.read_bytes() for p in sample)

    run = newscli_process(root, "tag", "add", "Avbruten", "--all")
    kill_when(run, changed, max(1, round(share * len(sample))))

    newsroom = Newsroom(root)
    done = 0
    for path, old in before.items():
        data = path.read_bytes()
        article = newsroom.load(path)  # parseable: never torn
        assert frontmatter.split(data.decode()).body == frontmatter.split(old.decode()).body
        if data != old:
            done += 1
            assert article.topics[-1] == "Avbruten"
    # Temporary files a kill may leave are hidden and never taken for articles.
    assert all(p.name.startswith(".") for p in leftovers(root / "articles"))
    assert len(newsroom.article_files()) == len(before)
    assert 0 < done < len(before), "the kill should land part-way through the run"

    rerun = finish("tag", "add", "Avbruten", "--all", root=root)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.endswith(f"{done} already tagged\n") or done == 0
    assert all("Avbruten" in newsroom.load(p).topics for p in before)


# -- export html ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sites(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A newsroom whose public/ holds the site as it was before a change to every story,
    and the site as a complete export after the change (to compare with)."""
    base = tmp_path_factory.mktemp("sites")
    root = base / "newsroom"
    shutil.copytree(generated, root)
    assert finish("export", "html", root=root).returncode == 0
    assert finish("tag", "add", "Ändrad", "--all", root=root).returncode == 0
    reference = base / "reference"
    done = finish("export", "html", "-o", str(reference), root=root)
    assert done.returncode == 0, done.stderr
    return root, reference


@pytest.mark.parametrize("share", KILL_AT)
def test_an_export_killed_at_any_point_leaves_old_or_new_files_and_a_rerun_finishes(
    sites: tuple[Path, Path], tmp_path: Path, share: float
) -> None:
    prepared, reference = sites
    root = tmp_path / "newsroom"
    shutil.copytree(prepared, root)
    public = root / "public"
    old, new = files(public), files(reference)
    changing = [rel for rel in new if old.get(rel) != new[rel] and rel != MANIFEST]
    watched = [public / rel for rel in changing[:: max(1, len(changing) // 60)]]
    started = time.time_ns()

    def written() -> int:
        count = 0
        for path in watched:
            with contextlib.suppress(FileNotFoundError):
                count += path.stat().st_mtime_ns >= started
        return count

    run = newscli_process(root, "export", "html")
    kill_when(run, written, max(1, round(share * len(watched))))

    after = files(public)
    for rel, data in after.items():
        if rel == MANIFEST:  # the record names what the export may write before it writes
            continue
        assert data in (old.get(rel), new.get(rel)), f"{rel} is neither the old nor the new file"
    renewed = sum(after.get(rel) == new[rel] for rel in changing)
    assert 0 < renewed < len(changing), "the kill should land part-way through the export"
    assert set(old) <= set(after), "a file of the previous site went missing"
    assert all(p.name.startswith(".") for p in leftovers(public))

    rerun = finish("export", "html", root=root)
    assert rerun.returncode == 0, rerun.stderr
    assert files(public) == new
