"""Which articles there are: every question a command asks of the newsroom, answered once.

The catalog answers from the index (.newscli/index.sqlite) when it can, and from the files
when it cannot — one fallback for every question. Listings get summaries (front matter and
lead, no body); full articles are read from their files only when asked for. Every answer
carries the broken files met on the way, so that no caller has to look for them elsewhere.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Generic, TypeVar

from newscli.article import Article, Summary
from newscli.errors import ArticleError, RefError, UsageError
from newscli.i18n import _, ngettext, number
from newscli.index import Index, IndexUnavailable, Stamp, id_key
from newscli.lifecycle import next_change
from newscli.lock import NewsroomLock
from newscli.newsroom import Newsroom, Scan, Tree
from newscli.query import Filters, chosen_topics, matches, newest_first, publishable, select
from newscli.slugs import closest, fold, is_valid_slug, make_slug
from newscli.topics import Topics, TopicUse

T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S", bound=Summary)


@dataclass(frozen=True)
class Answer(Generic[T]):
    """What a question found (newest first), how many matched before any limit, and the
    files that could not be read as articles."""

    items: list[T]
    total: int
    broken: list[ArticleError] = field(default_factory=list)

    @property
    def one(self) -> T:
        """The item of an answer that is about one article (a REF)."""
        (item,) = self.items
        return item


@dataclass(frozen=True)
class Held:
    """A story the exports hold back from its file as it is now (why), publishing its last
    good version in its place (None when no good version was ever seen)."""

    path: str
    why: ArticleError
    last_good: Summary | None


@dataclass(frozen=True)
class Public:
    """What the exports may publish at one moment (Catalog.public): the stories as their
    files are now, the held-back ones at their last good version, and the broken files.

    Every export (site, feeds, build, import) takes its stories from here, so that a story
    held back is held back alike everywhere."""

    now: dt.datetime
    current: list[Summary]  # the stories whose files read now (any state, as asked), newest first
    held: list[Held]
    broken: list[ArticleError]
    topics: Topics  # the newsroom's whole topic set, last good versions counted
    filters: Filters  # what the current stories were chosen by; the kept ones alike

    @cached_property
    def last_good(self) -> list[Summary]:
        """Every held-back story's last good version, public or not."""
        return [held.last_good for held in self.held if held.last_good is not None]

    @cached_property
    def kept(self) -> list[Summary]:
        """The last good versions published in place of their files: those public now (even
        in a preview) that the question matches."""
        return [s for s in publishable(self.last_good, self.now) if matches(s, self.filters)]

    @property
    def unknown(self) -> list[str]:
        """The held-back files whose last good version is unknown: any earlier story."""
        return sorted(held.path for held in self.held if held.last_good is None)

    def stories(self, *, drafts: bool = False, future: bool = False) -> list[Summary]:
        """What is published now, newest first: the public stories (drafts and future ones
        too for a preview), each held-back one as its kept version."""
        chosen = publishable(self.current, self.now, drafts=drafts, future=future)
        return newest_first([*chosen, *self.kept])

    def next_change(self, *, preview: bool = False) -> dt.datetime | None:
        """When the published stories next change by themselves: the next embargo or
        expiry, of a last good version too; a preview also shows a draft from its date on."""
        stories = [*self.current, *self.last_good]
        moment = next_change(stories, self.now)
        if preview:
            drafts = [s.date for s in stories if s.status == "draft" and s.date > self.now]
            moment = min([*drafts, *([moment] if moment else [])], default=None)
        return moment


# An id prefix shorter than this is not read as one (`show abc` is no story's id).
MIN_ID_PREFIX = 4
# How many stories an ambiguous or unknown REF names.
SUGGESTIONS = 5
_HEX = re.compile(r"[0-9a-fA-F-]+")


def ref_slug(ref: str) -> str:
    """The slug a REF would begin, as typed in any case and with accents ('Förbättrad'
    → 'forbattrad')."""
    return "-".join(fold(ref).split())


def ref_ids(ref: str) -> list[str]:
    """The id keys (index.id_key) a REF may begin: none under MIN_ID_PREFIX characters; a
    UUID's with or without its hyphens."""
    if len(ref) < MIN_ID_PREFIX:
        return []
    typed = ref.lower()
    return list(dict.fromkeys([typed, typed.replace("-", "")]))


