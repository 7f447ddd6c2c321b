"""The file a server leaves beside its store, and the client `medkg build` uses to reach it."""

from __future__ import annotations

import json
import os
import signal
import stat
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from medkg.config import load_settings
from medkg.errors import StoreError
from medkg.serving import RunningServer, announce, ask, find_server, loopback, withdraw

from .conftest import free_port


def test_the_server_file_is_readable_by_its_user_only_whatever_was_there(tmp_path: Path) -> None:
    store = tmp_path / "store"
    old = tmp_path / "store.server.json"
    old.write_text("{}")
    old.chmod(0o644)
    umask = os.umask(0)
    try:
        file = announce(store, "127.0.0.1", 8123, "s3cret")
    finally:
        os.umask(umask)
    assert file == old and stat.S_IMODE(file.stat().st_mode) == 0o600
    assert json.loads(file.read_text()) == {
        "pid": os.getpid(),
        "host": "127.0.0.1",
        "port": 8123,
        "secret": "s3cret",
    }
    assert [p.name for p in tmp_path.iterdir()] == ["store.server.json"]  # no temporary left


def test_withdraw_removes_only_this_process_file(tmp_path: Path) -> None:
    file = announce(tmp_path / "store", "127.0.0.1", 1, "x")
    file.write_text(json.dumps({"pid": os.getpid() + 1}))
    withdraw(file)
    assert file.exists(), "another server's file is left alone"
    announce(tmp_path / "store", "127.0.0.1", 1, "x")
    withdraw(file)
    assert not file.exists()


def test_a_file_whose_process_holds_no_lock_on_the_store_is_ignored(tmp_path: Path) -> None:
    settings = load_settings(env={}, root=str(tmp_path), store="oxigraph:store")
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "LOCK").touch()
    announce(tmp_path / "store", "127.0.0.1", 1, "x")  # this process, holding no lock
    assert find_server(settings) is None
    other = load_settings(env={}, root=str(tmp_path), store="memory:")
    assert find_server(other) is None


@pytest.mark.parametrize(
    ("host", "reach"),
    [
        ("0.0.0.0", "127.0.0.1"),
        ("::", "::1"),
        ("127.0.0.1", "127.0.0.1"),
        ("localhost", "localhost"),
    ],
)
def test_a_server_is_reached_on_loopback(host: str, reach: str) -> None:
    assert loopback(host, 42) == reach


def test_a_server_on_one_outside_address_only_is_named_with_what_to_do() -> None:
    with pytest.raises(StoreError) as e:
        loopback("192.0.2.10", 42)
    assert "process 42" in str(e.value) and "--host 127.0.0.1" in str(e.value)


class Busy(BaseHTTPRequestHandler):
    """Answers 429 twice, then the build."""

    answers: ClassVar[list[int]] = []

    def do_GET(self) -> None:
        status = self.answers.pop(0)
        body = json.dumps({"state": "done", "auth": self.headers["Authorization"]}).encode()
        self.send_response(status)
        self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def busy() -> Iterator[RunningServer]:
    Busy.answers[:] = [429, 429, 200]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield RunningServer(os.getpid(), "127.0.0.1", httpd.server_address[1], "s3cret")
    httpd.shutdown()
    httpd.server_close()


def test_the_client_waits_out_a_busy_server_and_sends_the_secret(busy: RunningServer) -> None:
    answer = ask(busy, "GET", "/api/builds/1")
    assert answer == {"state": "done", "auth": "Bearer s3cret"}
    assert Busy.answers == []


def test_a_server_that_is_gone_is_an_error_naming_it() -> None:
    gone = RunningServer(4242, "127.0.0.1", free_port(), "x")
    with pytest.raises(StoreError) as e:
        ask(gone, "GET", "/api/builds/1")
    assert "lost the server holding the store (process 4242" in str(e.value)


def test_the_bars_follow_the_progress_the_server_reports() -> None:
    from medkg.cli import ProgressBars

    with ProgressBars() as bars:
        bars({"progress": {}})
        assert bars.encode is None
        bars({"progress": {"articles": 2, "total": 5, "claims": 40, "loaded": 0}})
        bars({"progress": {"articles": 5, "total": 5, "claims": 90, "loaded": 1024}})
        assert (bars.encode.n, bars.encode.total, bars.load.n) == (5, 5, 1024)


def test_a_server_stopped_by_sigterm_exits_cleanly_and_withdraws_its_file(
    tmp_path: Path,
) -> None:
    """``kill``, ``docker stop`` and service managers send SIGTERM: the server stops as on
    Ctrl-C, and takes its file (its secret included) with it."""
    from .conftest import Server

    srv = Server(tmp_path)
    file = tmp_path / "store.server.json"
    try:
        assert json.loads(file.read_text())["pid"] == srv.proc.pid
        srv.proc.send_signal(signal.SIGTERM)
        assert srv.proc.wait(timeout=30) == 0
    finally:
        srv.stop()
    assert not file.exists()
