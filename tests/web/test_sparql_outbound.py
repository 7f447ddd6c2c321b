"""No outbound reads from a query on the rdflib ``memory:`` backend either."""

from __future__ import annotations

from flask.testing import FlaskClient

from medkg.config import Settings
from medkg.store import open_store


def memory_client(settings: Settings) -> FlaskClient:
    from medkg.web import create_app

    return create_app(settings.replace(store="memory:"), open_store("memory:")).test_client()


def test_from_a_local_file_reads_nothing_on_the_memory_store(settings: Settings) -> None:
    client = memory_client(settings)
    for clause in ("FROM", "FROM NAMED"):
        r = client.get(
            "/sparql",
            query_string={
                "query": f"SELECT * {clause} <file:///etc/hostname> WHERE {{ ?s ?p ?o }}"
            },
        )
        assert r.status_code == 200, r.data
        assert r.get_json(force=True)["results"]["bindings"] == []


def test_service_is_refused_on_the_memory_store(settings: Settings) -> None:
    r = memory_client(settings).get(
        "/sparql",
        query_string={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 403


def test_escaped_service_keyword_is_refused_on_the_memory_store(settings: Settings) -> None:
    query = r"SELECT * { \u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    r = memory_client(settings).get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/json"}
    )
    assert r.status_code == 403