def ref_matches(ref: str, stories: Sequence[S]) -> list[S]:
    """The stories a REF that is not a path names: the one whose slug it is; else every
    story whose slug it begins (in any case, with or without accents) or whose id it begins
    (MIN_ID_PREFIX characters or more; a UUID in any spelling)."""
    slug = ref_slug(ref)
    exact = [s for s in stories if s.slug in (ref, slug)]
    if exact:
        return exact
    ids = tuple(ref_ids(ref))
    return [
        s
        for s in stories
        if (slug and s.slug.startswith(slug)) or (ids and id_key(s.id).lower().startswith(ids))
    ]


def _short(title: str, width: int = 40) -> str:
    title = " ".join(title.split())
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def _listing(names: Sequence[str]) -> str:
    """The first SUGGESTIONS names, and how many more there are."""
    listing = ", ".join(names[:SUGGESTIONS])
    if len(names) > SUGGESTIONS:
        more = len(names) - SUGGESTIONS
        listing += " " + ngettext("and {n} more", "and {n} more", more).format(n=number(more))
    return listing


def _ambiguous(ref: str, found: Sequence[Summary]) -> str:
    listing = _listing([f"{a.path} ({a.id[:8]})" for a in found])
    return ngettext(
        "{ref!r} matches {n} story: {listing}",
        "{ref!r} matches {n} stories: {listing}",
        len(found),
    ).format(ref=ref, n=number(len(found)), listing=listing)


class BrokenFile(ArticleError):
    """A REF that names a file which is not a valid article: says which, why, and how to
    open it (its path, which `edit` also takes from here)."""

    def __init__(self, problem: ArticleError):
        where = problem.path if problem.path is not None else ""
        reason = (
            _("line {line}: {problem}").format(line=problem.line, problem=problem.message)
            if problem.line
            else problem.message
        )
        super().__init__(
            _("{path} is broken ({reason}); edit it by its path: newscli edit {path}").format(
                path=where, reason=reason
            ),
            problem.path,
            problem.line,
        )
        self.problem = problem

    def __str__(self) -> str:
        return self.message


