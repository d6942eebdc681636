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

# Fields of one commit in `git log --format`, each started by a NUL, which no commit message,
# name or file name can hold (any other separator can be in a message); the commit's file
# names follow the last one on their own lines.
_FIELDS = ("%H", "%an", "%ae", "%aI", "%B")
_FORMAT = "".join(f"%x00{field}" for field in _FIELDS) + "%x00"


@dataclass(frozen=True)
class Entry:
    """One commit that touched the story or the newsroom."""

    commit: str
    author: str
    email: str
    when: dt.datetime
    message: str  # whole, as its author wrote it
    files: tuple[str, ...]

    @property
    def subject(self) -> str:
        """The message's first paragraph on one line, as git's %s gives it."""
        return " ".join(self.message.strip().split("\n\n", 1)[0].split())


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
                "(git init, then commit the stories)"
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
    fields = run.stdout.split("\x00")[1:]
    size = len(_FIELDS) + 1  # and the file names
    for start in range(0, len(fields) - size + 1, size):
        commit, author, email, when, message, rest = fields[start : start + size]
        files = tuple(line for line in rest.split("\n") if line.strip())
        entries.append(
            Entry(
                commit,
                author,
                email,
                dt.datetime.fromisoformat(when).astimezone(tz),
                message.strip("\n"),
                files,
            )
        )
    return entries
