"""`serve --watch`: rebuild the site when the newsroom changes, and reload the open page.

watchfiles watches the newsroom (articles, photos and other files, newscli.toml,
templates; never .git, .newscli or the export folder). After each rebuild the generation
goes up; every page `serve` sends carries a small script that listens at RELOAD_PATH
(Server-Sent Events) and reloads the page when a generation newer than its own is done.
Nothing is added to the built files: only what `serve` sends.

Each rebuild runs in a fresh process (`python -m newscli.cli.watch`, see ChildBuilds): the
serving process runs the server's and the watcher's threads, and a build forks its workers,
so it never builds itself (forking a process that runs threads is unsafe).
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

# Where a page listens for the reload signal (no page of a site can live there).
RELOAD_PATH = "/__newscli/reload"
# The script added before </body> of every page serve --watch sends; {since} is the
# generation of the site the page was sent from.
RELOAD_SCRIPT = (
    "<script>(function(){{var s=new EventSource('{path}?since={since}');"
    "s.onmessage=function(){{s.close();location.reload();}};}})();</script>"
)
# Folders whose changes are no reason to rebuild.
IGNORED = (".git", ".newscli", "__pycache__", "node_modules", ".venv")


class Reloads:
    """The number of the latest build, and a way to wait for a newer one."""

    def __init__(self) -> None:
        self.generation = 0
        self._changed = threading.Condition()

    def bump(self) -> None:
        with self._changed:
            self.generation += 1
            self._changed.notify_all()

    def wait_past(self, since: int, timeout: float) -> bool:
        """True once a build newer than since is done; False after timeout without one."""
        with self._changed:
            return self._changed.wait_for(lambda: self.generation > since, timeout)

    def script(self) -> bytes:
        return RELOAD_SCRIPT.format(path=RELOAD_PATH, since=self.generation).encode()


def with_reload(html: bytes, reloads: Reloads) -> bytes:
    """A page as serve --watch sends it: the reload script before its last </body>."""
    at = html.rfind(b"</body>")
    if at < 0:
        return html + reloads.script()
    return html[:at] + reloads.script() + html[at:]


def watch(
    root: Path,
    skip: list[Path],
    rebuild: Callable[[], None],
    reloads: Reloads,
    stop: threading.Event,
) -> None:
    """Rebuild after every batch of changes under root (but not in skip), then bump the
    generation, until stop is set."""
    import watchfiles

    skipped = [folder.resolve() for folder in skip]

    class Changes(watchfiles.DefaultFilter):
        def __call__(self, change: watchfiles.Change, path: str) -> bool:
            where = Path(path)
            if any(where == folder or folder in where.parents for folder in skipped):
                return False
            return super().__call__(change, path)

    ignore = (*watchfiles.DefaultFilter.ignore_dirs, *IGNORED)
    for _changes in watchfiles.watch(
        root,
        watch_filter=Changes(ignore_dirs=ignore),
        stop_event=stop,
        step=20,
        debounce=400,
        rust_timeout=200,
        yield_on_timeout=False,
    ):
        rebuild()
        reloads.bump()


class ChildBuilds:
    """Rebuilds of the site into folder, each in a new process of its own, one at a time;
    stop() ends the one under way (serve is stopping and its folder goes)."""

    def __init__(self, root: Path, folder: Path, *, drafts: bool, future: bool):
        self.command = [sys.executable, "-m", "newscli.cli.watch", str(root), str(folder)]
        self.command += [*(["--drafts"] if drafts else []), *(["--future"] if future else [])]
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._stopped = False

    def __call__(self) -> None:
        with self._lock:
            if self._stopped:
                return
            # Its warnings and summary go where serve's go (the same stderr).
            self._child = subprocess.Popen(self.command, stdin=subprocess.DEVNULL)
        self._child.wait()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._child is not None and self._child.poll() is None:
                self._child.terminate()
                self._child.wait()


def rebuild(argv: Sequence[str]) -> int:
    """A rebuild as ChildBuilds runs it: ROOT FOLDER [--drafts] [--future]. A newsroom being
    edited may be broken for a moment: the error is said and serve goes on watching."""
    from newscli import i18n
    from newscli.cli.common import open_newsroom, say
    from newscli.cli.site import build
    from newscli.environment import Environment
    from newscli.errors import NewsError
    from newscli.i18n import _

    root, folder, *flags = argv
    env = Environment.from_process()
    i18n.use(env.language)
    try:
        newsroom = open_newsroom(env, Path(root))
        shown = _("a temporary folder")
        drafts, future = "--drafts" in flags, "--future" in flags
        build(env, newsroom, Path(folder), drafts, future, shown, site_root="/")
    except NewsError as exc:
        say(env, f"newscli: error: {exc}")
    except KeyboardInterrupt:  # Ctrl+C reaches the whole terminal's group: serve says it
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(rebuild(sys.argv[1:]))
