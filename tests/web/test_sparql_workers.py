"""Query workers over an on-disk store: they see a rebuild swapped in by anyone (the file
watcher calls build_into on the live store), and the app stops them when closed."""

from __future__ import annotations

import shutil
from pathlib import Path

from medkg.build import build_into
from medkg.config import Settings
from medkg.store import open_store

from ..conftest import ROOT

MARKER = "http://example.org/rebuild-marker"
ASK = f"ASK {{ <{MARKER}> ?p ?o }}"


def test_workers_see_a_rebuild_swapped_in_behind_their_back(
    settings: Settings, tmp_path: Path
) -> None:
    from medkg.web import create_app

    project = tmp_path / "project"
    for part in ("ontology", "data"):
        shutil.copytree(ROOT / part, project / part)
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    local = settings.replace(root=str(project), query_workers=1, query_timeout=30.0)
    app = create_app(local, store)
    endpoint = app.extensions["medkg.endpoint"]
    client = app.test_client()
    try:
        assert endpoint.executor.isolated
        first = client.get("/sparql", query_string={"query": ASK})
        assert first.get_json(force=True)["boolean"] is False
        (project / "ontology" / "terms.ttl").open("a").write(
            f'\n<{MARKER}> <http://www.w3.org/2000/01/rdf-schema#label> "marker" .\n'
        )
        build_into(store, local)  # what the watcher does: no call into the endpoint
        again = client.get(
            "/sparql", query_string={"query": ASK}, headers={"If-None-Match": first.headers["ETag"]}
        )
        assert again.status_code == 200 and again.get_json(force=True)["boolean"] is True
        pids = endpoint.executor.stats()["pids"]
        assert len(pids) == 1 + local.slow_query_workers  # the fast lane's and the slow lane's
    finally:
        endpoint.close()
    assert endpoint.executor.stats()["workers"] == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)
    snapshots = tmp_path / "store.snapshots"
    assert not snapshots.exists() or not any(snapshots.iterdir())


def test_a_worker_killed_while_idle_is_replaced_without_failing_a_query(
    settings: Settings, tmp_path: Path
) -> None:
    import os
    import signal
    import time

    from medkg.web import create_app

    store = open_store(f"oxigraph:{tmp_path / 'store'}", ROOT)
    app = create_app(settings.replace(query_workers=1, query_timeout=60.0), store)
    endpoint = app.extensions["medkg.endpoint"]
    client = app.test_client()
    try:
        assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
        (victim,) = endpoint.executor.stats()["lanes"]["fast"]["pids"]
        os.kill(victim, signal.SIGKILL)
        time.sleep(0.2)
        r = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert r.status_code == 200 and r.get_json(force=True)["boolean"] is True
        (replacement,) = endpoint.executor.stats()["lanes"]["fast"]["pids"]
        assert replacement != victim
    finally:
        endpoint.close()


def test_a_query_over_the_memory_cap_is_stopped_and_the_next_one_runs(
    settings: Settings, tmp_path: Path
) -> None:
    from medkg.web import create_app

    store = open_store(f"oxigraph:{tmp_path / 'store'}", ROOT)
    local = settings.replace(query_workers=1, query_timeout=60.0, query_memory_mb=200)
    app = create_app(local, store)
    endpoint = app.extensions["medkg.endpoint"]
    client = app.test_client()
    hungry = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"  # sorts ~10^10 rows
    try:
        r = client.get(
            "/sparql", query_string={"query": hungry}, headers={"Accept": "application/json"}
        )
        assert r.status_code == 503
        assert "200 MiB" in r.get_json()["error"] and "query_memory_mb" in r.get_json()["hint"]
        r = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert r.status_code == 200 and r.get_json(force=True)["boolean"] is True
    finally:
        endpoint.close()
