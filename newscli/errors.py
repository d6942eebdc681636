"""The exceptions newscli's core raises; the CLI turns them into one line and an exit code."""

from __future__ import annotations

import enum
from pathlib import PurePath


class ExitStatus(enum.IntEnum):
    """Every exit code newscli uses."""

    OK = 0
    FAILURE = 1  # an article, a file or a check failed; something the user asked could not be done
    USAGE = 2  # the command line asks for something impossible
    INTERRUPTED = 130  # Ctrl+C (128 + SIGINT), as shells report it
    BROKEN_PIPE = 141  # the reader of stdout went away, or it was closed (128 + SIGPIPE)


class NewsError(Exception):
    """Something the user can act on; its message names the file when there is one."""

    exit_status = ExitStatus.FAILURE

    def __init__(self, message: str, path: PurePath | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class ArticleError(NewsError):
    """An article file that cannot be read or is not a valid article."""


class ConfigError(NewsError):
    """A broken or invalid newscli.toml."""


class RefError(NewsError):
    """A REF that matches no article, or more than one."""


class UsageError(NewsError):
    """A command line that asks for something impossible (exit 2)."""

    exit_status = ExitStatus.USAGE


class WriteError(NewsError):
    """A file could not be written; the original is untouched."""
