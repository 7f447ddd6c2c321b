"""Two lanes of query workers: the lane choice from a query's history, and demotion."""

from __future__ import annotations

import time
from pathlib import Path

from rdflib import URIRef

from medkg.config import Settings
from medkg.endpoint.job import Job
from medkg.endpoint.lanes import CostHistory, cost_key

from ..conftest import app_on_disk

RUNAWAY = "SELECT (COUNT(*) AS ?n) {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }} LIMIT {n}"
CHEAP = "ASK { <http://purl.obolibrary.org/obo/MONDO_0004976> ?p ?o }"


def test_cost_key_keeps_what_changes_the_cost_and_drops_what_does_not() -> None:
    one = cost_key(Job(RUNAWAY.format(n=1)))
    assert one == cost_key(Job("# again\n" + RUNAWAY.format(n=250).replace(" . ", " .\n   ")))
    assert one != cost_key(Job(RUNAWAY.format(n=1).replace("?l", "<http://e/x>")))
    named = "SELECT ?c { ?c <http://e/about> ?entity }"
    als = cost_key(Job(named, bindings={"entity": URIRef("http://e/als")}))
    assert als != cost_key(Job(named, bindings={"entity": URIRef("http://e/ms")}))
    assert als != cost_key(Job(named, bindings={"entity": URIRef("http://e/als")},
                               default_graphs=["http://e/g"]))  # fmt: skip


def test_history_remembers_dear_queries_forgives_cheap_ones_and_stays_bounded() -> None:
    history = CostHistory(size=2)
    history.mark_dear("a")
    history.mark_dear("b")
    assert history.is_dear("a")  # seen: now the most recent
    history.mark_dear("c")  # over the size: the least recently seen ("b") goes
    assert history.is_dear("a") and history.is_dear("c") and not history.is_dear("b")
    history.forgive("a")
    assert not history.is_dear("a") and len(history) == 1


def test_a_dear_query_is_demoted_then_takes_the_slow_lane(
    settings: Settings, tmp_path: Path
) -> None:
    headers = {"Accept": "application/json"}
    with app_on_disk(
        settings,
        tmp_path,
        query_workers=1,
        slow_query_workers=1,
        query_timeout=2.0,
        dear_query_seconds=0.1,
    ) as app:
        endpoint = app.extensions["medkg.endpoint"]
        client = app.test_client()
        deadline = time.monotonic() + 60  # the workers start with the first query
        while client.get("/sparql", query_string={"query": CHEAP}).status_code != 200:
            assert time.monotonic() < deadline, "the query workers never started"
        # (a worker's first query opens the snapshot: it may have been slow enough to be dear)
        before = endpoint.executor.stats()["lanes"]
        routed, demotions = before["routed"], before["fast"]["demotions"]
        started = time.monotonic()
        first = client.get("/sparql", query_string={"query": RUNAWAY.format(n=1)}, headers=headers)
        assert first.status_code == 503 and "2 s limit" in first.get_json()["error"]
        assert time.monotonic() - started >= 2.0
        lanes = endpoint.executor.stats()["lanes"]
        assert lanes["routed"] == {"fast": routed["fast"] + 1, "slow": routed["slow"]}
        assert lanes["fast"]["demotions"] == demotions + 1

        again = client.get("/sparql", query_string={"query": RUNAWAY.format(n=7)}, headers=headers)
        assert again.status_code == 503
        lanes = endpoint.executor.stats()["lanes"]
        assert lanes["routed"] == {"fast": routed["fast"] + 1, "slow": routed["slow"] + 1}
        assert lanes["fast"]["demotions"] == demotions + 1  # known as dear: no fast worker
        assert lanes["slow"]["timeouts"] == 1

        other = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert other.status_code == 200  # a query not seen before: the fast lane
        assert endpoint.executor.stats()["lanes"]["routed"]["fast"] == routed["fast"] + 2
