"""A source to import from, as bytes: a local file or an http(s) URL, within a size limit and
a time limit, read in chunks (a 50 MB answer is refused at the limit, never held whole)."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from newscli import __version__
from newscli.errors import NewsError
from newscli.i18n import _

# A feed of a few thousand stories is a few MB; more is a mistake (or a video, or hostile).
MAX_SOURCE_BYTES = 20 * 2**20
# Seconds to wait for a server: to connect, for each read, and for the whole answer.
TIMEOUT = 30.0
_CHUNK = 2**16
_SCHEMES = ("http://", "https://")


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


def read_chunks(stream: IO[bytes], where: str, limit: int, deadline: float | None = None) -> bytes:
    """All of stream, read a chunk at a time; FetchError as soon as it passes limit bytes or
    the deadline (a monotonic time) passes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _too_big(where, limit)
        if deadline is not None and time.monotonic() > deadline:
            raise FetchError(_("took too long to answer; not read"), where)
        chunks.append(chunk)


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) only (never to ftp: or file:)."""

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        if not is_url(newurl):
            raise FetchError(
                _("redirects to {url!r}, which is not http(s)").format(url=newurl[:200]),
                req.full_url,
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_url(
    url: str, *, limit: int = MAX_SOURCE_BYTES, timeout: float = TIMEOUT, accept: str = "*/*"
) -> Fetched:
    """The body of an http(s) URL, or FetchError naming the URL: not http(s), a status that
    is not success, no answer within timeout seconds, or more than limit bytes."""
    if not is_url(url):
        raise FetchError(_("only http:// and https:// addresses are read"), url)
    request = urllib.request.Request(
        url, headers={"User-Agent": f"newscli/{__version__} (import)", "Accept": accept}
    )
    opener = urllib.request.build_opener(_HttpOnly())
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length is not None and length.strip().isdigit() and int(length) > limit:
                raise _too_big(url, limit)
            data = read_chunks(response, url, limit, deadline)
            return Fetched(data, response.geturl(), response.headers.get("Content-Type"))
    except urllib.error.HTTPError as exc:
        raise FetchError(
            _("the server answered {code} {reason}").format(code=exc.code, reason=exc.reason), url
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise FetchError(_no_answer(timeout), url) from None
        raise FetchError(_("could not be fetched: {reason}").format(reason=reason), url) from None
    except TimeoutError:
        raise FetchError(_no_answer(timeout), url) from None
    except (OSError, ValueError) as exc:  # a reset connection, a URL urllib cannot take
        raise FetchError(_("could not be fetched: {reason}").format(reason=exc), url) from None


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
    source: str, cwd: Path, *, limit: int = MAX_SOURCE_BYTES, timeout: float = TIMEOUT
) -> Fetched:
    """A source as given on the command line: an http(s) URL, or a file (relative to cwd);
    any other scheme (file:, ftp: …) is refused."""
    if is_url(source):
        return fetch_url(source, limit=limit, timeout=timeout)
    scheme, colon, _rest = source.partition("://")
    if colon and scheme.isalpha():
        raise FetchError(_("only http:// and https:// addresses or files are read"), source)
    return read_file(cwd / source, limit=limit, shown_as=source)
