"""Identical queries in flight run once: later requests wait for the first one's answer."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor

from medkg.endpoint.execute import CachedExecutor
from medkg.endpoint.job import Done, Job
from medkg.endpoint.writers import Written
from medkg.errors import QueryTimeout
from medkg.formats import by_name

JSON = {"results": by_name("json")}


class Gated:
    """An executor whose runs wait until the test opens the gate; it counts them."""

    isolated = False

    def __init__(self, fail: bool = False, size: int = 10) -> None:
        self.gate = threading.Event()
        self.runs = 0
        self.lock = threading.Lock()
        self.fail = fail
        self.size = size

    def run(self, job: Job, version: str | None) -> Done:
        with self.lock:
            self.runs += 1
        assert self.gate.wait(timeout=30)
        if self.fail:
            raise QueryTimeout("the query ran longer than the 2 s limit and was stopped")
        body = (job.query * self.size)[: self.size].encode()
        return Done("results", JSON["results"], Written(1, False), io.BytesIO(body), len(body))

    def stats(self) -> dict[str, object]:
        return {"workers": 0, "idle": 0, "busy": 0, "pids": [], "timeouts": 0}

    def close(self) -> None:
        pass


def ask_together(cache: CachedExecutor, inner: Gated, n: int) -> list[object]:
    job = Job("ASK { ?s ?p ?o }", formats=JSON)

    def one() -> object:
        try:
            with cache.run(job, "v1").body as body:
                return body.read()
        except QueryTimeout as e:
            return e

    with ThreadPoolExecutor(n) as pool:
        futures = [pool.submit(one) for _ in range(n)]
        pause = threading.Event()
        for _ in range(300):  # every request has arrived: one runs, the others wait
            if inner.runs == 1 and len(cache.flights) == 1 and cache.misses == 1:
                break
            pause.wait(0.01)
        pause.wait(0.1)
        inner.gate.set()
        return [f.result(timeout=30) for f in futures]


def test_identical_queries_in_flight_run_once_and_share_the_answer() -> None:
    inner = Gated()
    cache = CachedExecutor(inner, 1 << 20)
    answers = ask_together(cache, inner, 8)
    assert answers == [b"ASK { ?s ?"] * 8
    assert inner.runs == 1 and cache.hits == 7 and not cache.flights


def test_when_the_first_fails_the_others_run_it_themselves() -> None:
    inner = Gated(fail=True)
    cache = CachedExecutor(inner, 1 << 20)
    answers = ask_together(cache, inner, 4)
    assert all(isinstance(a, QueryTimeout) for a in answers)
    assert inner.runs == 4 and not cache.flights and not cache.entries


def test_an_answer_too_big_to_keep_is_run_by_each() -> None:
    inner = Gated(size=2 << 20)  # over the biggest entry a 1 MiB cache keeps
    cache = CachedExecutor(inner, 1 << 20)
    answers = ask_together(cache, inner, 3)
    assert [len(a) for a in answers] == [2 << 20] * 3  # type: ignore[arg-type]
    assert inner.runs == 3


def test_without_a_version_nothing_is_shared() -> None:
    inner = Gated()
    inner.gate.set()
    cache = CachedExecutor(inner, 1 << 20)
    job = Job("ASK {}", formats=JSON)
    cache.run(job, None)
    cache.run(job, None)
    assert inner.runs == 2 and not cache.flights
