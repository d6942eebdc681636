"""Bulk topic changes: add, remove, rename and merge as pure functions, the choice of files,
and a safe runner.

A session holds the newsroom's lock; the runner re-reads every file just before it changes it, rewrites
only the `topics` key (keeping comments and every other line), and replaces each file
atomically, so a run that is interrupted leaves every file old or new and can simply be run
again to finish the job.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from newscli import frontmatter
from newscli.catalog import Answer, Catalog
from newscli.errors import ArticleError, NewsError, UsageError, WriteError
from newscli.lock import NewsroomLock
from newscli.newsroom import Newsroom, article_of, decode, parse_article_parts, write_atomic
from newscli.query import Filters
from newscli.topics import Topics, clean_topic, topic_key

TopicEdit = Callable[[Sequence[str]], list[str]]


def _cleaned(topics: Iterable[str]) -> list[str]:
    result = [clean_topic(t) for t in topics]
    if not all(result):
        raise UsageError("a topic cannot be empty")
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
class Change:
    path: PurePosixPath
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass
class Report:
    """What a bulk run did (or, with dry_run, would do), file by file."""

    dry_run: bool = False
    changed: list[Change] = field(default_factory=list)
    unchanged: list[PurePosixPath] = field(default_factory=list)
    skipped: list[NewsError] = field(default_factory=list)

    def record(self, path: PurePosixPath, outcome: Change | NewsError | None) -> None:
        if isinstance(outcome, Change):
            self.changed.append(outcome)
        elif isinstance(outcome, NewsError):
            self.skipped.append(outcome)
        else:
            self.unchanged.append(path)


def rewrite_topics(
    text: str,
    path: PurePosixPath,
    topics: list[str],
    parsed: tuple[dict[str, Any], frontmatter.Split] | None = None,
) -> str:
    """The file text with only its topics changed: every other line, every comment and the
    body kept (see frontmatter.set_key). parsed: the text's front matter and split, when
    the caller has them already."""
    if parsed is None:
        meta, _, parts = frontmatter.parse(text)
    else:
        meta, parts = parsed
    try:
        new = frontmatter.set_key(parts, meta, "topics", topics)
    except frontmatter.FrontMatterError as exc:
        raise ArticleError(f"not changed: {exc.message}", path, exc.line) from None
    if frontmatter.split(new).body != parts.body:
        raise ArticleError("refusing a rewrite that would change the body", path)
    return new


def _change_file(newsroom: Newsroom, path: Path, edit: TopicEdit, dry_run: bool) -> Change | None:
    """Apply edit to one file; None when its topics are already as wanted."""
    for _attempt in range(5):
        rel = newsroom.relative(path)
        data = newsroom.read_bytes(path)
        text = decode(data, rel)
        article, meta, parts = parse_article_parts(text, newsroom.site, rel)
        after = edit(article.topics)
        if after == list(article.topics):
            return None
        change = Change(rel, article.topics, tuple(after))
        # set_key makes sure the new text parses to exactly this front matter.
        new_text = rewrite_topics(text, rel, after, (meta, parts))
        try:  # never write a file that would not read back as an article (101 topics, say)
            article_of({**meta, "topics": after}, parts, newsroom.site, rel)
        except ArticleError as exc:
            raise ArticleError(f"not changed: {exc.message}", rel, exc.line) from None
        if dry_run:
            return change
        # Compare before replace: someone (an editor, not newscli) may have saved meanwhile.
        if path.read_bytes() != data:
            time.sleep(0.01)
            continue
        newsroom.refuse_writing_outside(path)
        try:  # a symlink (read() has made sure it stays in articles/) keeps pointing there
            write_atomic(path.resolve() if path.is_symlink() else path, new_text.encode("utf-8"))
        except WriteError as exc:  # named like every other file of the run
            raise WriteError(exc.message, rel) from None
        return change
    raise WriteError("the file keeps changing on disk; not changed", rel)


def run(
    newsroom: Newsroom, paths: Iterable[Path], edit: TopicEdit, *, dry_run: bool = False
) -> Iterator[tuple[PurePosixPath, Change | NewsError | None]]:
    """Apply edit to each file and yield what happened to it, one file at a time.

    A file that is broken, refused or cannot be written is yielded with its error and left
    as it was; the run goes on with the next file.
    """
    for path in paths:
        try:
            yield newsroom.relative(path), _change_file(newsroom, path, edit, dry_run)
        except NewsError as exc:
            yield newsroom.relative(path), exc


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
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise NewsError(f"no article has the topic {name!r}{hint}")


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
        topics, _ = catalog.topics()
        require_topics(must_exist, topics)
    return catalog.select(filters, refs, everything)


def choose_across(catalog: Catalog, sources: Sequence[str], into: str) -> Answer[Path]:
    """The files `tag rename|merge` change: every article with any of the sources."""
    uses = catalog.topic_uses()
    require_topics(sources, Topics.of(uses.items), done_as=into)
    keys = {topic_key(clean_topic(name)) for name in sources}
    root = catalog.newsroom.root
    paths = [
        root / str(use.path)
        for use in uses.items
        if use.path is not None and keys & {topic_key(t) for t in use.topics}
    ]
    return Answer(paths, len(paths), uses.broken)
