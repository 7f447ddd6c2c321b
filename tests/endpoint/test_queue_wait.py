"""A query's time limit counts its time in a worker, not its wait for one; the wait has its own
bound (query_queue_seconds), met only when every worker stays busy: 503 with Retry-After."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from medkg.endpoint.job import Job
from medkg.endpoint.pool import WorkerPool
from medkg.errors import Overloaded, QueryTimeout, StoreError
from medkg.formats import by_name
from medkg.store.oxigraph import OxigraphStore

LIMIT = 1.0
JSON = {"results": by_name("json")}
CHEAP = "SELECT ?o { <http://e/s0> <http://e/p> ?o }"
#: 200 triples joined four times over: far longer than LIMIT
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[OxigraphStore]:
    path = tmp_path / "store"
    store = OxigraphStore(ox.Store(str(path)), "oxigraph:store", path)
    p = ox.NamedNode("http://e/p")
    store.ox.extend(
        ox.Quad(ox.NamedNode(f"http://e/s{i}"), p, ox.Literal(str(i))) for i in range(200)
    )
    yield store
    store.close()


def started(pool: WorkerPool) -> WorkerPool:
    """The pool once its worker has answered a first query (which opens the snapshot, and so
    may overrun a small limit on a busy machine: its worker is replaced, and the next query
    may find its replacement still starting)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            pool.run(Job(CHEAP, formats=JSON), "v1")
            return pool
        except (QueryTimeout, Overloaded):
            assert time.monotonic() < deadline, "the query worker never answered"


def test_a_query_that_waited_past_its_limit_for_a_worker_still_runs(
    store: OxigraphStore,
) -> None:
    pool = started(WorkerPool(store, size=1, timeout=LIMIT, queue_seconds=60))
    try:
        held = pool.idle.get(timeout=60)  # the only worker, busy as if with another client
        with ThreadPoolExecutor(1) as threads:
            waiting = threads.submit(pool.run, Job(CHEAP, formats=JSON), "v1")
            time.sleep(3 * LIMIT)
            assert not waiting.done(), "the query did not wait for the busy worker"
            pool.idle.put(held)
            done = waiting.result(timeout=60)
        assert done.written.rows == 1 and b'"0"' in done.body.read()
    finally:
        pool.close()


def test_a_runaway_that_waited_for_a_worker_gets_its_whole_limit_then_503(
    store: OxigraphStore,
) -> None:
    pool = started(WorkerPool(store, size=1, timeout=LIMIT, queue_seconds=60))
    try:
        held = pool.idle.get(timeout=60)
        hold = 2 * LIMIT
        with ThreadPoolExecutor(1) as threads:
            began = time.monotonic()
            waiting = threads.submit(pool.run, Job(RUNAWAY, formats=JSON), "v1")
            time.sleep(hold)
            pool.idle.put(held)
            with pytest.raises(QueryTimeout, match=f"longer than the {LIMIT:g} s limit"):
                waiting.result(timeout=60)
        assert time.monotonic() - began >= hold + LIMIT  # it waited, then ran for its limit
        assert pool.stats()["timeouts"] == 1
    finally:
        pool.close()


def test_a_query_no_worker_takes_within_the_queue_bound_is_refused_as_overload(
    store: OxigraphStore,
) -> None:
    pool = started(WorkerPool(store, size=1, timeout=LIMIT, queue_seconds=0.3))
    try:
        held = pool.idle.get(timeout=60)
        with pytest.raises(Overloaded) as refused:
            pool.run(Job(CHEAP, formats=JSON), "v1")
        assert refused.value.status == 503 and refused.value.retry_after == math.ceil(LIMIT)
        assert "overloaded" in str(refused.value) and "query_queue_seconds" in str(refused.value)
        assert "query_workers" in (refused.value.hint or "")
        pool.idle.put(held)
        assert pool.run(Job(CHEAP, formats=JSON), "v1").written.rows == 1
    finally:
        pool.close()


def test_a_query_that_could_not_get_a_snapshot_gives_its_worker_back(
    store: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = started(WorkerPool(store, size=1, timeout=LIMIT, queue_seconds=60))
    try:
        pool.queue_seconds = 0.3  # a lost worker would make the next query overloaded

        def full_disk(version: str | None) -> None:
            raise StoreError("cannot take a snapshot of the store for the query workers")

        with monkeypatch.context() as patch:
            patch.setattr(pool.snapshots, "current", full_disk)
            with pytest.raises(StoreError, match="cannot take a snapshot"):
                pool.run(Job(CHEAP, formats=JSON), "v2")
        assert pool.run(Job(CHEAP, formats=JSON), "v1").written.rows == 1
    finally:
        pool.close()


def test_workers_outlive_the_thread_that_started_the_pool(store: OxigraphStore) -> None:
    """A worker dies with the thread that started it (PR_SET_PDEATHSIG follows threads): a
    pool started, or a worker replaced, from a thread that then ends must keep its workers."""
    made: list[WorkerPool] = []
    with ThreadPoolExecutor(1) as threads:  # a thread that ends when the block does
        threads.submit(lambda: made.append(started(WorkerPool(store, size=2, timeout=30)))).result()
    (pool,) = made
    try:
        time.sleep(0.5)  # the kernel's signal to the workers, were it sent, has landed
        assert all(w.proc.poll() is None for w in pool.workers), "a worker died with its thread"
        with ThreadPoolExecutor(1) as threads:  # a worker replaced from a short thread
            threads.submit(pool._replace, pool.idle.get(timeout=60)).result()
        time.sleep(0.5)
        assert len(pool.workers) == 2 and all(w.proc.poll() is None for w in pool.workers)
        for _ in range(4):
            assert started(pool).stats()["workers"] == 2
    finally:
        pool.close()
