"""`newscli check --fix`: the invisible characters pasted into article files' front matter
cleaned out (newscli.invisible says which and how), each file replaced the one way an
article is (Newsroom.rewrite: atomic, under the lock, never over a save made meanwhile),
and everything else in it, comments, unknown keys and the body, kept byte for byte."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from newscli import frontmatter
from newscli.errors import ArticleError, WriteError
from newscli.i18n import _
from newscli.invisible import Cleaned, cleaned
from newscli.newsroom import Newsroom, decode


@dataclass(frozen=True)
class Repair:
    """One file's cleaning: what changed in it, and why it was not written (None: it was,
    or would be in a dry run)."""

    path: PurePosixPath
    changes: list[Cleaned]
    problem: str | None = None


def repair_invisible(newsroom: Newsroom, *, dry_run: bool = False) -> Iterator[Repair]:
    """Every article file with invisible characters in its front matter, cleaned (with
    dry_run, only said). A file that would still be broken afterwards is left as it is."""
    for _where, entry in newsroom.tree().files:
        path = Path(entry.path)
        rel = newsroom.relative(path)
        try:
            data = newsroom.read_bytes(path)
            parts = frontmatter.split(decode(data, rel))
        except (ArticleError, frontmatter.FrontMatterError):
            continue  # not front matter newscli can cut out: check says why
        toml, changes = cleaned(parts.toml, parts.toml_first_line)
        if not changes:
            continue
        problem = None
        if not dry_run:
            try:
                newsroom.rewrite(path, parts.head + toml + parts.tail + parts.body, before=data)
            except ArticleError as exc:
                problem = _("not changed: it would still be broken: {problem}").format(
                    problem=exc.message
                )
            except WriteError as exc:
                problem = _("not changed: {problem}").format(problem=exc.message)
        yield Repair(rel, changes, problem)
