"""Sources fetched within limits: http(s) only, a total deadline, a size limit, public
addresses only for what a source names, errors naming the URL. Every URL is a server on
127.0.0.1 in the test's own thread (typed=True: as if the person had typed it)."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from pathlib import Path

import pytest

from newscli.importing.fetch import (
    Fetcher,
    FetchError,
    fetch_photo,
    fetch_url,
    is_public,
    read_file,
    read_source,
)
from tests.support.serve import Route, local_server


def test_a_url_is_fetched_with_its_content_type() -> None:
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml; charset=iso-8859-1")
        handler.end_headers()
        handler.wfile.write(b"<rss/>")

    with local_server({"/feed": answer}) as base:
        fetched = fetch_url(f"{base}/feed", typed=True)
    assert fetched.data == b"<rss/>"
    assert fetched.content_type == "application/rss+xml; charset=iso-8859-1"


def test_an_error_status_names_the_url() -> None:
    with local_server({}) as base, pytest.raises(FetchError) as caught:
        fetch_url(f"{base}/missing.xml", typed=True)
    assert str(caught.value) == f"{base}/missing.xml: the server answered 404 Not Found"


def test_an_answer_announced_too_large_is_refused_unread() -> None:
    def huge(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(50 * 2**20))
        handler.end_headers()
        handler.wfile.write(b"<rss>")  # never sends the rest: newscli must not wait for it

    with local_server({"/big": huge}) as base, pytest.raises(FetchError) as caught:
        fetch_url(f"{base}/big", typed=True)
    assert "is larger than 20 MB" in str(caught.value) and "/big" in str(caught.value)


def test_an_answer_that_grows_past_the_limit_is_cut_off() -> None:
    def endless(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()  # no Content-Length: the limit is found while reading
        for _ in range(64):
            handler.wfile.write(b"x" * 65536)

    with local_server({"/grows": endless}) as base, pytest.raises(FetchError) as caught:
        fetch_url(f"{base}/grows", limit=2**20, typed=True)
    assert "is larger than 1 MB" in str(caught.value)


def test_a_server_that_does_not_answer_times_out() -> None:
    release = threading.Event()

    def silent(handler: http.server.BaseHTTPRequestHandler) -> None:
        release.wait(10)

    with local_server({"/slow": silent}) as base:
        try:
            with pytest.raises(FetchError) as caught:
                fetch_url(f"{base}/slow", timeout=0.2, typed=True)
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
        fetch_url(f"{base}/r", typed=True)
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


# -- an import never reaches inside the network (issue 24) --------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::",
    ],
)
def test_local_private_link_local_multicast_and_reserved_addresses_are_not_public(
    address: str,
) -> None:
    assert not is_public(address)


def test_public_addresses_are_public() -> None:
    assert is_public("93.184.216.34") and is_public("2606:4700::1111")


def noting(asked: list[str], data: bytes = b"") -> Route:
    """A route that answers data and notes each path asked for in asked."""

    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        asked.append(handler.path)
        handler.send_response(200)
        handler.end_headers()
        handler.wfile.write(data)

    return answer


def test_an_address_a_source_names_on_loopback_is_never_requested() -> None:
    asked: list[str] = []
    photo = noting(asked)
    with local_server({"/bild.jpg": photo}) as base, pytest.raises(FetchError) as caught:
        fetch_photo(f"{base}/bild.jpg")
    assert "local or private address (127.0.0.1)" in str(caught.value)
    assert asked == []


def test_a_name_is_judged_by_the_address_it_resolves_to(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def resolve(host: str, port: int, *args: object, **kwargs: object) -> object:
        if host == "bilder.example.se":
            return real("127.0.0.1", port, *args, **kwargs)  # type: ignore[arg-type]
        return real(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(FetchError, match=r"local or private address \(127\.0\.0\.1\)"):
        fetch_photo("http://bilder.example.se/bild.jpg")


def test_a_redirect_from_the_typed_server_to_another_local_one_is_refused() -> None:
    with local_server({"/secret": b"inside"}) as inside:

        def redirect(handler: http.server.BaseHTTPRequestHandler) -> None:
            handler.send_response(302)
            handler.send_header("Location", f"{inside}/secret")
            handler.end_headers()

        with local_server({"/feed": redirect}) as typed, pytest.raises(FetchError) as caught:
            Fetcher(f"{typed}/feed").fetch(f"{typed}/feed")
    assert "local or private address" in str(caught.value)


def test_the_typed_servers_own_photos_may_be_fetched() -> None:
    with local_server({"/feed": b"<rss/>", "/bild.jpg": b"JPEG"}) as base:
        fetcher = Fetcher(f"{base}/feed")
        assert fetcher.fetch(f"{base}/feed").data == b"<rss/>"
        assert fetcher.photo(f"{base}/bild.jpg") == b"JPEG"


def test_a_server_sending_one_byte_at_a_time_is_cut_off_at_the_total_deadline() -> None:
    release = threading.Event()

    def trickle(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.end_headers()
        while not release.is_set():
            try:
                handler.wfile.write(b"x")
                handler.wfile.flush()
            except OSError:
                return
            release.wait(0.05)

    with local_server({"/trickle": trickle}) as base:
        started = time.monotonic()
        try:
            with pytest.raises(FetchError) as caught:
                fetch_url(f"{base}/trickle", timeout=0.5, typed=True)
        finally:
            release.set()
    assert time.monotonic() - started < 3
    assert str(caught.value) == f"{base}/trickle: no answer within 0.5 seconds"


def test_an_imports_downloads_stop_when_its_time_is_used_up() -> None:
    with local_server({"/bild.jpg": b"JPEG"}) as base:
        fetcher = Fetcher(base, budget=0.0)
        with pytest.raises(FetchError, match="seconds for downloads are used up"):
            fetcher.photo(f"{base}/bild.jpg")


def test_the_connection_goes_to_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: a name that answers a public address for the check and a local one
    next is never connected to by name."""
    answers = iter(["93.184.216.34", "127.0.0.1"])
    connected: list[tuple[str, int]] = []

    def resolve(host: str, port: int, *args: object, **kwargs: object) -> object:
        address = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def connect(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        connected.append(address)
        raise ConnectionRefusedError("not in tests")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    monkeypatch.setattr(socket, "create_connection", connect)
    with pytest.raises(FetchError, match="could not be fetched"):
        fetch_photo("http://rebind.example.se/bild.jpg")
    assert connected == [("93.184.216.34", 80)]
