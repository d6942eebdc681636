"""A small HTTP server on 127.0.0.1 in a thread, for the tests that fetch URLs: each path
answers what the test puts in `routes` (bytes, or a function writing the answer itself)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Route = bytes | Callable[[http.server.BaseHTTPRequestHandler], None]


@contextmanager
def local_server(routes: dict[str, Route]) -> Iterator[str]:
    """Serve routes on 127.0.0.1 (a free port); yields the base URL, 'http://127.0.0.1:N'."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            route = routes.get(self.path)
            if route is None:
                self.send_error(404, "Not Found")
            elif isinstance(route, bytes):
                self.send_response(200)
                self.send_header("Content-Length", str(len(route)))
                self.end_headers()
                self.wfile.write(route)
            else:
                route(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
