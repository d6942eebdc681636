"""The export's record (.newscli-manifest.json) survives a killed or failed export.

A retracted story must never stay public because an earlier export died after writing its
page and before writing its record: the record names every file an export may write before
the first page is written, so the next successful export removes what should be gone, and
nothing else.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newscli.errors import WriteError
from newscli.export import output
from newscli.export.output import MANIFEST
from newscli.export.site import export_site
from newscli.newsroom import Newsroom
from tests.conftest import NOW, REPO, newscli_process

RETRACTED = "indragen-nyhet"
RETRACTED_FILE = f"articles/2025/12/{RETRACTED}.md"
RETRACTED_PAGE = f"2025/12/{RETRACTED}/index.html"
# The newest story, in a month and a topic of its own: their pages must go with it.
RETRACTED_TRACES = (RETRACTED_PAGE, "2025/12/index.html", "topics/indragen/index.html")
USER_FILE = "CNAME"


def add_retracted_story(root: Path, slug: str = RETRACTED, topic: str = "Indragen") -> Path:
    path = root / "articles" / "2025" / "12" / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'+++\nid = "{slug}-id"\ntitle = "Ska dras tillbaka"\nslug = "{slug}"\n'
        f'date = 2025-12-15T10:00:00+01:00\nstatus = "published"\ntopics = ["{topic}"]\n'
        "+++\n\nEn nyhet som publicerades av misstag.\n",
        encoding="utf-8",
    )
    return path


def run_newscli(*args: str, root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "newscli", *args, "--root", str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def site(folder: Path) -> dict[str, bytes]:
    """The site's files as a reader gets them (the record and killed writes' temporaries aside)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.name != MANIFEST and not p.name.endswith(".tmp")
    }


def assert_clean_after_retraction(root: Path, public: Path, reference: Path) -> None:
    """The retracted story is gone everywhere, and only what should go went."""
    after = site(public)
    for trace in RETRACTED_TRACES:
        assert trace not in after, f"{trace} of the retracted story is still published"
    assert after.pop(USER_FILE) == b"nyheter.example.se"  # not newscli's: never touched
    assert after == site(reference)


# -- killed exports (a real process, SIGKILL) ------------------------------------------------


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A newsroom whose public/ holds a complete site, then a change to every story (so the
    next export rewrites every page) and a story that will be retracted."""
    from benchmarks.generate import generate

    root = tmp_path_factory.mktemp("record") / "newsroom"
    generate(root, 120, seed=5)
    assert run_newscli("export", "html", root=root).returncode == 0
    (root / "public" / USER_FILE).write_bytes(b"nyheter.example.se")
    assert run_newscli("tag", "add", "Ändrad", "--all", root=root).returncode == 0
    add_retracted_story(root)
    return root


def kill_after(run: subprocess.Popen[str], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and run.poll() is None and not ready():
        time.sleep(0.001)
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert run.returncode == -signal.SIGKILL, "the export ended before it could be killed"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("more", [0, 20, 60, 120])
def test_a_story_retracted_after_a_killed_export_is_gone_after_the_next_export(
    prepared: Path, tmp_path: Path, more: int
) -> None:
    root = tmp_path / "newsroom"
    shutil.copytree(prepared, root)
    public = root / "public"
    started = time.time_ns()
    at_page: list[int] = []

    def ready() -> bool:
        """The retracted story's page is out, and `more` other pages have been written since."""
        written = 0
        for path in public.rglob("*.html"):
            with contextlib.suppress(FileNotFoundError):
                written += path.stat().st_mtime_ns >= started
        if not at_page and (public / RETRACTED_PAGE).exists():
            at_page.append(written)
        return bool(at_page) and written >= at_page[0] + more

    kill_after(newscli_process(root, "export", "html"), ready)
    assert (public / RETRACTED_PAGE).is_file()  # public now, and no complete record says so

    (root / RETRACTED_FILE).unlink()
    done = run_newscli("export", "html", root=root)
    assert done.returncode == 0, done.stderr
    reference = tmp_path / "reference"
    assert run_newscli("export", "html", "-o", str(reference), root=root).returncode == 0
    assert_clean_after_retraction(root, public, reference)


# -- failed exports (a write error at many points) --------------------------------------------


