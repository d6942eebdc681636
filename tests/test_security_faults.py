"""Fault injection: writes that fail (ENOSPC, EIO, EACCES) in every step of an atomic write.

The promise: the original file is intact (bytes and mode), the temporary file is gone, the
error names the file, and a bulk run says which files changed and which did not.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newscli import newsroom as newsroom_module
from newscli.errors import WriteError
from newscli.newsroom import Newsroom, write_atomic
from tests.conftest import STORY, STORY_PATH, Invoke

ERRNOS = [errno.ENOSPC, errno.EIO, errno.EACCES]
STEPS = ["mkstemp", "write", "fsync", "chmod", "replace", "link"]


def failing(code: int, only: Callable[..., bool] = lambda *a: True, real: Any = None) -> Any:
    """A stand-in for an OS call that fails with errno code (for the calls only() picks)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if only(*args):
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    return call


class FailingFile:
    """A file object whose write fails as on a full disk."""

    def __init__(self, handle: Any, code: int) -> None:
        self.handle, self.code = handle, code

    def __enter__(self) -> FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        raise OSError(self.code, os.strerror(self.code))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


def fd_path(fd: int) -> str:
    """The file an open descriptor is for (Linux /proc; elsewhere every fd matches)."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


def inject(monkeypatch: pytest.MonkeyPatch, step: str, code: int, target: str = "") -> None:
    """Make one step of write_atomic fail, for the files whose path contains target."""

    def hits(*args: Any) -> bool:
        return any(target in str(a) for a in args if isinstance(a, (str, Path)))

    os_module = newsroom_module.os
    if step == "mkstemp":
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
            if target in str(kwargs.get("prefix", "")):
                raise OSError(code, os.strerror(code))
            return real_mkstemp(*args, **kwargs)

        monkeypatch.setattr(newsroom_module.tempfile, "mkstemp", mkstemp)
    elif step == "write":
        real_fdopen = os.fdopen

        def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
            handle = real_fdopen(fd, *args, **kwargs)
            return FailingFile(handle, code) if target in fd_path(fd) else handle

        monkeypatch.setattr(os_module, "fdopen", fdopen)
    elif step == "fsync":
        monkeypatch.setattr(
            os_module, "fsync", failing(code, lambda fd: target in fd_path(fd), os.fsync)
        )
    elif step == "chmod":
        monkeypatch.setattr(os_module, "chmod", failing(code, hits, real=os.chmod))
    elif step == "replace":
        monkeypatch.setattr(os_module, "replace", failing(code, lambda s, d: hits(d), os.replace))
    elif step == "link":
        monkeypatch.setattr(os_module, "link", failing(code, lambda s, d: hits(d), os.link))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*.tmp"))


# -- write_atomic, every step, every errno ----------------------------------------------------


@pytest.mark.parametrize("code", ERRNOS, ids=errno.errorcode.get)
@pytest.mark.parametrize("step", STEPS)
def test_a_failing_step_leaves_the_original_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, code: int
) -> None:
    target = tmp_path / "story.md"
    exclusive = step == "link"
    if not exclusive:
        target.write_bytes(b"original\n")
        target.chmod(0o640)
    inject(monkeypatch, step, code, "story.md")
    with pytest.raises(WriteError) as failure:
        write_atomic(target, b"new text\n", exclusive=exclusive)
    assert failure.value.path == target
    assert str(target) in str(failure.value)
    assert os.strerror(code) in str(failure.value)
    if exclusive:
        assert not target.exists()
    else:
        assert target.read_bytes() == b"original\n"
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_an_interrupted_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "story.md"
    target.write_bytes(b"original\n")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(newsroom_module.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new\n")
    assert target.read_bytes() == b"original\n"
    assert leftovers(tmp_path) == []


# -- commands ---------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in (root / "articles").rglob("*.md")}


@pytest.mark.parametrize("step", ["mkstemp", "write", "fsync", "replace"])
def test_a_bulk_tag_run_names_the_file_it_could_not_write_and_finishes_the_rest(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    before = snapshot(newsroom_path)
    inject(monkeypatch, step, errno.ENOSPC, STORY)
    result = invoke("tag", "add", "Diskfull", "--all", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [s["path"] for s in report["skipped"]] == [STORY_PATH]
    assert "No space left on device" in report["skipped"][0]["error"]
    assert f"{STORY_PATH}: could not write: No space left on device" in result.stderr
    assert len(report["changed"]) == len(before) - 1
    assert report["summary"] == "4 articles changed, 1 not written"
    after = snapshot(newsroom_path)
    assert after[STORY_PATH] == before[STORY_PATH]
    assert all(b"Diskfull" in after[p] for p in after if p != STORY_PATH)
    assert leftovers(newsroom_path) == []
    text = invoke("tag", "add", "Igen", "--all")
    assert text.exit_code == 1 and text.stdout == "4 articles changed, 1 not written\n"


def test_new_that_cannot_be_written_leaves_nothing_behind(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inject(monkeypatch, "link", errno.EIO, "ny-rubrik")
    result = invoke("new", "Ny rubrik", "--no-input")
    assert result.exit_code == 1
    assert "articles/2026/11/ny-rubrik.md: could not write: Input/output error" in result.stderr
    assert not list(newsroom_path.rglob("ny-rubrik*"))
    assert leftovers(newsroom_path) == []


def test_edit_that_cannot_be_saved_keeps_the_original_and_rescues_your_text(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = newsroom_path / STORY_PATH
    original = story.read_bytes()
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('MIN TEXT\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    inject(monkeypatch, "replace", errno.ENOSPC, f"11/{STORY}.md")
    result = invoke("edit", STORY)
    assert result.exit_code == 1
    assert STORY_PATH in result.stderr and "No space left on device" in result.stderr
    assert story.read_bytes() == original
    rescued = list((newsroom_path / ".newscli" / "rescued").iterdir())
    assert len(rescued) == 1 and rescued[0].read_text().endswith("MIN TEXT\n")
    assert str(rescued[0].relative_to(newsroom_path)) in result.stderr


def test_edit_rescues_text_that_is_not_even_utf8(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text("import sys\nopen(sys.argv[1], 'ab').write(b'R\\xe4ksm\\xf6rg\\xe5s\\n')\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    result = invoke("edit", STORY)
    assert result.exit_code == 1 and "not valid UTF-8" in result.stderr
    rescued = next((newsroom_path / ".newscli" / "rescued").iterdir())
    assert rescued.read_bytes().endswith(b"R\xe4ksm\xf6rg\xe5s\n")  # the very bytes written


def test_a_feed_that_cannot_be_written_keeps_the_old_feed(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert invoke("export", "rss").exit_code == 0
    feed = newsroom_path / "public" / "rss.xml"
    old = feed.read_bytes()
    invoke("tag", "add", "Nytt", "--all")
    inject(monkeypatch, "replace", errno.EIO, "rss.xml")
    result = invoke("export", "rss")
    assert result.exit_code == 1
    assert "public/rss.xml: could not write: Input/output error" in result.stderr
    assert feed.read_bytes() == old
    assert leftovers(newsroom_path / "public") == []


def test_a_site_that_cannot_be_written_keeps_the_old_site_and_the_next_run_completes(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = newsroom_path / "public"
    assert invoke("export", "html").exit_code == 0
    before = {p: p.read_bytes() for p in public.rglob("*") if p.is_file()}
    invoke("tag", "add", "Nytt", "--all")
    with monkeypatch.context() as patch:
        inject(patch, "replace", errno.ENOSPC, "topics/")
        result = invoke("export", "html")
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "topics/" in result.stderr
    for path, data in before.items():  # every file is the old one or a whole new one
        assert path.exists()
        if "topics/" in str(path.relative_to(public)):
            assert path.read_bytes() == data
    assert leftovers(public) == []
    again = invoke("export", "html")
    assert again.exit_code == 0, again.stderr
    assert "Nytt" in (public / "topics" / "nytt" / "index.html").read_text()


def test_an_unreadable_article_is_reported_and_the_rest_is_listed(
    invoke: Invoke, newsroom_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == f"{STORY}.md":
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    listed = invoke("list", "--format", "paths", "--no-index")
    assert listed.exit_code == 0 and len(listed.stdout.split()) == 4
    assert f"skipped {STORY_PATH}: cannot read: Input/output error" in listed.stderr
    checked = invoke("check")
    assert checked.exit_code == 1
    assert f"{STORY_PATH}:1: cannot read: Input/output error" in checked.stdout
    assert Newsroom(newsroom_path).scan().broken[0].path is not None
