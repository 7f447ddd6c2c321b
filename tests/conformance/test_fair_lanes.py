"""Against the real server: cheap queries are answered while dear ones fill the slow lane, and a
runaway is still stopped at its limit (its time in a worker: a wait for one does not count)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ..conftest import Server

LIMIT = 3.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }} LIMIT {n}"
CHEAP = "ASK {{ <http://purl.obolibrary.org/obo/MONDO_000497{n}> ?p ?o }}"


@pytest.fixture(scope="module")
def laned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {
        "MEDKG_QUERY_TIMEOUT": str(LIMIT),
        "MEDKG_QUERY_WORKERS": "1",  # one fast worker: a runaway in it would block the next query
        "MEDKG_SLOW_QUERY_WORKERS": "1",
        "MEDKG_DEAR_QUERY_SECONDS": "0.2",
        # a runaway waits for the slow lane's worker, restarted at low priority after each
        # kill (seconds on a busy machine): the wait is not what is tested here
        "MEDKG_QUERY_QUEUE_SECONDS": "50",
    }
    srv = Server(tmp_path_factory.mktemp("laned"), env)
    yield srv
    srv.stop()


def timed_query(server: Server, text: str) -> tuple[requests.Response, float]:
    started = time.monotonic()
    r = requests.get(
        server.url + "/sparql",
        params={"query": text},
        headers={"Accept": "application/sparql-results+json, application/json;q=0.9"},
        timeout=60,
    )
    return r, time.monotonic() - started


def metric(server: Server, line: str) -> float:
    text = requests.get(server.url + "/metrics", timeout=10).text
    return float(next(x for x in text.splitlines() if x.startswith(line + " ")).split()[-1])


def test_cheap_queries_are_answered_while_the_slow_lane_is_busy(laned: Server) -> None:
    deadline = time.monotonic() + 60
    while timed_query(laned, "ASK {}")[0].status_code != 200:  # workers start with a query
        assert time.monotonic() < deadline, "the query workers never started"
    demotions = metric(laned, "medkg_query_demotions")  # a worker's first query may be slow
    routed = metric(laned, 'medkg_query_routed{lane="slow"}')
    first, seconds = timed_query(laned, RUNAWAY.format(n=1))
    assert first.status_code == 503 and f"{LIMIT:g} s limit" in first.json()["error"]
    assert LIMIT <= seconds < LIMIT + 5
    assert metric(laned, "medkg_query_demotions") == demotions + 1  # held a fast worker briefly
    time.sleep(1.0)  # the fast lane's fresh worker starts

    with ThreadPoolExecutor(3) as pool:
        runaways = [pool.submit(timed_query, laned, RUNAWAY.format(n=n)) for n in (2, 3, 4)]
        time.sleep(0.5)
        cheap = [timed_query(laned, CHEAP.format(n=n)) for n in range(3)]
        busy = not all(f.done() for f in runaways)
        answers = [f.result(timeout=60) for f in runaways]

    assert busy, "the runaways finished before the cheap queries: nothing was measured"
    for r, seconds in cheap:
        assert r.status_code == 200 and r.json()["boolean"] in (True, False)
        assert seconds < LIMIT / 2, f"a cheap query waited {seconds:.2f} s behind runaways"
    for r, seconds in answers:  # each stopped at its limit, after waiting for the slow worker
        assert r.status_code == 503
        assert f"ran longer than the {LIMIT:g} s limit" in r.json()["error"]
        assert LIMIT <= seconds < 50 + LIMIT + 5
    # one slow worker for three: the last waited for two limits, and its wait did not count
    assert max(seconds for _, seconds in answers) >= 2 * LIMIT
    assert metric(laned, "medkg_query_demotions") == demotions + 1  # known: not in the fast lane
    assert metric(laned, 'medkg_query_routed{lane="slow"}') == routed + 3
