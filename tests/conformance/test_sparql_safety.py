"""Safe by default, against the real server: no outbound traffic, a time limit that really stops
the work while others are served, and no worker or memory left behind."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from ..conftest import Server

LIMIT = 3.0
TOKEN = "conformance-token"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
SIMPLE = "ASK { <http://purl.obolibrary.org/obo/MONDO_0004976> ?p ?o }"
WORKERS = 4  # two in the fast lane, two in the slow lane


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {
        "MEDKG_QUERY_TIMEOUT": str(LIMIT),
        "MEDKG_QUERY_WORKERS": "2",
        "MEDKG_UPDATE_TOKEN": TOKEN,
    }
    srv = Server(tmp_path_factory.mktemp("guarded"), env)
    yield srv
    srv.stop()


def query(server: Server, text: str, timeout: float = 30) -> requests.Response:
    return requests.get(
        server.url + "/sparql",
        params={"query": text},
        headers={"Accept": "application/sparql-results+json, application/json;q=0.9"},
        timeout=timeout,
    )


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def rss(pid: int) -> int:
    try:
        return int((Path(f"/proc/{pid}/statm")).read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def total_rss(pid: int) -> int:
    return rss(pid) + sum(rss(c) for c in children(pid))


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


def wait_for_idle_workers(server: Server, count: int) -> None:
    """Both workers started and free (a fresh worker takes a moment to import)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = requests.get(server.url + "/metrics", timeout=10).text
        if f"medkg_query_workers_idle {count}" in text:
            return
        time.sleep(0.2)
    raise AssertionError(f"{count} idle query workers never showed up in /metrics")


def test_service_to_a_local_listener_is_refused_and_sends_nothing(guarded: Server) -> None:
    listener = Listener()
    try:
        url = f"http://127.0.0.1:{listener.port}/sparql"
        for text in (
            f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
            f"PREFIX r: <http://127.0.0.1:{listener.port}/> SELECT * {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
            # issue 15: the old screen read SERVICE:x as one name; the engine reads SERVICE :x
            f"PREFIX : <http://127.0.0.1:{listener.port}/> SELECT * {{ SERVICE:x {{ ?s ?p ?o }} }}",
        ):
            r = query(guarded, text)
            assert r.status_code == 403, text
            assert "service_allowlist" in r.json()["hint"]
        assert f"SERVICE <http://127.0.0.1:{listener.port}/x> is refused" in r.json()["error"]
        for update in (
            f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
            f"PREFIX : <http://127.0.0.1:{listener.port}/> LOAD:x INTO GRAPH <http://example.org/g>",
        ):
            r = requests.post(
                guarded.url + "/sparql", data={"update": update}, headers=AUTH, timeout=30
            )
            assert r.status_code == 403, update
        assert f"LOAD <http://127.0.0.1:{listener.port}/x> is refused" in r.json()["error"]
        time.sleep(0.5)
        assert listener.connections == 0
    finally:
        listener.close()


