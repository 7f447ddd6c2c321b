"""Over HTTP, a query no worker takes within query_queue_seconds is a 503 with Retry-After that
says the server is overloaded (not that the query ran too long)."""

from __future__ import annotations

import time
from pathlib import Path

from medkg.config import Settings
from medkg.endpoint.pool import WorkerPool

from ..conftest import app_on_disk


def test_an_overloaded_server_answers_503_with_retry_after(
    settings: Settings, tmp_path: Path
) -> None:
    with app_on_disk(
        settings,
        tmp_path,
        query_workers=1,
        slow_query_workers=0,
        query_timeout=4.0,
        query_queue_seconds=0.3,
    ) as app:
        client = app.test_client()
        endpoint = app.extensions["medkg.endpoint"]
        deadline = time.monotonic() + 60  # the workers start with the first query
        while client.get("/sparql", query_string={"query": "ASK {}"}).status_code != 200:
            assert time.monotonic() < deadline, "the query workers never started"
        pool = endpoint.executor.inner.pool
        assert isinstance(pool, WorkerPool)
        held = pool.idle.get(timeout=60)  # the only worker, busy as if with another client
        r = client.get(
            "/sparql",
            query_string={"query": "ASK { ?s ?p ?o }"},
            headers={"Accept": "application/json"},
        )
        assert r.status_code == 503 and r.headers["Retry-After"] == "4"
        body = r.get_json()
        assert "overloaded" in body["error"] and "0.3 s (query_queue_seconds)" in body["error"]
        assert "retry after 4 s" in body["hint"]
        pool.idle.put(held)
        again = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert again.status_code == 200 and b"true" in again.data
