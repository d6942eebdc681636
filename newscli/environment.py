"""What the world outside looks like to one run of newscli, built once and passed down.

Streams, whether each is a terminal, colour, the clock, the environment variables (and the
language they ask for) and the working directory: the CLI builds one Environment per run
(HTTPie's idea), commands hand what they need of it to the core, and tests build their own
instead of patching globals.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from newscli.i18n import LANGUAGES


class _Closed(io.TextIOBase):
    """Stands in for a stream the process was started without (`newscli list >&-`)."""

    def __init__(self, *, broken: bool):
        super().__init__()
        self.broken = broken

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self.broken:  # data that cannot reach anyone: end as a closed pipe would
            raise BrokenPipeError("stdout is closed")
        return len(text)  # messages nobody can read are dropped


def _replacing(stream: IO[str]) -> IO[str]:
    """stream, made to show what its encoding cannot hold as a replacement ('?') instead of
    failing: an ASCII stdout (PYTHONIOENCODING=ascii, LC_ALL=C without Python's UTF-8 mode)
    still shows every story, with its letters replaced."""
    failing = getattr(stream, "errors", None) in ("strict", "surrogateescape")  # C locale's
    if failing and isinstance(stream, io.TextIOWrapper):
        with contextlib.suppress(ValueError, OSError):  # a closed stream
            stream.reconfigure(errors="replace")
    return stream


def _stdout() -> IO[str]:
    if sys.stdout is None:
        return cast(IO[str], _Closed(broken=True))
    return _replacing(sys.stdout)


def _stderr() -> IO[str]:
    if sys.stderr is None:
        return cast(IO[str], _Closed(broken=False))
    return _replacing(sys.stderr)


def _stdin() -> IO[str]:
    return sys.stdin if sys.stdin is not None else io.StringIO()


def _system_clock(tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.now(tz)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or stream-like object
        return False


# The variables a locale is read from, most important first (the gettext convention).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language_of(variables: Mapping[str, str]) -> str:
    """'sv' when the locale says Swedish, else 'en' (newscli's languages, i18n.LANGUAGES): the
    first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set decides, as Python's gettext
    reads them (LANGUAGE is a list, 'fi:sv:en', whose first entry newscli speaks counts);
    C and POSIX are English."""
    for name in LOCALE_VARIABLES:
        value = variables.get(name, "")
        if not value:
            continue
        for entry in value.split(":") if name == "LANGUAGE" else [value]:
            code = entry.split("@")[0].split(".")[0].split("_")[0].strip().lower()
            if code in LANGUAGES:
                return code
        return "en"
    return "en"


@dataclass(frozen=True)
class Environment:
    """One run's streams, terminal facts, clock, variables and working directory."""

    stdin: IO[str] = field(default_factory=_stdin)
    stdout: IO[str] = field(default_factory=_stdout)
    stderr: IO[str] = field(default_factory=_stderr)
    stdin_isatty: bool | None = None  # None: ask the stream
    stdout_isatty: bool | None = None
    stderr_isatty: bool | None = None
    clock: Callable[[dt.tzinfo], dt.datetime] = _system_clock
    variables: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: Path = field(default_factory=Path.cwd)

    def __post_init__(self) -> None:
        for name in ("stdin", "stdout", "stderr"):
            if getattr(self, f"{name}_isatty") is None:
                object.__setattr__(self, f"{name}_isatty", _isatty(getattr(self, name)))

    @classmethod
    def from_process(cls, **overrides: Any) -> Environment:
        """The environment of this process; tests override parts (clock, terminals)."""
        return cls(**overrides)

    @property
    def colour(self) -> bool:
        """Colour on stdout: only on a terminal, and never with NO_COLOR set (no-color.org)."""
        return bool(self.stdout_isatty) and not self.variables.get("NO_COLOR")

    def now(self, tz: dt.tzinfo) -> dt.datetime:
        return self.clock(tz)

    @property
    def language(self) -> str:
        """The language of messages: 'sv' or 'en' (see language_of)."""
        return language_of(self.variables)

    def variable(self, name: str) -> str:
        """An environment variable, or '' when unset."""
        return self.variables.get(name, "")
