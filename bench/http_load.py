"""A small closed-loop HTTP load generator and a peak-RSS sampler, for bench/scale.py.

Each client is a thread with one keep-alive connection, sending the same GET back to back for a
bounded time and count; latencies are measured per request. Loopback only.
"""

from __future__ import annotations

import http.client
import itertools
import statistics
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

ACCEPT = "application/sparql-results+json"


@dataclass
class LoadResult:
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies: list[float]
    #: the errors by what they were: an HTTP status (``429``) or the exception's name
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")


def run_load(
    url: str, query: str | Sequence[str], clients: int, seconds: float, max_requests: int = 5000
) -> LoadResult:
    """Send ``GET url?query=...`` from ``clients`` threads for ``seconds`` (at most
    ``max_requests`` in all); a request in flight at the deadline is finished and counted.
    Given several queries, the requests take them in turn."""
    parts = urlsplit(url)
    queries = [query] if isinstance(query, str) else list(query)
    paths = [f"{parts.path}?{urlencode({'query': q})}" for q in queries]
    return run_gets(url, paths, clients, seconds, ACCEPT, max_requests)


def run_gets(
    url: str,
    paths: Sequence[str],
    clients: int,
    seconds: float,
    accept: str = ACCEPT,
    max_requests: int = 5000,
) -> LoadResult:
    """Send ``GET`` of ``paths`` in turn (on the host of ``url``) from ``clients`` threads for
    ``seconds``; a request that is not a 200 is an error."""
    parts = urlsplit(url)
    turn = itertools.count()
    latencies: list[float] = []
    errors = [0]
    failures: Counter[str] = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=300)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if len(latencies) + errors[0] >= max_requests:
                        return
                    path = paths[next(turn) % len(paths)]
                t0 = time.perf_counter()
                try:
                    conn.request("GET", path, headers={"Accept": accept})
                    response = conn.getresponse()
                    response.read()
                    ok, failure = response.status == 200, str(response.status)
                except (OSError, http.client.HTTPException) as e:
                    ok, failure = False, type(e).__name__
                    conn.close()
                    conn = http.client.HTTPConnection(
                        parts.hostname or "127.0.0.1", parts.port, timeout=300
                    )
                dt = time.perf_counter() - t0
                with lock:
                    if ok:
                        latencies.append(dt)
                    else:
                        errors[0] += 1
                        failures[failure] += 1
        finally:
            conn.close()

    start = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds_taken = time.monotonic() - start
    return LoadResult(clients, len(latencies), errors[0], seconds_taken, latencies, failures)


def cpu_seconds(proc: object) -> float:
    """CPU time (user + system) of a psutil process and its children so far."""
    import psutil

    assert isinstance(proc, psutil.Process)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            continue
    return total


class PeakRss:
    """Sample the resident set of a process and its children until stopped; keep the peak."""

    def __init__(self, pid: int, interval: float = 0.2):
        import psutil  # the `bench` extra; the load generator itself needs only the stdlib

        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                self.peak = max(self.peak, sum(p.memory_info().rss for p in procs))
            except Exception:  # psutil.Error: the process is gone
                return
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(timeout=5)
        return self.peak