def fail_writes(
    monkeypatch: pytest.MonkeyPatch, after_page: str, skip: int, manifest: bool = False
) -> None:
    """Every write fails from the skip+1-th write after after_page's (or, with manifest=True,
    the record's first write after it), as a full disk would make them."""
    monkeypatch.setattr(output, "WRITERS", 1)  # one writer thread: writes in plan order
    real = output.write_atomic
    lock = threading.Lock()
    state: dict[str, Any] = {"seen": False, "count": 0}

    def write_atomic(path: Path, data: bytes, **options: Any) -> None:
        with lock:
            if state["seen"] and (path.name == MANIFEST if manifest else True):
                state["count"] += 1
                if state["count"] > skip:
                    raise WriteError("could not write: No space left on device", path)
            if path.as_posix().endswith(after_page):
                state["seen"] = True
        real(path, data, **options)

    monkeypatch.setattr(output, "write_atomic", write_atomic)


def sample(folder: Path) -> Path:
    shutil.copytree(REPO / "articles", folder / "articles")
    shutil.copy(REPO / "newscli.toml", folder / "newscli.toml")
    return folder


@pytest.mark.parametrize(
    ("skip", "manifest"),
    [(0, False), (1, False), (4, False), (7, False), (0, True)],
    ids=["next-write", "second-write", "fifth-write", "eighth-write", "the-record"],
)
def test_a_story_retracted_after_a_failed_export_is_gone_after_the_next_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, skip: int, manifest: bool
) -> None:
    root = sample(tmp_path / "newsroom")
    public = tmp_path / "public"
    export_site(Newsroom(root), public, now=NOW)
    (public / USER_FILE).write_bytes(b"nyheter.example.se")
    add_retracted_story(root)
    with monkeypatch.context() as patch:
        fail_writes(patch, RETRACTED_PAGE, skip, manifest)
        with pytest.raises(WriteError):
            export_site(Newsroom(root), public, now=NOW)
    assert (public / RETRACTED_PAGE).is_file()

    (root / RETRACTED_FILE).unlink()
    export_site(Newsroom(root), public, now=NOW)
    reference = tmp_path / "reference"
    export_site(Newsroom(root), reference, now=NOW)
    assert_clean_after_retraction(root, public, reference)


def test_two_failed_exports_in_a_row_leave_neither_retracted_story_public(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sample(tmp_path / "newsroom")
    public = tmp_path / "public"
    export_site(Newsroom(root), public, now=NOW)
    (public / USER_FILE).write_bytes(b"nyheter.example.se")
    first = add_retracted_story(root)
    with monkeypatch.context() as patch:
        fail_writes(patch, RETRACTED_PAGE, 2)
        with pytest.raises(WriteError):
            export_site(Newsroom(root), public, now=NOW)
    second = add_retracted_story(root, "en-till", topic="Indragen igen")
    with monkeypatch.context() as patch:
        fail_writes(patch, "2025/12/en-till/index.html", 0, manifest=True)
        with pytest.raises(WriteError):
            export_site(Newsroom(root), public, now=NOW)
    assert (public / RETRACTED_PAGE).is_file() and (public / "2025/12/en-till").is_dir()

    first.unlink()
    second.unlink()
    export_site(Newsroom(root), public, now=NOW)
    reference = tmp_path / "reference"
    export_site(Newsroom(root), reference, now=NOW)
    assert not (public / "2025/12/en-till").exists()
    assert not (public / "topics/indragen-igen").exists()
    assert_clean_after_retraction(root, public, reference)


def test_the_record_names_every_file_before_the_first_page_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = sample(tmp_path / "newsroom")
    public = tmp_path / "public"
    export_site(Newsroom(root), public, now=NOW)
    add_retracted_story(root)
    real = output.write_atomic
    seen: list[set[str]] = []

    def write_atomic(path: Path, data: bytes, **options: Any) -> None:
        if path.name != MANIFEST and not seen:
            import json

            record = json.loads((public / MANIFEST).read_text(encoding="utf-8"))
            seen.append(set(record["files"]))
        real(path, data, **options)

    monkeypatch.setattr(output, "write_atomic", write_atomic)
    export_site(Newsroom(root), public, now=NOW)
    written = set(site(public))
    assert seen and written <= seen[0], sorted(written - seen[0])
