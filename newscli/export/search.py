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
import contextlib
import gzip
import importlib
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
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
# The whole index's record: each page's version (its file's size and mtime) and fragment
# id, and the index's files. An export whose story pages are all as they were keeps the
# index as it is. (Pagefind writes its filter files in a different byte order each time:
# made again, they would always change.)
STAMP = BUNDLE + "newscli.json"
# The index of the stories changed or added since the whole one was made, and its record,
# which the search page reads too: where that index is, and the entries of the whole index
# it holds newer versions of (with their filters, to count each story once).
DELTA = BUNDLE + "delta/"
DELTA_STAMP = BUNDLE + "newscli-delta.json"
# The part changed since holds at most this many stories, or a 200th of the whole index,
# before the whole index is made again: every re-publish indexes all of that part again, and
# its goal (0.3 × parsing every story) grows with the stories as that bound does.
DELTA_FEW = 50
_FRAGMENT_ID = re.compile(r"[A-Za-z0-9_-]+")
DELTA_SHARE = 200
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
    """The Pagefind binary that `pagefind[bin]` installs, else one on PATH. (Found as the
    pagefind package finds it, without importing that package's asyncio client.)"""
    found: Path | None = None
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        if found is None:
            with contextlib.suppress(ImportError, FileNotFoundError):
                found = importlib.import_module(package).get_executable()
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
        # An answer may be 100 MB (the whole index's files): its chunks are kept in a list
        # and joined once it ends, never joined and searched again at each chunk.
        pending: list[bytes] = []
        while chunk := os.read(self._process.stdout.fileno(), 1 << 20):
            *ended, rest = chunk.split(b",")
            messages = []
            for part in ended:
                messages.append(b"".join([*pending, part]))
                pending = []
            if rest:
                pending.append(rest)
            with self._arrived:
                for message in messages:
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


def search_bundle(
    pages: Iterable[SearchPage], *, language: str, work: Path, folder: str = BUNDLE
) -> dict[str, bytes]:
    """The Pagefind files for these pages, by their path in the site (under folder).

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
        folder + str(file["path"]).lstrip("/"): base64.b64decode(file["content"])
        for file in files
        if not str(file["path"]).lstrip("/").startswith(("playground", *_UNUSED))
    }


def indexed_part(path: Path, language: str) -> bytes | None:
    """What Pagefind is given of a story page that asks to be found (None when it does not):
    the page's `data-pagefind-body` element alone, which is all Pagefind indexes of it
    (title, image and text are taken from inside it), a fifth of the page to parse."""
    try:
        html = path.read_bytes()
    except OSError:
        return None
    mark = html.find(FOUND_MARK)
    if mark < 0:
        return None
    start, end = html.rfind(b"<article", 0, mark), html.rfind(b"</article>")
    if start < 0 or end < mark:
        return html  # not a story page as story.html writes it: all of it
    head = f'<!DOCTYPE html><html lang="{language}"><head></head><body>'.encode()
    return head + html[start : end + len(b"</article>")] + b"</body></html>"


def fragment(data: bytes) -> dict[str, Any]:
    """What a Pagefind fragment file holds about its page: url, content, filters, meta."""
    found: dict[str, Any] = json.loads(gzip.decompress(data).removeprefix(b"pagefind_dcd"))
    return found


def _fragments(files: dict[str, bytes], folder: str) -> dict[str, str]:
    """Each page's fragment id (what a search result's `id` is), by the page's folder."""
    found = {}
    for rel, data in files.items():
        if rel.startswith(folder + "fragment/"):
            url = str(fragment(data)["url"]).strip("/") + "/"
            found[url] = rel.rsplit("/", 1)[1].removesuffix(".pf_fragment")
    return found


