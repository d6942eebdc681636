"""Commands for the static site: export html, and serve for a look before publishing."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from newscli.cli.common import (
    RootOption,
    end_export,
    environment,
    open_newsroom,
    plural,
    report_export,
    say,
)
from newscli.errors import NewsError
from newscli.text import terminal_safe

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

    from newscli.environment import Environment
    from newscli.export.site import SiteReport
    from newscli.newsroom import Newsroom

DraftsOption = Annotated[
    bool, typer.Option("--drafts", help="Include drafts, marked as such (previews only).")
]
FutureOption = Annotated[
    bool,
    typer.Option("--future", help="Include stories dated later than now, marked (previews only)."),
]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url", help="Public address of the site (default: base_url in newscli.toml)."
    ),
]


@contextlib.contextmanager
def _progress(env: Environment) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal only; Rich is not even imported otherwise."""
    if not env.stderr_isatty:
        yield None
        return
    from newscli.render.progress import progress_bar

    with progress_bar("Exporting", env.stderr) as update:
        yield update


def build(
    env: Environment,
    newsroom: Newsroom,
    output: Path,
    drafts: bool,
    future: bool,
    shown: str,
    site_root: str | None = None,
    full: bool = False,
    now: dt.datetime | None = None,
    quiet: bool = False,
) -> SiteReport:
    """Export the site (as at now, default: the clock now), then print the warnings and,
    unless quiet, the one-line summary on stderr."""
    from newscli.export.site import export_site

    started = time.perf_counter()
    with _progress(env) as progress:
        report = export_site(
            newsroom,
            output,
            now=now or env.now(newsroom.site.tz),
            drafts=drafts,
            future=future,
            progress=progress,
            site_root=site_root,
            full=full,
        )
    seconds = time.perf_counter() - started
    if report.unknown:
        report.warnings.insert(
            0,
            f"no story page of an earlier export was removed ({len(report.held)} kept): the last "
            f"good version of {plural(len(report.unknown), 'broken file', 'broken files')} is "
            "unknown, and it may be any of those stories; repair it and export again",
        )
    note = report_export(env, report, held=bool(report.unknown))
    stories = plural(report.stories, "story", "stories")
    topics = plural(report.topics, "topic", "topics")
    pages = plural(report.pages, "page", "pages")
    changes = f"{report.written} files written, {report.unchanged} unchanged"
    if report.removed:
        changes += f", {report.removed} removed"
    if quiet:
        return report
    say(
        env,
        f"Exported {stories}, {topics}, {pages} to {shown} in {seconds:.1f} s ({changes}){note}",
    )
    return report


def export_html(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Folder to build the site in (default: public/ in the newsroom).",
            file_okay=False,
        ),
    ] = None,
    drafts: DraftsOption = False,
    future: FutureOption = False,
    base_url: BaseUrlOption = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Render every page again, trusting nothing the last export remembers "
            "(after pages in the folder were changed by hand).",
        ),
    ] = False,
    root: RootOption = None,
) -> None:
    """Build the static HTML site: pages, photos, feeds and sitemap, ready to serve as-is."""
    from newscli.newsroom import PUBLIC

    env = environment(ctx)
    newsroom = open_newsroom(env, root, base_url)
    target = output if output is not None else newsroom.root / PUBLIC
    shown = str(output) if output is not None else f"{PUBLIC}/"
    report = build(env, newsroom, target, drafts, future, shown, full=full)
    end_export(report)


def make_server(folder: Path, port: int, log: IO[str]) -> ThreadingHTTPServer:
    """An HTTP server for folder on 127.0.0.1 only (port 0 picks a free one): the site as a
    web server shows it, without folder listings, and the site's own 404.html for a page
    that is not there."""
    import http.server
    from http import HTTPStatus

    from newscli.export.site import NOT_FOUND

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        """Serves the built site; logs one short line per request on stderr."""

        def log_message(self, format: str, *args: object) -> None:
            # A request path may hold anything a client sends: shown, never obeyed.
            log.write(terminal_safe(f"{self.address_string()} {format % args}") + "\n")

        def list_directory(self, path: str | os.PathLike[str]) -> None:
            # A folder without index.html is no page of the site: no listing of its files.
            self.send_error(HTTPStatus.NOT_FOUND, "No such page")

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            page = folder / NOT_FOUND
            if code != HTTPStatus.NOT_FOUND or not page.is_file():
                super().send_error(code, message, explain)
                return
            body = page.read_bytes()
            self.log_error("code %d, message %s", code, message)
            self.send_response(code, message)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    handler = functools.partial(QuietHandler, directory=str(folder))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise NewsError(
            f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} (try --port {port + 1})"
        ) from None


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """Treat SIGTERM (kill, a service manager) like Ctrl+C, so the temporary folder goes."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(
    ctx: typer.Context,
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="Port on 127.0.0.1.")
    ] = 8000,
    drafts: DraftsOption = False,
    future: FutureOption = False,
    root: RootOption = None,
) -> None:
    """Build the site into a temporary folder and serve it on 127.0.0.1 for a look."""
    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    with tempfile.TemporaryDirectory(prefix="newscli-site-") as folder:
        # Served at the root of 127.0.0.1, whatever path base_url has.
        build(env, newsroom, Path(folder), drafts, future, "a temporary folder", site_root="/")
        server = make_server(Path(folder), port, env.stderr)
        with server:
            host, real_port = server.server_address[:2]
            say(env, f"Serving the site at http://{host!s}:{real_port}/ (Ctrl+C to stop)")
            with contextlib.suppress(KeyboardInterrupt), _stop_on_sigterm():
                server.serve_forever()
    say(env, "Stopped.")
