"""The result cache: a repeated query is answered from memory until the dataset version changes."""

from __future__ import annotations

import io

from medkg.config import Settings
from medkg.endpoint.execute import CachedExecutor, Executor, make_executor
from medkg.endpoint.job import Done, Job
from medkg.endpoint.writers import Written
from medkg.formats import by_name
from medkg.store import open_store

from ..conftest import ROOT

JSON = {"results": by_name("json"), "graph": by_name("ttl")}


class Counting:
    """An executor that answers every job with its query text and counts the runs."""

    isolated = False

    def __init__(self, size: int = 10) -> None:
        self.runs = 0
        self.size = size

    def run(self, job: Job, version: str | None) -> Done:
        self.runs += 1
        body = (job.query * self.size)[: self.size].encode()
        return Done(
            "results",
            JSON["results"],
            Written(rows=1, truncated=False),
            io.BytesIO(body),
            len(body),
        )

    def stats(self) -> dict[str, object]:
        return {"workers": 0, "idle": 0, "busy": 0, "pids": [], "timeouts": 0}

    def close(self) -> None:
        pass


def run(executor: Executor, job: Job, version: str | None = "v1") -> tuple[bytes, bool]:
    done = executor.run(job, version)
    with done.body:
        return done.body.read(), done.cached


def test_a_repeated_job_is_answered_from_memory() -> None:
    inner = Counting()
    cache = CachedExecutor(inner, 1 << 20)
    job = Job("SELECT * { ?s ?p ?o }", formats=JSON)
    assert run(cache, job) == (b"SELECT * {", False)
    assert run(cache, job) == (b"SELECT * {", True)
    assert inner.runs == 1
    assert cache.stats()["result_cache"] == {"entries": 1, "bytes": 10, "hits": 1, "misses": 1}


def test_anything_the_answer_depends_on_is_part_of_the_key() -> None:
    inner = Counting()
    cache = CachedExecutor(inner, 1 << 20)
    base = Job("ASK {}", formats=JSON)
    variants = [
        base,
        Job("ASK { }", formats=JSON),
        Job("ASK {}", default_graphs=["http://g"], formats=JSON),
        Job("ASK {}", named_graphs=["http://g"], formats=JSON),
        Job("ASK {}", formats={"results": by_name("xml"), "graph": None}),
        Job("ASK {}", formats=JSON, max_rows=5),
    ]
    for job in variants:
        run(cache, job)
    assert inner.runs == len(variants)
    run(cache, base, version="v2")  # a new build: the old answers are dropped
    assert inner.runs == len(variants) + 1
    assert cache.stats()["result_cache"]["entries"] == 1


def test_the_cache_is_bounded_by_bytes_and_skips_large_results() -> None:
    inner = Counting(size=400)
    cache = CachedExecutor(inner, 1000)
    for i in range(5):
        run(cache, Job(f"ASK {{ {i} }}", formats=JSON))
    assert cache.stats()["result_cache"]["bytes"] <= 1000
    job = Job("ASK {}", formats=JSON)
    # one entry may take a 16th of the cache, and at least 1 MiB
    for size, cache_bytes, kept in [
        ((1 << 20) + 1, 8 << 20, False),
        (1 << 20, 8 << 20, True),
        ((4 << 20) + 1, 64 << 20, False),
        (4 << 20, 64 << 20, True),
    ]:
        big = CachedExecutor(Counting(size=size), cache_bytes)
        run(big, job)
        assert run(big, job)[1] is kept, (size, cache_bytes)


def test_no_version_no_cache() -> None:
    inner = Counting()
    cache = CachedExecutor(inner, 1 << 20)
    job = Job("ASK {}", formats=JSON)
    run(cache, job, version=None)
    run(cache, job, version=None)
    assert inner.runs == 2


def test_the_cache_is_off_when_updates_are_enabled_or_turned_off(settings: Settings) -> None:
    store = open_store("memory:", ROOT)
    assert isinstance(make_executor(store, settings), CachedExecutor)
    assert not isinstance(make_executor(store, settings.replace(update_token="t")), CachedExecutor)
    assert not isinstance(make_executor(store, settings.replace(result_cache_mb=0)), CachedExecutor)
