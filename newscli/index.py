"""An embedded SQLite index of the newsroom, so that listing 100 000 stories stays fast.

The files stay the truth. Each use refreshes the index with a stat walk (path, mtime_ns,
size) and re-reads only files that changed; a missing, stale, locked or corrupt index costs
speed, never results — every failure falls back to reading the files. The index holds each
article's front matter as JSON (not its body, apart from the lead), and the folded text that
`--search` looks in, so a search finds exactly what the file scan would.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing as mp
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from newscli import __version__
from newscli.article import Article, first_paragraph, from_meta, to_meta
from newscli.errors import ArticleError
from newscli.newsroom import Newsroom
from newscli.query import Filters, search_text, select
from newscli.render.machine import article_record
from newscli.slugs import fold, topic_key

INDEX_PATH = Path(".newscli") / "index.sqlite"
SCHEMA = 2
PARALLEL_FROM = 2000  # files to (re)read before a process pool pays for itself

_TABLES = """
CREATE TABLE IF NOT EXISTS article (
    path TEXT PRIMARY KEY,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    error TEXT,
    error_line INTEGER,
    record TEXT,
    machine TEXT,
    date_ts REAL,
    status TEXT,
    author TEXT,
    topics TEXT,
    topic_names TEXT,
    haystack TEXT
);
CREATE INDEX IF NOT EXISTS article_date ON article (date_ts DESC, path, error);
CREATE INDEX IF NOT EXISTS article_stat ON article (path, mtime_ns, size);
CREATE INDEX IF NOT EXISTS article_broken ON article (path) WHERE error IS NOT NULL;
"""


class IndexUnavailable(Exception):
    """The index cannot be used this time; the caller reads the files instead."""


@dataclass(frozen=True)
class TopicRow:
    """An article as topic bookkeeping sees it (see tagging.Tagged)."""

    path: PurePosixPath | None
    topics: tuple[str, ...]
    published: bool


@dataclass(frozen=True)
class Page:
    """One query's answer: the articles (newest first) and how many matched in all."""

    articles: list[Article]
    total: int
    broken: list[ArticleError]


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    raise TypeError(type(value).__name__)


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        ((key, value),) = obj.items()
        if key == "$datetime":
            return dt.datetime.fromisoformat(value)
        if key == "$date":
            return dt.date.fromisoformat(value)
        if key == "$time":
            return dt.time.fromisoformat(value)
    return obj


