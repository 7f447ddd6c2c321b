"""App-level behaviour that must hold on every store; ``pytest --medkg-store=sparql`` reruns it
(and every other test using ``built_store``) against a real ``oxigraph serve``."""

from __future__ import annotations

import json

from medkg.config import Settings
from medkg.queries import find_query
from medkg.store import Store


def test_health_reports_the_built_dataset(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/health").get_json()
    assert body["status"] == "ok" and body["version"]
    assert body["quads"] > 500 and body["graphs"] >= 5


def test_sparql_endpoint_answers_from_the_store(client) -> None:  # type: ignore[no-untyped-def]
    query = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/medkg/Claim> }"
    response = client.get("/sparql", query_string={"query": query, "format": "json"})
    n = int(json.loads(response.data)["results"]["bindings"][0]["n"]["value"])
    assert response.status_code == 200 and n > 20


def test_founding_query_binds_its_parameter_and_keeps_negated_claims(
    built_store: Store, settings: Settings
) -> None:
    named = find_query(settings.root_path, "als-demyelinating-or-axonal")
    rows = named.run(built_store, {"disease": "MONDO:0004976"}).to_dicts()
    assert rows and {str(r["disease"]) for r in rows} == {
        "http://purl.obolibrary.org/obo/MONDO_0004976"
    }
    assert any(r["negated"].toPython() is True for r in rows)
    assert all(str(r["quote"]) for r in rows)


def test_founding_query_for_another_disease_finds_other_rows(
    built_store: Store, settings: Settings
) -> None:
    named = find_query(settings.root_path, "als-demyelinating-or-axonal")
    als = named.run(built_store, {"disease": "MONDO:0004976"}).to_dicts()
    ms = named.run(built_store, {"disease": "MONDO:0005301"}).to_dicts()
    assert {r["claim"] for r in ms}.isdisjoint({r["claim"] for r in als})
