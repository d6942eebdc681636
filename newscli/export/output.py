"""The folder an export writes to: only files whose bytes change, a record, stale files removed.

The record (.newscli-manifest.json) lists every file newscli wrote, so that a later export
can remove the ones it no longer writes (pages of deleted stories) and nothing else. Before
an export writes a file the record does not name yet, the record is rewritten (atomically,
fsynced) to name it: an export that fails or is killed half-way leaves a record that names
every file it may have written, and the next export removes those that should not be there.
What each page was rendered from (its key) is remembered beside the newsroom's index (see
site_state), and given to the folder as page records, so that a page whose inputs did not
change is not even rendered again.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from newscli.article import is_safe_relative
from newscli.config import CONFIG_NAME
from newscli.errors import ArticleError, UsageError, WriteError
from newscli.files import remove_leftovers, write_atomic
from newscli.i18n import N_, _
from newscli.newsroom import ARTICLES, STATE, TEMPLATES

MANIFEST = ".newscli-manifest.json"
MANIFEST_FORMAT = 3  # 3: files only (page records moved to the site state)
# Writes run in threads so that the fsync of one file overlaps the rendering of the next;
# at most this many rendered files wait in memory for their turn.
WRITERS = 8
QUEUE = 256


@dataclass(frozen=True, slots=True)
class PageRecord:
    """What the last export knows of a page: its input key, size, and what rendering found."""

    key: str
    size: int
    assets: tuple[str, ...] = ()  # files the page links to, copied into the site
    missing: tuple[str, ...] = ()  # files the page links to that the newsroom lacks


class PageLookup(Protocol):
    """Where the last export's page records come from (the site state)."""

    def get(self, rel: str) -> PageRecord | None: ...


class NoPages:
    """No page records: every page is rendered."""

    def get(self, rel: str) -> PageRecord | None:
        return None


@dataclass
class Worker:
    """What a rendering process hands back: the files and pages it made, and the writes."""

    files: set[str]
    pages: dict[str, PageRecord]
    counts: Counts
    writes: list[tuple[Any, ...]]


