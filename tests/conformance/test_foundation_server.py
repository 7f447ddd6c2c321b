"""The real server on 127.0.0.1, asked as clients ask: SPARQLWrapper and requests."""

from __future__ import annotations

import requests
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from medkg.queries import find_query
from medkg.store import Store

from ..conftest import ROOT, Server


def normal(row: tuple[str | None, ...]) -> tuple[str | None, ...]:
    """GROUP_CONCAT's order is unspecified in SPARQL: sort the concatenated parts."""
    return tuple(
        None
        if v is None
        else " | ".join(sorted(v.split(" | ")))
        if " | " in v
        else ", ".join(sorted(v.split(", ")))
        if v[:1].isdigit()
        else v
        for v in row
    )


def test_sparqlwrapper_gets_the_same_rows_as_the_in_process_query(
    server: Server, built_store: Store
) -> None:
    query = find_query(ROOT, "als-demyelinating-or-axonal")
    text = query.text + "\nVALUES ?disease { <http://purl.obolibrary.org/obo/MONDO_0004976> }\n"
    local = [
        normal(tuple(str(v) if v is not None else None for v in row))
        for row in built_store.query(text).rows
    ]
    for method in ("GET", POST):
        client = SPARQLWrapper(server.url + "/sparql")
        client.setQuery(text)
        client.setReturnFormat(JSON)
        client.setMethod(method)
        client.setTimeout(30)
        data = client.queryAndConvert()
        names = data["head"]["vars"]  # type: ignore[index]
        remote = [
            normal(tuple(b[n]["value"] if n in b else None for n in names))
            for b in data["results"]["bindings"]  # type: ignore[index]
        ]
        assert remote == local
        assert len(remote) > 20


def test_health_names_store_and_version(server: Server) -> None:
    body = requests.get(server.url + "/health", timeout=10).json()
    assert body["status"] == "ok" and body["version"] and body["quads"] > 2000


def test_malformed_query_is_a_400_with_line_and_column(server: Server) -> None:
    r = requests.get(
        server.url + "/sparql",
        params={"query": "SELECT * WHERE {\n ?s ?p }"},
        headers={"Accept": "application/json"},
        timeout=10,
    )
    assert r.status_code == 400
    body = r.json()
    assert body["where"]["line"] == 2 and body["where"]["col"] > 1
    assert "Traceback" not in r.text


def test_server_is_read_only_by_default(server: Server) -> None:
    r = requests.post(
        server.url + "/sparql", data={"query": "DELETE WHERE { ?s ?p ?o }"}, timeout=10
    )
    assert r.status_code == 400
    assert requests.get(server.url + "/health", timeout=10).json()["quads"] > 2000
