"""Commands for the static site: export html, and serve for a look before publishing."""

from __future__ import annotations

import contextlib
import functools
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newscli.cli.common import RootOption, env, open_newsroom, report_skipped, warn
from newscli.errors import NewsError, UsageError

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

    from newscli.newsroom import Newsroom

PUBLIC = "public"

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


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal only; Rich is not even imported otherwise."""
    if not stderr_is_terminal():
        yield None
        return
    from newscli.render.progress import progress_bar

    with progress_bar("Exporting") as update:
        yield update


def _open(root: Path | None, base_url: str | None) -> Newsroom:
    from newscli.newsroom import Newsroom

    newsroom = open_newsroom(root)
    if base_url is not None:
        if not base_url.startswith(("https://", "http://")):
            raise UsageError(f"--base-url must start with https:// or http://, not {base_url!r}")
        newsroom = Newsroom(newsroom.root, replace(newsroom.site, base_url=base_url))
    return newsroom


def build(newsroom: Newsroom, output: Path, drafts: bool, future: bool, shown: str) -> None:
    """Export the site, then print the warnings and the one-line summary on stderr."""
    from newscli.export.site import export_site

    started = time.perf_counter()
    with _progress() as progress:
        report = export_site(
            newsroom,
            output,
            now=env.now(newsroom.site.tz),
            drafts=drafts,
            future=future,
            progress=progress,
        )
    seconds = time.perf_counter() - started
    report_skipped(newsroom)
    for message in report.warnings:
        warn(message)
    stories = f"{report.stories} {'story' if report.stories == 1 else 'stories'}"
    topics = f"{report.topics} {'topic' if report.topics == 1 else 'topics'}"
    pages = f"{report.pages} {'page' if report.pages == 1 else 'pages'}"
    changes = f"{report.written} files written, {report.unchanged} unchanged"
    if report.removed:
        changes += f", {report.removed} removed"
    typer.echo(
        f"Exported {stories}, {topics}, {pages} to {shown} in {seconds:.1f} s ({changes})",
        err=True,
    )


def export_html(
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
    root: RootOption = None,
) -> None:
    """Build the static HTML site: pages, photos, feeds and sitemap, ready to serve as-is."""
    newsroom = _open(root, base_url)
    target = output if output is not None else newsroom.root / PUBLIC
    shown = str(output) if output is not None else f"{PUBLIC}/"
    build(newsroom, target, drafts, future, shown)


def make_server(folder: Path, port: int) -> ThreadingHTTPServer:
    """An HTTP server for folder on 127.0.0.1 only (port 0 picks a free one)."""
    import http.server

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        """Serves the built site; logs one short line per request on stderr."""

        def log_message(self, format: str, *args: object) -> None:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

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
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="Port on 127.0.0.1.")
    ] = 8000,
    drafts: DraftsOption = False,
    future: FutureOption = False,
    root: RootOption = None,
) -> None:
    """Build the site into a temporary folder and serve it on 127.0.0.1 for a look."""
    newsroom = _open(root, None)
    with tempfile.TemporaryDirectory(prefix="newscli-site-") as folder:
        build(newsroom, Path(folder), drafts, future, "a temporary folder")
        server = make_server(Path(folder), port)
        with server:
            host, real_port = server.server_address[:2]
            typer.echo(
                f"Serving the site at http://{host!s}:{real_port}/ (Ctrl+C to stop)", err=True
            )
            with contextlib.suppress(KeyboardInterrupt), _stop_on_sigterm():
                server.serve_forever()
    typer.echo("Stopped.", err=True)
