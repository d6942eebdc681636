"""A story's (or the newsroom's) history, from git: who changed what, when.

The files are the database and git keeps their history; this module asks git and returns
entries, nothing printed. Outside a git repository (or without git) it says so clearly;
before the first commit there is simply no history.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from newscli.errors import NewsError
from newscli.i18n import _

# Fields of one commit in `git log --format`, each ended by a unit separator, and every
# commit started by a record separator (its file names follow on their own lines).
_FORMAT = "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1f"


@dataclass(frozen=True)
class Entry:
    """One commit that touched the story or the newsroom."""

    commit: str
    author: str
    email: str
    when: dt.datetime
    subject: str
    files: tuple[str, ...]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    if git is None:
        raise NewsError(_("git is not installed: newscli log reads the history git keeps"))
    return subprocess.run(
        [git, "-C", str(root), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )


def history(root: Path, path: Path | None, tz: dt.tzinfo, limit: int | None = None) -> list[Entry]:
    """The commits that changed path (followed through renames), or any article when path
    is None, newest first, with their moments in tz."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise NewsError(
            _(
                "{folder} is not in a git repository: newscli log shows the history git keeps "
                "(git init, then commit the articles)"
            ).format(folder=root)
        )
    if _git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        return []  # a repository without a commit yet: no history, not git's "fatal: …"
    args = ["log", f"--format={_FORMAT}", "--name-only", "--no-color"]
    if limit is not None:
        args.append(f"--max-count={int(limit)}")
    if path is not None:
        args += ["--follow", "--", str(path)]
    else:
        args += ["--", "articles"]
    run = _git(root, *args)
    if run.returncode != 0:
        raise NewsError(_("git log failed: {reason}").format(reason=run.stderr.strip()[:300]))

    entries = []
    for record in run.stdout.split("\x1e")[1:]:
        fields = record.split("\x1f")
        if len(fields) < 6:
            continue
        commit, author, email, when, subject, rest = fields[:6]
        files = tuple(line for line in rest.split("\n") if line.strip())
        entries.append(
            Entry(
                commit,
                author,
                email,
                dt.datetime.fromisoformat(when).astimezone(tz),
                subject,
                files,
            )
        )
    return entries
