"""What every command shares: its Environment, error handling, --root, messages on stderr."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from newscli.cli.help import TranslatedHelp
from newscli.environment import Environment
from newscli.errors import ExitStatus, NewsError
from newscli.i18n import _, ngettext, number
from newscli.text import terminal_safe

if TYPE_CHECKING:
    from newscli.catalog import Catalog
    from newscli.cli.typer_inside import HelpFormatter
    from newscli.errors import ArticleError
    from newscli.export.output import ExportReport
    from newscli.newsroom import Newsroom
    from newscli.topics import Topics


def environment(ctx: typer.Context) -> Environment:
    """The run's Environment: built once by the app's callback (tests pass overrides as the
    context object, a dict of Environment fields)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Environment):
        overrides = root.obj if isinstance(root.obj, dict) else {}
        root.obj = Environment.from_process(**overrides)
    return root.obj


def use_root(ctx: typer.Context, env: Environment, root: Path) -> None:
    """--root (or -C) given before the command: the newsroom of every command in the run
    that names none itself, as NEWSCLI_ROOT would be (checked here, so a typo says --root);
    for init, the folder it works in."""
    from dataclasses import replace

    from newscli.config import find_root

    folder = env.cwd / root
    if ctx.invoked_subcommand == "init":  # the folder to make one in, as git -C would
        ctx.find_root().obj = replace(env, cwd=folder)
        return
    find_root(folder, env.cwd, "")
    variables = {**env.variables, "NEWSCLI_ROOT": str(folder)}
    ctx.find_root().obj = replace(env, variables=variables)


def _debug(ctx: typer.Context) -> bool:
    return bool(ctx.find_root().params.get("debug"))


