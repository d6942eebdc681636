"""Shell completion (bash, zsh, fish): slugs for REFs, the newsroom's topics and authors.

Answers come from the index in .newscli/ as it is, opened read-only: a completion writes
no file, refreshes nothing and prints no warning, and whatever goes wrong it offers nothing
rather than an error. Slugs of story files added since the index was last brought up to
date are found from the names of their month folders' files (no file is read); without an
index every file name counts. Topics and authors need the index: without one (before the
first `newscli list`) they are not completed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from newscli.index import Index

# At most this many candidates are offered (a shell shows the rest as noise).
MOST = 100


def _root(ctx: typer.Context) -> Path | None:
    """The newsroom a command being completed is about (its --root when typed before)."""
    from newscli.cli.common import environment
    from newscli.config import CONFIG_NAME, find_root

    env = environment(ctx)
    given = ctx.params.get("root")
    typed = Path(given) if isinstance(given, str | Path) and str(given) else None
    root = find_root(typed, env.cwd, env.variable("NEWSCLI_ROOT"))
    return root if (root / CONFIG_NAME).is_file() else None


@contextlib.contextmanager
def _index(ctx: typer.Context) -> Iterator[Index | None]:
    """The newsroom's index, read-only (None without one); nothing raised, nothing written."""
    from newscli.index import Index
    from newscli.newsroom import Newsroom

    index = None
    try:
        root = _root(ctx)
        if root is not None:
            index = Index(Newsroom(root))
            index.open_read_only()
    except Exception:  # no index, another version's, a broken newscli.toml: no answers
        index = None
    try:
        yield index
    finally:
        if index is not None:
            index.close()


# Where offered_as_spelled leaves the text being completed for the candidates' functions.
_TYPED = "newscli.typed"


def offered_as_spelled(param: Any, ctx: Any, incomplete: str) -> list[Any] | None:
    """param's candidates for what is typed, every one its completion function offers (None:
    param has no such function). Typer keeps only candidates that begin with the typed text
    itself; the functions here choose by case- and accent-blind beginnings, so they are
    asked with nothing typed (which Typer lets through) and find the text in the context."""
    from newscli.cli.typer_inside import own_completion

    own = own_completion(param)
    if own is None:
        return None
    ctx.meta[_TYPED] = incomplete
    try:
        return list(own(ctx, param, ""))
    finally:
        del ctx.meta[_TYPED]


def _typed(ctx: typer.Context, incomplete: str) -> str:
    """What is typed of the word being completed (see offered_as_spelled)."""
    typed = ctx.meta.get(_TYPED, incomplete)
    return typed if isinstance(typed, str) else incomplete


def _as_typed(typed: str, value: str) -> str | None:
    """value as a candidate for what is typed, or None when it does not begin so. Typer
    offers only candidates that begin with the typed text itself, so one that begins with
    it in another case or without accents ('famil', 'Familjefrågor') is offered as typed,
    with the rest of value after it ('familjefrågor'): the same topic, author or story."""
    from newscli.slugs import fold

    if value.startswith(typed):
        return value
    wanted = fold(typed)
    for end in range(1, len(value) + 1):
        begun = fold(value[:end])
        if begun == wanted:
            return typed + value[end:]
        if not wanted.startswith(begun):
            return None
    return None


def _for_shell(ctx: typer.Context, value: str) -> str:
    """A value as the shell is to insert it: bash inserts what it is given, so its spaces
    are escaped there; zsh and fish quote it themselves."""
    from newscli.cli.common import environment

    shell = environment(ctx).variable("_NEWSCLI_COMPLETE")
    return value.replace(" ", "\\ ") if shell.endswith("bash") else value


def _help(text: str) -> str:
    """A description beside a candidate (zsh, fish): one line, no Rich markup obeyed."""
    return " ".join(text.split()).replace("[", "\\[")[:70]


def refs(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Slugs beginning with what is typed (in any case, with or without accents), newest
    first, each with its story's title."""
    from newscli.catalog import ref_slug

    incomplete = _typed(ctx, incomplete)
    if "/" in incomplete or incomplete.startswith("."):
        return []  # a path: the shell's own file completion is better at it
    prefix = ref_slug(incomplete)
    found: dict[str, str] = {}
    try:
        with _index(ctx) as index:
            root = _root(ctx)
            if root is None:
                return []
            since = None
            if index is not None:
                found = dict(index.slugs_beginning(prefix, MOST))
                since = index.path.stat().st_mtime_ns
            for name in _file_names(root / "articles", since):
                if name.startswith(prefix) and len(found) < MOST:
                    found.setdefault(name, "")
    except Exception:  # a completion never fails loudly
        return []
    offered = [(_as_typed(incomplete, slug), title) for slug, title in found.items()]
    return [(_for_shell(ctx, slug), _help(title)) for slug, title in offered if slug is not None]


def _file_names(articles: Path, since: int | None) -> Iterator[str]:
    """The slugs the file names under articles/YYYY/MM/ give, of the month folders changed
    after since (a time in ns; None: all), newest month first."""
    try:
        years = sorted((e for e in os.scandir(articles) if e.is_dir()), key=lambda e: e.name)
    except OSError:
        return
    for year in reversed(years):
        with contextlib.suppress(OSError):
            months = sorted((e for e in os.scandir(year.path) if e.is_dir()), key=lambda e: e.name)
            for month in reversed(months):
                if since is not None and month.stat().st_mtime_ns <= since:
                    continue
                for entry in os.scandir(month.path):
                    if entry.name.endswith(".md"):
                        yield entry.name.removesuffix(".md")


def topics(ctx: typer.Context, incomplete: str) -> list[str]:
    """The newsroom's topics that begin with what is typed (case and accents ignored), most
    used first."""
    incomplete = _typed(ctx, incomplete)
    try:
        with _index(ctx) as index:
            if index is None:
                return []
            names = [topic.name for topic in index.topics().sorted()]
    except Exception:
        return []
    return _offered(ctx, incomplete, names)


def authors(ctx: typer.Context, incomplete: str) -> list[str]:
    """The newsroom's authors that begin with what is typed, most stories first."""
    incomplete = _typed(ctx, incomplete)
    try:
        with _index(ctx) as index:
            if index is None:
                return []
            names = index.authors()
    except Exception:
        return []
    return _offered(ctx, incomplete, names)


def _offered(ctx: typer.Context, incomplete: str, names: list[str]) -> list[str]:
    """The newsroom's spellings of the names that begin with what is typed, case and
    accents ignored ('anh': Anhörigstöd): bash and fish put the candidate in the typed
    word's place. zsh keeps only candidates that begin with the typed text itself, so
    there a name is offered as typed (the same topic: `tag add` and `new` write it in
    the newsroom's spelling all the same)."""
    from newscli.cli.common import environment

    zsh = environment(ctx).variable("_NEWSCLI_COMPLETE").endswith("zsh")
    offered = []
    for name in names:
        typed = _as_typed(incomplete, name)
        if typed is not None:
            offered.append(typed if zsh else name)
    return [_for_shell(ctx, name) for name in offered][:MOST]


def words(offered: list[str]) -> Callable[[typer.Context, str], list[str]]:
    """A completion of fixed words (the formats a --format takes): those beginning so."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        typed = _typed(ctx, incomplete)
        return [word for word in offered if word.startswith(typed)]

    return complete