@dataclass
class Counts:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class ExportReport:
    """What every export reports besides its own counts: the broken article files it met,
    those whose last good version it published, and warnings."""

    broken: list[ArticleError] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # broken files published as last good
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every article file read cleanly: the export is the newsroom as it is."""
        return not self.broken


@dataclass
class Record:
    """What the output folder's record holds: every file an export wrote (or was about to
    write), and the build that wrote them."""

    files: set[str] = field(default_factory=set)
    build: str | None = None


class RecordStore:
    """The one place that reads and writes an output folder's record (a JSON file today)."""

    def __init__(self, root: Path):
        self.path = root / MANIFEST

    def read(self) -> tuple[Record, str | None]:
        """The record, and a warning when there is one that cannot be read."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Record(), None
        except (OSError, ValueError):
            return Record(), _(
                "{file} is unreadable: files of deleted stories were not removed"
            ).format(file=self.path)
        record = Record()
        if not isinstance(data, dict):
            return record, None
        files = data.get("files", [])
        if isinstance(files, list):
            record.files = {
                f for f in files if isinstance(f, str) and is_safe_relative(f) and f != MANIFEST
            }
        build = data.get("build")
        record.build = build if isinstance(build, str) else None
        return record, None

    def stamp(self) -> str:
        """What tells this record from any other written since (the rename gives a new
        inode): the site state is trusted only for the record it was saved with."""
        try:
            stat = self.path.stat()
        except OSError:
            return ""
        return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"

    def write(self, record: Record) -> None:
        """Replace the record atomically and durably (unless it already holds exactly this):
        it decides what a later export removes, so it must outlive a crash of this one."""
        manifest = {
            "generator": "newscli",
            "format": MANIFEST_FORMAT,
            "build": record.build,
            "files": sorted(record.files),
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=0, sort_keys=True) + "\n"
        data = text.encode("utf-8")
        try:
            if self.path.stat().st_size == len(data) and self.path.read_bytes() == data:
                return
        except OSError:
            pass
        write_atomic(self.path, data, durable=True)


class OutputFolder:
    """Writes under root only what changed, remembers it, and removes what is no longer written."""

    def __init__(self, root: Path, build: str, records: PageLookup | None = None):
        self.root = root
        self.build = build
        self.counts = Counts()
        self.files: set[str] = set()
        self.pages: dict[str, PageRecord] = {}
        self.store = RecordStore(root)
        # What the last export rendered each page from (a page kept as it is needs its files).
        self.records: PageLookup = records if records is not None else NoPages()
        self._previous: Record | None = None  # read when first needed: a re-publish may not
        self.recorded: set[str] = set()  # what the record on disk names besides previous
        self._folders: set[Path] = set()  # where this export wrote (or tried to)
        self._real: set[str] = set()  # folders found (or made) real, not links (see place)
        self._pool = ThreadPoolExecutor(WRITERS, thread_name_prefix="newscli-write")
        self._pending: deque[Future[bool]] = deque()
        self._deferred: list[tuple[Any, ...]] | None = None

    @property
    def previous(self) -> Record:
        if self._previous is None:
            self._previous, warning = self.store.read()
            if warning is not None:
                self.counts.warnings.append(warning)
        return self._previous

    @property
    def previous_files(self) -> set[str]:
        return self.previous.files

    # -- the record ---------------------------------------------------------------------

    def named(self, files: Iterable[str]) -> None:
        """Files the caller knows the record names (a re-publish, from the site state saved
        with this very record): writing them needs no look at the record."""
        self.recorded.update(files)

    def plan(self, files: Iterable[str]) -> None:
        """Before writing: make the record name every file this export may write (with the
        files the previous record names), so that no failure from here on can leave a file
        that a later export does not know to remove."""
        new = set(files) - self.previous_files - self.recorded
        new.discard(MANIFEST)
        if not new:
            return
        self.recorded |= new
        self.store.write(
            Record(self.previous_files | self.recorded, self.previous.build or self.build)
        )

    def unchanged_page(self, rel: str, key: str) -> PageRecord | None:
        """The last export's record of a page when it was rendered from the same inputs and
        its file is still there as written; None when the page must be rendered."""
        record = self.records.get(rel)
        if record is None or record.key != key:
            return None
        try:
            if (self.root / rel).stat().st_size != record.size:
                return None
        except OSError:
            return None
        self.files.add(rel)
        self.pages[rel] = record
        self.counts.unchanged += 1
        return record

    # -- writing ------------------------------------------------------------------------

    def write_page(
        self,
        rel: str,
        data: bytes,
        key: str,
        assets: tuple[str, ...] = (),
        missing: tuple[str, ...] = (),
    ) -> None:
        self.pages[rel] = PageRecord(key, len(data), assets, missing)
        self.write(rel, data)

    def keep(self, rel: str) -> tuple[str, ...] | None:
        """Leave a page as the last export wrote it (its input broke meanwhile): the files it
        links to as far as the record knows (to be copied again), or None when it is not
        there."""
        if (self.root / rel).is_symlink() or not (self.root / rel).is_file():
            return None
        self.files.add(rel)
        record = self.records.get(rel)
        if record is None:
            return ()
        self.pages[rel] = record
        return record.assets

    def forget(self, rel: str) -> None:
        """Undo unchanged_page: the page is rendered after all."""
        del self.pages[rel]
        self.files.discard(rel)
        self.counts.unchanged -= 1

    def write(self, rel: str, data: bytes) -> None:
        """Write data to rel unless the file already holds exactly that."""
        self.files.add(rel)
        self._submit(write_if_changed, self.root / rel, data, rel=rel)

    def write_own(self, rel: str, data: bytes) -> bool:
        """Write rel (robots.txt, 404.html) unless a file of that name is there that newscli
        did not write, which is left as it is (with a warning): site owners make these."""
        target = self.root / rel
        if rel not in self.previous_files and (target.exists() or target.is_symlink()):
            try:
                ours = target.is_file() and target.read_bytes() == data
            except OSError:
                ours = False
            if not ours:
                self.counts.warnings.append(
                    _(
                        "{file} was not written by newscli and is left as it is; delete it to "
                        "get newscli's"
                    ).format(file=target)
                )
                return False
        self.write(rel, data)
        return True

    def copy(self, rel: str, source: Path) -> None:
        """Copy a newsroom file, keeping its mtime so an unchanged copy is seen without reading it."""
        self.files.add(rel)
        self._submit(_copy_if_changed, self.root / rel, source, rel=rel)

    def start_worker(self) -> Worker:
        """In a forked rendering process: keep this process's files, pages and writes, for the
        parent to take in with merge() and write with its threads (the parent's writer threads
        are not in a forked process, and file creation here is faster from many threads)."""
        self.files, self.pages, self.counts = set(), {}, Counts()
        self._deferred = []
        return Worker(self.files, self.pages, self.counts, self._deferred)

    def merge(self, worker: Worker) -> None:
        """Take in what a rendering process did, and write what it rendered."""
        self.files |= worker.files
        self.pages.update(worker.pages)
        self.counts.unchanged += worker.counts.unchanged
        self.plan(worker.files)
        for call in worker.writes:
            self._submit(*call, rel=call[1].relative_to(self.root).as_posix())

    def _submit(self, *call: Any, rel: str | None = None) -> None:
        if self._deferred is not None:
            self._deferred.append(call)
            return
        if rel is not None:
            place(self.root, rel, self._real)  # before the file is so much as planned
        if rel is not None and rel not in self.recorded and rel not in self.previous_files:
            self.plan((rel,))  # not planned: recorded on its own before it is written
        if rel in self.recorded or rel in self.previous_files:
            # Written before: a killed export may have left a temporary file beside it (a
            # folder this export creates holds none); the next export that writes that file
            # looks in the same folder and removes it.
            self._folders.add(call[1].parent)
        self._pending.append(self._pool.submit(*call))
        while len(self._pending) > QUEUE:
            self._count(self._pending.popleft())

    def _count(self, future: Future[bool]) -> None:
        if future.result():
            self.counts.written += 1
        else:
            self.counts.unchanged += 1

    def settle(self) -> None:
        """Wait for the writes under way, so that a later step can read what they wrote."""
        while self._pending:
            self._count(self._pending.popleft())

    def abandon(self) -> None:
        """After an error elsewhere: let the writes under way end; the record already names
        every file this export may have written."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()

    def close(self) -> None:
        """Wait for every write; the first error is raised after all have finished."""
        self._pool.shutdown(wait=True)
        errors = []
        while self._pending:
            try:
                self._count(self._pending.popleft())
            except (WriteError, OSError) as exc:
                errors.append(exc)
        if errors:
            raise errors[0]

    def finish(self, *, whole: bool = True) -> str:
        """Wait for the writes; after a whole build, remove what the last export wrote and
        this one did not, and save the record of this export. (A re-publish wrote only some
        files of the site: it removes nothing, and its record only grew, in plan.) The
        record's stamp, for the site state."""
        self.close()
        if whole:
            self._remove_stale()
        for folder in self._folders:
            remove_leftovers(folder)
        return self.store.stamp()

    def remove_unwritten(self, folder: str) -> None:
        """Remove the files in folder that the last export wrote and this one did not: a
        re-publish that made that folder whole again (the search index)."""
        self.settle()  # a folder emptied of stale files may be one a write under way needs
        stale = {rel for rel in self.previous_files - self.files if rel.startswith(folder)}
        self._remove(stale)
        # The record stops naming them, as a whole build's would.
        self.previous_files.difference_update(stale)
        self.recorded -= stale
        self.store.write(
            Record(self.previous_files | self.recorded, self.previous.build or self.build)
        )

    def _remove_stale(self) -> None:
        self._remove(self.previous_files - self.files)
        self.store.write(Record(self.files, self.build))

    def _remove(self, stale: Iterable[str]) -> None:
        for rel in sorted(stale):
            target = self.root / rel
            if not _reached_plainly(self.root, rel) or not target.is_file():
                continue  # through a link (to an article, say) or not a file: never removed
            target.unlink()
            self.counts.removed += 1
            folder = target.parent
            while folder != self.root and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent


