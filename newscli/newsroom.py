"""The articles/ tree: find and load articles, resolve REFs, create and replace files atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import stat
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any

from newscli import frontmatter
from newscli.article import (
    Article,
    Image,
    InvalidArticle,
    Problem,
    Summary,
    control_warnings,
    from_meta,
    is_safe_relative,
    to_meta,
)
from newscli.config import ARTICLES as ARTICLES
from newscli.config import PUBLIC as PUBLIC
from newscli.config import STATE as STATE
from newscli.config import TEMPLATES as TEMPLATES
from newscli.config import Site, load_site
from newscli.errors import ArticleError, UsageError, WriteError
from newscli.files import (
    LEADS_OUT,
    LEFTOVER_AGE,
    FileRefused,
    folder_inside,
    inside,
    is_leftover,
    not_regular,
    read_plain_file,
    replace_unchanged,
    write_atomic,
)
from newscli.i18n import N_, _
from newscli.lock import NewsroomLock
from newscli.slugs import make_slug, unique_slug
from newscli.text import clean_line
from newscli.topics import Topics, dedupe_topics


@dataclass
class Scan:
    """Every article that loaded, and an error naming each file that did not."""

    articles: list[Article] = field(default_factory=list)
    broken: list[ArticleError] = field(default_factory=list)


@dataclass
class Tree:
    """What is under articles/: the article files, what cannot be one, and leftovers."""

    files: list[tuple[str, os.DirEntry[str]]] = field(default_factory=list)
    problems: list[ArticleError] = field(default_factory=list)
    leftovers: list[Path] = field(default_factory=list)


# What an Article is made of besides its body (its lead is worked out from them).
SUMMARY_FIELDS = tuple(f.name for f in fields(Summary) if f.name != "lead")
# An article larger than this is refused, not read: a story is a few kilobytes, and a
# mistaken 50 MB file (or /dev/zero) would hold every command up.
MAX_ARTICLE_BYTES = 8 * 2**20
# Folders deeper than this under articles/ are not walked (a newsroom needs two: YYYY/MM).
MAX_DEPTH = 64
# Names that look like an article but are not read, said so rather than passed over.
ARTICLE_LOOKALIKES = (".md", ".markdown", ".mdown", ".mkd")
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass(frozen=True)
class Finding:
    """A problem `check` reports as path:line: message (warnings: path:line: warning: …).

    An error makes the file unusable (it is skipped); a warning is about a story that is
    read and published all the same.
    """

    path: PurePosixPath
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        if self.warning:
            # Translators: a warning of `check`, after path:line: as git and compilers write it.
            return _("{where}: warning: {message}").format(
                where=f"{self.path}:{self.line}", message=self.message
            )
        return f"{self.path}:{self.line}: {self.message}"


def state_folder(root: Path) -> Path:
    """The newsroom's .newscli/ folder, created if needed. WriteError when it is a symlink
    out of the newsroom: newscli writes its state (index, lock, rescued text) only inside."""
    return folder_inside(root, STATE)


def parse_article(text: str, site: Site, path: PurePosixPath) -> Article:
    """An article from its file text, or ArticleError naming the file, line and problem."""
    return parse_article_parts(text, site, path)[0]


def parse_article_parts(
    text: str, site: Site, path: PurePosixPath
) -> tuple[Article, dict[str, Any], frontmatter.Split]:
    """parse_article, with the front matter and the split file for an edit to reuse."""
    try:
        meta, _body, parts = frontmatter.parse(text)
    except frontmatter.FrontMatterError as exc:
        raise ArticleError(exc.message, path, exc.line) from None
    return article_of(meta, parts, site, path), meta, parts


def article_of(
    meta: dict[str, Any], parts: frontmatter.Split, site: Site, path: PurePosixPath
) -> Article:
    """The article parsed front matter describes, or ArticleError naming the line (also for
    a body git left half-merged: such a file never reaches the site)."""
    try:
        article = from_meta(meta, parts.body, site.tz, path)
    except InvalidArticle as exc:
        first = exc.problems[0]
        raise ArticleError(str(exc), path, frontmatter.key_line(parts, first.key)) from None
    lines = conflict_lines(parts)
    if lines:
        raise ArticleError(_(CONFLICT_IN_BODY), path, lines[0])
    return article


def decode(data: bytes, path: PurePosixPath) -> str:
    """UTF-8 text of a file, or ArticleError pointing at the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(
            _("not valid UTF-8 (byte {byte})").format(byte=f"0x{data[exc.start]:02x}"), path, line
        ) from None


