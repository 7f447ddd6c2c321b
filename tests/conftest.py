"""Fixtures: settings over the repo's curated files, small stores, the app, a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from medkg.build import build_into
from medkg.config import Settings, load_settings
from medkg.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(env={}, root=str(ROOT), store="oxigraph:")


@pytest.fixture(scope="session")
def built_store(settings: Settings) -> Store:
    """An in-memory Oxigraph store with the seed built; shared, so never write to it."""
    store = open_store("oxigraph:", ROOT)
    build_into(store, settings)
    return store


@pytest.fixture
def app(settings: Settings, built_store: Store):  # type: ignore[no-untyped-def]
    from medkg.web import create_app

    return create_app(settings, built_store)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A real ``medkg serve`` on 127.0.0.1, stopped when the test is done."""

    def __init__(self, tmp: Path, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        full_env = {
            **os.environ,
            "MEDKG_ROOT": str(ROOT),
            "MEDKG_STORE": f"oxigraph:{tmp / 'store'}",
            **(env or {}),
        }
        self.log = (tmp / "server.log").open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "medkg", "serve", "--port", str(self.port)],
            env=full_env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                if requests.get(self.url + "/health", timeout=2).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("server did not become ready")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("server"))
    yield srv
    srv.stop()
