"""``/api/graph/...`` over HTTP, and the projection's cache per dataset version."""

from __future__ import annotations

from pathlib import Path

from medkg.build import build_into
from medkg.config import load_settings
from medkg.store import open_store
from medkg.web import create_app

from .conftest import ROOT
from .test_graph import ALS, AXONAL_DEGENERATION, CNS_DEMYELINATION, MS, REF_1, contradicted_root


def test_path_answers_with_explained_hops(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/graph/path?from={ALS}&to={CNS_DEMYELINATION}&k=3")
    assert r.status_code == 200
    body = r.get_json()
    assert body["context"] == ALS and body["k"] == 3 and "backward" in body["direction"]
    via = next(p for p in body["paths"] if [n["id"] for n in p["nodes"]][1] == AXONAL_DEGENERATION)
    link = via["hops"][1]["edges"][0]
    assert link["direction"] == "backward"
    assert link["evidence"][0]["references"][0]["title"] == REF_1
    assert not any(e["negated"] for p in body["paths"] for h in p["hops"] for e in h["edges"])


def test_path_context_any_lets_other_diseases_claims_link(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/graph/path?from={ALS}&to={CNS_DEMYELINATION}&k=10&context=any")
    edges = [e for p in r.get_json()["paths"] for h in p["hops"] for e in h["edges"]]
    assert r.get_json()["context"] is None
    assert any(e["qualifiers"].get("disease_context") == MS for e in edges)


def test_path_errors_name_the_parameter(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/graph/path?from={ALS}")
    assert r.status_code == 400 and r.get_json()["error"] == "missing parameter 'to'"
    r = client.get(f"/api/graph/path?from={ALS}&to={MS}&k=many")
    assert r.status_code == 400 and "'k'" in r.get_json()["error"]
    r = client.get(f"/api/graph/path?from={ALS}&to={MS}&asserted=perhaps")
    assert r.status_code == 400 and "'asserted'" in r.get_json()["error"]
    r = client.get(f"/api/graph/path?from={ALS}&to=HP:0000001")
    assert r.status_code == 404


def test_neighbours_json_for_drawing(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/graph/neighbours/{MS}?depth=1&affirmed=true")
    body = r.get_json()
    assert r.status_code == 200 and body["center"] == MS
    assert {n["id"] for n in body["nodes"]} >= {MS, ALS, CNS_DEMYELINATION}
    assert body["edges"] and not any(e["negated"] for e in body["edges"])
    assert {"id", "source", "target", "predicate", "reading", "evidence_count"} <= set(
        body["edges"][0]
    )


def test_central_lists_most_connected_and_most_cited(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/graph/central?limit=2").get_json()
    assert [n["id"] for n in body["most_connected"]] == [ALS, AXONAL_DEGENERATION]
    assert len(body["most_cited"]) == 2
    assert client.get("/api/graph/central?limit=0").status_code == 400


def test_projection_is_built_once_per_dataset_version(tmp_path: Path) -> None:
    root = contradicted_root(tmp_path)
    seed = load_settings(env={}, root=str(ROOT), store="memory:")
    store = open_store("memory:", ROOT)
    build_into(store, seed)
    app = create_app(seed, store)
    client = app.test_client()
    assert client.get("/api/graph/contradictions").get_json()["contradictions"] == []
    client.get(f"/api/graph/neighbours/{ALS}")
    client.get(f"/api/graph/path?from={ALS}&to={MS}")
    assert app.extensions["medkg.graph"].builds == 1
    # the dataset changes under the running app: a new version, a new projection
    build_into(store, load_settings(env={}, root=str(root), store="memory:"))
    app.extensions["medkg"].refresh_version()
    body = client.get("/api/graph/contradictions").get_json()
    assert len(body["contradictions"]) == 1
    assert body["version"] == app.extensions["medkg"].version
    assert app.extensions["medkg.graph"].builds == 2