class Newsroom:
    """A newsroom folder: newscli.toml, articles/ and the stories in it."""

    def __init__(self, root: Path, site: Site | None = None, *, here: Path | None = None):
        self.root = root
        self.site = site if site is not None else load_site(root)
        self.articles_dir = root / ARTICLES
        # The run's working directory (Environment.cwd), which a path typed as a REF may be
        # relative to; None: only the root.
        self.here = here
        self._inside: set[Path] = set()  # folders refuse_writing_outside found inside

    def relative(self, path: Path) -> PurePosixPath:
        return PurePosixPath(path.relative_to(self.root).as_posix())

    def tree(self, ordered: bool = True) -> Tree:
        """Every article file under articles/ (a `*.md` regular file or symlink), in a stable
        order unless ordered is False, and a problem for each thing there that looks like an
        article but cannot be one.

        Hidden files and folders are passed over (temporary files of atomic writes among
        them: those a killed run left are noted for cleaning); symlinked folders are not
        followed; the walk needs no recursion, however deep the tree.
        """
        tree = Tree()
        stack = [(str(self.articles_dir), ARTICLES, 0)]
        limit = time.time() - LEFTOVER_AGE
        while stack:
            folder, rel, depth = stack.pop()
            try:
                with os.scandir(folder) as scan:
                    listing = sorted(scan, key=lambda e: e.name) if ordered else list(scan)
            except OSError:
                continue
            folders = []
            for entry in listing:
                name = entry.name
                where = f"{rel}/{name}"
                if name[0] == ".":
                    if is_leftover(entry, limit):
                        tree.leftovers.append(Path(entry.path))
                    continue
                if name.endswith(".md") and name.isascii() and entry.is_file(follow_symlinks=False):
                    tree.files.append((where, entry))  # the usual case, asked cheaply first
                    continue
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                problem = None
                if not name.isascii() and _UNDECODABLE.search(name):
                    problem = _(
                        "its name is not valid UTF-8 (a ZIP or share from Windows?); not read"
                    )
                elif is_dir:
                    if depth + 1 >= MAX_DEPTH:
                        problem = _("folders nested more than {depth} deep are not read").format(
                            depth=MAX_DEPTH
                        )
                    else:
                        folders.append((entry.path, where, depth + 1))
                elif name.endswith(".md"):
                    if entry.is_symlink() or entry.is_file(follow_symlinks=False):
                        tree.files.append((where, entry))
                    else:
                        problem = not_regular()
                elif name.lower().endswith(ARTICLE_LOOKALIKES):
                    problem = _("newscli reads only files ending in '.md' (lower case); rename it")
                if problem is not None:
                    tree.problems.append(ArticleError(problem, PurePosixPath(where)))
            stack.extend(reversed(folders))
        return tree

    def article_files(self) -> list[Path]:
        """Every *.md file under articles/, in a stable order."""
        return [Path(entry.path) for _where, entry in self.tree().files]

    def refuse_writing_outside(self, path: Path) -> None:
        """WriteError unless path (symlinks followed) is inside the newsroom's real folder:
        a symlinked articles/ leading elsewhere is read, but never written through. (Each
        folder is looked at once; a file that is a link, every time.)"""
        if path.parent in self._inside and not path.is_symlink():
            return
        if not inside(self.root, path.parent) or not inside(self.root, path):
            raise WriteError(
                _(LEADS_OUT), self.relative(path) if path.is_relative_to(self.root) else path
            )
        self._inside.add(path.parent)

    def clean_leftovers(self, tree: Tree) -> None:
        """Remove the temporary files killed runs left (named by write_atomic, over a
        minute old); only a run that writes articles, under the newsroom lock, calls this."""
        for path in tree.leftovers:
            with contextlib.suppress(OSError):
                path.unlink()

    def refuse_links_out(self, path: Path) -> None:
        """ArticleError for a symbolic link that leads out of articles/: newscli never reads,
        publishes or writes through one (it could name any file the user may read)."""
        if not path.is_symlink():
            return
        try:
            inside = path.resolve(strict=True).is_relative_to(self.articles_dir.resolve())
        except (OSError, RuntimeError):
            raise ArticleError(
                _("is a symbolic link that leads nowhere"), self.relative(path), 1
            ) from None
        if not inside:
            raise ArticleError(
                _("is a symbolic link to a file outside articles/; not read"),
                self.relative(path),
                1,
            )

    def read_bytes(self, path: Path) -> bytes:
        """The bytes of an article file: never through a link out of articles/, never from a
        pipe or device (which could block for ever), never more than MAX_ARTICLE_BYTES."""
        rel = self.relative(path)
        self.refuse_links_out(path)
        too_large = _("is larger than {mb} MB, the most a story file may be; not read")
        try:
            return read_plain_file(
                path, MAX_ARTICLE_BYTES, too_large.format(mb=MAX_ARTICLE_BYTES // 2**20)
            )
        except FileRefused as exc:
            raise ArticleError(exc.reason, rel) from None

    def read(self, path: Path) -> tuple[bytes, Article]:
        """The bytes of a file and the article they hold; ArticleError if either is bad."""
        rel = self.relative(path)
        data = self.read_bytes(path)
        return data, parse_article(decode(data, rel), self.site, rel)

    def load(self, path: Path) -> Article:
        return self.read(path)[1]

    def with_body(self, summary: Summary) -> Article:
        """The whole article of a summary the index gave: its body cut from the file after
        the front matter, which is not parsed again (the index holds what it says, read
        from the same version of the file). ArticleError if the file cannot be cut."""
        assert summary.path is not None
        rel = PurePosixPath(summary.path)
        text = decode(self.read_bytes(self.root / str(rel)), rel)
        try:
            body = frontmatter.split(text).body
        except frontmatter.FrontMatterError as exc:
            raise ArticleError(exc.message, rel, exc.line) from None
        fields = {name: getattr(summary, name) for name in SUMMARY_FIELDS}
        return Article(**fields, body=body)

    def scan(self) -> Scan:
        """Load every article; a broken file is noted and skipped, never fatal."""
        tree = self.tree()
        scan = Scan(broken=list(tree.problems))
        for _where, entry in tree.files:
            try:
                scan.articles.append(self.load(Path(entry.path)))
            except ArticleError as exc:
                scan.broken.append(exc)
        scan.broken.sort(key=lambda e: str(e.path))
        return scan

    def asset(self, src: str) -> Path | None:
        """The newsroom file a relative src such as images/x.jpg names, for publishing; None
        when there is none.

        Only a plain file reached without a symbolic link, outside articles/, templates/ and
        every hidden folder (.git/, .newscli/), is an asset: a link can point at a draft,
        newscli.toml or .git/config, and those folders hold what is not public. Anything
        else there is refused with a NewsError whose path is src and whose message says why.
        """
        from newscli.errors import NewsError

        if not src or not is_safe_relative(src):
            return None
        parts = [part for part in PurePosixPath(src).parts if part != "."]
        if not parts:
            return None
        # Compared as a case-insensitive file system would (Articles/ is articles/ on a Mac).
        first = parts[0].casefold().rstrip(". ")
        if first in (ARTICLES, TEMPLATES):
            raise NewsError(
                _("is under {folder}, which is never published").format(folder=f"{first}/"), src
            )
        if any(part.startswith(".") for part in parts):
            raise NewsError(_("is in a hidden folder or file, which is never published"), src)
        candidate = self.root
        for part in parts:
            candidate = candidate / part
            try:
                mode = candidate.lstat().st_mode
            except (OSError, ValueError):  # not there, a name too long, a NUL byte
                return None
            if stat.S_ISLNK(mode):
                raise NewsError(
                    _(
                        "is a symbolic link (or inside a linked folder); only plain files are "
                        "published"
                    ),
                    src,
                )
        if not stat.S_ISREG(mode):
            raise NewsError(_("is not a plain file; only plain files are published"), src)
        return candidate

    def file_of(self, article: Summary) -> Path:
        assert article.path is not None
        return self.root / article.path

    # -- REFs ---------------------------------------------------------------

    def path_from_ref(self, ref: str) -> Path | None:
        """The file a REF names when it is a path (absolute, or relative to here or root)."""
        if "/" not in ref and not ref.endswith(".md"):
            return None
        folders = [self.root] if self.here is None else [self.here, self.root]
        candidates = [Path(ref)] if Path(ref).is_absolute() else [f / ref for f in folders]
        articles = self.articles_dir.resolve()
        for candidate in candidates:
            try:
                resolved = candidate.resolve()
                found = resolved.is_file() and resolved.is_relative_to(articles)
            except (OSError, ValueError):  # a name too long for the file system, a NUL byte
                continue
            if found:
                return self.root / ARTICLES / resolved.relative_to(articles)
        return None

    # -- writing ------------------------------------------------------------

    def rewrite(
        self,
        path: Path,
        text: str,
        *,
        before: bytes,
        reads_as: Article | None = None,
        sync_folder: bool = True,
        wait: Callable[[], None] | None = None,
    ) -> tuple[os.stat_result, Article]:
        """Replace the article file at path with text: the one way newscli changes an
        article that is there (tag, photo, import, edit, publish …).

        A symlinked file is written through, to its target, and never one that leads out of
        the newsroom; text must read back as an article (ArticleError otherwise); the
        newsroom lock is held (wait is called once if another run has it); and the file is
        replaced only if it still holds before, the bytes the caller read: a save someone
        made meanwhile stands (ChangedOnDisk). Returns the written file's status and the
        article it holds. reads_as is that article when the caller has proved it already
        (tag's front-matter edit parses back to exactly its values: no second parse).
        sync_folder=False leaves the folder's fsync to the caller (see files.fsync_folder).
        """
        rel = self.relative(path)
        self.refuse_writing_outside(path)
        article = reads_as if reads_as is not None else parse_article(text, self.site, rel)
        target = path.resolve() if path.is_symlink() else path
        with NewsroomLock(self.root, wait=wait):
            try:
                status = replace_unchanged(
                    target, text.encode("utf-8"), before, sync_folder=sync_folder
                )
            except WriteError as exc:  # named as the caller knows it, not by its link target
                raise type(exc)(exc.message, rel) from None
        return status, article

    def create(self, draft: Article, taken: set[str]) -> Article:
        """Write a new article file under articles/YYYY/MM/, never over another one, with the
        draft's slug or, when taken holds it, the first of slug-2, slug-3 … that is free."""
        taken = set(taken)
        while True:
            slug = unique_slug(draft.slug, taken)
            article = replace(draft, slug=slug)
            folder = self.articles_dir / f"{article.date.year:04d}" / f"{article.date.month:02d}"
            target = folder / f"{slug}.md"
            if not inside(self.articles_dir, target) or not inside(self.root, target):
                raise WriteError(
                    _("is not inside articles/ (a symlinked folder leads out of it); not written"),
                    self.relative(target),
                )
            text = frontmatter.dump(to_meta(article), article.body)
            try:  # never write a file that would not read back as this article
                parse_article(text, self.site, self.relative(target))
            except ArticleError as exc:
                raise UsageError(
                    _("the new story would not be valid: {problem}").format(problem=exc.message)
                ) from None
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WriteError(
                    _("cannot create the folder: {reason}").format(reason=exc.strerror or exc),
                    folder,
                ) from None
            try:
                write_atomic(target, text.encode("utf-8"), exclusive=True)
            except FileExistsError:
                taken.add(slug)
                continue
            return replace(article, path=self.relative(target))

    def check(self) -> list[Finding]:
        """Every problem in every article file, for `newscli check`."""
        tree = self.tree()
        findings = [Finding(PurePosixPath(str(e.path)), 1, e.message) for e in tree.problems]
        seen_slugs: dict[str, PurePosixPath] = {}
        seen_ids: dict[str, PurePosixPath] = {}
        for _where, entry in tree.files:
            path = Path(entry.path)
            rel = self.relative(path)
            try:
                text = decode(self.read_bytes(path), rel)
                meta, body, parts = frontmatter.parse(text)
            except ArticleError as exc:
                findings.append(Finding(rel, exc.line or 1, exc.message))
                continue
            except frontmatter.FrontMatterError as exc:
                findings.append(Finding(rel, exc.line, _conflict_hint(text, exc.message)))
                continue
            try:
                article = from_meta(meta, body, self.site.tz, rel)
            except InvalidArticle as exc:
                findings.extend(
                    Finding(rel, frontmatter.key_line(parts, p.key), p.message)
                    for p in exc.problems
                )
                continue
            for problem in _duplicates(article, seen_slugs, seen_ids):
                findings.append(
                    Finding(rel, frontmatter.key_line(parts, problem.key), problem.message)
                )
            findings.extend(
                Finding(rel, line, _(CONFLICT_IN_BODY)) for line in conflict_lines(parts)
            )
            findings.extend(
                Finding(rel, frontmatter.key_line(parts, p.key), p.message, warning=True)
                for p in control_warnings(meta)
            )
        return findings


# Lines git writes into a file whose merge it could not finish. A line of seven '=' alone
# is also a Markdown heading's underline: it counts only beside the other two.
_CONFLICT = re.compile(r"(<{7}|>{7}|={7})(?: |$)")
_CONFLICT_ENDS = re.compile(r"^(<{7}|>{7})(?: |$)", re.M)
CONFLICT_IN_BODY = N_("a git conflict marker in the body: resolve the merge")  # shown with _()


def conflict_lines(parts: frontmatter.Split) -> list[int]:
    """The file's lines of the git conflict markers in the body (none for most files,
    found without splitting the body)."""
    if _CONFLICT_ENDS.search(parts.body) is None:
        return []
    first = (parts.head + parts.toml + parts.tail).count("\n") + 1
    return [
        first + offset
        for offset, line in enumerate(parts.body.split("\n"))
        if _CONFLICT.match(line)
    ]


def _conflict_hint(text: str, message: str) -> str:
    """The TOML error, and what it is when the front matter holds git conflict markers."""
    if any(_CONFLICT.match(line) for line in text.split("\n")):
        return _("{message} (a git conflict marker: resolve the merge)").format(message=message)
    return message


def _duplicates(
    article: Article, slugs: dict[str, PurePosixPath], ids: dict[str, PurePosixPath]
) -> Iterator[Problem]:
    assert article.path is not None
    for key, value, seen in (("slug", article.slug, slugs), ("id", article.id, ids)):
        if value in seen:
            yield Problem(
                key,
                _("duplicate {key} {value!r}, also in {path}").format(
                    key=key, value=value, path=seen[value]
                ),
            )
        else:
            seen[value] = article.path


def one_line(text: str) -> str:
    """Text typed or pasted for a one-line field: breaks of any kind as single spaces,
    control characters dropped (see newscli.text)."""
    return " ".join(clean_line(text).split())


def new_draft(
    site: Site,
    title: str,
    *,
    now: dt.datetime,
    teaser: str | None = None,
    topics: Iterable[str] = (),
    author: str | None = None,
    date: dt.datetime | None = None,
    status: str = "draft",
    body: str = "",
    image: str | None = None,
    caption: str = "",
    credit: str = "",
    known: Topics | None = None,
) -> Article:
    """A new article that is not yet on disk, with a fresh id and defaults filled in; a
    topic the newsroom has (known) in another spelling ("familjefragor") takes its name."""
    if not title.strip():
        raise UsageError(_("a title is required"))
    if image is None and (caption or credit):
        raise UsageError(_("--caption and --credit describe an --image; give one"))
    web = image is not None and image.startswith(("https://", "http://"))
    if image is not None and not web and not is_safe_relative(image):
        raise UsageError(
            _("--image {image!r} must be a path inside the newsroom or an http(s) URL").format(
                image=image
            )
        )
    if date is not None:
        try:
            date.astimezone(dt.UTC)
        except OverflowError:
            raise UsageError(
                _("the date {date} is out of range").format(date=date.isoformat())
            ) from None
    text = body.strip("\n")
    named = known.names if known is not None else tuple
    return Article(
        id=str(uuid.uuid4()),
        title=one_line(title),
        slug=make_slug(title),
        date=date or now.replace(second=0, microsecond=0),
        body=f"\n{text}\n" if text else "",
        status=status,
        author=one_line(author) if author is not None else site.default_author,
        topics=tuple(named(dedupe_topics(topics))),
        teaser=one_line(teaser) if teaser and one_line(teaser) else None,
        image=Image(src=image, caption=one_line(caption), credit=one_line(credit))
        if image
        else None,
    )
