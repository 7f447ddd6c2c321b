"""A client over its share of query time gets 429 with Retry-After; others, and /health, do not."""

from __future__ import annotations

import time
from pathlib import Path

from medkg.config import Settings

from ..conftest import app_on_disk

RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
CHEAP = "ASK { ?s ?p ?o }"


def test_a_client_over_its_share_gets_429_with_retry_after(
    settings: Settings, tmp_path: Path
) -> None:
    greedy = {"REMOTE_ADDR": "192.0.2.7"}
    json = {"Accept": "application/json"}
    with app_on_disk(
        settings,
        tmp_path,
        query_workers=1,
        query_timeout=1.0,
        client_query_seconds=1.5,
        client_window_seconds=60,
    ) as app:
        client = app.test_client()
        warm = {"REMOTE_ADDR": "192.0.2.9"}
        deadline = time.monotonic() + 60  # the workers start with the first query (1 s limit)
        while (
            client.get("/sparql", query_string={"query": "ASK {}"}, environ_base=warm).status_code
            != 200
        ):
            assert time.monotonic() < deadline, "the query workers never started"
        r = client.get("/sparql", query_string={"query": RUNAWAY}, environ_base=greedy)
        assert r.status_code == 503  # stopped at its limit, and the second it ran is charged
        r = client.get("/sparql", query_string={"query": CHEAP}, environ_base=greedy, headers=json)
        assert r.status_code == 429
        assert 1 <= int(r.headers["Retry-After"]) <= 60
        body = r.get_json()
        assert body["status"] == 429 and "192.0.2.7" in body["error"]
        assert f"retry after {r.headers['Retry-After']} s" in body["hint"]
        assert client.get("/entity/MONDO:0004976", environ_base=greedy).status_code == 429
        assert client.get("/health", environ_base=greedy).status_code == 200
        other = client.get("/entity/MONDO:0004976", environ_base={"REMOTE_ADDR": "192.0.2.8"})
        assert other.status_code == 200  # another client keeps its own share
        assert "medkg_admission_refused 2" in client.get("/metrics").get_data(as_text=True)
