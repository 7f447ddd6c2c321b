"""The head bench counts a row's errors by kind (a refusal is never hidden) and runs each
medkg row on a server of its own."""

from __future__ import annotations

import inspect
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bench import head
from bench.http_load import run_gets


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = 429 if self.path.startswith("/refused") else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_rows_errors_are_counted_and_printed_by_kind(url: str) -> None:
    r = run_gets(url, ["/fine", "/refused"], 2, 10.0, max_requests=20)
    # the paths are taken in turn: about half refused (a request in flight at the cap counts)
    assert r.errors >= 10 and r.requests >= 10 and r.requests + r.errors <= 22
    assert dict(r.failures) == {"429": r.errors}
    printed = head.row("medkg", "entity page (HTML)", r, 1.0)
    assert f"| {r.errors} (429 x{r.errors}) |" in printed
    clean = run_gets(url, ["/fine"], 2, 10.0, max_requests=5)
    assert head.errors(clean) == "0" and not clean.failures


def test_each_medkg_row_is_served_by_a_server_of_its_own() -> None:
    # the rows loop calls medkg_row, which starts and stops a server per call
    assert "medkg_row(" in inspect.getsource(head.head_mix)
    source = inspect.getsource(head.medkg_row)
    assert "serving(" in source and "run_medkg(" in source
