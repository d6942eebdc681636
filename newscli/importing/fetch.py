"""Everything an import downloads, through one fetcher: a source the person named (a file or
an http(s) URL) and the addresses that source names in turn (photos, body images).

Limits that hold whatever a server does:
- size: at most `limit` bytes, read a chunk at a time (a 50 MB answer is refused at the
  limit, never held whole);
- time: a total deadline per request (connecting, redirects, headers and body together: a
  server sending one byte a second is cut off when it passes), and one per import for all
  its downloads together (`Fetcher`);
- place: an address a source names reaches only the public internet. Its host is resolved,
  every address it resolves to must be public (not loopback, private, link-local, shared,
  multicast or reserved), and the connection goes to the very address that was checked (a
  second DNS answer cannot swap it); every redirect is checked the same way. Only the server
  of the address the person typed on the command line may be local (docs/import.md).
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urljoin, urlsplit

from newscli import __version__
from newscli.errors import NewsError
from newscli.i18n import _

# A feed of a few thousand stories is a few MB; more is a mistake (or a video, or hostile).
MAX_SOURCE_BYTES = 20 * 2**20
# Seconds one request may take in all: connecting, every redirect, headers and the whole body.
TIMEOUT = 30.0
# Seconds all the downloads of one import may take together (photos of a large feed).
IMPORT_TIME = 15 * 60.0
_CHUNK = 2**16
_SCHEMES = ("http://", "https://")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 10

Clock = Callable[[], float]


class FetchError(NewsError):
    """A source that could not be read: its URL or path and why; nothing was imported."""


@dataclass(frozen=True)
class Fetched:
    """What a source gave: its bytes, where they came from in the end (after redirects), and
    the Content-Type the server declared (None for a file): it may name the encoding."""

    data: bytes
    location: str
    content_type: str | None = None


def is_url(source: str) -> bool:
    return source.lower().startswith(_SCHEMES)


def _megabytes(limit: int) -> str:
    return f"{limit / 2**20:g} MB"


def _no_answer(timeout: float) -> str:
    return _("no answer within {seconds} seconds").format(seconds=f"{timeout:g}")


def _too_big(where: str, limit: int) -> FetchError:
    return FetchError(
        _("is larger than {size}, the most newscli reads; not read").format(size=_megabytes(limit)),
        where,
    )


def read_chunks(
    stream: IO[bytes], where: str, limit: int, deadline: float | None = None, seconds: float = 0
) -> bytes:
    """All of stream, read a chunk at a time; FetchError as soon as it passes limit bytes or
    the deadline (a monotonic time, seconds after the request began) passes."""
    chunks: list[bytes] = []
    size = 0
    read = getattr(stream, "read1", stream.read)
    while True:
        chunk = read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _too_big(where, limit)
        if deadline is not None and time.monotonic() > deadline:
            raise FetchError(_no_answer(seconds), where)
        chunks.append(chunk)


# -- where a source may send newscli ------------------------------------------------------------


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def is_public(address: str) -> bool:
    """True for an IP address on the public internet: not loopback, private, link-local,
    shared (100.64/10), multicast, unspecified or reserved (an IPv4 address mapped into
    IPv6 is judged as the IPv4 address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def _addresses(host: str, port: int, url: str) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(_("could not be fetched: {reason}").format(reason=exc), url) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise FetchError(_("could not be fetched: {reason}").format(reason=host), url)
    return addresses


def _checked_address(url: str, trusted: tuple[str, str, int | None] | None) -> str:
    """The IP address to connect to for url: any for the server the person typed, else only
    one whose every DNS answer is public (FetchError naming the address otherwise)."""
    scheme, host, port = _origin(url)
    assert port is not None
    addresses = _addresses(host, port, url)
    if trusted is not None and (scheme, host, port) == trusted:
        return addresses[0]
    for address in addresses:
        if not is_public(address):
            raise FetchError(
                _(
                    "names a local or private address ({address}); newscli fetches only public "
                    "addresses that a source names (only the address typed on the command line "
                    "may be local)"
                ).format(address=address),
                url,
            )
    return addresses[0]


# -- one request ------------------------------------------------------------------------------------


class _Pinned(http.client.HTTPConnection):
    """HTTP to the address that was checked, whatever DNS answers next (rebinding)."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    """HTTPS to the address that was checked; the certificate is checked for the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _Deadline:
    """Cuts the connection when the deadline passes, however the server trickles its answer
    (a socket timeout only bounds each read)."""

    def __init__(self, connection: http.client.HTTPConnection, seconds: float):
        self.connection = connection
        self.passed = False
        self.timer = threading.Timer(max(seconds, 0.0), self._cut)
        self.timer.daemon = True
        self.timer.start()

    def _cut(self) -> None:
        self.passed = True
        sock = self.connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def stop(self) -> None:
        self.timer.cancel()


def _get(
    url: str,
    *,
    limit: int,
    accept: str,
    deadline: float,
    seconds: float,
    trusted: tuple[str, str, int | None] | None,
) -> Fetched:
    """One GET, following redirects (each checked as the first address was) until the
    deadline (a monotonic time)."""
    current = url
    for _hop in range(_MAX_REDIRECTS + 1):
        if not is_url(current):
            raise FetchError(
                _("redirects to {url!r}, which is not http(s)").format(url=current[:200]), url
            )
        try:
            parts = urlsplit(current)
            scheme, host, port = _origin(current)
        except ValueError as exc:
            raise FetchError(
                _("could not be fetched: {reason}").format(reason=exc), current
            ) from None
        assert port is not None
        if not host:
            raise FetchError(_("could not be fetched: {reason}").format(reason=_("no host")), url)
        address = _checked_address(current, trusted)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(_no_answer(seconds), url)
        kind = _PinnedTLS if scheme == "https" else _Pinned
        connection = kind(host, port, address, remaining)
        guard = _Deadline(connection, remaining)
        try:
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            connection.request(
                "GET",
                path,
                headers={"User-Agent": f"newscli/{__version__} (import)", "Accept": accept},
            )
            response = connection.getresponse()
            if response.status in _REDIRECTS and response.getheader("Location"):
                current = urljoin(current, str(response.getheader("Location")).strip())
                continue
            if not 200 <= response.status < 300:
                raise FetchError(
                    _("the server answered {code} {reason}").format(
                        code=response.status, reason=response.reason
                    ),
                    url,
                )
            length = response.getheader("Content-Length")
            if length is not None and length.strip().isdigit() and int(length) > limit:
                raise _too_big(url, limit)
            data = read_chunks(response, url, limit, deadline, seconds)
            if guard.passed:  # the cut connection ended the body early: not the whole answer
                raise FetchError(_no_answer(seconds), url)
            return Fetched(data, current, response.getheader("Content-Type"))
        except FetchError:
            raise
        except TimeoutError:
            raise FetchError(_no_answer(seconds), url) from None
        except (OSError, ValueError, http.client.HTTPException) as exc:
            if guard.passed:
                raise FetchError(_no_answer(seconds), url) from None
            raise FetchError(
                _("could not be fetched: {reason}").format(reason=exc or type(exc).__name__), url
            ) from None
        finally:
            guard.stop()
            connection.close()
    raise FetchError(
        _("could not be fetched: {reason}").format(reason=_("too many redirects")), url
    )


def fetch_url(
    url: str,
    *,
    limit: int = MAX_SOURCE_BYTES,
    timeout: float = TIMEOUT,
    accept: str = "*/*",
    typed: bool = False,
) -> Fetched:
    """The body of an http(s) URL within limit bytes and timeout seconds in all, or
    FetchError naming the URL. typed: the person typed it, so its server may be local;
    otherwise (an address a source named) only public addresses are reached."""
    if not is_url(url):
        raise FetchError(_("only http:// and https:// addresses are read"), url)
    trusted = _origin(url) if typed else None
    deadline = time.monotonic() + timeout
    return _get(
        url, limit=limit, accept=accept, deadline=deadline, seconds=timeout, trusted=trusted
    )


class Fetcher:
    """The downloads of one import: each within its own deadline (timeout) and all within
    the import's (budget); the server of the source the person typed (`typed`, a URL) may
    be local, every other address must be public."""

    def __init__(
        self,
        typed: str | None = None,
        *,
        timeout: float = TIMEOUT,
        budget: float = IMPORT_TIME,
    ):
        self.trusted = _origin(typed) if typed and is_url(typed) else None
        self.timeout = timeout
        self.budget = budget
        self.ends = time.monotonic() + budget

    def fetch(self, url: str, *, limit: int = MAX_SOURCE_BYTES, accept: str = "*/*") -> Fetched:
        """url's body, within this fetch's and this import's time."""
        if not is_url(url):
            raise FetchError(_("only http:// and https:// addresses are read"), url)
        now = time.monotonic()
        if now >= self.ends:
            raise FetchError(
                _("not fetched: the import's {seconds} seconds for downloads are used up").format(
                    seconds=f"{self.budget:g}"
                ),
                url,
            )
        seconds = min(self.timeout, self.ends - now)
        return _get(
            url,
            limit=limit,
            accept=accept,
            deadline=now + seconds,
            seconds=seconds,
            trusted=self.trusted,
        )

    def photo(self, url: str) -> bytes:
        """A photo's bytes (at most photos.MAX_PHOTO_BYTES) from the address a source gave."""
        from newscli.photos import MAX_PHOTO_BYTES

        return self.fetch(url, limit=MAX_PHOTO_BYTES, accept="image/*").data


def fetch_photo(url: str) -> bytes:
    """A photo's bytes from an address a source named (public addresses only, 30 s in all,
    at most photos.MAX_PHOTO_BYTES); FetchError naming the address and why otherwise."""
    return Fetcher().photo(url)


def read_file(path: Path, *, limit: int = MAX_SOURCE_BYTES, shown_as: str | None = None) -> Fetched:
    """A local file's bytes, or FetchError naming it (as shown_as, the way the user typed
    it): missing, not a plain file (a pipe would block), or larger than limit."""
    from newscli.files import FileRefused, read_plain_file

    where = shown_as if shown_as is not None else str(path)
    try:
        return Fetched(read_plain_file(path, limit, _too_big(where, limit).message), where)
    except FileRefused as exc:
        raise FetchError(exc.reason, where) from None


def read_source(
    source: str,
    cwd: Path,
    *,
    limit: int = MAX_SOURCE_BYTES,
    timeout: float = TIMEOUT,
    fetcher: Fetcher | None = None,
) -> Fetched:
    """A source as given on the command line: an http(s) URL (its server may be local: the
    person typed it), or a file (relative to cwd); any other scheme (file:, ftp: …) is
    refused. fetcher: the import's, when the URL's time counts against the import's."""
    if is_url(source):
        if fetcher is not None:
            return fetcher.fetch(source, limit=limit)
        return fetch_url(source, limit=limit, timeout=timeout, typed=True)
    scheme, colon, _rest = source.partition("://")
    if colon and scheme.isalpha():
        raise FetchError(_("only http:// and https:// addresses or files are read"), source)
    return read_file(cwd / source, limit=limit, shown_as=source)
