"""What the last export of the site into one output folder was made from: the site's
dependency map, so that the next export renders only the pages a change shows on.

Kept in `.newscli/site-<folder>.sqlite`, a cache like the index: a missing, stale, locked
or corrupt state costs one full build, never a wrong page. It holds

- per story file: its stamp (mtime, size, ctime and inode), its *shape* (everything that
  decides which pages show it, in which order and under which names) and its address on the site;
- per listing page and feed: how to render it again (a `Spec`: its kind, place in its list
  and the stories it shows), and which stories each shows (`shows`, the dependency map);
- per page: the key of everything it was rendered from, its size and the files it links to;
- the files stories link to, with their stamps; the topics; the warnings of the last build;
  the moment the site next changes by itself (an embargo ending);
- per story on the site: the version of it the site shows (its front matter and lead, as
  the index keeps them), so that a story held back later (its file broken, or holding an
  identity number) stays on every listing, feed and the sitemap as the site last showed it.

Any change the map cannot follow — a story added or removed, a changed shape, a broken
file, a changed template or setting, a linked file changed, that moment passed — makes the
next export a full build, which writes the whole state again. The state is marked
incomplete before an export writes its first page and complete when it has finished, so
the page records of an export that was killed half-way are never trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from newscli.article import Summary
from newscli.catalog import Public
from newscli.checks import clean_versions
from newscli.errors import NewsError
from newscli.export.output import PageRecord
from newscli.index import meta_json, stamp_of, summary_from_row
from newscli.newsroom import state_folder
from newscli.query import matches, newest_first, publishable
from newscli.topics import Topic, Topics

# 2: the published table
STATE_FORMAT = 2

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS story (
    path TEXT PRIMARY KEY, site TEXT NOT NULL, stamp TEXT NOT NULL, shape TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS story_site ON story (site);
CREATE TABLE IF NOT EXISTS spec (rel TEXT PRIMARY KEY, spec TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shows (site TEXT NOT NULL, rel TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS shows_site ON shows (site);
CREATE TABLE IF NOT EXISTS page (
    rel TEXT PRIMARY KEY, key TEXT NOT NULL, size INTEGER NOT NULL,
    assets TEXT NOT NULL, missing TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS asset (src TEXT PRIMARY KEY, stamp TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS published (path TEXT PRIMARY KEY, meta TEXT NOT NULL, lead TEXT);
"""


@dataclass(frozen=True)
class Spec:
    """How to render a listing page or a feed again without the site map.

    kind is "front", "topic" or "month" for pages, "feed" for feeds; stories are the site
    addresses of the stories it shows, in order.
    """

    kind: str
    path: str
    stories: tuple[str, ...]
    number: int = 0
    count: int = 0
    newer: str | None = None
    older: str | None = None
    topic: str | None = None  # a topic's key
    year: int = 0
    month: int = 0
    feed: str = ""  # the feed's kind: rss, atom, json

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Spec:
        data = json.loads(text)
        data["stories"] = tuple(data["stories"])
        return cls(**data)


@dataclass(frozen=True)
class StoryRow:
    """A story file as the last export saw it; site is "" for a file not on the site."""

    site: str
    stamp: str
    shape: str


@dataclass
class Snapshot:
    """Everything a full build tells the state, written in one transaction at its end."""

    build: str
    manifest: str
    stories: dict[str, StoryRow] = field(default_factory=dict)
    specs: dict[str, Spec] = field(default_factory=dict)
    pages: dict[str, PageRecord] = field(default_factory=dict)
    assets: dict[str, str] = field(default_factory=dict)
    topics: list[Topic] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (story file or "", text)
    # Every story the site shows, as it shows it, by file.
    published: dict[str, Summary] = field(default_factory=dict)
    next_change: float | None = None
    counts: tuple[int, int, int, int] = (0, 0, 0, 0)  # stories, topics, pages, files
    # False when the build met broken files: the next export is a full one again.
    followable: bool = True


def in_place_of_held(
    public: Public,
    stories: list[Summary],
    held: Collection[str],
    last: Mapping[str, Summary] | None,
) -> tuple[list[Summary], list[Summary]]:
    """What the site (or a feed beside it) shows of stories, newest first, when the
    stories in held (files holding an identity number) and the broken files are held back,
    and which versions it shows in their place: each at the version the site last showed
    of it (last, from the state), if that version is still public, chosen by public's
    filters and clean; one it never showed stays off. Without a record (last None) a
    broken file's last good version as the index last read it stands in, if clean."""
    if last is None:
        versions = public.kept
        held = {*held, *(str(story.path) for story in public.kept)}
    else:
        versions = publishable(list(last.values()), public.now)
        versions = [story for story in versions if matches(story, public.filters)]
        held = {*held, *(story.path for story in public.held)}
    if not held:
        return stories, []
    kept = clean_versions(versions)
    shown = [story for story in stories if str(story.path) not in held]
    return newest_first([*shown, *kept]), kept


