"""Run queries in the right place: killable workers for embedded stores, in-process otherwise."""

from __future__ import annotations

import io
import logging
import tempfile
import threading
import time
from collections import OrderedDict
from typing import Any, Protocol, cast

from medkg.config import Settings
from medkg.endpoint import usage
from medkg.endpoint.allocator import check_allocator
from medkg.endpoint.job import Done, Job, run_job
from medkg.endpoint.lanes import Lanes
from medkg.endpoint.outbound import may_connect
from medkg.endpoint.pool import WorkerPool
from medkg.endpoint.sandbox import run_sandboxed
from medkg.endpoint.writers import Written
from medkg.formats import Format
from medkg.limits.stack import on_deep_stack
from medkg.store.base import Snapshotting, Store

log = logging.getLogger(__name__)

SPOOL_IN_MEMORY = 1 << 20  # results up to 1 MiB stay in memory, larger ones go to a temp file
Entry = tuple[str, Format, Written, bytes]  # a kept result: kind, format, what was written, bytes


class Executor(Protocol):
    isolated: bool

    def run(self, job: Job, version: str | None) -> Done: ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


class InlineExecutor:
    """Queries run in this process: for remote stores (the remote enforces its limits) in the
    request thread, and for in-memory stores (tests, tiny data), which no other process can
    read, on a thread that cannot open network sockets when ``sandboxed``."""

    isolated = False

    def __init__(self, store: Store, sandboxed: bool = False, max_query_bytes: int = 100_000):
        self.store = store
        self.sandboxed = sandboxed
        self.max_query_bytes = max_query_bytes

    def run(self, job: Job, version: str | None) -> Done:
        body = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115

        def deep() -> tuple[Any, Any, Any]:  # a long flat query must not overflow this stack
            return on_deep_stack(self.max_query_bytes, lambda: run_job(self.store, job, body))

        began = time.monotonic()
        try:  # the deep-stack thread is started from the sandboxed one, so it inherits its filter
            kind, fmt, written = run_sandboxed(deep) if self.sandboxed else deep()
        except BaseException:
            body.close()
            raise
        finally:
            usage.charge(time.monotonic() - began)
        size = body.tell()
        body.seek(0)
        return Done(kind, fmt, written, body, size)

    def stats(self) -> dict[str, Any]:
        return {"workers": 0, "idle": 0, "busy": 0, "pids": [], "timeouts": 0}

    def close(self) -> None:
        pass


class LazyPool:
    """Worker lanes (or, with ``slow_query_workers = 0``, one WorkerPool) started on the first
    query, so building an app spawns nothing."""

    isolated = True

    def __init__(self, store: Snapshotting, settings: Settings):
        self.store = store
        self.settings = settings
        self.pool: Lanes | WorkerPool | None = None
        self.lock = threading.Lock()

    def _pool(self) -> Lanes | WorkerPool:
        with self.lock:
            if self.pool is None and self.settings.slow_query_workers > 0:
                self.pool = Lanes(self.store, self.settings)
            elif self.pool is None:
                self.pool = WorkerPool(
                    self.store,
                    self.settings.query_workers,
                    self.settings.query_timeout,
                    self.settings.query_memory_mb,
                    self.settings.query_allocator,
                    sandboxed=not may_connect(self.store.capabilities.engine, False, self.settings),
                    queue_seconds=self.settings.query_queue_seconds,
                )
            return self.pool

    def run(self, job: Job, version: str | None) -> Done:
        return self._pool().run(job, version)

    def stats(self) -> dict[str, Any]:
        if self.pool is None:
            return {"workers": 0, "idle": 0, "busy": 0, "pids": [], "timeouts": 0}
        return self.pool.stats()

    def close(self) -> None:
        with self.lock:
            if self.pool is not None:
                self.pool.close()
                self.pool = None


