"""The site's search: a Pagefind index of the public story pages, and nothing else.

Pagefind (CloudCannon's static search; its indexer is a Rust binary that PyPI's
`pagefind[bin]` ships) turns pages into a folder of small files that the search page's script
fetches as a reader types; it stems each language its own way (Swedish included) and matches
words without their diacritics. newscli hands it exactly the story pages that are public in
this export — never a draft, an embargoed, expired or withdrawn story, a notice page or a
preview build's extra stories — and writes what it makes through the export's own folder, so
the output guard, the record of written files and "write only what changed" hold for it as
for every page (a story taken off the site leaves the index in the same export).

The pagefind package's own Python client reads one answer every 100 ms (17 minutes for
10 000 stories), so newscli speaks the binary's service protocol itself: requests are
base64-encoded JSON objects ended by a comma, answers likewise, matched by message id.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newscli.errors import NewsError
from newscli.export.output import OutputFolder
from newscli.i18n import _

# The folder of the site the index lives in, and the search page's own folder.
BUNDLE = "pagefind/"
SEARCH_PAGE = "search/"
SCRIPT = "search.js"
# What a story page that may be found carries (story.html sets it on public stories only).
FOUND_MARK = b"data-pagefind-body"
# What the index was made from (a digest of every page it holds) and its files: an export
# whose story pages are all as they were keeps the index as it is. (Pagefind writes its
# filter files in a different byte order each time: made again, they would always change.)
STAMP = BUNDLE + "newscli.json"
# Pagefind's files that the search page does not use (its ready-made interfaces).
_UNUSED = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")
# An answer never takes this long (the whole index of 100 000 stories takes ~2 minutes).
DEADLINE = 600.0


class SearchError(NewsError):
    """The search index could not be made (no Pagefind binary, or it failed)."""


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page to index: its address in the site (relative, `2022/01/slug/`) and its HTML."""

    url: str
    html: bytes


def pagefind_binary() -> Path:
    """The Pagefind binary that `pagefind[bin]` installs, else one on PATH."""
    try:
        from pagefind.service import get_executable  # type: ignore[import-untyped,unused-ignore]

        found: Path | None = get_executable()
    except ImportError:
        found = None
    if found is None:
        on_path = shutil.which("pagefind_extended") or shutil.which("pagefind")
        found = Path(on_path) if on_path else None
    if found is None:
        raise SearchError(_("no Pagefind binary for the search index: pip install 'pagefind[bin]'"))
    return found


class _Service:
    """`pagefind --service`: requests written in order, answers read by a thread."""

    def __init__(self, binary: Path, cwd: Path):
        self._process = subprocess.Popen(
            [str(binary), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
        )
        self._answers: dict[int, dict[str, Any]] = {}
        self._arrived = threading.Condition()
        self._ended = False
        self._next = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._process.stdout is not None
        pending = b""
        while chunk := os.read(self._process.stdout.fileno(), 1 << 16):
            pending += chunk
            *whole, pending = pending.split(b",")
            with self._arrived:
                for message in whole:
                    answer = json.loads(base64.b64decode(message))
                    self._answers[int(answer.get("message_id") or 0)] = answer["payload"]
                self._arrived.notify_all()
        with self._arrived:
            self._ended = True
            self._arrived.notify_all()

    def send(self, payload: dict[str, Any]) -> int:
        """Write one request without waiting for its answer; returns its message id."""
        assert self._process.stdin is not None
        self._next += 1
        message = {"message_id": self._next, "payload": payload}
        self._process.stdin.write(base64.b64encode(json.dumps(message).encode()) + b",")
        return self._next

    def answer(self, message_id: int) -> dict[str, Any]:
        """Wait for the answer to one request (every request before it is answered first)."""
        assert self._process.stdin is not None
        self._process.stdin.flush()
        with self._arrived:
            done = self._arrived.wait_for(
                lambda: message_id in self._answers or self._ended, timeout=DEADLINE
            )
            answer = self._answers.get(message_id)
        if not done or answer is None:
            raise SearchError(_("Pagefind stopped before it made the search index"))
        if answer.get("type") == "Error":
            raise SearchError(
                _("Pagefind refused the search index: {reason}").format(
                    reason=str(answer.get("message", ""))[:200]
                )
            )
        return answer

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def search_bundle(pages: Iterable[SearchPage], *, language: str, work: Path) -> dict[str, bytes]:
    """The Pagefind files for these pages, by their path in the site (under `pagefind/`).

    Every page is indexed in the site's language (a story page says the same in its
    `lang`); work is a folder Pagefind may use as its working folder (nothing is written
    there).
    """
    service = _Service(pagefind_binary(), work)
    try:
        created = service.send(
            {"type": "NewIndex", "config": {"force_language": language, "keep_index_url": False}}
        )
        index = int(service.answer(created)["index_id"])
        last = created
        for page in pages:
            last = service.send(
                {
                    "type": "AddFile",
                    "index_id": index,
                    "file_path": None,
                    "url": "/" + page.url,
                    "file_contents": page.html.decode("utf-8"),
                }
            )
        service.answer(last)
        files = service.answer(service.send({"type": "GetFiles", "index_id": index}))["files"]
        service.answer(service.send({"type": "DeleteIndex", "index_id": index}))
    finally:
        service.close()
    return {
        BUNDLE + str(file["path"]).lstrip("/"): base64.b64decode(file["content"])
        for file in files
        if not str(file["path"]).lstrip("/").startswith(("playground", *_UNUSED))
    }


def write_index(out: OutputFolder, stories: Iterable[str], *, language: str) -> tuple[int, float]:
    """Index the story pages in these folders that ask to be found (story.html marks public
    stories only: a preview's extra stories do not), read back as this export wrote them,
    and write the index into out. How many pages it holds, and the seconds it took."""
    out.settle()
    pages = []
    for path in sorted(stories):  # one order, whichever export asks: the same index
        try:
            html = (out.root / path / "index.html").read_bytes()
        except OSError:
            continue  # a kept page that is missing: warned about already
        if FOUND_MARK in html:
            pages.append(SearchPage(path, html))
    started = time.perf_counter()
    key = hashlib.sha256(language.encode())
    for page in pages:
        key.update(b"\0%s\0%d\0" % (page.url.encode(), len(page.html)))
        key.update(page.html)
    digest = key.hexdigest()
    try:
        before = json.loads((out.root / STAMP).read_bytes())
        kept = before["digest"] == digest and all(
            out.keep(rel) is not None for rel in [*before["files"], STAMP]
        )
        if kept:
            out.counts.unchanged += len(before["files"]) + 1
    except (OSError, ValueError, KeyError, TypeError):
        kept = False
    if not kept:
        files = search_bundle(pages, language=language, work=out.root)
        stamp = {"digest": digest, "files": sorted(files)}
        files[STAMP] = json.dumps(stamp, indent=0).encode() + b"\n"
        out.plan(files)
        for rel, data in sorted(files.items()):
            out.write(rel, data)
    return len(pages), time.perf_counter() - started