class NewsGroup(TranslatedHelp, TyperGroup):
    """Turns NewsError into `newscli: error: …` and its exit code; tracebacks only with --debug.
    Its help has short summaries and an example, in the user's language (newscli.cli.help);
    the app's root group gives every command under it the same help."""

    def __init__(self, **attrs: Any) -> None:
        from newscli.cli.help import adopt

        super().__init__(**attrs)
        adopt(self, NewsGroup)

    def format_commands(self, ctx: typer.Context, formatter: HelpFormatter) -> None:  # type: ignore[override]
        from newscli.cli.help import command_path, summary

        shown = [(name, command) for name, command in self.commands.items() if not command.hidden]
        if not shown:
            return
        here = command_path(ctx)
        limit = formatter.width - 6 - max(len(name) for name, _command in shown)
        rows = [
            (name, summary(f"{here} {name}".strip(), command, limit)) for name, command in shown
        ]
        with formatter.section(_("Commands")):
            formatter.write_dl(rows)

    def format_epilog(self, ctx: typer.Context, formatter: HelpFormatter) -> None:  # type: ignore[override]
        from newscli.cli.help import format_example

        super().format_epilog(ctx, formatter)
        format_example(ctx, formatter)

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except NewsError as exc:
            if _debug(ctx):
                raise
            fail(environment(ctx), str(exc), exc.exit_status)
        except BrokenPipeError:
            # The reader went away (`newscli list | head`): stop quietly with the status a
            # shell gives a program SIGPIPE ended, as git does.
            with contextlib.suppress(OSError, AttributeError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(ExitStatus.BROKEN_PIPE) from None
        except KeyboardInterrupt:
            say(environment(ctx), _("newscli: interrupted"))
            raise typer.Exit(ExitStatus.INTERRUPTED) from None
        except (typer.Exit, typer.TyperException):
            raise
        except Exception as exc:
            if _debug(ctx):
                raise
            fail(
                environment(ctx),
                _("unexpected {kind}: {error} (run with --debug for the traceback)").format(
                    kind=type(exc).__name__, error=exc
                ),
                ExitStatus.FAILURE,
            )


def error(env: Environment, message: str) -> None:
    """`newscli: error: …` on the run's stderr, made terminal-safe; the run goes on."""
    # Translators: the prefix of every error, as git has it ("fel:"); newscli stays.
    say(env, _("newscli: error: {message}").format(message=message))


def fail(env: Environment, message: str, status: int) -> NoReturn:
    """`newscli: error: …` and the end of the run with status."""
    error(env, message)
    raise typer.Exit(status)


def say(env: Environment, message: str) -> None:
    """A line for the user on stderr: summaries and notes, never data; whatever a file name
    or a value in it holds, the terminal only displays it."""
    print(terminal_safe(message), file=env.stderr, flush=True)


def show_line(env: Environment, line: str) -> None:
    """A line for people on stdout (check's findings, tag's dry run), made terminal-safe."""
    print(terminal_safe(line), file=env.stdout)


def warn(env: Environment, message: str) -> None:
    # Translators: the prefix of every warning, as git has it ("varning:").
    say(env, _("newscli: warning: {message}").format(message=message))


def report_broken(
    env: Environment, broken: Iterable[ArticleError], kept: Iterable[str] = ()
) -> None:
    """One warning per broken article file: skipped, or (kept) published as its last good
    version."""
    published = set(kept)
    for problem in broken:
        if str(problem.path) in published:
            warn(
                env,
                _(
                    "{problem}; published as its last good version until the file is repaired"
                ).format(problem=problem),
            )
        else:
            warn(env, _("skipped {problem}").format(problem=problem))


def spelled_topics(
    env: Environment, catalog: Catalog, known: Topics, typed: Sequence[str]
) -> list[str]:
    """Topics to write, each in the newsroom's spelling of it (`BUDGET` is written `Budget`
    where stories have that); a warning for a new topic that reads like a story's slug (a
    REF given where a topic was meant: `tag add Budget socialnamnden`). known: the
    newsroom's topics."""
    from newscli.topics import slug_like

    for name in typed:
        if name not in known:
            slug = slug_like(name, catalog.slugs)
            if slug is not None:
                warn(
                    env,
                    _(
                        "the new topic {topic!r} reads like the story {slug}; to choose "
                        "stories, name them with --article"
                    ).format(topic=name, slug=slug),
                )
    return list(known.names(typed))


def report_export(env: Environment, report: ExportReport, held: bool = False) -> str:
    """An export's broken files and warnings on stderr, and what its summary line adds
    about broken files ('' when there were none)."""
    report_broken(env, report.broken, report.kept)
    for message in report.warnings:
        warn(env, message)
    kept, left_out = len(report.kept), len(report.broken) - len(report.kept)
    notes = []
    if kept:
        notes.append(
            ngettext(
                "published with {n} broken story kept at its last good version",
                "published with {n} broken stories kept at their last good versions",
                kept,
            ).format(n=number(kept))
        )
    if left_out:
        notes.append(
            ngettext("{n} broken story left out", "{n} broken stories left out", left_out).format(
                n=number(left_out)
            )
        )
    if held:
        notes.append(_("no story page removed"))
    return f" ({'; '.join(notes)})" if notes else ""


def end_export(report: ExportReport) -> None:
    """Exit 1 after an export that met broken files: published, but not the newsroom as it
    is, and a cron job must notice."""
    if not report.complete:
        raise typer.Exit(ExitStatus.FAILURE)


RootOption = Annotated[
    Path | None,
    typer.Option(
        "--root",
        "-C",
        help="Newsroom folder (default: $NEWSCLI_ROOT, else the nearest folder up with newscli.toml).",
        file_okay=False,
    ),
]


def open_newsroom(env: Environment, root: Path | None, base_url: str | None = None) -> Newsroom:
    """The newsroom the run is about; base_url (--base-url) replaces newscli.toml's."""
    from dataclasses import replace

    from newscli.config import find_root, load_site
    from newscli.errors import UsageError
    from newscli.newsroom import Newsroom

    folder = find_root(root, env.cwd, env.variable("NEWSCLI_ROOT"))
    if base_url is None:
        return Newsroom(folder, here=env.cwd)
    if not base_url.startswith(("https://", "http://")):
        raise UsageError(
            _("--base-url must start with https:// or http://, not {url!r}").format(url=base_url)
        )
    return Newsroom(folder, replace(load_site(folder), base_url=base_url), here=env.cwd)


@contextlib.contextmanager
def progress(env: Environment, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """update(done, total) for a progress bar on stderr when it is a terminal, else None:
    piped, nothing is drawn and Rich is not even imported."""
    if not env.stderr_isatty:
        yield None
        return
    from newscli.render.progress import progress_bar

    with progress_bar(label, env.stderr) as update:
        yield update


ExcelOption = Annotated[
    bool,
    typer.Option(
        "--excel",
        help="CSV for a spreadsheet (Swedish Excel): BOM, ';' between cells, no formulas.",
    ),
]


def for_excel(excel: bool, format_name: str) -> bool:
    """Whether the output is CSV for a spreadsheet (--excel): it takes the place of the
    default table, and goes with no format but csv."""
    if excel and format_name not in ("table", "csv"):
        from newscli.errors import UsageError
        from newscli.i18n import _

        raise UsageError(_("--excel goes with --format csv"))
    return excel
