"""Bulk topic changes: add, remove, rename and merge as pure functions, the choice of files,
and a safe runner.

A session holds the newsroom's lock; the runner re-reads every file just before it changes it, rewrites
only the `topics` key (keeping comments and every other line), and replaces each file
atomically, so a run that is interrupted leaves every file old or new and can simply be run
again to finish the job.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from newscli import frontmatter, lock, personal
from newscli.article import Article, ArticleEdit, Rewrite
from newscli.catalog import Answer, Catalog
from newscli.errors import ArticleError, NewsError, UsageError, WriteError
from newscli.files import ChangedOnDisk, fsync_folder
from newscli.i18n import _
from newscli.lock import NewsroomLock
from newscli.newsroom import Newsroom, article_of, decode, parse_article_parts
from newscli.query import Filters
from newscli.topics import Topics, clean_topic, topic_key

TopicEdit = Callable[[Sequence[str]], list[str]]
# Files a run changes at a time (see run_edit).
WRITERS = 8


def topic_edit(edit: TopicEdit) -> ArticleEdit:
    """A topic edit as an edit of the article's `topics` key."""

    def apply(article: Article) -> Rewrite | None:
        after = edit(article.topics)
        if after == list(article.topics):
            return None
        return Rewrite({"topics": after}, article.topics, tuple(after))

    return apply


def _cleaned(topics: Iterable[str]) -> list[str]:
    result = [clean_topic(t) for t in topics]
    if not all(result):
        raise UsageError(_("a topic cannot be empty"))
    return result


def adding(new: Iterable[str]) -> TopicEdit:
    """Append each topic the article does not have yet, in the spelling given."""
    wanted = _cleaned(new)

    def edit(topics: Sequence[str]) -> list[str]:
        result = list(topics)
        keys = {topic_key(t) for t in result}
        for topic in wanted:
            if topic_key(topic) not in keys:
                keys.add(topic_key(topic))
                result.append(topic)
        return result

    return edit


def removing(old: Iterable[str]) -> TopicEdit:
    """Drop every spelling of the given topics."""
    keys = {topic_key(t) for t in _cleaned(old)}
    return lambda topics: [t for t in topics if topic_key(t) not in keys]


def merging(sources: Iterable[str], into: str) -> TopicEdit:
    """Replace any of sources (and any spelling of into) by into, where the first one stood."""
    target = _cleaned([into])[0]
    keys = {topic_key(t) for t in _cleaned(sources)} | {topic_key(target)}

    def edit(topics: Sequence[str]) -> list[str]:
        result: list[str] = []
        placed = False
        for topic in topics:
            if topic_key(topic) in keys:
                if not placed:
                    result.append(target)
                    placed = True
            else:
                result.append(topic)
        return result

    return edit


def renaming(old: str, new: str) -> TopicEdit:
    """Rename a topic; renaming onto a topic the article already has merges the two."""
    return merging([old], new)


