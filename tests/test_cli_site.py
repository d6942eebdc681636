"""`export html` and `serve` from the command line: the summary a user reads, and a local
server that answers on 127.0.0.1 only and cleans up after itself."""

from __future__ import annotations

import sys
import threading
import urllib.request
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from newscli.cli import site as site_cli
from newscli.export.site import SiteReport
from tests.conftest import Invoke
from tests.support.checkers import read
from tests.support.newsrooms import STORY_PAGE


def test_export_html_command_writes_public_and_summarises(
    invoke: Invoke, newsroom_path: Path
) -> None:
    result = invoke("export", "html")
    assert result.exit_code == 0, result.stderr
    assert (newsroom_path / "public/index.html").is_file()
    lines = result.stderr.splitlines()
    assert len([line for line in lines if "warning" in line and "image" in line]) == 4
    assert lines[-1].startswith("Exported 5 stories, 5 topics, 17 pages to public/ in ")
    assert lines[-1].endswith(" s (26 files written, 0 unchanged)")
    assert result.stdout == ""
    again = invoke(
        "export", "html", "--output", "elsewhere", "--base-url", "https://nyheter.example.se/"
    )
    assert again.exit_code == 0, again.stderr
    assert "https://nyheter.example.se/2021/11/" in read(newsroom_path / "elsewhere", "sitemap.xml")


def test_serve_answers_on_localhost(sites: dict[str, tuple[Path, SiteReport]]) -> None:
    out, _ = sites["sample"]
    server = site_cli.make_server(out, 0, sys.stderr)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{STORY_PAGE}", timeout=5) as reply:
            assert reply.status == 200
            assert "Förbättrad ekonomisk prognos" in reply.read().decode("utf-8")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_serve_command_builds_then_serves_until_interrupted(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[Path] = []

    def stop(self: ThreadingHTTPServer) -> None:
        folder = Path(self.RequestHandlerClass.keywords["directory"])  # type: ignore[attr-defined]
        served.append(folder)
        assert (folder / "index.html").is_file()
        raise KeyboardInterrupt

    monkeypatch.setattr(ThreadingHTTPServer, "serve_forever", stop)
    result = invoke("serve", "--port", "0")
    assert result.exit_code == 0, result.stderr
    assert "Serving the site at http://127.0.0.1:" in result.stderr
    assert served and not served[0].exists()  # the temporary folder is gone afterwards
