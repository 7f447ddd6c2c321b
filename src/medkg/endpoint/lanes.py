"""Two lanes of query workers, so that cheap queries never wait behind dear ones.

A query's expected cost is its history: the normalized text (comments, spacing and numbers
left out; IRIs, strings, parameters and dataset kept) of a query that once used
``dear_seconds`` of CPU or more (or a quarter, and ran into its time limit) goes to the slow
lane the next time, whose workers run at a lower CPU priority. A query seen for the first
time runs in the fast lane; once it has used ``dear_seconds`` of CPU its worker is demoted
(lower priority, out of the fast lane, replaced by a fresh one), so a new dear query holds a
fast worker for about ``dear_seconds`` of CPU. CPU rather than wall time, so that a cheap query
waiting for a core on a busy machine does not count as dear. A query in the slow lane that
turns out cheap is forgiven. Every query keeps its own time limit.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

from medkg.config import Settings
from medkg.endpoint.job import Done, Job
from medkg.endpoint.outbound import may_connect
from medkg.endpoint.pool import WorkerPool
from medkg.endpoint.snapshots import Snapshots
from medkg.store.base import Snapshotting
from medkg.store.rewrite import iter_tokens


def cost_key(job: Job) -> str:
    """What identifies a query's cost: its tokens with every number as ``0``, its bound
    parameters and dataset (so ``LIMIT 10`` and ``LIMIT 11`` are one query; two entities are
    two, since one may be in a thousand times the claims of the other).

    >>> a = cost_key(Job("SELECT * { ?s ?p ?o } # mine\\n LIMIT 10"))
    >>> a == cost_key(Job("SELECT *  {?s ?p ?o} LIMIT 11")), a == cost_key(Job("ASK {}"))
    (True, False)
    """
    parts: list[str] = []
    for token in iter_tokens(job.query):
        if token.kind == "other" and token.text.isdigit():
            if parts and parts[-1] == "0":
                continue
            parts.append("0")
        else:
            parts.append(token.text)
    bound = sorted((name, term.n3()) for name, term in job.bindings.items())
    text = repr((parts, bound, job.default_graphs, job.named_graphs))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class CostHistory:
    """The keys of queries that ran long, least recently seen dropped first past ``size``."""

    def __init__(self, size: int = 10_000):
        self.size = size
        self.keys: OrderedDict[str, None] = OrderedDict()
        self.lock = threading.Lock()

    def is_dear(self, key: str) -> bool:
        with self.lock:
            if key in self.keys:
                self.keys.move_to_end(key)
                return True
            return False

    def mark_dear(self, key: str) -> None:
        with self.lock:
            self.keys[key] = None
            self.keys.move_to_end(key)
            while len(self.keys) > self.size:
                self.keys.popitem(last=False)

    def forgive(self, key: str) -> None:
        with self.lock:
            self.keys.pop(key, None)

    def __len__(self) -> int:
        return len(self.keys)


class Lanes:
    """A fast lane of ``query_workers`` and a slow lane of ``slow_query_workers`` workers."""

    isolated = True

    def __init__(self, store: Snapshotting, settings: Settings):
        s = settings
        self.dear_seconds = s.dear_query_seconds
        self.history = CostHistory()
        self.snapshots = Snapshots(store)
        self.routed = {"fast": 0, "slow": 0}
        self.lock = threading.Lock()
        common: dict[str, Any] = {
            "snapshots": self.snapshots,
            # workers open no network socket unless an allow-list needs one (outbound.py)
            "sandboxed": not may_connect(store.capabilities.engine, False, settings),
            "queue_seconds": s.query_queue_seconds,
        }
        self.fast = WorkerPool(
            store, s.query_workers, s.query_timeout, s.query_memory_mb, s.query_allocator,
            demote_nice=s.slow_lane_nice, **common,
        )  # fmt: skip
        self.slow = WorkerPool(
            store, s.slow_query_workers, s.query_timeout, s.query_memory_mb, s.query_allocator,
            nice=s.slow_lane_nice, lane="slow-lane ", setting="slow_query_workers", **common,
        )  # fmt: skip

    def lane_for(self, key: str) -> str:
        """``slow`` for a query that ran long before, else ``fast``."""
        return "slow" if self.history.is_dear(key) else "fast"

    def run(self, job: Job, version: str | None) -> Done:
        key = cost_key(job)
        lane = self.lane_for(key)
        with self.lock:
            self.routed[lane] += 1
        dear = False

        def on_dear() -> None:
            nonlocal dear
            dear = True
            self.history.mark_dear(key)

        pool = self.slow if lane == "slow" else self.fast
        done = pool.run(job, version, dear_after=self.dear_seconds, on_dear=on_dear)
        if not dear:
            self.history.forgive(key)
        return done

    def stats(self) -> dict[str, Any]:
        """Both lanes' workers added up, and per lane, with the routing counts."""
        fast, slow = self.fast.stats(), self.slow.stats()
        total = {k: fast[k] + slow[k] for k in ("workers", "idle", "busy", "pids", "timeouts")}
        with self.lock:
            routed = dict(self.routed)
        lanes = {"fast": fast, "slow": slow, "routed": routed, "dear_known": len(self.history)}
        return total | {"lanes": lanes}

    def close(self) -> None:
        self.fast.close()
        self.slow.close()
        self.snapshots.close()
