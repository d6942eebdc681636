"""`export html` and `serve` from the command line: the summary a user reads, and a local
server that answers on 127.0.0.1 only and cleans up after itself."""

from __future__ import annotations

import io
import socket
import sys
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from newscli.cli import site as site_cli
from newscli.export.site import SiteReport
from tests.conftest import STORY, Invoke
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
    assert lines[-1].startswith("Exported 5 stories, 5 topics, 19 pages to public/ in ")
    assert lines[-1].endswith(
        " s (60 files written, 0 unchanged)"
    )  # robots, 404, feed.json, statement, the search index's record of changed stories;
    # 7 old section addresses and 5 topic feeds there
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


Reply = tuple[int, str, bytes]
SERVE_FOREVER = ThreadingHTTPServer.serve_forever


def fetch(port: int, path: str, method: str = "GET") -> Reply:
    """Status, content type and body of a request, whatever the status."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return reply.status, reply.headers.get("Content-Type", ""), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


class Page(HTMLParser):
    """A page's language, links and visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(body: bytes) -> Page:
    page = Page()
    page.feed(body.decode("utf-8"))
    return page


def serve_and_ask(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, asks: dict[str, tuple[str, str]]
) -> dict[str, Reply]:
    """Run `newscli serve` and make the requests asks names (name: (method, path))."""
    replies: dict[str, Reply] = {}

    def answer_then_stop(self: ThreadingHTTPServer, *args: Any) -> None:
        thread = threading.Thread(target=SERVE_FOREVER, args=(self,), daemon=True)
        thread.start()
        try:
            port = self.server_address[1]
            for name, (method, path) in asks.items():
                replies[name] = fetch(port, path, method)
        finally:
            self.shutdown()
            thread.join(5)
        raise KeyboardInterrupt

    monkeypatch.setattr(ThreadingHTTPServer, "serve_forever", answer_then_stop)
    result = invoke("serve", "--port", "0")
    assert result.exit_code == 0, result.stderr
    return replies


def test_serve_shows_no_folder_listing(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    replies = serve_and_ask(
        invoke, monkeypatch, {"year": ("GET", "/2021/"), "images": ("GET", "/static/")}
    )
    for name, (status, _, body) in replies.items():
        assert status == 404, name
        assert b"Directory listing" not in body and b"style.css" not in parse(body).links, name


def test_a_missing_page_gets_the_sites_own_not_found_page_with_status_404(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    replies = serve_and_ask(
        invoke,
        monkeypatch,
        {
            "missing": ("GET", "/2021/11/finns-inte/"),
            "head": ("HEAD", "/finns-inte.html"),
            "story": ("GET", f"/2021/11/{STORY}/"),
        },
    )
    status, kind, body = replies["missing"]
    assert status == 404 and kind.startswith("text/html")
    page = parse(body)
    assert page.lang == "sv"
    assert "Sidan finns inte" in "".join(page.text)
    assert "Error response" not in "".join(page.text)  # Python's own English page
    assert "/index.html" in page.links  # the front page, from wherever the reader was
    assert replies["head"][0] == 404 and replies["head"][2] == b""
    assert replies["story"][0] == 200


def test_the_not_found_page_links_work_from_any_missing_address(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = serve_and_ask(invoke, monkeypatch, {"deep": ("GET", "/a/b/c/finns-inte")})
    links = [href for href in parse(first["deep"][2]).links if not href.startswith("#")]
    assert links
    followed = serve_and_ask(
        invoke, monkeypatch, {href: ("GET", href) for href in links if "://" not in href}
    )
    assert followed and all(status == 200 for status, _, _ in followed.values()), followed.keys()


def test_every_export_writes_a_not_found_page_in_the_site_language(
    invoke: Invoke, newsroom_path: Path
) -> None:
    assert invoke("export", "html").exit_code == 0
    page = parse((newsroom_path / "public" / "404.html").read_bytes())
    assert page.lang == "sv" and "Sidan finns inte" in "".join(page.text)
    # Served at any address of the site: links start from the site's own path.
    assert "/aktuellt/index.html" in page.links
    toml = newsroom_path / "newscli.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('language = "sv"', 'language = "en"'))
    assert invoke("export", "html").exit_code == 0
    english = parse((newsroom_path / "public" / "404.html").read_bytes())
    assert english.lang == "en" and "Page not found" in "".join(english.text)


def test_serve_logs_a_request_path_shown_never_obeyed(
    sites: dict[str, tuple[Path, SiteReport]],
) -> None:
    out, _ = sites["sample"]
    log = io.StringIO()
    server = site_cli.make_server(out, 0, log)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
            client.sendall(b"GET /\x1b]0;PWNED\x07\x1b[2J\xc2\x9b HTTP/1.0\r\n\r\n")
            while client.recv(65536):
                pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    logged = log.getvalue()
    assert "\x1b" not in logged and "\x07" not in logged and "\x9b" not in logged
    assert "\\x1b]0;PWNED\\x07" in logged


def _status(port: int, host: str | None) -> int:
    """The status serve answers a GET of / with this Host header (None: without one)."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", "/", skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


def test_serve_refuses_other_host_names_against_dns_rebinding(
    sites: dict[str, tuple[Path, SiteReport]],
) -> None:
    out, _ = sites["sample"]
    server = site_cli.make_server(out, 0, io.StringIO())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        assert _status(port, f"127.0.0.1:{port}") == 200
        assert _status(port, f"LocalHost:{port}") == 200
        for other in (f"angripare.example:{port}", "angripare.example", f"127.0.0.1.nip.io:{port}"):
            assert _status(port, other) == 421, other
        assert _status(port, f"localhost:{port + 1}") == 421  # another origin
        assert _status(port, None) == 400
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
