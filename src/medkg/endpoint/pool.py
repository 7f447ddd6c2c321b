"""Killable query workers for embedded stores: the time limit really stops the work.

Neither pyoxigraph nor rdflib can cancel a running query, so queries run in worker processes
(``medkg.endpoint.worker``) that read a snapshot of the store. A query that overruns gets its
worker killed (SIGKILL) and replaced; the client gets 503. The limit counts the query's time in
a worker only: a query waits for a free worker for up to ``queue_seconds`` (a separate, generous
bound, met only when the server is overloaded: 503 with Retry-After). Workers reopen when the
dataset's version changes: the parent takes a new snapshot, and each worker switches at its
next job.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from medkg.endpoint import usage
from medkg.endpoint.allocator import worker_environment
from medkg.endpoint.job import Done, Job, error_from_wire
from medkg.endpoint.process import (
    MEMORY_POLL,
    OVER_MEMORY,
    Worker,
    cpu_seconds,
    renice,
    rss_bytes,
)
from medkg.endpoint.snapshots import Snapshots
from medkg.endpoint.worker import send
from medkg.errors import Overloaded, QueryTimeout, StoreError
from medkg.formats import by_name
from medkg.store.base import Snapshot, Snapshotting

log = logging.getLogger(__name__)
#: a query stopped at its time limit counts as dear if it used 1/STARVED of dear_after of CPU:
#: one that needs less would have finished, unless it was starved by a busy machine
STARVED = 4


class WorkerPool:
    """``size`` worker processes over snapshots of ``store``; ``run()`` is thread-safe.

    ``nice`` lowers the workers' CPU priority (the slow lane's, so a runaway burns only the
    CPU nothing else wants). With ``demote_nice``, a query that has used ``dear_after`` seconds
    of CPU is demoted: its worker leaves the pool at that lower priority to finish (or be
    stopped at the limit) and a fresh worker takes its place, so a dear query seen for the
    first time holds a place in this pool for about ``dear_after`` seconds of CPU.
    ``timeout`` limits a query's time in a worker, ``queue_seconds`` its wait for one.
    """

    def __init__(
        self,
        store: Snapshotting,
        size: int,
        timeout: float,
        memory_mb: int = 0,
        allocator: str = "system",
        sandboxed: bool = True,
        *,
        nice: int = 0,
        demote_nice: int | None = None,
        snapshots: Snapshots | None = None,
        lane: str = "",
        setting: str = "query_workers",
        queue_seconds: float = 30.0,
    ):
        self.env = worker_environment(allocator)
        self.owns_snapshots = snapshots is None
        self.snapshots = snapshots or Snapshots(store)
        self.size = max(1, size)
        self.timeout = timeout
        self.queue_seconds = queue_seconds
        self.memory_mb = memory_mb
        self.sandboxed = sandboxed  # workers cannot open network sockets (sandbox.py)
        self.nice = nice
        self.demote_nice = demote_nice
        self.lane, self.setting = lane, setting
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.workers: set[Worker] = set()
        self.demoted: set[Worker] = set()
        self.lock = threading.Lock()
        self.timeouts = 0
        self.demotions = 0
        self.closed = False
        # a worker is killed when the thread that started it ends (PR_SET_PDEATHSIG follows
        # the thread, not the process), and a pool is started, and its workers replaced, by
        # whatever thread asks: so they are all started by this thread, which lives as long
        # as the pool
        self.spawner = ThreadPoolExecutor(1, thread_name_prefix=f"medkg-{lane}worker-spawner")
        for _ in range(self.size):
            self._add_worker()

    def _add_worker(self) -> None:
        """Start a worker; it joins the idle queue once it has started (in the background)."""
        proc = self.spawner.submit(self._spawn).result()
        if self.nice:
            renice(proc.pid, self.nice)
        worker = Worker(proc)
        with self.lock:
            self.workers.add(worker)
        threading.Thread(target=self._await_ready, args=(worker,), daemon=True).start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        sandbox = ["--sandbox"] if self.sandboxed else []
        return subprocess.Popen(
            [sys.executable, "-m", "medkg.endpoint.worker", *sandbox],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=self.env,
        )

    def _await_ready(self, worker: Worker) -> None:
        try:
            ready = worker.wait_message(time.monotonic() + 120) and self._open_snapshot(worker)
        except (OSError, EOFError, ValueError):  # ValueError: its pipe closed by kill()
            ready = None
        if ready:
            self.idle.put(worker)
            return
        if self.closed:  # stopped by close() while it started
            return
        log.error("a query worker (pid %s) did not start; see its output above", worker.proc.pid)
        worker.kill()
        with self.lock:
            self.workers.discard(worker)

    def _open_snapshot(self, worker: Worker) -> bool:
        """Have a fresh worker open the current snapshot (with ``ASK {}``) before its first
        job, which would otherwise wait for that (about half a second) and could seem dear."""
        snapshot = self.snapshots.snapshot
        if snapshot is None:  # no query yet: the first one opens it
            return True
        assert worker.proc.stdin is not None
        spool = self.snapshots.spool_file()
        job = Job("ASK {}", formats={"results": by_name("json")})
        message = {"job": job, "opener": snapshot.opener, "snapshot": str(snapshot.path)}
        send(worker.proc.stdin, {**message, "spool": str(spool)})
        reply = worker.wait_message(time.monotonic() + 120)
        with contextlib.suppress(FileNotFoundError):
            spool.unlink()
        return bool(reply and reply != OVER_MEMORY)

    def run(
        self,
        job: Job,
        version: str | None,
        dear_after: float | None = None,
        on_dear: Callable[[], None] | None = None,
    ) -> Done:
        """Run ``job`` in a worker; 503 (QueryTimeout) when it overruns the time limit, 503
        (Overloaded) when no worker was free within ``queue_seconds``.

        The limit starts when the worker takes the job: a cheap query that waited behind
        others still has all of it. ``on_dear`` is called once if the query uses
        ``dear_after`` seconds of CPU or more (or is stopped at the limit); its running time
        is charged to the thread's usage tally.
        """
        worker = self._idle_worker(time.monotonic() + self.queue_seconds)
        try:
            snapshot = self.snapshots.current(version)
        except BaseException:  # no snapshot (a full disk): the worker goes back, unused
            self.idle.put(worker)
            raise
        spool = self.snapshots.spool_file()
        began = time.monotonic()
        deadline = began + self.timeout
        try:
            reply = self._exchange(worker, job, snapshot, spool, deadline, dear_after, on_dear)
        except BaseException:
            self._replace(worker)
            with contextlib.suppress(FileNotFoundError):
                spool.unlink()
            raise
        finally:
            usage.charge(time.monotonic() - began)
        if worker.demoted:
            self._retire(worker)
        elif self.memory_mb and rss_bytes(worker.proc.pid) > self.memory_mb * 2**19:
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

    def _idle_worker(self, deadline: float) -> Worker:
        """A live idle worker; one that died while idle (OOM killer, kill -9) is replaced.
        Overloaded when none was free by ``deadline``."""
        while True:
            try:
                worker = self.idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise self._overloaded() from None
            if worker.proc.poll() is not None:
                log.warning("query worker %s died while idle; replacing it", worker.proc.pid)
                self._replace(worker)
                continue
            return worker

    def _overloaded(self) -> Overloaded:
        retry = max(1, math.ceil(self.timeout))  # by then every query running now has ended
        log.warning(
            "a query waited %g s for a %squery worker and was refused: the server is overloaded",
            self.queue_seconds, self.lane,
        )  # fmt: skip
        return Overloaded(
            f"the server is overloaded: all {self.size} {self.lane}query workers stayed busy "
            f"while the query waited {self.queue_seconds:g} s (query_queue_seconds) for one",
            retry_after=retry,
            hint=f"retry after {retry} s; if this is frequent, ask the operator to raise "
            f"{self.setting}",
        )

    def _exchange(
        self,
        worker: Worker,
        job: Job,
        snapshot: Snapshot,
        spool: Path,
        deadline: float,
        dear_after: float | None = None,
        on_dear: Callable[[], None] | None = None,
    ) -> Any:
        assert worker.proc.stdin is not None
        limit = self.memory_mb * 2**20
        try:
            message = {
                "job": job,
                "opener": snapshot.opener,
                "snapshot": str(snapshot.path),
                "spool": str(spool),
            }
            cpu_before = cpu_seconds(worker.proc.pid)
            send(worker.proc.stdin, message)
            worker.jobs += 1
            reply = None
            if dear_after is not None:
                reply, dear = self._wait_while_cheap(worker, cpu_before, dear_after, deadline)
                if dear and on_dear is not None:
                    on_dear()
                if dear and self.demote_nice is not None and time.monotonic() < deadline:
                    self._demote(worker)
            if reply is None:
                reply = worker.wait_message(deadline, limit)
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

    def _wait_while_cheap(
        self, worker: Worker, cpu_before: float, dear_after: float, deadline: float
    ) -> tuple[Any, bool]:
        """The worker's reply (None if there is none yet) and whether the query is dear: it
        has used ``dear_after`` seconds of CPU and is still running (or a quarter of that when it
        ran into the limit).
        CPU, not wall time: on a busy machine a cheap query waits for a core, and that does
        not make it dear."""
        limit = self.memory_mb * 2**20
        used = 0.0
        while used < dear_after:
            wake = min(deadline, time.monotonic() + max(dear_after - used, MEMORY_POLL))
            reply = worker.wait_message(wake, limit)
            if reply is not None:
                return reply, False
            used = cpu_seconds(worker.proc.pid) - cpu_before
            if time.monotonic() >= deadline:  # stopped at the limit: dear unless it was starved
                return None, used >= dear_after / STARVED
        return None, True

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
        if worker.demoted:  # its place was filled when it was demoted
            self._retire(worker)
            return
        worker.kill()
        with self.lock:
            self.workers.discard(worker)
            closed = self.closed
        if not closed:
            self._add_worker()

    def _demote(self, worker: Worker) -> None:
        """Move a worker running a dear query out of the pool, at lower priority, and start
        a fresh one in its place."""
        assert self.demote_nice is not None
        renice(worker.proc.pid, self.demote_nice)
        log.info("query worker %s runs a dear query: demoted", worker.proc.pid)
        with self.lock:
            worker.demoted = True
            self.workers.discard(worker)
            self.demoted.add(worker)
            self.demotions += 1
            closed = self.closed
        if not closed:
            self._add_worker()

    def _retire(self, worker: Worker) -> None:
        """Stop a demoted worker once its query is over."""
        worker.kill()
        with self.lock:
            self.demoted.discard(worker)

    def _drop_unused_snapshots(self) -> None:
        with self.lock:
            in_use = {w.snapshot for w in self.workers | self.demoted}
        self.snapshots.drop_unused(in_use)

    def stats(self) -> dict[str, Any]:
        """Workers alive (demoted ones included), idle (started and free) and busy (running or
        starting), their pids, timeouts and demotions so far (for /metrics)."""
        with self.lock:
            everyone = self.workers | self.demoted
            pids = [w.proc.pid for w in everyone if w.proc.poll() is None]
            demotions, timeouts = self.demotions, self.timeouts
        return {
            "workers": len(pids),
            "idle": self.idle.qsize(),
            "busy": max(0, len(pids) - self.idle.qsize()),
            "pids": pids,
            "timeouts": timeouts,
            "demotions": demotions,
        }

    def close(self) -> None:
        """Stop every worker; delete the snapshots and spool if this pool made them."""
        with self.lock:
            self.closed = True
            workers = list(self.workers | self.demoted)
            self.workers.clear()
            self.demoted.clear()
        for w in workers:
            w.kill()
        self.spawner.shutdown(wait=False)
        if self.owns_snapshots:
            self.snapshots.close()