# -- the runner -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """A file a run rewrote: where, the status of the bytes written and the article they
    hold, so that the index can take its row without reading the file again."""

    path: Path
    stat: os.stat_result
    article: Article


@dataclass(frozen=True)
class Change:
    path: PurePosixPath
    before: tuple[str, ...]
    after: tuple[str, ...]
    written: Written | None = field(default=None, compare=False, repr=False)


@dataclass
class Report:
    """What a bulk run did (or, with dry_run, would do), file by file."""

    dry_run: bool = False
    changed: list[Change] = field(default_factory=list)
    unchanged: list[PurePosixPath] = field(default_factory=list)
    skipped: list[NewsError] = field(default_factory=list)

    def written(self) -> list[tuple[Path, os.stat_result, Article]]:
        """The files the run wrote, for the index (see Catalog.written)."""
        return [
            (c.written.path, c.written.stat, c.written.article)
            for c in self.changed
            if c.written is not None
        ]

    def record(self, path: PurePosixPath, outcome: Change | NewsError | None) -> None:
        if isinstance(outcome, Change):
            self.changed.append(outcome)
        elif isinstance(outcome, NewsError):
            self.skipped.append(outcome)
        else:
            self.unchanged.append(path)


def rewrite(
    text: str,
    path: PurePosixPath,
    values: dict[str, Any],
    parsed: tuple[dict[str, Any], frontmatter.Split] | None = None,
) -> str:
    """The file text with only the keys in values changed: every other line, every comment
    and the body kept (see frontmatter.set_key). parsed: the text's front matter and split,
    when the caller has them already."""
    if parsed is None:
        meta, _body, parts = frontmatter.parse(text)
    else:
        meta, parts = parsed
    body = parts.body
    new = text
    try:
        for number, (key, value) in enumerate(values.items()):
            if number:  # each key is set in the text the one before it left
                meta, _body, parts = frontmatter.parse(new)
            new = frontmatter.set_key(parts, meta, key, value)
    except frontmatter.FrontMatterError as exc:
        raise ArticleError(not_changed(exc.message), path, exc.line) from None
    if frontmatter.split(new).body != body:
        raise ArticleError(_("refusing a rewrite that would change the body"), path)
    return new


def not_changed(problem: str) -> str:
    """Why a file was left as it was."""
    return _("not changed: {problem}").format(problem=problem)


def rewrite_topics(
    text: str,
    path: PurePosixPath,
    topics: list[str],
    parsed: tuple[dict[str, Any], frontmatter.Split] | None = None,
) -> str:
    """The file text with only its topics changed (see rewrite)."""
    return rewrite(text, path, {"topics": topics}, parsed)


class _Folders:
    """The folders one run writes in, each fsynced once, when the run ends (see run)."""

    def __init__(self) -> None:
        self.written: dict[Path, None] = {}

    def target(self, path: Path) -> Path:
        """The file Newsroom.rewrite replaces for path: a symlink's target."""
        return path.resolve() if path.is_symlink() else path

    def sync(self) -> None:
        for folder in self.written:
            fsync_folder(folder)


def _change_file(
    newsroom: Newsroom,
    path: Path,
    rel: PurePosixPath,
    edit: ArticleEdit,
    dry_run: bool,
    folders: _Folders,
) -> Change | NewsError | None:
    """Apply edit to one file; None when it is already as wanted, the error when the file
    is left as it was."""
    try:
        for _attempt in range(5):
            data = newsroom.read_bytes(path)
            text = decode(data, rel)
            article, meta, parts = parse_article_parts(text, newsroom.site, rel)
            wanted = edit(article)
            if wanted is None:
                return None
            # set_key makes sure the new text parses to exactly this front matter.
            new_text = rewrite(text, rel, wanted.values, (meta, parts))
            try:  # never write a file that would not read back as an article (101 topics, say)
                edited = article_of({**meta, **wanted.values}, parts, newsroom.site, rel)
            except ArticleError as exc:
                raise ArticleError(not_changed(exc.message), rel, exc.line) from None
            if edited.published and not article.published:  # a door that makes it public
                personal.refuse_publishing(new_text, edited.extra, rel)
            if dry_run:
                return Change(rel, wanted.before, wanted.after)
            target = folders.target(path)
            try:  # someone (an editor, not newscli) may have saved meanwhile: then again
                status, _article = newsroom.rewrite(
                    path, new_text, before=data, reads_as=edited, sync_folder=False
                )
            except ChangedOnDisk:
                time.sleep(0.01)
                continue
            folders.written[target.parent] = None
            return Change(rel, wanted.before, wanted.after, Written(path, status, edited))
        raise WriteError(_("the file keeps changing on disk; not changed"), rel)
    except NewsError as exc:
        return exc


def run(
    newsroom: Newsroom, paths: Iterable[Path], edit: TopicEdit, *, dry_run: bool = False
) -> Generator[tuple[PurePosixPath, Change | NewsError | None], None, None]:
    """Apply a topic edit to each file (see run_edit)."""
    return run_edit(newsroom, paths, topic_edit(edit), dry_run=dry_run)


