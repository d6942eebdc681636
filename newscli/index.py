"""An embedded SQLite index of the newsroom, so that listing 100 000 stories stays fast.

The files stay the truth. Each use refreshes the index with a stat walk and re-reads only
files whose stamp changed (stamp_of: size and mtime, and the ctime and inode that no restore
can set back); a missing, stale, locked or corrupt index costs
speed, never results — the catalog (newscli/catalog.py) falls back to reading the files on
any failure. The index holds each article's front matter as JSON and its plain-text lead
(not its body), and the folded text that `--search` looks in, so a search finds exactly what
the file scan would. It holds no output of any kind: renderers make that from summaries.

Size matters at 100 000 stories: a row keeps each folded word of a story once (search_words),
not the folded text, and no lead that is only the teaser's words again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from newscli import __version__
from newscli.article import (
    Article,
    Summary,
    lead_of,
    summary_from_index,
    summary_from_meta,
    to_meta,
)
from newscli.errors import ArticleError, WriteError
from newscli.newsroom import STATE, Newsroom, Tree, state_folder
from newscli.query import Filters, begins_a_word, search_words
from newscli.slugs import fold
from newscli.topics import Topic, Topics, TopicUse, topic_key

INDEX_NAME = "index.sqlite"
# 4: search text without soft hyphens and zero-width characters; 5: id_key; 6: the search
# text as distinct words, no lead when it is the teaser's, bigger pages; 7: expires_ts and
# review_ts, for the life-cycle states; 8: ctime_ns and inode in a file's stamp; 9: the lead
# is the first paragraph with words (not a photo alone)
SCHEMA = 9
# The most rows a REF's candidates may be (an ambiguous REF names a few of them).
REF_ROWS = 1000
PARALLEL_FROM = 2000  # files to (re)read before a process pool pays for itself
# A row is 1–3 KB: on 4 KB pages most rows would have a page to themselves (a third of the
# file empty). A page size is taken by a new file only, so an outdated index is started again.
PAGE_SIZE = 16384

# Newest first: `list` reads its first page of rows in this order. A first build makes it
# after the rows (sorted once, its pages are full; grown in random order, half empty).
_DATE_INDEX = "CREATE INDEX IF NOT EXISTS article_date ON article (date_ts DESC, path, error)"
_TABLES = f"""
CREATE TABLE IF NOT EXISTS article (
    path TEXT PRIMARY KEY,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    error TEXT,
    error_line INTEGER,
    meta TEXT,
    lead TEXT,  -- NULL when the lead is the teaser's words
    slug TEXT,
    date_ts REAL,
    status TEXT,
    author TEXT,
    topics TEXT,
    topic_names TEXT,
    haystack TEXT,  -- the folded words a search looks in, each once (query.search_words)
    id_key TEXT,
    expires_ts REAL,
    review_ts REAL,
    ctime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL
);
{_DATE_INDEX};
CREATE INDEX IF NOT EXISTS article_stat ON article (path, mtime_ns, size, ctime_ns, inode);
CREATE INDEX IF NOT EXISTS article_broken ON article (path) WHERE error IS NOT NULL;
CREATE INDEX IF NOT EXISTS article_id ON article (id_key);
"""


_DATA = (
    "meta",
    "lead",
    "slug",
    "date_ts",
    "status",
    "author",
    "topics",
    "topic_names",
    "haystack",
    "id_key",
    "expires_ts",
    "review_ts",
)
# A file that breaks keeps the data of its last good version (its row says what is wrong
# and still holds what it was), so that an export can keep a live story as it was.
_UPSERT = (
    "INSERT INTO article VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(path) DO UPDATE SET mtime_ns = excluded.mtime_ns, size = excluded.size, "
    "ctime_ns = excluded.ctime_ns, inode = excluded.inode, "
    "error = excluded.error, error_line = excluded.error_line, "
    + ", ".join(
        f"{c} = CASE WHEN excluded.error IS NULL THEN excluded.{c} ELSE article.{c} END"
        for c in _DATA
    )
)


# Each life-cycle state (newscli.lifecycle.state_of) as SQL; every ? is the moment asked at.
_STATE_SQL = {
    "draft": "status = 'draft'",
    "withdrawn": "status = 'withdrawn'",
    "expired": "(status = 'published' AND expires_ts <= ?)",
    "scheduled": "(status = 'published' AND date_ts > ? AND (expires_ts IS NULL OR expires_ts > ?))",
    "expiring": "(status = 'published' AND date_ts <= ? AND expires_ts > ?)",
    "published": "(status = 'published' AND date_ts <= ? AND expires_ts IS NULL)",
}

_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_TIGHT = (",", ":")  # JSON without the spaces of its default separators


# What tells that a file changed without reading it (stamp_of).
Stamp = tuple[int, int, int, int]


def stamp_of(stat: os.stat_result) -> Stamp:
    """A file's stamp: its mtime and size, which a same-size edit can keep (a restore, `cp -p`,
    `rsync -t`, `touch -d`), and its ctime and inode, which no one can set back: any write,
    utime or replacement of the file moves them."""
    return (stat.st_mtime_ns, stat.st_size, stat.st_ctime_ns, stat.st_ino)


class IndexUnavailable(Exception):
    """The index cannot be used this time; the caller reads the files instead."""


class _Outdated(Exception):
    """The index was written by another version of newscli, schema or timezone."""


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


def meta_json(article: Summary) -> str:
    """A story's front matter as the index keeps it: JSON, its dates tagged (summary_from_row
    reads it back); the site state keeps the last published version of a story the same way."""
    return json.dumps(to_meta(article), default=_encode, ensure_ascii=False, separators=_TIGHT)


def summary_from_row(meta: str, lead: str | None, path: str, tz: ZoneInfo) -> Summary:
    """The Summary a row holds (meta_json, and its lead or None when the lead is the teaser's
    words): built as stored, or validated again if the row is not what newscli wrote (an
    older or tampered row)."""
    front = json.loads(meta, object_hook=_decode)
    if lead is None:  # the lead is the teaser's words: kept once, in the front matter
        teaser = front.get("teaser")
        lead = lead_of(teaser, "") if isinstance(teaser, str) else ""
    try:
        return summary_from_index(front, lead, PurePosixPath(path))
    except (KeyError, TypeError, ValueError, AttributeError):
        return summary_from_meta(front, lead, tz, PurePosixPath(path))


class Index:
    """The newsroom's index at .newscli/index.sqlite."""

    def __init__(self, newsroom: Newsroom):
        self.newsroom = newsroom
        self.path = newsroom.root / STATE / INDEX_NAME
        self._db: sqlite3.Connection | None = None

    # -- opening ------------------------------------------------------------------

    def _fingerprint(self) -> str:
        """What the stored rows depend on besides the files: the schema, newscli, the timezone
        (not the language: `broken` says a broken file's reason anew in each run's)."""
        return json.dumps([SCHEMA, _TABLES, __version__, self.newsroom.site.timezone])

    def _connect(self) -> sqlite3.Connection:
        try:
            state_folder(self.newsroom.root)
        except WriteError as exc:
            raise IndexUnavailable(str(exc)) from None
        if self.path.is_symlink():  # never write, nor replace, a file elsewhere
            raise IndexUnavailable(f"{self.path} is a symbolic link")
        db = sqlite3.connect(self.path, timeout=0.5, isolation_level=None)
        try:
            db.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # before WAL; a new file only
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.create_function("begins_a_word", 2, _begins_a_word, deterministic=True)
            db.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            if row is None:  # a new file (another run may be making it too: drop nothing)
                db.executescript(_TABLES)
                db.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('fingerprint', ?)", (self._fingerprint(),)
                )
            elif row[0] != self._fingerprint():
                raise _Outdated  # its rows, pages and size: start a new file
        except BaseException:
            db.close()
            raise
        return db

    def _remove(self) -> None:
        with contextlib.suppress(OSError):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def open(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        try:
            self._db = self._connect()
        except (sqlite3.DatabaseError, _Outdated):
            # Outdated, corrupt or not a database at all: it is only a cache, so start it again.
            self._remove()
            try:
                self._db = self._connect()
            except (sqlite3.Error, OSError, _Outdated) as exc:
                raise IndexUnavailable(str(exc)) from None
        except OSError as exc:
            raise IndexUnavailable(str(exc)) from None
        return self._db

    def open_read_only(self) -> sqlite3.Connection:
        """The index as it is, for a quick look that must write nothing (shell completion):
        no refresh and no file made (not even SQLite's -wal and -shm); IndexUnavailable
        when there is none, or another version of newscli wrote it."""
        if self._db is not None:
            return self._db
        try:
            if self.path.is_symlink() or not self.path.is_file():
                raise IndexUnavailable(f"{self.path} is not there")
            db = sqlite3.connect(f"{self.path.resolve().as_uri()}?immutable=1", uri=True)
        except (OSError, ValueError, sqlite3.Error) as exc:
            raise IndexUnavailable(str(exc)) from None
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        except sqlite3.Error as exc:
            db.close()
            raise IndexUnavailable(str(exc)) from None
        if row is None or row[0] != self._fingerprint():
            db.close()
            raise IndexUnavailable(f"{self.path} is another version's")
        self._db = db
        return db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def failed(self, exc: BaseException) -> None:
        """Close the index after exc; remove it when exc says that its file is damaged (a
        power cut in a build, a disk error), so that the next run starts it again: otherwise
        every run would read all the files. A locked or read-only index is kept."""
        self.close()
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if isinstance(exc, sqlite3.DatabaseError) and code in _DAMAGED:
            self._remove()

    # -- refreshing ---------------------------------------------------------------

    def _row(
        self, path: Path, rel: str, stat: os.stat_result, article: Article | None = None
    ) -> tuple[Any, ...]:
        """One article row: its front matter and search text, or the error that breaks it
        (article: what the file holds, when the caller has just written it)."""
        try:
            if article is None:
                article = self.newsroom.load(path)
        except ArticleError as exc:
            broken = (rel, stat.st_mtime_ns, stat.st_size, exc.message, exc.line)
            return (*broken, *(None,) * 12, stat.st_ctime_ns, stat.st_ino)
        return (
            rel,
            stat.st_mtime_ns,
            stat.st_size,
            None,
            None,
            meta_json(article),
            None if article.teaser is not None else article.lead,  # see summary_from_row
            article.slug,
            article.date.timestamp(),
            article.status,
            fold(article.author.strip()),
            "|" + "|".join(article.topic_keys) + "|",
            json.dumps(article.topics, ensure_ascii=False, separators=_TIGHT),
            search_words(article),
            id_key(article.id),
            None if article.expires is None else article.expires.timestamp(),
            None if article.review_by is None else article.review_by.timestamp(),
            stat.st_ctime_ns,
            stat.st_ino,
        )

    def _rows(self, work: list[tuple[str, str, os.stat_result]]) -> Iterator[tuple[Any, ...]]:
        """Rows for many files (given by their paths as strings, which cost less to send to
        a worker); a first run over a big newsroom reads them on every core."""
        from newscli import parallel  # only a big first build needs it

        processes = parallel.workers(len(work), PARALLEL_FROM)
        # Small chunks, so that no core is left with a long last one while the others wait.
        size = min(256, max(16, len(work) // (processes * 8)))
        chunks = [work[start : start + size] for start in range(0, len(work), size)]
        for rows in parallel.shared_out(self._chunk_rows, chunks, processes, ordered=True):
            yield from rows

    def _chunk_rows(self, work: list[tuple[str, str, os.stat_result]]) -> list[tuple[Any, ...]]:
        return [self._row(Path(path), rel, stat) for path, rel, stat in work]

    def refresh(self, tree: Tree, *, reread: bool = False) -> None:
        """Bring the index up to date with the files of tree (a stat walk), re-reading only
        the files whose stamp changed, or every file (reread: export --full, check)."""
        db = self.open()
        on_disk: dict[str, tuple[str, os.stat_result]] = {}
        for rel, entry in tree.files:
            try:
                on_disk[rel] = (entry.path, entry.stat())
            except OSError:
                continue
        known = {
            row[0]: row[1:]
            for row in db.execute("SELECT path, mtime_ns, size, ctime_ns, inode FROM article")
        }
        stale = sorted(  # in the order of the path indexes: SQLite appends to them
            rel for rel, (_, stat) in on_disk.items() if reread or known.get(rel) != stamp_of(stat)
        )
        gone = [rel for rel in known if rel not in on_disk]
        if not stale and not gone:
            return
        first = not known
        # For a big write, pages enough for the indexes that 100 000 rows grow (a page that
        # leaves the cache mid-write is written again); a first build without fsync (if a
        # power cut damages the new file, it is removed: see failed).
        building = [("synchronous", "OFF", "NORMAL")] if first else []
        if len(stale) >= PARALLEL_FROM:
            building.append(("cache_size", "-32768", "-2000"))
        for name, during, _ in building:
            db.execute(f"PRAGMA {name} = {during}")
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM meta WHERE key = 'topics'")  # worked out again when asked
            if first:
                db.execute("DROP INDEX IF EXISTS article_date")
            db.executemany("DELETE FROM article WHERE path = ?", [(rel,) for rel in gone])
            db.executemany(
                _UPSERT, self._rows([(on_disk[rel][0], rel, on_disk[rel][1]) for rel in stale])
            )
            db.execute(_DATE_INDEX)
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        finally:
            for name, _, after in building:
                with contextlib.suppress(sqlite3.Error):
                    db.execute(f"PRAGMA {name} = {after}")

    # -- asking -------------------------------------------------------------------

    def _where(self, filters: Filters) -> tuple[str, list[Any]]:
        clauses = ["error IS NULL"]
        params: list[Any] = []
        if filters.topics:
            keys = [topic_key(t) for t in filters.topics]
            clauses.append("(" + " OR ".join("instr(topics, ?) > 0" for _ in keys) + ")")
            params += [f"|{key}|" for key in keys]
        if filters.author:  # the row holds the author folded (see _row)
            clauses.append("begins_a_word(?, author)")
            params.append(fold(filters.author))
        if filters.status:
            clauses.append("status = ?")
            params.append(filters.status)
        if filters.since:
            clauses.append("date_ts >= ?")
            params.append(filters.since.timestamp())
        if filters.until:
            clauses.append("date_ts <= ?")
            params.append(filters.until.timestamp())
        if filters.at is not None and (filters.states or filters.review):
            now = filters.at.timestamp()
            if filters.states:
                clauses.append("(" + " OR ".join(_STATE_SQL[s] for s in filters.states) + ")")
                params += [now] * sum(_STATE_SQL[s].count("?") for s in filters.states)
            if filters.review:
                clauses.append("review_ts <= ?")
                params.append(now)
        if filters.search:
            for word in fold(filters.search).split():
                clauses.append("instr(haystack, ?) > 0")
                params.append(word)
        return " AND ".join(clauses), params

    def _select(self, column: str, filters: Filters, limit: int | None) -> list[Any]:
        where, params = self._where(filters)
        sql = f"SELECT {column} FROM article WHERE {where} ORDER BY date_ts DESC, path"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self.open().execute(sql, params).fetchall()

    def count(self, filters: Filters) -> int:
        where, params = self._where(filters)
        row = self.open().execute(f"SELECT count(*) FROM article WHERE {where}", params).fetchone()
        return int(row[0])

    def _summary(self, meta: str, lead: str | None, path: str) -> Summary:
        return summary_from_row(meta, lead, path, self.newsroom.site.tz)

    def stored(self, paths: Sequence[str]) -> dict[str, tuple[Stamp, Summary]]:
        """What the index holds of these files (not broken ones), with the stamp it read each
        at, without looking at the files: the caller compares the stamps."""
        db = self.open()
        found: dict[str, tuple[Stamp, Summary]] = {}
        wanted = list(paths)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for path, mtime_ns, size, ctime_ns, inode, meta, lead in db.execute(
                "SELECT path, mtime_ns, size, ctime_ns, inode, meta, lead FROM article "
                f"WHERE error IS NULL AND path IN ({marks})",
                chunk,
            ):
                found[path] = ((mtime_ns, size, ctime_ns, inode), self._summary(meta, lead, path))
        return found

    def summaries(self, filters: Filters, limit: int | None = None) -> list[Summary]:
        """Matching articles newest first, as the file scan would give them (without bodies)."""
        return [
            self._summary(meta, lead, path)
            for path, meta, lead in self._select("path, meta, lead", filters, limit)
        ]

    def kept(self) -> list[Summary]:
        """The last good version of each file that is broken now, where one was seen."""
        rows = self.open().execute(
            "SELECT path, meta, lead FROM article WHERE error IS NOT NULL AND meta IS NOT NULL "
            "ORDER BY date_ts DESC, path"
        )
        return [self._summary(meta, lead, path) for path, meta, lead in rows]

    def paths(self, filters: Filters, limit: int | None = None) -> list[str]:
        """Newsroom-relative paths as strings: a path object for each of 100 000 rows would
        cost more than the query."""
        return [path for (path,) in self._select("path", filters, limit)]

    def broken(self) -> list[ArticleError]:
        """The broken files and why, in this run's language: each is read again (they are
        few, and the stored reason is in the language of the run that stored it)."""
        db = self.open()
        problems = []
        for path, message, line in db.execute(
            "SELECT path, error, error_line FROM article WHERE error IS NOT NULL ORDER BY path"
        ):
            try:
                self.newsroom.load(self.newsroom.root / path)
            except ArticleError as exc:
                problems.append(exc)
                continue
            problems.append(ArticleError(message, PurePosixPath(path), line))
        return problems

    def topics(self) -> Topics:
        """Every topic with its name and counts, kept in the index between runs (worked out
        again only after the files changed), so that naming topics costs no scan."""
        db = self.open()
        row = db.execute("SELECT value FROM meta WHERE key = 'topics'").fetchone()
        if row is not None:
            return Topics(
                Topic(key, name, tuple(spellings), articles, published)
                for key, name, spellings, articles, published in json.loads(row[0])
            )
        # Each spelling with how many articles (and published ones) use it, counted by SQLite.
        rows = db.execute(
            "SELECT value, count(*), sum(status = 'published') FROM article, "
            "json_each(article.topic_names) WHERE error IS NULL GROUP BY value"
        )
        found = Topics.counted((name, articles, published) for name, articles, published in rows)
        cached = [[t.key, t.name, list(t.spellings), t.articles, t.published] for t in found]
        with contextlib.suppress(sqlite3.Error):  # a read-only index still answers
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES ('topics', ?)",
                (json.dumps(cached, ensure_ascii=False),),
            )
        return found

    def ids(self, filters: Filters) -> list[tuple[str, str]]:
        """(id, path) of the matching articles whose ids are one id (as a feed guid: a UUID
        whatever its case or hyphens); SQLite finds them, so only those rows reach Python."""
        where, params = self._where(filters)
        sql = (
            f"SELECT json_extract(meta, '$.id'), path FROM article WHERE {where} AND id_key IN "
            f"(SELECT id_key FROM article WHERE {where} GROUP BY id_key HAVING count(*) > 1)"
        )
        return [(i, p) for i, p in self.open().execute(sql, params + params).fetchall()]

    def topic_uses(self) -> list[TopicUse]:
        return [
            TopicUse(PurePosixPath(path), tuple(json.loads(names)), status == "published")
            for path, names, status in self.open().execute(
                "SELECT path, topic_names, status FROM article WHERE error IS NULL ORDER BY path"
            )
        ]

    def ref_candidates(self, slug_prefix: str, id_prefixes: Sequence[str]) -> list[Summary]:
        """The stories a REF may name, newest first: those whose slug begins with slug_prefix
        or whose id key begins with one of id_prefixes (SQL narrows, at most REF_ROWS of
        them, the slug itself first; catalog.ref_matches decides)."""
        clauses = ["slug LIKE ? || '%' ESCAPE '\\'"] if slug_prefix else []
        params = [_like(slug_prefix)] if slug_prefix else []
        for prefix in id_prefixes:
            clauses.append("id_key LIKE ? || '%' ESCAPE '\\'")
            params.append(_like(prefix))
        if not clauses:
            return []
        sql = (
            f"SELECT path, meta, lead FROM article WHERE error IS NULL AND ({' OR '.join(clauses)}) "
            f"ORDER BY slug = ? DESC, date_ts DESC, path LIMIT {REF_ROWS}"
        )
        rows = self.open().execute(sql, [*params, slug_prefix]).fetchall()
        return [self._summary(meta, lead, path) for path, meta, lead in rows]

    def slugs_beginning(self, prefix: str, limit: int) -> list[tuple[str, str]]:
        """(slug, title) of the newest stories whose slug begins with prefix."""
        sql = (
            "SELECT slug, json_extract(meta, '$.title') FROM article WHERE error IS NULL "
            f"AND slug LIKE ? || '%' ESCAPE '\\' ORDER BY date_ts DESC, path LIMIT {int(limit)}"
        )
        return [(slug, title or "") for slug, title in self.open().execute(sql, (_like(prefix),))]

    def authors(self) -> list[str]:
        """Every author as written, most stories first."""
        sql = (
            "SELECT json_extract(meta, '$.author') AS name FROM article WHERE error IS NULL "
            "AND name != '' GROUP BY name ORDER BY count(*) DESC, name"
        )
        return [name for (name,) in self.open().execute(sql) if isinstance(name, str)]

    def names(self) -> list[tuple[str, str]]:
        """(slug, title) of every story, newest first: what "did you mean …" chooses from."""
        return [
            (slug, title or "")
            for slug, title in self.open().execute(
                "SELECT slug, json_extract(meta, '$.title') FROM article WHERE error IS NULL "
                "ORDER BY date_ts DESC, path"
            )
        ]

    def has_rows(self) -> bool:
        """True once the index has been built (it may be behind the files)."""
        if not self.path.is_file():
            return False
        return self.open().execute("SELECT 1 FROM article LIMIT 1").fetchone() is not None

    def slugs(self, base: str) -> set[str]:
        """The slugs in use that a new article with slug base could clash with (base itself
        and base-N): in front matter, and as file names. SQLite answers without Python
        looking at every row."""
        escaped = _like(base)
        sql = (
            "SELECT slug, path FROM article WHERE slug = ?1 OR slug LIKE ?2 || '-%' ESCAPE '\\' "
            "OR path LIKE '%/' || ?2 || '.md' ESCAPE '\\' "
            "OR path LIKE '%/' || ?2 || '-%.md' ESCAPE '\\'"
        )
        rows = self.open().execute(sql, (base, escaped)).fetchall()
        names = {path.rsplit("/", 1)[-1].removesuffix(".md") for _, path in rows}
        return {slug for slug, _ in rows if slug} | names

    # -- files newscli has written itself -------------------------------------------

    def update_files(self, written: Sequence[tuple[Path, os.stat_result, Article]]) -> None:
        """Store the rows of files newscli has just written (each with the status of the
        bytes it wrote, taken before their rename, and the article they hold), so that the
        next refresh does not read them again. The rows are made by _row, as a refresh
        would make them, from the articles given instead of the files."""
        rows = [
            self._row(
                path, self.newsroom.relative(path).as_posix(), _as_renamed(path, stat), article
            )
            for path, stat, article in written
        ]
        db = self.open()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM meta WHERE key = 'topics'")  # worked out again when asked
            db.executemany(_UPSERT, rows)
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise


def _as_renamed(path: Path, written: os.stat_result) -> os.stat_result:
    """The status of a file newscli wrote, with the ctime its own chmod and rename gave it:
    the file's status now while it is still those bytes (same inode, mtime and size), else
    the status they were written with (the next refresh reads the file again)."""
    try:
        now = path.stat()
    except OSError:
        return written
    same = (now.st_ino, now.st_mtime_ns, now.st_size)
    return now if same == (written.st_ino, written.st_mtime_ns, written.st_size) else written


def _begins_a_word(typed: str, text: str | None) -> bool:
    """query.begins_a_word for SQLite, which may ask it of a row without an author."""
    return text is not None and begins_a_word(typed, text)


def _like(text: str) -> str:
    """text for a LIKE pattern with ESCAPE '\\': its own % and _ mean themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def id_key(article_id: str) -> str:
    """An id as feeds tell ids apart: a UUID in any spelling is the same id."""
    try:
        return uuid.UUID(article_id).hex
    except ValueError:
        return article_id
