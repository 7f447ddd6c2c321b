"""A loopback HTTP listener that counts every connection and answers like a SPARQL endpoint
(and like a file for LOAD), so a test sees both "nothing reached it" and "the allowed call
worked"."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

RESULTS = b'{"head": {"vars": ["o"]}, "results": {"bindings": [{"o": {"type": "literal", "value": "from the listener"}}]}}'
TRIPLES = b'<http://listener.test/s> <http://listener.test/p> "loaded from the listener" .\n'


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    def _answer(self) -> None:
        sparql = self.path.startswith("/sparql")
        body = RESULTS if sparql else TRIPLES
        self.send_response(200)
        self.send_header(
            "Content-Type", "application/sparql-results+json" if sparql else "application/n-triples"
        )
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.connections += 1  # every accepted connection, even one that sends nothing
        return True


class Listener:
    """``with Listener() as listener:`` — on 127.0.0.1, a free port, stopped on exit."""

    def __init__(self) -> None:
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def connections(self) -> int:
        return self.server.connections

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