def last_published_in(
    newsroom_root: Path, output: Path, paths: Iterable[str], tz: ZoneInfo
) -> dict[str, Summary] | None:
    """SiteState.last_published of the site an earlier export left in output, for an
    export beside it (a feed of `newscli build`); None when there is no readable record."""
    try:
        state = SiteState(newsroom_root, output)
        if not state.path.is_file():
            return None
        try:
            return state.last_published(paths, tz)
        finally:
            state.close()
    except (sqlite3.Error, OSError, NewsError, ValueError):
        return None


def file_stamp(stat: os.stat_result) -> str:
    """What tells that a file changed without reading it (index.stamp_of), as text."""
    return ":".join(map(str, stamp_of(stat)))


def shape_of(*parts: object) -> str:
    """A short key of what decides where a story is shown (see SiteBuilder.shape)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


class SiteState:
    """The state of one output folder's site; every method raises sqlite3.Error or OSError
    when the state cannot be used, and the export then builds the whole site."""

    def __init__(self, newsroom_root: Path, output: Path):
        digest = hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]
        self.path = state_folder(newsroom_root) / f"site-{digest}.sqlite"
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            db = sqlite3.connect(self.path, timeout=0.5, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(_TABLES)
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- reading ------------------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """The small facts (not the topics and warnings, which can be big)."""
        return dict(
            self.db.execute("SELECT key, value FROM meta WHERE key NOT IN ('topics', 'warnings')")
        )

    def _value(self, key: str, default: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else str(row[0])

    def usable(self, build: str, manifest: str) -> bool:
        """True when the state describes the output folder as it is: the same build, a
        finished export, and the folder's record the one that export left."""
        meta = self.meta()
        return (
            meta.get("format") == str(STATE_FORMAT)
            and meta.get("complete") == "1"
            and meta.get("followable") == "1"
            and meta.get("build") == build
            and meta.get("manifest") == manifest
        )

    def pages(self, build: str) -> PageRecords:
        """The page records, when they can be trusted for this build (else none)."""
        meta = self.meta()
        if meta.get("complete") != "1" or meta.get("build") != build:
            return PageRecords(None)
        return PageRecords(self.db)

    def stamps(self) -> dict[str, str]:
        """Every story file's stamp as the last export saw it."""
        return dict(self.db.execute("SELECT path, stamp FROM story"))

    def stories(self, paths: Iterable[str]) -> dict[str, StoryRow]:
        """These story files as the last export saw them."""
        found = {}
        for path in paths:
            row = self.db.execute(
                "SELECT site, stamp, shape FROM story WHERE path = ?", (path,)
            ).fetchone()
            if row is not None:
                found[path] = StoryRow(*row)
        return found

    def story_sites(self) -> list[str]:
        """Where every story on the site is (its folder), as the last whole build placed them."""
        rows = self.db.execute("SELECT site FROM story WHERE site != '' ORDER BY site")
        return [site for (site,) in rows]

    def sites(self, sites: Iterable[str]) -> dict[str, str]:
        """The files of the stories at these addresses on the site."""
        found = {}
        for site in sites:
            row = self.db.execute("SELECT path FROM story WHERE site = ?", (site,)).fetchone()
            if row is not None:
                found[site] = row[0]
        return found

    def assets(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT src, stamp FROM asset"))

    def specs_showing(self, sites: Iterable[str]) -> dict[str, Spec]:
        """The listing pages and feeds that show any of these stories, by rel."""
        found: dict[str, Spec] = {}
        for site in sites:
            for rel, text in self.db.execute(
                "SELECT spec.rel, spec.spec FROM shows JOIN spec ON spec.rel = shows.rel "
                "WHERE shows.site = ?",
                (site,),
            ):
                if rel not in found:
                    found[rel] = Spec.from_json(text)
        return found

    def topics(self) -> Topics:
        text = self._value("topics", "[]")
        return Topics(
            Topic(key, name, tuple(spellings), articles, published)
            for key, name, spellings, articles, published in json.loads(text)
        )

    def warnings(self) -> list[tuple[str, str]]:
        return [(str(path), str(text)) for path, text in json.loads(self._value("warnings", "[]"))]

    def last_published(self, paths: Iterable[str], tz: ZoneInfo) -> dict[str, Summary] | None:
        """The version of each of these story files the site last showed, where it showed
        one; None when the state holds no record of an export (a new folder, or one kept by
        an older newscli): then no one knows what the site showed."""
        if self.meta().get("format") != str(STATE_FORMAT):
            return None
        found = {}
        for path in paths:
            row = self.db.execute(
                "SELECT meta, lead FROM published WHERE path = ?", (path,)
            ).fetchone()
            if row is not None:
                found[path] = summary_from_row(row[0], row[1], path, tz)
        return found

    # -- writing ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def start(self) -> None:
        """Before an export writes anything: until it finishes, nothing here is trusted."""
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('complete', '0')")

    def save(self, snapshot: Snapshot) -> None:
        """Replace the whole state with what a full build found."""
        with self._transaction() as db:
            for table in ("meta", "story", "spec", "shows", "page", "asset", "published"):
                db.execute(f"DELETE FROM {table}")
            db.executemany(
                "INSERT INTO story VALUES (?, ?, ?, ?)",
                [(path, s.site, s.stamp, s.shape) for path, s in snapshot.stories.items()],
            )
            db.executemany(
                "INSERT INTO spec VALUES (?, ?)",
                [(rel, spec.to_json()) for rel, spec in snapshot.specs.items()],
            )
            db.executemany(
                "INSERT INTO shows VALUES (?, ?)",
                [(site, rel) for rel, spec in snapshot.specs.items() for site in spec.stories],
            )
            self._put_pages(db, snapshot.pages)
            db.executemany("INSERT INTO asset VALUES (?, ?)", list(snapshot.assets.items()))
            self._put_published(db, snapshot.published)
            topics = [
                (t.key, t.name, list(t.spellings), t.articles, t.published) for t in snapshot.topics
            ]
            self._put_meta(
                db,
                format=str(STATE_FORMAT),
                build=snapshot.build,
                topics=json.dumps(topics, ensure_ascii=False),
                next_change="" if snapshot.next_change is None else repr(snapshot.next_change),
                counts=json.dumps(snapshot.counts),
                followable="1" if snapshot.followable else "0",
            )
            self._finish(db, snapshot.manifest, snapshot.warnings)

    def update(
        self,
        manifest: str,
        stories: Mapping[str, StoryRow],
        pages: Mapping[str, PageRecord],
        assets: Mapping[str, str],
        warnings: list[tuple[str, str]],
        published: Mapping[str, Summary],
    ) -> None:
        """After an export that followed a few changes: their stamps, pages, warnings and
        the versions of them the site shows now."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE story SET stamp = ?, shape = ? WHERE path = ?",
                [(s.stamp, s.shape, path) for path, s in stories.items()],
            )
            self._put_pages(db, pages)
            db.executemany("INSERT OR REPLACE INTO asset VALUES (?, ?)", list(assets.items()))
            self._put_published(db, published)
            self._finish(db, manifest, warnings)

    @staticmethod
    def _put_pages(db: sqlite3.Connection, pages: Mapping[str, PageRecord]) -> None:
        db.executemany(
            "INSERT OR REPLACE INTO page VALUES (?, ?, ?, ?, ?)",
            [
                (rel, p.key, p.size, json.dumps(p.assets), json.dumps(p.missing))
                for rel, p in pages.items()
            ],
        )

    @staticmethod
    def _put_published(db: sqlite3.Connection, published: Mapping[str, Summary]) -> None:
        db.executemany(  # one row at a time: 100 000 stories' front matter never at once
            "INSERT OR REPLACE INTO published VALUES (?, ?, ?)",
            (
                (path, meta_json(story), None if story.teaser is not None else story.lead)
                for path, story in published.items()
            ),
        )

    @staticmethod
    def _put_meta(db: sqlite3.Connection, **values: str) -> None:
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(values.items()))

    def _finish(
        self, db: sqlite3.Connection, manifest: str, warnings: list[tuple[str, str]]
    ) -> None:
        self._put_meta(
            db,
            manifest=manifest,
            warnings=json.dumps(warnings, ensure_ascii=False),
            complete="1",
        )


class PageRecords:
    """The last export's record of each page, read from the state one page at a time (a
    re-publish asks for a few of 100 000), or all at once for a full build."""

    def __init__(self, db: sqlite3.Connection | None):
        self._db = db
        self._all: dict[str, PageRecord] | None = None if db is not None else {}

    def get(self, rel: str) -> PageRecord | None:
        if self._all is not None:
            return self._all.get(rel)
        assert self._db is not None
        row = self._db.execute(
            "SELECT key, size, assets, missing FROM page WHERE rel = ?", (rel,)
        ).fetchone()
        return None if row is None else _record(*row)

    def load_all(self) -> None:
        """Read every record at once: a full build asks for each of them."""
        if self._all is None:
            assert self._db is not None
            self._all = {
                rel: _record(key, size, assets, missing)
                for rel, key, size, assets, missing in self._db.execute(
                    "SELECT rel, key, size, assets, missing FROM page"
                )
            }

    def drop(self) -> None:
        """A full build has decided every page: let a big site's old records go."""
        self._all = {}
        self._db = None


def _record(key: Any, size: Any, assets: Any, missing: Any) -> PageRecord:
    return PageRecord(str(key), int(size), tuple(json.loads(assets)), tuple(json.loads(missing)))