def run_edit(
    newsroom: Newsroom, paths: Iterable[Path], edit: ArticleEdit, *, dry_run: bool = False
) -> Generator[tuple[PurePosixPath, Change | NewsError | None], None, None]:
    """Apply edit to each file and yield what happened to it, one file at a time, in the
    order of paths.

    A file that is broken, refused or cannot be written is yielded with its error and left
    as it was; the run goes on with the next file.

    Each file's new bytes are fsynced before the rename that puts them in its place, so
    after a power loss its folder names a whole file, old or new, never a torn one. The
    folders themselves are fsynced once each, when the run ends (or stops): that fsync only
    decides whether the renames survive a power loss, so putting it off can undo some of
    them (those files are old and whole: run the command again) but never tear a file; and
    the caller hears that the run is over only after it.

    WRITERS files are changed at a time, each in a thread of its own under the run's lock:
    the fsyncs, which are most of a run, overlap (on the benchmark's disk eight at a time
    took about a tenth of the time of one after another). Interrupted (Ctrl+C), the files
    already being changed are finished before the run stops, and yielded first when the
    interruption comes while the run waits for them (where it spends its time).
    """
    folders = _Folders()
    if dry_run:
        try:
            for path in paths:
                rel = newsroom.relative(path)
                yield rel, _change_file(newsroom, path, rel, edit, dry_run, folders)
        finally:
            folders.sync()
        return
    pool = ThreadPoolExecutor(WRITERS, thread_name_prefix="newscli-tag")
    running: deque[tuple[PurePosixPath, Future[Change | NewsError | None]]] = deque()

    def change(path: Path, rel: PurePosixPath) -> Change | NewsError | None:
        with lock.shared(newsroom.root):
            return _change_file(newsroom, path, rel, edit, dry_run, folders)

    try:
        # The run's lock (nested in a session's), which the writers share.
        with NewsroomLock(newsroom.root):
            try:
                for path in paths:
                    rel = newsroom.relative(path)
                    running.append((rel, pool.submit(change, path, rel)))
                    if len(running) >= WRITERS:
                        yield _first_done(running)
                while running:
                    yield _first_done(running)
            except KeyboardInterrupt:
                # What is being written is finished, and said, before the run stops.
                for rel, done in running:
                    if not done.cancel():
                        yield rel, done.result()
                raise
            finally:  # no write outlives the run's lock
                pool.shutdown(wait=True, cancel_futures=True)
    finally:
        folders.sync()


def _first_done(
    running: deque[tuple[PurePosixPath, Future[Change | NewsError | None]]],
) -> tuple[PurePosixPath, Change | NewsError | None]:
    """The first file's outcome, once it is there (it stays in running until then)."""
    rel, done = running[0]
    outcome = done.result()
    running.popleft()
    return rel, outcome


@contextlib.contextmanager
def session(newsroom: Newsroom, wait: Callable[[], None] | None = None) -> Iterator[Catalog]:
    """The newsroom locked for one bulk change (wait is called once if another run holds
    it), and a catalog to choose the files from."""
    with NewsroomLock(newsroom.root, wait=wait), Catalog(newsroom) as catalog:
        catalog.clean_leftovers()
        yield catalog


def require_topics(names: Sequence[str], topics: Topics, done_as: str | None = None) -> None:
    """NewsError naming a topic no article has, with near matches as suggestions.

    With done_as (the target of a rename or merge): when none of the names is left but
    done_as is there, the job was done before and running it again is no error.
    """
    missing = [name for name in names if name not in topics]
    if done_as is not None and len(missing) == len(names) and done_as in topics:
        return
    for name in missing:
        close = topics.suggest(name)
        if close:
            raise NewsError(
                _("no story has the topic {topic}; did you mean {suggestions}?").format(
                    topic=repr(name), suggestions=" {} ".format(_("or")).join(close)
                )
            )
        raise NewsError(_("no story has the topic {topic}").format(topic=repr(name)))


def choose(
    catalog: Catalog,
    filters: Filters,
    refs: Sequence[str] | None,
    everything: bool,
    must_exist: Sequence[str] = (),
) -> Answer[Path]:
    """The files `tag add|remove` change: a selection, after making sure that the topics to
    remove exist somewhere."""
    if must_exist:
        topics, _broken = catalog.topics()
        require_topics(must_exist, topics)
    return catalog.select(filters, refs, everything)


def choose_across(catalog: Catalog, sources: Sequence[str], into: str) -> Answer[Path]:
    """The files `tag rename|merge` change: every article with any of the sources (by path,
    chosen by the index: no file is read and only their rows reach Python)."""
    topics, _broken = catalog.topics()
    require_topics(sources, topics, done_as=into)
    found = catalog.paths(Filters(topics=tuple(clean_topic(name) for name in sources)))
    root = catalog.newsroom.root
    return Answer([root / path for path in sorted(found.items)], found.total, found.broken)