class Index:
    """The newsroom's index at .newscli/index.sqlite."""

    def __init__(self, newsroom: Newsroom):
        self.newsroom = newsroom
        self.path = newsroom.root / INDEX_PATH
        self._db: sqlite3.Connection | None = None

    # -- opening ------------------------------------------------------------------

    def _fingerprint(self) -> str:
        """What the stored rows depend on besides the files: the schema, newscli, the timezone."""
        return json.dumps([SCHEMA, _TABLES, __version__, self.newsroom.site.timezone])

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(exist_ok=True)
        db = sqlite3.connect(self.path, timeout=0.5, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        if row is None or row[0] != self._fingerprint():
            db.execute("DROP TABLE IF EXISTS article")
            db.executescript(_TABLES)
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (self._fingerprint(),)
            )
        return db

    def open(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError:
            # Corrupt or not a database at all: it is only a cache, so start it again.
            with contextlib.suppress(OSError):
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            try:
                self._db = self._connect()
            except (sqlite3.Error, OSError) as exc:
                raise IndexUnavailable(str(exc)) from None
        except OSError as exc:
            raise IndexUnavailable(str(exc)) from None
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- refreshing ---------------------------------------------------------------

    def _row(self, path: Path, rel: str, stat: os.stat_result) -> tuple[Any, ...]:
        """One article row: its front matter and search text, or the error that breaks it."""
        try:
            article = self.newsroom.load(path)
        except ArticleError as exc:
            return (rel, stat.st_mtime_ns, stat.st_size, exc.message, exc.line or 1) + (None,) * 8
        lead = first_paragraph(article.body) if article.teaser is None else None
        record = {"meta": to_meta(article), "lead": lead}
        return (
            rel,
            stat.st_mtime_ns,
            stat.st_size,
            None,
            None,
            json.dumps(record, default=_encode, ensure_ascii=False),
            json.dumps(article_record(article), ensure_ascii=False),
            article.date.timestamp(),
            article.status,
            fold(article.author.strip()),
            "|" + "|".join(article.topic_keys) + "|",
            json.dumps(article.topics, ensure_ascii=False),
            search_text(article),
        )

    def _rows(self, work: list[tuple[Path, str, os.stat_result]]) -> Iterator[tuple[Any, ...]]:
        """Rows for many files; a first run over a big newsroom reads them on every core."""
        cores = os.cpu_count() or 1
        if len(work) < PARALLEL_FROM or cores < 2 or "fork" not in mp.get_all_start_methods():
            yield from (self._row(*item) for item in work)
            return
        global _WORKER_INDEX
        _WORKER_INDEX = self  # inherited by the forked workers
        chunk = max(64, len(work) // (cores * 8))
        with mp.get_context("fork").Pool(cores) as pool:
            yield from pool.imap(_worker_row, work, chunksize=chunk)

    def refresh(self) -> None:
        """Bring the index up to date with the files: a stat walk, re-reading only what changed."""
        db = self.open()
        on_disk: dict[str, tuple[str, os.stat_result]] = {}
        for rel, entry in self.newsroom.walk(ordered=False):
            try:
                on_disk[rel] = (entry.path, entry.stat())
            except OSError:
                continue
        known = {
            row[0]: (row[1], row[2])
            for row in db.execute("SELECT path, mtime_ns, size FROM article")
        }
        stale = [
            rel
            for rel, (_, stat) in on_disk.items()
            if known.get(rel) != (stat.st_mtime_ns, stat.st_size)
        ]
        gone = [rel for rel in known if rel not in on_disk]
        if not stale and not gone:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany("DELETE FROM article WHERE path = ?", [(rel,) for rel in gone])
            db.executemany(
                "INSERT OR REPLACE INTO article VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._rows([(Path(on_disk[rel][0]), rel, on_disk[rel][1]) for rel in stale]),
            )
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    # -- asking -------------------------------------------------------------------

    def _where(self, filters: Filters) -> tuple[str, list[Any]]:
        clauses = ["error IS NULL"]
        params: list[Any] = []
        if filters.topics:
            keys = [topic_key(t) for t in filters.topics]
            clauses.append("(" + " OR ".join("instr(topics, ?) > 0" for _ in keys) + ")")
            params += [f"|{key}|" for key in keys]
        if filters.author:
            clauses.append("author = ?")
            params.append(fold(filters.author.strip()))
        if filters.status:
            clauses.append("status = ?")
            params.append(filters.status)
        if filters.since:
            clauses.append("date_ts >= ?")
            params.append(filters.since.timestamp())
        if filters.until:
            clauses.append("date_ts <= ?")
            params.append(filters.until.timestamp())
        if filters.search:
            for word in fold(filters.search).split():
                clauses.append("instr(haystack, ?) > 0")
                params.append(word)
        return " AND ".join(clauses), params

    def _article(self, path: str, record_json: str) -> Article:
        record = json.loads(record_json, object_hook=_decode)
        body = f"\n{record['lead']}\n" if record["lead"] else ""
        return from_meta(record["meta"], body, self.newsroom.site.tz, PurePosixPath(path))

    def query(self, filters: Filters, limit: int | None = None) -> Page:
        """Matching articles newest first, as the file scan would give them (without bodies)."""
        db = self.open()
        where, params = self._where(filters)
        total = db.execute(f"SELECT count(*) FROM article WHERE {where}", params).fetchone()[0]
        sql = f"SELECT path, record FROM article WHERE {where} ORDER BY date_ts DESC, path"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        articles = [self._article(path, record) for path, record in db.execute(sql, params)]
        return Page(articles, total, self.broken())

    def broken(self) -> list[ArticleError]:
        db = self.open()
        return [
            ArticleError(message, PurePosixPath(path), line)
            for path, message, line in db.execute(
                "SELECT path, error, error_line FROM article WHERE error IS NOT NULL ORDER BY path"
            )
        ]

    def topic_rows(self) -> list[TopicRow]:
        return [
            TopicRow(PurePosixPath(path), tuple(json.loads(names)), status == "published")
            for path, names, status in self.open().execute(
                "SELECT path, topic_names, status FROM article WHERE error IS NULL ORDER BY path"
            )
        ]

    def records(self, filters: Filters, limit: int | None, fields: str = "machine") -> list[Any]:
        """Matching rows newest first: machine records (dicts), or with fields="path" paths only."""
        where, params = self._where(filters)
        column = "path" if fields == "path" else "machine"
        sql = f"SELECT {column} FROM article WHERE {where} ORDER BY date_ts DESC, path"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        rows = [value for (value,) in self.open().execute(sql, params)]
        return rows if column == "path" else [json.loads(row) for row in rows]


_WORKER_INDEX: Index | None = None


def _worker_row(item: tuple[Path, str, os.stat_result]) -> tuple[Any, ...]:
    assert _WORKER_INDEX is not None
    return _WORKER_INDEX._row(*item)


def _indexed(newsroom: Newsroom, use_index: bool) -> Index | None:
    """A fresh index to answer from, or None when it cannot be used (then read the files)."""
    if not use_index:
        return None
    index = Index(newsroom)
    try:
        index.refresh()
        newsroom.skipped = index.broken()
    except (IndexUnavailable, sqlite3.Error, OSError):
        index.close()
        return None
    return index


def catalog(
    newsroom: Newsroom, filters: Filters, limit: int | None, use_index: bool = True
) -> Page:
    """The articles `list` shows as a table or cards, newest first, and how many matched."""
    index = _indexed(newsroom, use_index)
    if index is not None:
        try:
            return index.query(filters, limit)
        except sqlite3.Error:
            pass
        finally:
            index.close()
    scan = newsroom.scan()
    chosen = select(scan.articles, filters)
    return Page(chosen if limit is None else chosen[:limit], len(chosen), scan.broken)


def catalog_records(
    newsroom: Newsroom,
    filters: Filters,
    limit: int | None,
    use_index: bool = True,
    fields: str = "machine",
) -> list[Any]:
    """What `list --format json|csv|paths` prints: records (or paths), newest first."""
    index = _indexed(newsroom, use_index)
    if index is not None:
        try:
            return index.records(filters, limit, fields)
        except sqlite3.Error:
            pass
        finally:
            index.close()
    chosen = select(newsroom.scan().articles, filters, limit)
    if fields == "path":
        return [str(a.path) for a in chosen]
    return [article_record(a) for a in chosen]


def topic_rows(newsroom: Newsroom, use_index: bool = True) -> list[TopicRow]:
    """Every valid article's topics and status, for `topics`, `tag rename` and `tag merge`."""
    index = _indexed(newsroom, use_index)
    if index is not None:
        try:
            return index.topic_rows()
        except sqlite3.Error:
            pass
        finally:
            index.close()
    return [TopicRow(a.path, a.topics, a.published) for a in newsroom.scan().articles]


def newest_articles(
    newsroom: Newsroom, filters: Filters, limit: int, use_index: bool = True
) -> list[Article]:
    """The newest limit articles matching filters, read whole from their files (for feeds).

    The index chooses them, so a feed of 50 stories reads 50 files, not the newsroom.
    """
    index = _indexed(newsroom, use_index)
    if index is not None:
        try:
            paths = index.records(filters, limit, fields="path")
        except sqlite3.Error:
            paths = None
        finally:
            index.close()
        if paths is not None:
            chosen = []
            for path in paths:
                try:
                    chosen.append(newsroom.load(newsroom.root / path))
                except ArticleError as exc:  # changed since the index saw it
                    newsroom.skipped.append(exc)
            return chosen
    return select(newsroom.scan().articles, filters, limit)
