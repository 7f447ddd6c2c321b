"""Admission control by client address: query-time buckets and in-flight caps, on a fake clock."""

from __future__ import annotations

import pytest

from medkg.endpoint.admission import Admission
from medkg.errors import TooManyRequests


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_over_its_query_seconds_is_refused_until_its_share_refills() -> None:
    clock = Clock()
    admission = Admission(seconds=10, window=60, clock=clock)  # refills 1 s every 6 s
    admission.admit("10.0.0.1")
    admission.release("10.0.0.1", 9.5)  # 0.5 s left: under the one second a request needs
    with pytest.raises(TooManyRequests) as refused:
        admission.admit("10.0.0.1")
    assert refused.value.status == 429
    assert refused.value.retry_after == 3  # (1 - 0.5) s at 1/6 s per second
    assert "10 s of query time" in refused.value.message
    admission.admit("10.0.0.2")  # another client keeps its own share
    clock.now += 3
    admission.admit("10.0.0.1")  # refilled to one second: let in again
    assert admission.refused == 1


def test_cheap_requests_never_meet_the_limit() -> None:
    clock = Clock()
    admission = Admission(seconds=60, window=60, clock=clock)
    for _ in range(10_000):  # 10,000 requests of 5 ms in 100 s: 50 s of work, refilling
        admission.admit("10.0.0.1")
        admission.release("10.0.0.1", 0.005)
        clock.now += 0.01
    assert admission.refused == 0


def test_in_flight_cap_refuses_one_more_and_lets_in_after_an_answer() -> None:
    admission = Admission(seconds=0, window=60, concurrency=2, clock=Clock())
    admission.admit("10.0.0.1")
    admission.admit("10.0.0.1")
    with pytest.raises(TooManyRequests) as refused:
        admission.admit("10.0.0.1")
    assert refused.value.retry_after == 1 and "2 requests in flight" in refused.value.message
    admission.admit("10.0.0.2")
    admission.release("10.0.0.1", 0.0)
    admission.admit("10.0.0.1")


def test_zero_turns_the_limits_off() -> None:
    admission = Admission(seconds=0, window=60, concurrency=0, clock=Clock())
    for _ in range(100):
        admission.admit("10.0.0.1")
        admission.release("10.0.0.1", 100.0)
    assert admission.refused == 0