class Catalog:
    """The newsroom's articles as listings, topics and selections see them."""

    def __init__(self, newsroom: Newsroom, *, use_index: bool = True, reread: bool = False):
        """reread: the index reads every file again, trusting no stamp (export --full, check)."""
        self.newsroom = newsroom
        self.use_index = use_index
        self.reread = reread
        self._index: Index | None = None
        self._fresh = False
        self._scan: Scan | None = None
        self._tree: Tree | None = None

    # -- the one fallback ---------------------------------------------------------------

    def _indexed(self) -> Index | None:
        """The index, refreshed once for this catalog; None when it cannot be used."""
        if not self.use_index:
            return None
        if self._index is None:
            self._index = Index(self.newsroom)
        if not self._fresh:
            try:
                self._tree = self.newsroom.tree(ordered=False)
                self._index.refresh(self._tree, reread=self.reread)
            except (IndexUnavailable, sqlite3.Error, OSError) as exc:
                self._give_up(exc)
                return None
            self._fresh = True
        return self._index

    def _files(self) -> Scan:
        if self._scan is None:
            self._scan = self.newsroom.scan()
        return self._scan

    def _ask(
        self, from_index: Callable[[Index], R], from_files: Callable[[Scan], R]
    ) -> tuple[R, list[ArticleError]]:
        index = self._indexed()
        if index is not None:
            try:
                found = from_index(index)
                problems = self._tree.problems if self._tree is not None else []
                return found, sorted(index.broken() + problems, key=lambda e: str(e.path))
            except sqlite3.Error as exc:
                self._give_up(exc)
        scan = self._files()
        return from_files(scan), list(scan.broken)

    def _give_up(self, exc: BaseException) -> None:
        """Read the files from now on (a damaged index is removed, to be built again)."""
        if self._index is not None:
            self._index.failed(exc)
        self.close()
        self.use_index = False

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        self._fresh = False

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def written(self, files: Sequence[tuple[Path, os.stat_result, Article]]) -> None:
        """Tell the index about files this run has written (each with the status of the
        bytes written and the article they hold), so that no later command reads them again
        for it. Only an index this catalog has opened is told; failing costs speed only."""
        if self._index is None or not files:
            return
        try:
            self._index.update_files(files)
        except (IndexUnavailable, sqlite3.Error, OSError):
            self.close()
            self.use_index = False

    # -- questions ---------------------------------------------------------------------

    def summaries(self, filters: Filters = Filters(), limit: int | None = None) -> Answer[Summary]:
        """The matching articles newest first, without bodies (for listings and the site)."""

        def from_files(scan: Scan) -> tuple[list[Summary], int]:
            chosen = select(scan.articles, filters)
            return [a.summary() for a in chosen[:limit]], len(chosen)

        (items, total), broken = self._ask(
            lambda index: (
                index.summaries(filters, limit),
                index.count(filters) if limit is not None else -1,
            ),
            from_files,
        )
        return Answer(items, len(items) if total < 0 else total, broken)

    def kept(self) -> list[Summary]:
        """The last good version of every article whose file is broken now, as the index
        last saw it (none without the index): what an export keeps publishing until
        someone repairs the file or takes the story down."""
        index = self._indexed()
        if index is None:
            return []
        try:
            return index.kept()
        except sqlite3.Error as exc:
            self._give_up(exc)
            return []

    def public(
        self, now: dt.datetime, filters: Filters = Filters(), limit: int | None = None
    ) -> Public:
        """What is public now, with kept versions, and the broken files: the one answer the
        exports publish from (see Public). filters and limit narrow the current stories
        (and the kept ones alike); the topics are always the whole newsroom's."""
        found = self.summaries(filters, limit)
        held = self._held_back(found.broken)
        topics = self._topics_with([h.last_good for h in held if h.last_good is not None])
        return Public(now, found.items, held, found.broken, topics, filters)

    def public_topics(self) -> Topics:
        """The newsroom's topics as the exports name them (Public.topics), without asking
        for any story."""
        _found, broken = self._ask(lambda index: None, lambda scan: None)
        held = self._held_back(broken)
        return self._topics_with([h.last_good for h in held if h.last_good is not None])

    def _topics_with(self, last_good: Sequence[Summary]) -> Topics:
        """The topic set, computed in this one place: every story's, and those of the last
        good versions an export publishes in place of broken files."""
        if not last_good:
            topics, _broken = self.topics()
            return topics
        return Topics.of([*self.topic_uses().items, *last_good])

    def _held_back(self, broken: Sequence[ArticleError]) -> list[Held]:
        """The stories held back from their files: each broken file, with the last good
        version the index saw of it. (A rule that holds back a readable story, as one
        that names a person's identity number, adds its Held entries here.)"""
        last_good = {str(summary.path): summary for summary in self.kept()}
        held = {str(error.path): Held(str(error.path), error, None) for error in broken}
        return [replace(h, last_good=last_good.get(path)) for path, h in sorted(held.items())]

    def paths(self, filters: Filters = Filters(), limit: int | None = None) -> Answer[str]:
        """The files of the matching articles, newest first (newsroom-relative)."""
        items, broken = self._ask(
            lambda index: index.paths(filters, limit),
            lambda scan: [str(a.path) for a in select(scan.articles, filters, limit) if a.path],
        )
        return Answer(items, len(items), broken)

    def articles(self, filters: Filters = Filters(), limit: int | None = None) -> Answer[Article]:
        """The matching articles whole, read from their files (a feed of 50 reads 50 files)."""
        found = self.paths(filters, limit)
        chosen: list[Article] = []
        broken = list(found.broken)
        for path in found.items:
            try:
                chosen.append(self.newsroom.load(self.newsroom.root / path))
            except ArticleError as exc:  # changed since the index saw it
                broken.append(exc)
        return Answer(chosen, len(chosen), broken)

    def topic_uses(self) -> Answer[TopicUse]:
        """Every valid article's topics and whether it is published."""
        items, broken = self._ask(
            lambda index: index.topic_uses(),
            lambda scan: [TopicUse(a.path, a.topics, a.published) for a in scan.articles],
        )
        return Answer(items, len(items), broken)

    def topics(self) -> tuple[Topics, list[ArticleError]]:
        """The newsroom's topics, each with its one name (see newscli.topics)."""
        return self._ask(
            lambda index: index.topics(),
            lambda scan: Topics.of(scan.articles),
        )

    def ids(self, filters: Filters = Filters()) -> list[tuple[str, str]]:
        """(id, path) of the matching articles, enough to find two files with one id (from
        the index: only those whose ids look alike)."""
        found, _ = self._ask(
            lambda index: index.ids(filters),
            lambda scan: [(a.id, str(a.path)) for a in select(scan.articles, filters)],
        )
        return found

    def slugs(self, base: str, tree: Tree | None = None) -> set[str]:
        """The slugs in use that a new article with slug base could clash with (base and
        base-2, base-3 …): every article file's name, and the slugs in front matter.

        The names come from a walk of the folders (no file is read or even stat'ed), so
        every file added since the index last looked counts; the index adds the slugs that
        differ from their file's name, without a refresh: that is what keeps `new` fast.
        """
        tree = tree or self.newsroom.tree(ordered=False)
        names = {rel.rsplit("/", 1)[-1].removesuffix(".md") for rel, _ in tree.files}
        index = Index(self.newsroom) if self.use_index else None
        if index is not None:
            try:
                if index.has_rows():
                    return names | index.slugs(base)
            except (IndexUnavailable, sqlite3.Error, OSError) as exc:
                index.failed(exc)
            finally:
                index.close()
        taken, _ = self._ask(
            lambda index: index.slugs(base),
            lambda scan: {a.slug for a in scan.articles},
        )
        return names | taken

    # -- REFs and selections --------------------------------------------------------------

    def resolve(self, ref: str) -> Answer[Article]:
        """The one article a REF means (a path, a slug, a unique slug prefix or a unique id
        prefix of at least MIN_ID_PREFIX characters; see ref_matches; else a file's name,
        or the unique beginning of one: a file renamed by hand), and the broken files met
        while looking for it. A REF that names a broken file is a BrokenFile; one that
        matches nothing suggests the closest stories."""
        ref = ref.strip()
        if not ref:
            raise RefError(_("empty REF: give a slug, a path or an id prefix"))
        newsroom = self.newsroom
        path = newsroom.path_from_ref(ref)
        if path is not None:
            return Answer([newsroom.load(path)], 1)
        stem = ref.removesuffix(".md")
        named = None
        if is_valid_slug(stem):
            # The usual case: the file is named after its slug; no index needed.
            quick = [p for p in newsroom.articles_dir.glob(f"*/*/{stem}.md") if p.is_file()]
            if len(quick) == 1:
                named = self._load_named(quick[0])
                if named.slug == ref:
                    return Answer([named], 1)

        def every(scan: Scan) -> list[Summary]:
            return list(scan.articles)

        candidates, broken = self._ask(
            lambda index: index.ref_candidates(ref_slug(ref), ref_ids(ref)), every
        )
        found = ref_matches(ref, candidates)
        if len(found) == 1:
            return Answer([newsroom.load(newsroom.file_of(found[0]))], 1, broken)
        if found:
            raise RefError(_ambiguous(ref, found))
        if named is not None:  # a file renamed by hand, its slug inside still the old one
            return Answer([named], 1, broken)
        files = self._files_named(stem)
        if len(files) == 1:
            return Answer([self._load_named(files[0])], 1, broken)
        if files:
            listing = _listing([str(newsroom.relative(f)) for f in files])
            raise RefError(
                ngettext(
                    "{ref!r} begins the name of {n} file: {listing}",
                    "{ref!r} begins the names of {n} files: {listing}",
                    len(files),
                ).format(ref=ref, n=number(len(files)), listing=listing)
            )
        raise RefError(self._unknown(ref))

    def _load_named(self, path: Path) -> Article:
        """The article in a file a REF named by its name; BrokenFile when it is broken."""
        try:
            return self.newsroom.load(path)
        except ArticleError as exc:
            raise BrokenFile(exc) from None

    def _files_named(self, stem: str) -> list[Path]:
        """The article files whose name (without .md) is stem, or else begins with it as
        typed or as a slug: broken files and files renamed by hand have no slug to match."""
        if not stem:
            return []
        files = [Path(entry.path) for _where, entry in self.newsroom.tree().files]
        exact = [f for f in files if f.stem == stem]
        if exact:
            return exact
        typed = tuple(dict.fromkeys((stem, ref_slug(stem))))
        return [f for f in files if f.stem.startswith(typed)]

    def _unknown(self, ref: str) -> str:
        """What to say of a REF that names no story: the closest slugs and titles."""
        names, _broken = self._ask(
            lambda index: index.names(), lambda scan: [(a.slug, a.title) for a in scan.articles]
        )
        texts = [text for slug, title in names for text in (slug, title)]
        chosen = list(dict.fromkeys(position // 2 for position in closest(ref, texts, n=10)))
        shown = [f"{names[i][0]} ({_short(names[i][1])})" for i in chosen[:SUGGESTIONS]]
        message = _("no story matches {ref!r} (give a slug, a path or an id prefix)").format(
            ref=ref
        )
        if _HEX.fullmatch(ref) and len(ref) < MIN_ID_PREFIX:
            message += _("; an id prefix needs at least {n} characters").format(n=MIN_ID_PREFIX)
        if shown:
            message += _("; did you mean {choices}?").format(choices=_(" or ").join(shown))
        return message

    def choose_topics(self, filters: Filters) -> tuple[Filters, list[tuple[str, list[str]]]]:
        """filters with each typed topic made into the newsroom's topics it means
        (query.chosen_topics), and each typed topic that means none with the closest
        topics' names, for "did you mean …"."""
        if not filters.topics:
            return filters, []
        topics, _broken = self.topics()
        chosen, unknown = chosen_topics(filters.topics, topics)
        names = [topic.name for topic in topics.sorted()]
        missing = [(name, [names[i] for i in closest(name, names, n=3)]) for name in unknown]
        return replace(filters, topics=chosen), missing

    def select(
        self, filters: Filters, refs: Sequence[str] | None = None, everything: bool = False
    ) -> Answer[Path]:
        """The files a bulk command acts on: named by REFs, or every article, narrowed by filters.

        With neither REFs nor everything, filters alone choose; choosing nothing at all is a
        usage error, never "everything". A REF that names no article is a RefError before
        anything is changed; a REF that names a broken file selects it (it will be skipped).
        """
        if everything and refs is not None:
            raise UsageError(_("--all and --article/--stdin contradict each other"))
        if refs is None and not everything and not filters.active:
            raise UsageError(
                _(
                    "say which stories: filters like --topic or --search, --article REF, "
                    "--stdin or --all"
                )
            )
        root = self.newsroom.root
        if refs is None:
            found = self.paths(filters)
            return Answer([root / p for p in found.items], found.total, found.broken)
        paths: dict[Path, None] = {}
        unknown: list[tuple[str, RefError]] = []
        for ref in refs:
            path = self.newsroom.path_from_ref(ref)
            if path is None:
                try:
                    article = self.resolve(ref).one
                except BrokenFile as exc:  # selected, like a broken file named by its path
                    paths[self.newsroom.root / str(exc.path)] = None
                    continue
                except RefError as exc:
                    unknown.append((ref, exc))
                    continue
                if not matches(article, filters):
                    continue
                path = self.newsroom.file_of(article)
            paths[path] = None
        if len(unknown) == 1:  # what is wrong with it, and the stories it may have meant
            raise RefError(_("{problem}; nothing was changed").format(problem=unknown[0][1]))
        if unknown:
            names = ", ".join(repr(ref) for ref, _problem in unknown[:10])
            raise RefError(_("no story matches {refs}; nothing was changed").format(refs=names))
        return Answer(list(paths), len(paths))

    # -- new articles ---------------------------------------------------------------------

    def create(self, draft: Article) -> Article:
        """Write a new article with a slug no other article has, under the newsroom lock so
        that two `new` runs can never choose the same one."""
        base = draft.slug or make_slug(draft.title)
        if not is_valid_slug(base):
            base = make_slug(base)
        with NewsroomLock(self.newsroom.root):
            self._fresh = False  # what other writers did before we held the lock counts
            tree = self.newsroom.tree(ordered=False)
            self.newsroom.clean_leftovers(tree)
            return self.newsroom.create(replace(draft, slug=base), self.slugs(base, tree))

    def clean_leftovers(self) -> None:
        """Remove what killed runs left under articles/ (call it holding the newsroom lock)."""
        self._indexed()
        self.newsroom.clean_leftovers(self._tree or self.newsroom.tree(ordered=False))

    def as_last_read(self, paths: Sequence[str]) -> dict[str, tuple[Stamp, Summary]]:
        """What the index last read of these files, each with the stamp (index.stamp_of) it
        read it at, without a walk to refresh it: for a caller that knows the files' stamps and
        compares them (a re-publish). Empty without a usable index."""
        if not self.use_index:
            return {}
        try:
            if self._index is None:
                self._index = Index(self.newsroom)
            return self._index.stored(paths)
        except (IndexUnavailable, sqlite3.Error, OSError):
            return {}

    def stamps(self) -> dict[str, os.stat_result]:
        """What the walk before the last answer saw of each article file (its status), so that a cache keyed by them is never newer than the answer; empty when the
        answer came from reading the files."""
        if self._tree is None or not self.use_index:
            return {}
        stamps = {}
        for rel, entry in self._tree.files:
            try:
                stamps[rel] = entry.stat()  # cached by the walk
            except OSError:
                continue
        return stamps
