"""Bulk topic changes: add, remove, rename and merge as pure functions, and a safe runner.

The runner holds the newsroom's lock, re-reads every file just before it changes it, rewrites
only the `topics` key (keeping comments and every other line), and replaces each file
atomically, so a run that is interrupted leaves every file old or new and can simply be run
again to finish the job.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from newscli import frontmatter
from newscli.article import Article, Tagged, to_meta
from newscli.errors import ArticleError, NewsError, UsageError, WriteError
from newscli.newsroom import Newsroom, decode, parse_article, write_atomic
from newscli.slugs import clean_topic, topic_key

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


class NewsroomLock:
    """An exclusive lock on the newsroom for writers, so two bulk runs never interleave."""

    def __init__(self, newsroom: Newsroom, wait: Callable[[], None] | None = None):
        self.path = newsroom.root / ".newscli" / "lock"
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> NewsroomLock:
        try:
            self.path.parent.mkdir(exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise WriteError(
                f"cannot take the newsroom lock: {exc.strerror or exc}", self.path
            ) from None
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if self.wait is not None:
                self.wait()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def rewrite_topics(text: str, article: Article, topics: list[str]) -> str:
    """The file text with only its topics changed; the body and everything else kept.

    Comments are kept by editing the topics lines in place. Where that is not possible and a
    canonical rewrite would drop a comment, the file is refused rather than harmed.
    """
    meta, _, parts = frontmatter.parse(text)
    new = frontmatter.replace_key(parts, meta, "topics", topics)
    if new is None:
        if frontmatter.has_comments(parts.toml, meta):
            raise ArticleError(
                "its front matter has TOML comments that rewriting the topics would drop; "
                "change its topics by hand",
                article.path,
            )
        new = frontmatter.dump(to_meta(replace(article, topics=tuple(topics))), parts.body)
    if frontmatter.split(new).body != parts.body:
        raise ArticleError("refusing a rewrite that would change the body", article.path)
    return new


def _change_file(newsroom: Newsroom, path: Path, edit: TopicEdit, dry_run: bool) -> Change | None:
    """Apply edit to one file; None when its topics are already as wanted."""
    for _attempt in range(5):
        rel = newsroom.relative(path)
        data, article = newsroom.read(path)
        after = edit(article.topics)
        if after == list(article.topics):
            return None
        change = Change(rel, article.topics, tuple(after))
        new_text = rewrite_topics(decode(data, rel), article, after)
        try:  # never write a file that would not read back (101 topics, say)
            parse_article(new_text, newsroom.site, rel)
        except ArticleError as exc:
            raise ArticleError(f"not changed: {exc.message}", rel, exc.line) from None
        if dry_run:
            return change
        # Compare before replace: someone (an editor, not newscli) may have saved meanwhile.
        if path.read_bytes() != data:
            time.sleep(0.01)
            continue
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


def files_with_topics(
    articles: Iterable[Tagged], names: Iterable[str], newsroom: Newsroom
) -> list[Path]:
    """The files of the articles that have any of the given topics."""
    keys = {topic_key(clean_topic(n)) for n in names}
    return [
        newsroom.root / str(a.path)
        for a in articles
        if a.path is not None and keys & {topic_key(t) for t in a.topics}
    ]


def known_topics(articles: Iterable[Tagged]) -> dict[str, list[str]]:
    """Every topic identity in the newsroom with the spellings that occur, most common first."""
    spellings: dict[str, dict[str, int]] = {}
    for article in articles:
        for topic in article.topics:
            counts = spellings.setdefault(topic_key(topic), {})
            counts[topic] = counts.get(topic, 0) + 1
    return {key: sorted(forms, key=lambda f: (-forms[f], f)) for key, forms in spellings.items()}


def require_topics(
    names: Sequence[str], articles: Sequence[Tagged], done_as: str | None = None
) -> None:
    """NewsError naming a topic no article has, with near matches as suggestions.

    With done_as (the target of a rename or merge): when none of the names is left but
    done_as is there, the job was done before and running it again is no error.
    """
    known = known_topics(articles)
    display = [forms[0] for forms in known.values()]
    missing = [n for n in names if topic_key(clean_topic(n)) not in known]
    if (
        done_as is not None
        and len(missing) == len(names)
        and topic_key(clean_topic(done_as)) in known
    ):
        return
    for name in missing:
        close = difflib.get_close_matches(name, display, n=3, cutoff=0.6)
        close += [d for d in display if topic_key(name) in topic_key(d) and d not in close][:3]
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise NewsError(f"no article has the topic {name!r}{hint}")


@dataclass(frozen=True)
class TopicCount:
    """One topic of the newsroom: its usual spelling, the others in use, and how often it is used."""

    name: str
    key: str
    articles: int
    published: int
    spellings: tuple[str, ...]


def topic_counts(articles: Iterable[Tagged], by: str = "count") -> list[TopicCount]:
    """Every topic with its number of articles and published articles; by count or by name."""
    articles = list(articles)
    spellings = known_topics(articles)
    totals: dict[str, list[int]] = {key: [0, 0] for key in spellings}
    for article in articles:
        for key in {topic_key(t) for t in article.topics}:
            totals[key][0] += 1
            totals[key][1] += article.published
    counts = [
        TopicCount(forms[0], key, totals[key][0], totals[key][1], tuple(forms))
        for key, forms in spellings.items()
    ]
    if by == "name":
        return sorted(counts, key=lambda t: (t.key, t.name))
    return sorted(counts, key=lambda t: (-t.articles, t.key))
