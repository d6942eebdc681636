"""What every command shares: the environment, error handling, --root and the newsroom."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from newscli.errors import ExitStatus, NewsError

if TYPE_CHECKING:
    from newscli.newsroom import Newsroom


class Environment:
    """What the outside world looks like to a command; tests replace its parts."""

    def stdin_is_terminal(self) -> bool:
        return sys.stdin.isatty()

    def now(self, tz: dt.tzinfo) -> dt.datetime:
        return dt.datetime.now(tz)


env = Environment()


class NewsGroup(TyperGroup):
    """Turns NewsError into `newscli: error: …` and its exit code; tracebacks only with --debug."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except NewsError as exc:
            if ctx.params.get("debug"):
                raise
            fail(str(exc), exc.exit_status)
        except BrokenPipeError:
            # The reader went away (`newscli list | head`): stop quietly, as other tools do.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(ExitStatus.FAILURE) from None
        except KeyboardInterrupt:
            typer.echo("newscli: interrupted", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            fail(
                f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                ExitStatus.FAILURE,
            )


def fail(message: str, status: int) -> NoReturn:
    typer.echo(f"newscli: error: {message}", err=True)
    raise typer.Exit(status)


def warn(message: str) -> None:
    typer.echo(f"newscli: warning: {message}", err=True)


RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="Newsroom folder (default: $NEWSCLI_ROOT, else the nearest folder up with newscli.toml, else here).",
        file_okay=False,
    ),
]


def open_newsroom(root: Path | None) -> Newsroom:
    from newscli.config import find_root
    from newscli.newsroom import Newsroom

    return Newsroom(find_root(root))


def report_skipped(newsroom: Newsroom) -> None:
    """One warning line per broken file a command had to skip."""
    for problem in newsroom.skipped:
        warn(f"skipped {problem}")
