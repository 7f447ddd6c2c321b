"""Admission control: a client (by address) over its share is answered 429 with Retry-After.

As the Wikidata Query Service does, each client has a budget of query seconds per window: a
bucket that holds ``seconds`` and refills at ``seconds / window`` per second, from which every
request's query time (in a worker or in process, never the time spent waiting) is taken when
it ends. A client whose bucket is empty waits until it holds a second again. Optionally, a
client may also have at most ``concurrency`` requests in flight. Cheap requests cost
milliseconds, so only a client running dear queries back to back (or many at once) meets the
limits, and everyone else keeps their share of the workers.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from medkg.errors import TooManyRequests

MAX_CLIENTS = 10_000  # past this, clients with a full bucket and nothing in flight are dropped


@dataclass
class Bucket:
    seconds: float  # query seconds left
    updated: float  # when ``seconds`` was last brought up to date
    in_flight: int = 0


class Admission:
    """Per-client query-time buckets and in-flight counts; ``0`` turns a limit off."""

    def __init__(
        self,
        seconds: float,
        window: float,
        concurrency: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.capacity = seconds
        self.rate = seconds / window if window > 0 else 0.0
        self.concurrency = concurrency
        self.clock = clock
        self.buckets: dict[str, Bucket] = {}
        self.lock = threading.Lock()
        self.refused = 0

    def _bucket(self, client: str, now: float) -> Bucket:
        bucket = self.buckets.get(client)
        if bucket is None:
            if len(self.buckets) >= MAX_CLIENTS:
                self._forget_idle(now)
            bucket = self.buckets[client] = Bucket(self.capacity, now)
        elif self.capacity > 0:
            refill = (now - bucket.updated) * self.rate
            bucket.seconds = min(self.capacity, bucket.seconds + refill)
        bucket.updated = now
        return bucket

    def admit(self, client: str) -> None:
        """Count a request in, or raise TooManyRequests naming the limit it is over."""
        with self.lock:
            bucket = self._bucket(client, self.clock())
            if self.capacity > 0 and bucket.seconds < 1.0 and self.rate > 0:
                self.refused += 1
                wait = max(1, math.ceil((1.0 - bucket.seconds) / self.rate))
                raise TooManyRequests(
                    f"{client} used its {self.capacity:g} s of query time for the last "
                    f"{self.capacity / self.rate:g} s",
                    retry_after=wait,
                    hint=f"retry after {wait} s; make dear queries more selective",
                )
            if self.concurrency and bucket.in_flight >= self.concurrency:
                self.refused += 1
                raise TooManyRequests(
                    f"{client} already has {bucket.in_flight} requests in flight, the most one "
                    "client may have",
                    retry_after=1,
                    hint="wait for an answer before sending more (retry after 1 s)",
                )
            bucket.in_flight += 1

    def release(self, client: str, seconds: float) -> None:
        """Count a request out and take the query seconds it used from the client's bucket."""
        with self.lock:
            bucket = self._bucket(client, self.clock())
            bucket.in_flight = max(0, bucket.in_flight - 1)
            bucket.seconds -= seconds

    def _forget_idle(self, now: float) -> None:
        for client, bucket in list(self.buckets.items()):
            full = bucket.seconds + (now - bucket.updated) * self.rate >= self.capacity
            if full and not bucket.in_flight:
                del self.buckets[client]