class CachedExecutor:
    """Finished results of the current dataset version, kept in memory by job (LRU by bytes).

    The data changes only with its version (the build's hash; updates are off, see
    ``make_executor``), so a result stays right until the version changes, and a repeated
    query (a popular entity, a page's named query) is answered without running it. One
    result may take up to a sixteenth of the cache (at least 1 MiB), so no single answer
    flushes it, while the big answers, the dearest to compute (1.9 MB and 0.35 s for an entity
    in 0.2% of 1M claims), can stay; errors are never kept. A query asked again while it
    runs is not run twice: the later requests wait for the first one's answer (a popular
    entity asked by many clients at once takes one worker, not all of them).
    """

    def __init__(self, inner: Executor, max_bytes: int):
        self.inner = inner
        self.isolated = inner.isolated
        self.max_bytes = max_bytes
        self.max_entry = max(SPOOL_IN_MEMORY, max_bytes // 16)
        self.entries: OrderedDict[tuple[object, ...], Entry] = OrderedDict()
        self.flights: dict[tuple[object, ...], threading.Event] = {}  # queries running now
        self.size = 0
        self.hits = self.misses = 0
        self.lock = threading.Lock()

    def run(self, job: Job, version: str | None) -> Done:
        if version is None:
            return self.inner.run(job, version)
        key = job_key(job, version)
        entry, flight, lead = self._lookup(key)
        if entry is None and not lead:
            # the same query is running for another client: wait for its answer rather than
            # take a second worker; if it kept none (an error, or too big), run it here
            flight.wait()
            entry = self._cached(key)
        if entry is not None:
            kind, fmt, written, body = entry
            return Done(kind, fmt, written, io.BytesIO(body), len(body), cached=True)
        try:
            done = self.inner.run(job, version)
            if done.size > self.max_entry:
                return done
            with done.body:
                entry = (done.kind, done.fmt, done.written, done.body.read())
            self._keep(key, entry, version)
        finally:
            if lead:
                with self.lock:
                    self.flights.pop(key, None)
                flight.set()
        kind, fmt, written, body = entry
        return Done(kind, fmt, written, io.BytesIO(body), len(body))

    def _lookup(self, key: tuple[object, ...]) -> tuple[Entry | None, threading.Event, bool]:
        """The cached entry if there is one; else the flight of this query, and whether this
        thread leads it (runs the query and sets the flight when done)."""
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
                self.hits += 1
                return entry, threading.Event(), False
            flight = self.flights.get(key)
            if flight is not None:
                return None, flight, False
            self.misses += 1
            flight = self.flights[key] = threading.Event()
            return None, flight, True

    def _cached(self, key: tuple[object, ...]) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.hits += 1
            return entry

    def _keep(self, key: tuple[object, ...], entry: Entry, version: str) -> None:
        with self.lock:
            if key in self.entries:
                return
            stale = [k for k in self.entries if k[0] != version]  # a new version: start over
            for k in stale:
                self.size -= len(self.entries.pop(k)[3])
            self.entries[key] = entry
            self.size += len(entry[3])
            while self.size > self.max_bytes and self.entries:
                self.size -= len(self.entries.popitem(last=False)[1][3])

    def stats(self) -> dict[str, Any]:
        with self.lock:
            cache = {"entries": len(self.entries), "bytes": self.size}
            cache |= {"hits": self.hits, "misses": self.misses}
        return self.inner.stats() | {"result_cache": cache}

    def close(self) -> None:
        self.inner.close()


def job_key(job: Job, version: str) -> tuple[object, ...]:
    """Everything a job's answer depends on, with the version first."""
    formats = tuple(sorted((k, f.name if f else None) for k, f in job.formats.items()))
    bindings = tuple(sorted((k, v.n3()) for k, v in job.bindings.items()))
    return (version, job.query, tuple(job.default_graphs), tuple(job.named_graphs), formats,
            job.max_rows, bindings, job.base_iri)  # fmt: skip


def make_executor(store: Store, settings: Settings) -> Executor:
    """Worker processes when the store can snapshot itself and query_workers > 0, behind a
    result cache unless it is turned off or updates are enabled (an update made through
    another web process would not change this one's version)."""
    executor: Executor
    if store.capabilities.snapshots and settings.query_workers > 0:
        check_allocator(settings.query_allocator)  # at start, not at the first query
        executor = LazyPool(cast(Snapshotting, store), settings)
    else:
        if settings.query_workers > 0:
            log.info(
                "store %s runs queries in-process: the query_timeout cannot stop them",
                store.selector,
            )
        sandboxed = not may_connect(store.capabilities.engine, False, settings)
        executor = InlineExecutor(store, sandboxed, settings.max_query_bytes)
    if settings.result_cache_mb > 0 and not settings.update_token:
        return CachedExecutor(executor, settings.result_cache_mb << 20)
    return executor
