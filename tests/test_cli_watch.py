"""`serve --watch`: a real server, a real HTTP client waiting for the reload signal, and
the page it then gets shows the change saved meanwhile."""

from __future__ import annotations

import http.client
import re
import time
from pathlib import Path

import pytest

from newscli.cli.watch import ChildBuilds, Reloads, with_reload
from tests.conftest import STORY, STORY_PATH, newscli_process


def test_a_page_sent_by_serve_watch_carries_the_reload_script_before_body_ends() -> None:
    reloads = Reloads()
    reloads.bump()
    page = with_reload(b"<html><body><p>x</p></body></html>", reloads)
    assert page.endswith(b"</script></body></html>")
    assert b"/__newscli/reload?since=1" in page
    assert reloads.wait_past(0, 0) and not reloads.wait_past(1, 0.01)


def _get(port: int, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    connection.request("GET", path)
    body = connection.getresponse().read().decode("utf-8")
    connection.close()
    return body


def test_serve_watch_rebuilds_on_save_and_signals_the_open_page(newsroom_path: Path) -> None:
    process = newscli_process(newsroom_path, "serve", "--watch", "--port", "0")
    try:
        assert process.stderr is not None
        port = 0
        for line in process.stderr:
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
                break
        assert port, "serve did not say where it serves"
        story_page = f"/2021/11/{STORY}/index.html"
        page = _get(port, story_page)
        since = re.search(r"/__newscli/reload\?since=(\d+)", page)
        assert since is not None
        # The open page's listener, as its EventSource asks.
        listener = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        listener.request("GET", f"/__newscli/reload?since={since.group(1)}")
        stream = listener.getresponse()
        assert stream.getheader("Content-Type") == "text/event-stream"
        time.sleep(0.5)  # the watcher is watching by now
        article = newsroom_path / STORY_PATH
        saved = time.monotonic()
        article.write_text(
            article.read_text(encoding="utf-8").replace('title = "', 'title = "Sparad: ', 1),
            encoding="utf-8",
        )
        while (event := stream.readline()) and not event.startswith(b"data:"):
            pass
        delay = time.monotonic() - saved
        assert event == b"data: reload\n"
        assert delay < 10
        print(f"save to reload signal: {delay:.2f} s")
        listener.close()
        assert "Sparad: " in _get(port, story_page)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_rebuild_runs_in_a_process_of_its_own_and_says_why_it_failed(
    newsroom_path: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    site = tmp_path / "site"
    builds = ChildBuilds(newsroom_path, site, drafts=False, future=False)
    builds()
    assert (site / "index.html").is_file()
    assert "Exported 5 stories" in capfd.readouterr().err
    (newsroom_path / "newscli.toml").write_text("[site\n", encoding="utf-8")  # mid-edit
    builds()  # said, and serve goes on watching
    assert "newscli: error:" in capfd.readouterr().err
    builds.stop()
    builds()  # a stopped serve starts no build
    assert capfd.readouterr().err == ""
