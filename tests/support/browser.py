"""One headless Chromium for many pages, driven over the DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages ended by NUL on file descriptors 3 and 4), so
that no Playwright, Selenium or websocket library is needed; and axe-core run in it.

axe-core comes from the npm registry, installed by .ci/install-site-tools.sh into
.ci/vendor like vnu-jar.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

from tests.conftest import REPO

AXE = REPO / ".ci/vendor/node_modules/axe-core/axe.min.js"
# The rules of WCAG 2.0 and 2.1, levels A and AA: what Swedish public-sector sites must meet.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> Path | None:
    found = os.environ.get("AXE_CORE_JS") or str(AXE)
    return Path(found) if Path(found).is_file() else None


def _high(fd: int) -> int:
    """fd moved to a number of 10 or more."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class Browser:
    """A headless Chromium and one tab in it, until close()."""

    def __init__(self, chromium: str, profile: Path, timeout: float = 60) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        to_browser, self._to_write = os.pipe()
        self._from_read, from_browser = os.pipe()
        # Above 3 and 4, so that setting those two up cannot overwrite one of these.
        to_browser, from_browser = (_high(to_browser), _high(from_browser))
        self.timeout = timeout
        command = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1280,1024",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
        ]

        def descriptors() -> None:
            """In the child: the protocol is spoken on 3 (to the browser) and 4 (from it)."""
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        self.process = subprocess.Popen(
            command,
            preexec_fn=descriptors,  # two dup2 calls in the child, nothing that takes a lock
            pass_fds=(3, 4),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next = 0
        self._events: list[dict[str, Any]] = []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.send("Page.enable", session=self.session)

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_read], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_read, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium went away")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Call one protocol method and return its result (events met on the way are kept)."""
        self._next += 1
        call: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session is not None:
            call["sessionId"] = session
        os.write(self._to_write, json.dumps(call).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._message(deadline)
            if message.get("id") == self._next:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self._events.append(message)

    def open(self, url: str) -> None:
        """Load url in the tab and wait for its load event."""
        self._events.clear()
        self.send("Page.navigate", session=self.session, url=url)
        deadline = time.monotonic() + self.timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self._events):
            self._events.append(self._message(deadline))

    def preload(self, source: str) -> None:
        """Run source in every page the tab opens from now on, before the page's own scripts."""
        self.send("Page.addScriptToEvaluateOnNewDocument", session=self.session, source=source)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited when it is a promise)."""
        answer = self.send(
            "Runtime.evaluate",
            session=self.session,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(str(answer["exceptionDetails"])[:2000])
        return answer.get("result", {}).get("value")

    def dom(self) -> str:
        """The page's DOM as it is now, serialised (what --dump-dom prints)."""
        html: str = self.evaluate("document.documentElement.outerHTML")
        return html

    def screenshot(self, path: Path, width: int, height: int) -> None:
        """A PNG of the page at that window size."""
        import base64

        self.send(
            "Emulation.setDeviceMetricsOverride",
            session=self.session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        shot = self.send("Page.captureScreenshot", session=self.session, format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_write)
        os.close(self._from_read)


def axe_violations(browser: Browser, url: str) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page at url, one line each:
    'rule-id (impact): help — the elements'. The browser must have axe-core preloaded."""
    browser.open(url)
    return axe_violations_shown(browser)


def axe_violations_shown(browser: Browser) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now (after a script
    changed it: search results shown), one line each, as axe_violations gives them."""
    run = (
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG_AA)}}}, resultTypes: ['violations']}})"
        ".then(r => r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' +"
        " v.nodes.map(n => n.target.join(' ')).join(', ')))"
    )
    found: list[str] = browser.evaluate(run)
    return found
