"""Run queries in the right place: killable workers for embedded stores, in-process otherwise."""

from __future__ import annotations

import logging
import tempfile
import threading
from typing import Any, Protocol, cast

from medkg.config import Settings
from medkg.endpoint.job import Done, Job, run_job
from medkg.endpoint.pool import WorkerPool
from medkg.store.base import Snapshotting, Store

log = logging.getLogger(__name__)

SPOOL_IN_MEMORY = 1 << 20  # results up to 1 MiB stay in memory, larger ones go to a temp file


class Executor(Protocol):
    isolated: bool

    def run(self, job: Job, version: str | None) -> Done: ...

    def stats(self) -> dict[str, Any]: ...

    def close(self) -> None: ...


class InlineExecutor:
    """Queries run in the request thread: for remote stores (the remote enforces its limits)
    and in-memory stores (tests, tiny data), which no other process can read."""

    isolated = False

    def __init__(self, store: Store):
        self.store = store

    def run(self, job: Job, version: str | None) -> Done:
        body = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
        try:
            kind, fmt, written = run_job(self.store, job, body)
        except BaseException:
            body.close()
            raise
        size = body.tell()
        body.seek(0)
        return Done(kind, fmt, written, body, size)

    def stats(self) -> dict[str, Any]:
        return {"workers": 0, "idle": 0, "busy": 0, "pids": [], "timeouts": 0}

    def close(self) -> None:
        pass


class LazyPool:
    """A WorkerPool started on the first query, so building an app spawns nothing."""

    isolated = True

    def __init__(self, store: Snapshotting, settings: Settings):
        self.store = store
        self.settings = settings
        self.pool: WorkerPool | None = None
        self.lock = threading.Lock()

    def _pool(self) -> WorkerPool:
        with self.lock:
            if self.pool is None:
                self.pool = WorkerPool(
                    self.store,
                    self.settings.query_workers,
                    self.settings.query_timeout,
                    self.settings.query_memory_mb,
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


def make_executor(store: Store, settings: Settings) -> Executor:
    """Worker processes when the store can snapshot itself and query_workers > 0."""
    if store.capabilities.snapshots and settings.query_workers > 0:
        return LazyPool(cast(Snapshotting, store), settings)
    if settings.query_workers > 0:
        log.info(
            "store %s runs queries in-process: the query_timeout cannot stop them", store.selector
        )
    return InlineExecutor(store)
