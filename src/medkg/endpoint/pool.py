"""Killable query workers for embedded stores: the time limit really stops the work.

Neither pyoxigraph nor rdflib can cancel a running query, so queries run in worker processes
(``medkg.endpoint.worker``) that read a snapshot of the store. A query that overruns gets its
worker killed (SIGKILL) and replaced; the client gets 503. Workers reopen when the dataset's
version changes: the parent takes a new snapshot, and each worker switches at its next job.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import itertools
import logging
import os
import queue
import select
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from medkg.endpoint.job import Done, Job, error_from_wire
from medkg.endpoint.worker import receive, send
from medkg.errors import ConfigError, QueryTimeout, StoreError
from medkg.formats import by_name
from medkg.store.base import Snapshot, Snapshotting

log = logging.getLogger(__name__)
MEMORY_POLL = 0.05
OVER_MEMORY = "over-memory"
ALLOCATORS = ("jemalloc", "system")
#: jemalloc hands freed pages back within a second, so a worker's resident size (which the
#: memory cap reads) follows what it uses rather than what it once used
JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0"


def jemalloc_library() -> str | None:
    """The jemalloc shared library as the dynamic linker knows it (its soname), or None.

    Not loaded here to check: jemalloc cannot be loaded into a running process (its
    thread-local storage must be laid out at start), which is why workers preload it.
    """
    return ctypes.util.find_library("jemalloc")


def check_allocator(allocator: str) -> None:
    if allocator not in ALLOCATORS:
        raise ConfigError(
            f"query_allocator is {allocator!r}",
            hint=f"set it to one of: {', '.join(ALLOCATORS)}",
        )


def worker_environment(allocator: str) -> dict[str, str]:
    """The environment of a query worker: jemalloc preloaded when asked for and installed.

    Oxigraph allocates for every intermediate solution; under glibc's malloc the entity query
    at 1M claims took 371 ms, under jemalloc 320 ms (bench/scale.py; the ``oxigraph`` binary
    brings its own allocator, so this is also what it takes to run the same query as fast).
    """
    check_allocator(allocator)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if allocator == "jemalloc":
        library = jemalloc_library()
        if library is None:
            log.warning(
                "query workers use the system malloc: jemalloc is not installed "
                '(apt-get install libjemalloc2, or set query_allocator = "system")'
            )
            return env
        env["LD_PRELOAD"] = " ".join(filter(None, [library, env.get("LD_PRELOAD")]))
        env["MALLOC_CONF"] = env.get("MALLOC_CONF") or JEMALLOC_CONF
    return env


def rss_bytes(pid: int | str = "self") -> int:
    """Resident memory of a process, from /proc (0 where that is not available)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