def seccomp_filters(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Seccomp_filters:"):
            return int(line.split()[1])
    raise AssertionError(f"/proc/{pid}/status has no Seccomp_filters line (not Linux?)")


def test_query_workers_run_under_one_more_seccomp_filter_than_the_server(guarded: Server) -> None:
    """The second wall in the real server: each worker loaded the network filter (on all its
    threads) before its first job; the web process itself did not (it listens)."""
    assert query(guarded, SIMPLE).status_code == 200
    wait_for_idle_workers(guarded, WORKERS)
    server = seccomp_filters(guarded.proc.pid)
    workers = children(guarded.proc.pid)
    assert len(workers) == WORKERS  # both lanes
    assert [seccomp_filters(pid) for pid in workers] == [server + 1] * WORKERS


def test_load_of_a_local_file_is_refused(guarded: Server) -> None:
    graph = "http://example.org/loaded"
    r = requests.post(
        guarded.url + "/sparql",
        data={"update": f"LOAD <file:///etc/hostname> INTO GRAPH <{graph}>"},
        headers=AUTH,
        timeout=30,
    )
    assert r.status_code == 403 and "file:///etc/hostname" in r.json()["error"]
    assert query(guarded, f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").json()["boolean"] is False


def test_runaway_query_is_stopped_at_the_limit_while_others_are_served(guarded: Server) -> None:
    assert query(guarded, SIMPLE).status_code == 200
    wait_for_idle_workers(guarded, WORKERS)
    workers_before = sorted(children(guarded.proc.pid))
    memory_before = total_rss(guarded.proc.pid)
    assert len(workers_before) == WORKERS

    with ThreadPoolExecutor(1) as pool:
        started = time.monotonic()
        runaway = pool.submit(query, guarded, RUNAWAY)
        time.sleep(0.5)  # let it start
        t = time.monotonic()
        simple = query(guarded, SIMPLE)
        simple_seconds = time.monotonic() - t
        answer = runaway.result(timeout=60)
        runaway_seconds = time.monotonic() - started

    assert simple.status_code == 200 and simple.json()["boolean"] is True
    assert simple_seconds < LIMIT / 2, f"a simple query waited {simple_seconds:.2f} s"
    assert answer.status_code == 503
    assert f"{LIMIT:g} s limit" in answer.json()["error"]
    assert "Traceback" not in answer.text
    assert LIMIT <= runaway_seconds < LIMIT + 5

    # the killed worker was replaced: same count, one new pid; memory back to where it was
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and len(children(guarded.proc.pid)) != WORKERS:
        time.sleep(0.1)
    workers_after = sorted(children(guarded.proc.pid))
    assert len(workers_after) == WORKERS and workers_after != workers_before
    wait_for_idle_workers(guarded, WORKERS)
    for _ in range(3):
        assert query(guarded, SIMPLE).status_code == 200
    assert total_rss(guarded.proc.pid) < memory_before + 64 * 2**20
    metrics = requests.get(guarded.url + "/metrics", timeout=10).text
    assert f"medkg_query_workers {WORKERS}" in metrics
    assert 'outcome="QueryTimeout"' in metrics


def test_hostile_regex_cannot_take_the_service_down(guarded: Server) -> None:
    text = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s2 ?p2 ?o2 . "
        'FILTER(REGEX(CONCAT(STR(?o), STR(?o2), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"), "^(a+)+$")) }'
    )
    r = query(guarded, text)
    assert r.status_code in (200, 503)
    assert query(guarded, SIMPLE, timeout=LIMIT).status_code == 200


def test_workers_see_an_update_at_once(guarded: Server) -> None:
    graph = "http://example.org/fresh"
    ask = f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    assert query(guarded, ask).json()["boolean"] is False
    r = requests.post(
        guarded.url + "/sparql",
        data=f"INSERT DATA {{ GRAPH <{graph}> {{ <http://example.org/x> <http://example.org/y> 1 }} }}",
        headers={**AUTH, "Content-Type": "application/sparql-update"},
        timeout=30,
    )
    assert r.status_code == 204
    for _ in range(4):  # every worker, not just one
        assert query(guarded, ask).json()["boolean"] is True


def test_a_large_result_streams_without_growing_the_server(server: Server) -> None:
    """The default 30 s limit (not the guarded 3 s one): a busy machine may be slow."""
    guarded = server
    text = "SELECT ?s ?p ?o ?a WHERE { ?s ?p ?o . ?a ?b ?c }"  # millions of rows, cut at 100k
    pid = guarded.proc.pid
    query(guarded, SIMPLE)
    before = rss(pid)
    peak, size = before, 0
    with requests.get(
        guarded.url + "/sparql", params={"query": text}, stream=True, timeout=60,
        headers={"Accept": "application/sparql-results+json"},
    ) as r:  # fmt: skip
        assert r.status_code == 200 and r.headers["X-Medkg-Truncated"] == "true"
        for chunk in r.iter_content(1 << 16):
            size += len(chunk)
            peak = max(peak, rss(pid))
    assert size > 10 * 2**20, size
    assert peak - before < size / 4, (peak - before, size)
