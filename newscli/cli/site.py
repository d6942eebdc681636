"""Commands for the static site: export html, and serve for a look before publishing."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from newscli.cli.common import (
    RootOption,
    end_export,
    environment,
    open_newsroom,
    progress,
    report_export,
    say,
)
from newscli.errors import ExitStatus, NewsError
from newscli.i18n import _, decimal, ngettext, number
from newscli.text import terminal_safe

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

    from newscli.cli.watch import ChildBuilds, Reloads
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
    with progress(env, _("Exporting")) as update_bar:
        report = export_site(
            newsroom,
            output,
            now=now or env.now(newsroom.site.tz),
            drafts=drafts,
            future=future,
            progress=update_bar,
            site_root=site_root,
            full=full,
        )
    seconds = time.perf_counter() - started
    if report.unknown:
        unknown = len(report.unknown)
        report.warnings.insert(
            0,
            ngettext(
                "no story page of an earlier export was removed ({kept} kept): the last good "
                "version of {n} broken file is unknown, and it may be any of those stories; "
                "repair it and export again",
                "no story page of an earlier export was removed ({kept} kept): the last good "
                "versions of {n} broken files are unknown, and they may be any of those "
                "stories; repair them and export again",
                unknown,
            ).format(n=number(unknown), kept=number(len(report.held))),
        )
    note = report_export(env, report, held=bool(report.unknown))
    if quiet:
        return report
    if report.search is not None:
        indexed, took = report.search
        say(
            env,
            ngettext(
                "Search index: {n} story in {seconds} s",
                "Search index: {n} stories in {seconds} s",
                indexed,
            ).format(n=number(indexed), seconds=decimal(took)),
        )
    say(env, _summary(report, shown, seconds) + note)
    return report


def _summary(report: SiteReport, shown: str, seconds: float) -> str:
    """`Exported 5 stories, 7 topics, 14 pages to public/ in 0.4 s (30 files written, 0
    unchanged)`."""
    written, unchanged, removed = report.written, report.unchanged, report.removed
    changes = [
        ngettext("{n} file written", "{n} files written", written).format(n=number(written)),
        ngettext("{n} unchanged", "{n} unchanged", unchanged).format(n=number(unchanged)),
    ]
    if removed:
        changes.append(ngettext("{n} removed", "{n} removed", removed).format(n=number(removed)))
    stories, topics, pages = report.stories, report.topics, report.pages
    return _("Exported {stories}, {topics}, {pages} to {place} in {seconds} s ({changes})").format(
        stories=ngettext("{n} story", "{n} stories", stories).format(n=number(stories)),
        topics=ngettext("{n} topic", "{n} topics", topics).format(n=number(topics)),
        pages=ngettext("{n} page", "{n} pages", pages).format(n=number(pages)),
        place=shown,
        seconds=decimal(seconds),
        changes=", ".join(changes),
    )


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
    if report.faults:  # published anyway, as check would not have it: a cron job must notice
        raise typer.Exit(ExitStatus.FAILURE)


def build_all(
    ctx: typer.Context,
    next_only: Annotated[
        bool,
        typer.Option(
            "--next",
            help="Build nothing: print only when the public output next changes (ISO 8601), "
            "or nothing when no embargo or expiry is ahead.",
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Say only warnings and errors (for cron).")
    ] = False,
    deploy_after: Annotated[
        bool,
        typer.Option("--deploy", help="Then send the site to [deploy] target (newscli deploy)."),
    ] = False,
    root: RootOption = None,
) -> None:
    """Run every export newscli.toml configures ([build]: the site, extra feeds) and print
    when the public output next changes by itself."""
    from newscli.config import load_builds
    from newscli.export.build import feed_target, next_public_change, site_folder

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    tz = newsroom.site.tz
    now = env.now(tz)
    if next_only:
        when = next_public_change(newsroom, now)
        if when is not None:
            print(when.astimezone(tz).isoformat(), file=env.stdout, flush=True)
        return
    builds = load_builds(newsroom.root)
    complete = True
    if builds.html:
        folder = site_folder(newsroom, builds)
        report = build(env, newsroom, folder, False, False, builds.output, now=now, quiet=quiet)
        complete = report.complete and not report.faults  # as export html exits
        when = report.next_change
    else:
        when = next_public_change(newsroom, now)
    from newscli.export.feed_export import export_feed

    for job in builds.feeds:
        feed = export_feed(
            newsroom,
            job.kind,
            feed_target(newsroom, job.output),
            now=now,
            limit=job.limit,
            topic=job.topic,
            full=job.full,
        )
        note = report_export(env, feed)
        complete = complete and feed.complete
        if not quiet:
            exported = ngettext(
                "Exported {n} story to {place}{note}",
                "Exported {n} stories to {place}{note}",
                feed.stories,
            )
            say(env, exported.format(n=number(feed.stories), place=job.output, note=note))
    if not quiet:
        shown = when.astimezone(tz).isoformat() if when else _("none (no embargo or expiry ahead)")
        print(_("Next change: {when}").format(when=shown), file=env.stdout, flush=True)
    if not complete:
        raise typer.Exit(ExitStatus.FAILURE)
    if deploy_after:
        send_site(env, newsroom, dry_run=False, force=False)


def deploy(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only list what would be sent and removed.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Deploy into a folder that holds files newscli did not write."
        ),
    ] = False,
    root: RootOption = None,
) -> None:
    """Send the exported site to [deploy] target in newscli.toml: only the files that
    changed, pages before the listings that link to them, removals last."""
    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    send_site(env, newsroom, dry_run=dry_run, force=force)


def send_site(env: Environment, newsroom: Newsroom, *, dry_run: bool, force: bool) -> None:
    """Deploy the site folder [build] names to [deploy] target, with the summary line."""
    from newscli.cli.common import show_line
    from newscli.config import load_builds, load_deploy_target
    from newscli.export.build import site_folder
    from newscli.export.deploy import deploy as send

    target = load_deploy_target(newsroom.root)
    if target is None:
        raise NewsError(_('no deploy target: set [deploy] target = "…" in newscli.toml'))
    folder = site_folder(newsroom, load_builds(newsroom.root))
    started = time.perf_counter()
    with progress(env, _("Deploying")) as update_bar:
        plan = send(
            newsroom.root,
            folder,
            target,
            force=force,
            dry_run=dry_run,
            progress=update_bar,
            now=env.now(newsroom.site.tz),
        )
    seconds = time.perf_counter() - started
    if dry_run:
        for rel in plan.sent:
            show_line(env, _("send {file}").format(file=rel))
        for rel in plan.removed:
            show_line(env, _("remove {file}").format(file=rel))
    sent, removed = len(plan.sent), len(plan.removed)
    line = _("{sent}, {removed}, {size} MB in {seconds} s").format(
        sent=(
            ngettext("{n} file would be sent", "{n} files would be sent", sent)
            if dry_run
            else ngettext("{n} file sent", "{n} files sent", sent)
        ).format(n=number(sent)),
        removed=ngettext("{n} removed", "{n} removed", removed).format(n=number(removed)),
        size=decimal(plan.size / 1_000_000),
        seconds=decimal(seconds),
    )
    say(env, line)


def make_server(
    folder: Path, port: int, log: IO[str], reloads: Reloads | None = None
) -> ThreadingHTTPServer:
    """An HTTP server for folder on 127.0.0.1 only (port 0 picks a free one): the site as a
    web server shows it, without folder listings, and the site's own 404.html for a page
    that is not there; a request naming any other host than 127.0.0.1 or localhost (DNS
    rebinding) is refused. With reloads (serve --watch), every page it sends reloads itself
    after the next rebuild (see newscli.cli.watch)."""
    import http.server
    import io
    from http import HTTPStatus
    from urllib.parse import parse_qs, urlsplit

    from newscli.export.site import NOT_FOUND

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        """Serves the built site; logs one short line per request on stderr."""

        def log_message(self, format: str, *args: object) -> None:
            # A request path may hold anything a client sends: shown, never obeyed.
            log.write(terminal_safe(f"{self.address_string()} {format % args}") + "\n")

        def parse_request(self) -> bool:
            # DNS rebinding: a page of another site whose name now points at 127.0.0.1 would
            # read the preview (drafts included). Its requests name that site as their Host.
            if not super().parse_request():
                return False
            host = self.headers.get("Host")
            if host is None:
                self.send_error(HTTPStatus.BAD_REQUEST, "No Host header")
                return False
            if host.strip().lower() not in hosts:
                self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "Not a name of this server")
                return False
            return True

        def send_head(self) -> Any:
            if reloads is None:
                return super().send_head()
            from newscli.cli.watch import RELOAD_PATH, with_reload

            parts = urlsplit(self.path)
            if parts.path == RELOAD_PATH:
                return self.reload_signal(parse_qs(parts.query).get("since", ["0"])[0])
            target = Path(self.translate_path(self.path))
            if target.is_dir():
                target = target / "index.html"
            if target.suffix != ".html" or not target.is_file():
                return super().send_head()
            body = with_reload(target.read_bytes(), reloads)
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return io.BytesIO(body)

        def reload_signal(self, since: str) -> None:
            """Server-Sent Events: one 'reload' once a build newer than since is done."""
            assert reloads is not None
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = int(since) if since.isdigit() else 0
            try:
                while not reloads.wait_past(seen, 15):
                    self.wfile.write(b": still here\n\n")  # finds a closed page out
                    self.wfile.flush()
                self.wfile.write(b"data: reload\n\n")
                self.wfile.flush()
            except OSError:
                pass  # the page went away
            self.close_connection = True

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
    hosts: set[str] = set()
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        raise NewsError(
            _("cannot listen on {address}: {reason} (try --port {port})").format(
                address=f"127.0.0.1:{port}", reason=exc.strerror or exc, port=port + 1
            )
        ) from None
    # The names it was started for, with the port it listens on (a browser sends it).
    real_port = server.server_address[1]
    names = ("127.0.0.1", "localhost")
    hosts.update(f"{name}:{real_port}" for name in names)
    if real_port == 80:  # the port a browser leaves out
        hosts.update(names)
    return server


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
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="Rebuild when a story, photo, newscli.toml or template changes, and "
            "reload the open page.",
        ),
    ] = False,
    root: RootOption = None,
) -> None:
    """Build the site into a temporary folder and serve it on 127.0.0.1 for a look."""
    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    with tempfile.TemporaryDirectory(prefix="newscli-site-") as folder:
        # Served at the root of 127.0.0.1, whatever path base_url has.
        build(env, newsroom, Path(folder), drafts, future, _("a temporary folder"), site_root="/")
        reloads = stop = watcher = builds = None
        if watch:
            reloads, stop, watcher, builds = _watching(newsroom, Path(folder), drafts, future)
        server = make_server(Path(folder), port, env.stderr, reloads)
        try:
            with server:
                host, real_port = server.server_address[:2]
                url = f"http://{host!s}:{real_port}/"
                say(env, _("Serving the site at {url} (Ctrl+C to stop)").format(url=url))
                with contextlib.suppress(KeyboardInterrupt), _stop_on_sigterm():
                    server.serve_forever()
        finally:
            if stop is not None and watcher is not None and builds is not None:
                stop.set()
                builds.stop()
                watcher.join(timeout=5)
    say(env, _("Stopped."))


def _watching(
    newsroom: Newsroom, folder: Path, drafts: bool, future: bool
) -> tuple[Reloads, threading.Event, threading.Thread, ChildBuilds]:
    """A thread that rebuilds the site into folder after every change in the newsroom, each
    time in a new process (never a fork of this one: it runs the server's threads)."""
    from newscli.cli.watch import ChildBuilds, Reloads, watch
    from newscli.newsroom import PUBLIC

    reloads = Reloads()
    stop = threading.Event()
    builds = ChildBuilds(newsroom.root, folder, drafts=drafts, future=future)
    skip = [folder, newsroom.root / PUBLIC]
    watcher = threading.Thread(
        target=watch, args=(newsroom.root, skip, builds, reloads, stop), daemon=True
    )
    watcher.start()
    return reloads, stop, watcher, builds
