"""Story Markdown rendered once per version of its text: the HTML of each body and lead, kept
in .newscli/render.sqlite by a hash of the text, of the way up from its page to the site
root and of everything that renders it (newscli's Markdown and link code, markdown-it-py,
raw HTML on or off), with the site-relative links to files it holds, whose files the
export looks for again at every use.

A cache like the index: a missing, locked or corrupt one costs rendering, never a wrong
page. A template change renders every page again but no story's Markdown; an export into an
empty folder renders no Markdown it rendered before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from newscli import __version__, markdown
from newscli.errors import NewsError
from newscli.export import pages
from newscli.newsroom import state_folder

RENDER_CACHE = "render.sqlite"


def renderer_key(allow_html: bool) -> str:
    """Everything besides the text that decides the HTML: a change to any renders anew."""
    digest = hashlib.sha256(f"{__version__}\n{version('markdown-it-py')}\n{allow_html}\n".encode())
    for module in (markdown, pages):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


@dataclass
class Renders:
    """What one process rendered that the cache did not hold, and which entries it used."""

    new: list[tuple[str, str, str]] = field(default_factory=list)  # key, html, links as JSON
    used: set[str] = field(default_factory=set)


class RenderCache:
    """Read by every rendering process (each opens its own connection), written by the
    export's parent process only, once, at the end."""

    def __init__(self, newsroom_root: Path, allow_html: bool):
        self.root = newsroom_root
        self.salt = renderer_key(allow_html)
        self.rendered = Renders()
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._broken = False

    def key(self, text: str, root: str) -> str:
        return hashlib.sha256(f"{self.salt}\n{root}\n{text}".encode()).hexdigest()

    def _connection(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        if self._db is None or self._pid != os.getpid():  # a forked worker opens its own
            try:
                path = state_folder(self.root) / RENDER_CACHE
                db = sqlite3.connect(path, timeout=0.5, isolation_level=None)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")  # a cache: a damaged one is made anew
                db.execute(
                    "CREATE TABLE IF NOT EXISTS render "
                    "(key TEXT PRIMARY KEY, html TEXT NOT NULL, links TEXT NOT NULL)"
                )
            except sqlite3.Error as exc:
                self._failed(exc)
                return None
            except (OSError, NewsError):
                self._broken = True
                return None
            self._db, self._pid = db, os.getpid()
        return self._db

    def get(self, key: str) -> tuple[str, list[str]] | None:
        """The HTML and the linked files' paths rendered from the text key names, or None."""
        db = self._connection()
        if db is None:
            return None
        try:
            row = db.execute("SELECT html, links FROM render WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
        if row is None:
            return None
        self.rendered.used.add(key)
        return str(row[0]), [str(link) for link in json.loads(row[1])]

    def put(self, key: str, html: str, links: list[str]) -> None:
        self.rendered.used.add(key)
        self.rendered.new.append((key, html, json.dumps(links, ensure_ascii=False)))

    def take(self, rendered: Renders) -> None:
        """What a worker process rendered and used, for save."""
        self.rendered.new += rendered.new
        self.rendered.used |= rendered.used

    def flush(self, at_least: int = 2_000) -> None:
        """Write what was rendered once it is many entries, so memory stays flat."""
        if len(self.rendered.new) < at_least:
            return
        db = self._connection()
        if db is None:
            self.rendered.new = []
            return
        try:
            with db:  # one transaction
                db.execute("BEGIN")
                db.executemany("INSERT OR REPLACE INTO render VALUES (?, ?, ?)", self.rendered.new)
        except sqlite3.Error as exc:
            self._failed(exc)
        self.rendered.new = []

    def save(self, *, whole: bool) -> None:
        """Keep what was rendered; after a whole build, let go of what no page used when the
        cache holds twice as many entries as the site needs."""
        db = self._connection()
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("INSERT OR REPLACE INTO render VALUES (?, ?, ?)", self.rendered.new)
                if whole:
                    (count,) = db.execute("SELECT count(*) FROM render").fetchone()
                    if count > 2 * len(self.rendered.used):
                        db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
                        db.executemany(
                            "INSERT OR IGNORE INTO used VALUES (?)",
                            [(key,) for key in self.rendered.used],
                        )
                        db.execute("DELETE FROM render WHERE key NOT IN (SELECT key FROM used)")
                        db.execute("DROP TABLE used")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            self._failed(exc)
        self.rendered = Renders()

    def _failed(self, error: sqlite3.Error) -> None:
        """Stop using the cache for this run; a damaged file is removed, to be made anew."""
        self._broken = True
        if isinstance(error, sqlite3.DatabaseError) and not isinstance(
            error, sqlite3.OperationalError
        ):
            self.close()
            with contextlib.suppress(OSError):
                (state_folder(self.root) / RENDER_CACHE).unlink()

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None