@dataclass(eq=False)
class Worker:
    proc: subprocess.Popen[bytes]
    snapshot: Path | None = None
    jobs: int = 0

    def wait_message(self, deadline: float, memory_limit: int = 0) -> Any:
        """The worker's next message; None when the deadline passes first, OVER_MEMORY when
        its resident memory goes over ``memory_limit`` bytes (checked every 50 ms)."""
        assert self.proc.stdout is not None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            wait = min(remaining, MEMORY_POLL) if memory_limit else remaining
            ready, _, _ = select.select([self.proc.stdout], [], [], wait)
            if ready:
                return receive(self.proc.stdout)
            if memory_limit and rss_bytes(self.proc.pid) > memory_limit:
                return OVER_MEMORY

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class WorkerPool:
    """``size`` worker processes over snapshots of ``store``; ``run()`` is thread-safe."""

    def __init__(
        self,
        store: Snapshotting,
        size: int,
        timeout: float,
        memory_mb: int = 0,
        allocator: str = "system",
        sandboxed: bool = True,
    ):
        self.env = worker_environment(allocator)
        self.store = store
        self.size = max(1, size)
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.sandboxed = sandboxed  # workers cannot open network sockets (sandbox.py)
        self.spool: Path | None = None  # beside the snapshots, made with the first one
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.workers: set[Worker] = set()
        self.lock = threading.Lock()
        self.snapshot: Snapshot | None = None
        self.version: str | None = None
        self.old: list[Path] = []
        self.ids = itertools.count()
        self.timeouts = 0
        self.closed = False
        for _ in range(self.size):
            self._add_worker()

    def _add_worker(self) -> None:
        """Start a worker; it joins the idle queue once it has started (in the background)."""
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "medkg.endpoint.worker",
                *(["--sandbox"] if self.sandboxed else []),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self.env,
        )
        worker = Worker(proc)
        with self.lock:
            self.workers.add(worker)
        threading.Thread(target=self._await_ready, args=(worker,), daemon=True).start()

    def _await_ready(self, worker: Worker) -> None:
        try:
            ready = worker.wait_message(time.monotonic() + 120)
        except (OSError, EOFError):
            ready = None
        if ready:
            self.idle.put(worker)
            return
        log.error("a query worker (pid %s) did not start; see its output above", worker.proc.pid)
        worker.kill()
        with self.lock:
            self.workers.discard(worker)

    def current_snapshot(self, version: str | None, worker: Worker) -> Snapshot:
        """The snapshot for ``version`` (taken now if the version changed since the last one),
        marked as the one ``worker`` uses so it is not deleted under it."""
        with self.lock:
            if self.snapshot is None or version != self.version:
                if self.snapshot is not None:
                    self.old.append(self.snapshot.path)
                try:
                    self.snapshot = self.store.snapshot()
                except OSError as e:
                    raise StoreError(
                        f"cannot take a snapshot of the store for the query workers: {e}",
                        hint="is the disk beside the store full or read-only?",
                    ) from None
                self.version = version
                if self.spool is None:
                    # large results spill here; beside the store, so a server killed without
                    # cleaning up leaves nothing in /tmp and the next start clears it
                    self.spool = self.snapshot.path.parent / f"spool-{os.getpid()}"
                    self.spool.mkdir(exist_ok=True)
                log.info(
                    "query workers will read snapshot %s (version %s)", self.snapshot.path, version
                )
            return self.snapshot

    def run(self, job: Job, version: str | None) -> Done:
        """Run ``job`` in a worker; 503 (QueryTimeout) when it overruns the time limit."""
        deadline = time.monotonic() + self.timeout
        busy = QueryTimeout(
            f"all {self.size} query workers stayed busy for the {self.timeout:g} s limit",
            hint="retry later, or ask the operator to raise query_workers",
        )
        worker = self._idle_worker(deadline, busy)
        snapshot = self.current_snapshot(version, worker)
        assert self.spool is not None
        spool = self.spool / f"{next(self.ids)}.out"
        try:
            reply = self._exchange(worker, job, snapshot, spool, deadline)
        except BaseException:
            self._replace(worker)
            with contextlib.suppress(FileNotFoundError):
                spool.unlink()
            raise
        if self.memory_mb and rss_bytes(worker.proc.pid) > self.memory_mb * 2**19:
            # a worker keeps what a big query made it allocate: start afresh past half the cap
            log.info("recycling query worker %s after a memory-hungry query", worker.proc.pid)
            self._replace(worker)
        else:
            self.idle.put(worker)
        self._drop_unused_snapshots()
        if not reply["ok"]:
            with contextlib.suppress(FileNotFoundError):
                spool.unlink()
            raise error_from_wire(reply["error"])
        body: IO[bytes]
        if "data" in reply:
            body, size = io.BytesIO(reply["data"]), len(reply["data"])
        else:
            body = spool.open("rb")
            spool.unlink()  # the open file keeps the bytes until the response is sent
            size = os.fstat(body.fileno()).st_size
        return Done(reply["kind"], by_name(reply["fmt"]), reply["written"], body, size)

    def _idle_worker(self, deadline: float, busy: QueryTimeout) -> Worker:
        """A live idle worker; one that died while idle (OOM killer, kill -9) is replaced."""
        while True:
            try:
                worker = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise busy from None
            if worker.proc.poll() is not None:
                log.warning("query worker %s died while idle; replacing it", worker.proc.pid)
                self._replace(worker)
                continue
            if time.monotonic() >= deadline:
                self.idle.put(worker)
                raise busy
            return worker

    def _exchange(
        self, worker: Worker, job: Job, snapshot: Snapshot, spool: Path, deadline: float
    ) -> Any:
        assert worker.proc.stdin is not None
        try:
            message = {
                "job": job,
                "opener": snapshot.opener,
                "snapshot": str(snapshot.path),
                "spool": str(spool),
            }
            send(worker.proc.stdin, message)
            worker.jobs += 1
            reply = worker.wait_message(deadline, self.memory_mb * 2**20)
        except (OSError, EOFError):
            raise self._death(worker) from None
        if reply == OVER_MEMORY:
            raise StoreError(
                f"the query needed more than the {self.memory_mb} MiB a query worker may use "
                "and was stopped",
                hint="make the query more selective (ORDER BY and GROUP BY over huge joins hold "
                "everything in memory), or ask the operator to raise query_memory_mb",
            )
        if reply is None:
            with self.lock:
                self.timeouts += 1
            raise QueryTimeout(
                f"the query ran longer than the {self.timeout:g} s limit and was stopped",
                hint="make the query more selective (add LIMIT, bind variables) or ask the "
                "operator to raise query_timeout",
            )
        return reply

    def _death(self, worker: Worker) -> StoreError:
        """A worker died mid-query (killed by the system, or a crash in the engine)."""
        try:
            code = worker.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        log.error("query worker %s died mid-query (exit status %s)", worker.proc.pid, code)
        return StoreError(
            f"a query worker died while running the query (exit status {code})",
            hint="the server logged it; simplify the query or report it",
        )

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        with self.lock:
            self.workers.discard(worker)
            closed = self.closed
        if not closed:
            self._add_worker()

    def _drop_unused_snapshots(self) -> None:
        with self.lock:
            in_use = {w.snapshot for w in self.workers}
            keep = [p for p in self.old if p in in_use]
            gone = [p for p in self.old if p not in in_use]
            self.old = keep
        for path in gone:
            shutil.rmtree(path, ignore_errors=True)

    def stats(self) -> dict[str, Any]:
        """Workers alive, idle (started and free) and busy (running or starting), their pids,
        and timeouts so far (for /metrics)."""
        with self.lock:
            pids = [w.proc.pid for w in self.workers if w.proc.poll() is None]
        return {
            "workers": len(pids),
            "idle": self.idle.qsize(),
            "busy": max(0, len(pids) - self.idle.qsize()),
            "pids": pids,
            "timeouts": self.timeouts,
        }

    def close(self) -> None:
        """Stop every worker and delete the snapshots and spool."""
        with self.lock:
            self.closed = True
            workers = list(self.workers)
            self.workers.clear()
        for w in workers:
            w.kill()
        paths = [*self.old, *([self.snapshot.path] if self.snapshot else [])]
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)
        if self.spool is not None:
            shutil.rmtree(self.spool, ignore_errors=True)
