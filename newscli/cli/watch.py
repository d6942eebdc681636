"""`serve --watch`: rebuild the site when the newsroom changes, and reload the open page.

watchfiles watches the newsroom (articles, photos and other files, newscli.toml,
templates; never .git, .newscli or the export folder). After each rebuild the generation
goes up; every page `serve` sends carries a small script that listens at RELOAD_PATH
(Server-Sent Events) and reloads the page when a generation newer than its own is done.
Nothing is added to the built files: only what `serve` sends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
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