# What an export may never write to or into: what the newsroom publishes from.
PROTECTED_FOLDERS = (ARTICLES, TEMPLATES, STATE, ".git")
PROTECTED_FILES = (CONFIG_NAME,)


def place(root: Path, rel: str, real: set[str]) -> Path:
    """root/rel, for an export to write: every folder on the way from root a real folder
    (made when missing), never a symbolic link, so that no write lands outside the output
    folder the guard let through, whatever a page path or the record says. WriteError
    naming the link otherwise. real holds the folders (as 'a/b/') already found real."""
    parts = PurePosixPath(rel).parts
    if not is_safe_relative(rel) or not parts:
        raise WriteError(_("is not a path inside the output folder; not written"), rel)
    folder, current = "", root
    for part in parts[:-1]:
        folder += f"{part}/"
        current = current / part
        if folder in real:
            continue
        try:
            os.mkdir(current)
        except FileExistsError:
            mode = os.lstat(current).st_mode
            if stat.S_ISLNK(mode):
                raise WriteError(_(THROUGH_A_LINK), current) from None
            if not stat.S_ISDIR(mode):
                raise WriteError(_("is a file where the export needs a folder"), current) from None
        except OSError as exc:
            raise WriteError(cannot_create_folder(exc), current) from None
        real.add(folder)
    return root / rel