@dataclass
class _Part:
    """One part of the index (the whole one, or the stories changed since) as its record in
    the site describes it: each page's version and fragment id, and the part's files."""

    pages: dict[str, tuple[str, str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    superseded: dict[str, Any] = field(default_factory=dict)  # fragment id -> its filters

    @classmethod
    def read(cls, out: OutputFolder, rel: str, language: str) -> _Part | None:
        """The part as the last export wrote it; None when its record is missing or for
        another language."""
        try:
            record = json.loads((out.root / rel).read_bytes())
            if record["language"] != language:
                return None
            part = cls(
                {url: (str(v), str(f)) for url, (v, f) in record["pages"].items()},
                [str(name) for name in record["files"]],
                dict(record.get("superseded", {})),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None
        # Fragment ids name files that are read and removed: Pagefind's letters only.
        ids = [*part.superseded, *(entry for _, entry in part.pages.values())]
        return part if all(_FRAGMENT_ID.fullmatch(name) for name in ids if name) else None

    def text(self) -> set[str]:
        """The files of the whole index's entries this part holds newer versions of."""
        return {f"{BUNDLE}fragment/{name}.pf_fragment" for name in self.superseded}

    def record(self, language: str, *, delta: bool = False) -> bytes:
        """The part's record; the part changed since also says where its bundle is and
        which entries of the whole index it holds newer versions of (for the search page)."""
        data: dict[str, Any] = {"language": language, "pages": self.pages, "files": self.files}
        if delta:
            bundle = DELTA.removeprefix(BUNDLE) if self.pages else None
            data |= {"bundle": bundle, "superseded": self.superseded}
        return json.dumps(data, indent=0, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def _present(out: OutputFolder, folder: str = BUNDLE) -> set[str]:
    """Every plain file under the index's folder (one walk, not a look at each file; a
    link is not one of its files)."""
    found: set[str] = set()
    try:
        entries = list(os.scandir(out.root / folder))
    except OSError:
        return found
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            found |= _present(out, f"{folder}{entry.name}/")
        elif entry.is_file(follow_symlinks=False):
            found.add(folder + entry.name)
    return found


def delta_limit(whole: int) -> int:
    """How many stories the part changed since may hold before the whole index is made
    again (and the part folded into it)."""
    return max(DELTA_FEW, whole // DELTA_SHARE)


def write_index(out: OutputFolder, stories: Iterable[str], *, language: str) -> tuple[int, float]:
    """Bring the index up to date with the story pages in these folders that ask to be
    found (story.html marks public stories only: a preview's extra stories do not), as this
    export wrote them. How many pages it holds, and the seconds it took.

    A page is read only when its file changed (its size or mtime: an export rewrites only
    the pages that changed). Pages changed or added since the whole index was made go into
    a small second index (pagefind/delta/) that the search page searches beside it, leaving
    out their entries in the whole one (whose fragments, their text, are removed); a page
    taken off the site, or more changes than delta_limit allows, make the whole index
    again, so nothing withdrawn is ever left in it.
    """
    out.settle()
    started = time.perf_counter()
    versions = {}
    root = os.fspath(out.root)
    for path in sorted(set(stories)):
        try:
            stat = os.stat(f"{root}/{path}index.html")  # 10 000 of them: no Path objects
        except OSError:
            continue  # a kept page that is missing: warned about already
        versions[path] = f"{stat.st_size}.{stat.st_mtime_ns}"
    whole = _Part.read(out, STAMP, language)
    delta = _Part.read(out, DELTA_STAMP, language) if whole else None
    if whole is not None and delta is not None:
        present = _present(out)
        if not present.issuperset({*whole.files, *delta.files} - delta.text()):
            whole = None  # a file of the index is gone: it is made whole again

    read: dict[str, bytes | None] = {}

    def page(path: str) -> bytes | None:
        """What Pagefind is given of the page, when it asks to be found (read once)."""
        if path not in read:
            read[path] = indexed_part(out.root / path / "index.html", language)
        return read[path]

    def once(path: str) -> bytes | None:
        """The same, not kept: the whole index is given every page, one at a time."""
        return (
            read[path] if path in read else indexed_part(out.root / path / "index.html", language)
        )

    if whole is None or delta is None:
        return _make_whole(out, versions, once, language, started)
    indexed = {**whole.pages, **delta.pages}
    changed = [path for path, version in versions.items() if indexed.get(path, ("",))[0] != version]
    fresh = [path for path in changed if page(path) is not None]
    gone = (set(indexed) - versions.keys()) | (set(changed) - set(fresh))
    if gone & whole.pages.keys():
        return _make_whole(out, versions, once, language, started)
    newer = sorted((delta.pages.keys() - gone) | set(fresh))
    if len(newer) > delta_limit(len(whole.pages)):
        return _make_whole(out, versions, once, language, started)
    count = len(whole.pages.keys() | set(newer))
    if not fresh and not (gone & delta.pages.keys()):
        kept = set(whole.files) - delta.text()
        _keep(out, [*kept, STAMP, *delta.files, DELTA_STAMP])
        return count, time.perf_counter() - started
    # Only the part changed since is made again: the whole index is kept as it is, less the
    # fragments (the text) of the pages the part holds newer versions of.
    pages = []
    for path in newer:
        html = page(path)
        if html is None:  # changed again meanwhile
            return _make_whole(out, versions, once, language, started)
        pages.append(SearchPage(path, html))
    files = search_bundle(pages, language=language, work=out.root, folder=DELTA)
    ids = _fragments(files, DELTA)
    superseded = {}
    for path in newer:
        if path in whole.pages:
            name = whole.pages[path][1]
            try:
                data = (out.root / f"{BUNDLE}fragment/{name}.pf_fragment").read_bytes()
                superseded[name] = fragment(data).get("filters", {})
            except (OSError, ValueError):  # its fragment went with an earlier part
                superseded[name] = delta.superseded.get(name, {})
    # (A page Pagefind made no entry of has none: "".)
    entries = {path: (versions[path], ids.get(path, "")) for path in newer}
    part = _Part(entries, sorted(files), superseded)
    files[DELTA_STAMP] = part.record(language, delta=True)
    _keep(out, [*(set(whole.files) - part.text()), STAMP])
    _write(out, files)
    return count, time.perf_counter() - started


def _make_whole(
    out: OutputFolder,
    versions: dict[str, str],
    page: Callable[[str], bytes | None],
    language: str,
    started: float,
) -> tuple[int, float]:
    """Make the whole index again from every page that asks to be found (the part changed
    since is folded into it: it is empty again)."""
    found = []

    def pages() -> Iterator[SearchPage]:  # read one by one, as Pagefind takes them
        for path in versions:
            if (html := page(path)) is not None:
                found.append(path)
                yield SearchPage(path, html)

    files = search_bundle(pages(), language=language, work=out.root)
    ids = _fragments(files, BUNDLE)
    whole = _Part({path: (versions[path], ids.get(path, "")) for path in found}, sorted(files))
    files[STAMP] = whole.record(language)
    files[DELTA_STAMP] = _Part().record(language, delta=True)
    _write(out, files)
    return len(found), time.perf_counter() - started


def _keep(out: OutputFolder, files: list[str]) -> None:
    """Files of the index kept as the last export wrote them (found there just now)."""
    out.files.update(files)
    out.counts.unchanged += len(files)


def _write(out: OutputFolder, files: dict[str, bytes]) -> None:
    out.plan(files)
    for rel, data in sorted(files.items()):
        out.write(rel, data)
