"""Sources fetched within limits: http(s) only, a timeout, a size limit, errors naming the URL.
Every URL is a server on 127.0.0.1 in the test's own thread."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import pytest

from newscli.importing.fetch import FetchError, fetch_url, read_file, read_source
from tests.support.serve import local_server


def test_a_url_is_fetched_with_its_content_type() -> None:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml; charset=iso-8859-1")
        handler.end_headers()
        handler.wfile.write(b"<rss/>")

    with local_server({"/feed": answer}) as base:
        fetched = fetch_url(f"{base}/feed")
    assert fetched.data == b"<rss/>"
    assert fetched.content_type == "application/rss+xml; charset=iso-8859-1"


def test_an_error_status_names_the_url() -> None:
    with local_server({}) as base, pytest.raises(FetchError) as caught:
        fetch_url(f"{base}/missing.xml")
    assert str(caught.value) == f"{base}/missing.xml: the server answered 404 Not Found"


def test_an_answer_announced_too_large_is_refused_unread() -> None:
    def huge(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(50 * 2**20))
        handler.end_headers()
        handler.wfile.write(b"<rss>")  # never sends the rest: newscli must not wait for it

    with local_server({"/big": huge}) as base, pytest.raises(FetchError) as caught:
        fetch_url(f"{base}/big")
    assert "is larger than 20 MB" in str(caught.value) and "/big" in str(caught.value)


def test_an_answer_that_grows_past_the_limit_is_cut_off() -> None:
    def endless(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()  # no Content-Length: the limit is found while reading
        for _ in range(64):
            handler.wfile.write(b"x" * 65536)

    with local_server({"/grows": endless}) as base, pytest.raises(FetchError) as caught:
        fetch_url(f"{base}/grows", limit=2**20)
    assert "is larger than 1 MB" in str(caught.value)


def test_a_server_that_does_not_answer_times_out() -> None:
    release = threading.Event()

    def silent(handler: http.server.BaseHTTPRequestHandler) -> None:
        release.wait(10)

    with local_server({"/slow": silent}) as base:
        try:
            with pytest.raises(FetchError) as caught:
                fetch_url(f"{base}/slow", timeout=0.2)
        finally:
            release.set()
    assert str(caught.value) == f"{base}/slow: no answer within 0.2 seconds"


def test_only_http_and_files_are_read(tmp_path: Path) -> None:
    for source in ("file:///etc/passwd", "ftp://example.se/feed.xml"):
        with pytest.raises(FetchError, match="only http"):
            read_source(source, tmp_path)
    with pytest.raises(FetchError, match="only http"):
        fetch_url("file:///etc/passwd")


def test_a_redirect_to_ftp_is_refused() -> None:
    def redirect(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", "ftp://example.se/feed.xml")
        handler.end_headers()

    with local_server({"/r": redirect}) as base, pytest.raises(FetchError) as caught:
        fetch_url(f"{base}/r")
    assert "not http(s)" in str(caught.value)


def test_a_50_mb_file_is_refused_by_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    with big.open("wb") as handle:
        handle.truncate(50 * 2**20)  # sparse: nothing written, nothing read
    with pytest.raises(FetchError) as caught:
        read_source("big.xml", tmp_path)
    assert str(caught.value) == "big.xml: is larger than 20 MB, the most newscli reads; not read"


def test_a_missing_file_or_a_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"missing\.xml: cannot read"):
        read_source("missing.xml", tmp_path)
    with pytest.raises(FetchError, match="not a regular file"):
        read_file(tmp_path)