def file_in_output(newsroom_root: Path, output: Path, rel: str) -> Path:
    """output/rel for an export that writes one file into an output folder (a feed into
    public/): the folder guarded as the site's is, made when missing, and rel reached
    without a symbolic link (see place)."""
    guard_output(newsroom_root, output, folder=True)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(cannot_create_folder(exc), output) from None
    return place(output, rel, set())


THROUGH_A_LINK = N_(
    "is a symbolic link inside the output folder; an export never writes through one: "
    "replace it with a folder"
)


def _reached_plainly(root: Path, rel: str) -> bool:
    """True when root/rel is reached without a symbolic link (the file itself included)."""
    if not is_safe_relative(rel):
        return False
    current = root
    for part in PurePosixPath(rel).parts:
        current = current / part
        try:
            if stat.S_ISLNK(os.lstat(current).st_mode):
                return False
        except OSError:
            return False
    return True


def guard_output(root: Path, output: Path, *, folder: bool) -> None:
    """UsageError unless an export may write to output (a file, or with folder=True the
    site's folder): never a story, a template, newscli.toml, anything under articles/,
    templates/, .newscli/ or .git/ (also through a symlink), never over the newsroom, and a
    file never over a folder, a device or a pipe. The one guard of every export."""
    shown = f"--output {str(output)[:200]!r}"
    try:
        target = output.resolve()
        home = root.resolve()
        exists = output.exists()
        kind = output.stat().st_mode if exists else 0
    except (OSError, ValueError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise UsageError(
            _("{option} is not a usable path: {reason}").format(option=shown, reason=reason)
        ) from None
    for name in PROTECTED_FOLDERS:
        if target.is_relative_to(home / name):
            raise UsageError(
                _(
                    "{option} is inside the newsroom's {folder}/ folder: an export never writes "
                    "where newscli publishes from"
                ).format(option=shown, folder=name)
            )
    if target in (home / name for name in PROTECTED_FILES):
        raise UsageError(
            _("{option} is the newsroom's {file}: an export never replaces it").format(
                option=shown, file=target.name
            )
        )
    if folder:
        if target == home or home.is_relative_to(target):
            raise UsageError(
                _("{option} would write the site over the newsroom itself").format(option=shown)
            )
        for name in PROTECTED_FOLDERS:  # a link (articles/ → public/x) makes it the site's
            with contextlib.suppress(OSError, RuntimeError):
                if (home / name).resolve().is_relative_to(target):
                    raise UsageError(
                        _(
                            "{option} holds the newsroom's {folder}/ folder (it is a symbolic "
                            "link into it): an export never writes where newscli publishes from"
                        ).format(option=shown, folder=name)
                    )
        if exists and not stat.S_ISDIR(kind):
            raise UsageError(_("{option} is a file, not a folder").format(option=shown))
    elif exists and not stat.S_ISREG(kind):
        if stat.S_ISDIR(kind):
            message = _("{option} is a folder, not a file: not replaced")
        else:
            message = _("{option} is a device, pipe or socket, not a file: not replaced")
        raise UsageError(message.format(option=shown))


def _prepare(target: Path) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(cannot_create_folder(exc), target.parent) from None


def cannot_create_folder(exc: OSError) -> str:
    """Why an export's folder could not be made."""
    return _("cannot create the folder: {reason}").format(reason=exc.strerror or exc)


def write_if_changed(target: Path, data: bytes) -> bool:
    """Write data atomically (creating folders) unless the file already holds it; True if written.

    Exports are regenerated from the newsroom, so they skip fsync (see write_atomic).
    """
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        _prepare(target)
    except OSError:
        pass
    write_atomic(target, data, durable=False)
    return True


def _copy_if_changed(target: Path, source: Path) -> bool:
    theirs = source.stat()
    try:
        mine = target.stat()
        if mine.st_size == theirs.st_size and mine.st_mtime_ns == theirs.st_mtime_ns:
            return False
    except FileNotFoundError:
        _prepare(target)
    write_atomic(target, source.read_bytes(), durable=False)
    os.utime(target, ns=(theirs.st_atime_ns, theirs.st_mtime_ns))
    return True
