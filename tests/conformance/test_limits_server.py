"""Issue 15, against the real server on an in-memory store, where queries and updates are parsed
in the web process: a request nested deep enough to overflow the parser's stack is a 400, and
the server lives on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from ..conftest import Server

TOKEN = "limits-token"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
TRIPLE_TERM = "<<( <http://x/a> <http://x/b> <http://x/c> )>>"


@pytest.fixture(scope="module")
def in_memory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {"MEDKG_STORE": "oxigraph:", "MEDKG_UPDATE_TOKEN": TOKEN}
    srv = Server(tmp_path_factory.mktemp("limits"), env)
    yield srv
    srv.stop()


def alive(server: Server) -> bool:
    return requests.get(server.url + "/health", timeout=10).status_code == 200


def test_deeply_nested_get_query_is_400_and_the_server_lives(in_memory: Server) -> None:
    query = "SELECT * " + "{" * 12_000 + "}" * 12_000
    r = requests.get(in_memory.url + "/sparql", params={"query": query}, headers=AUTH, timeout=30)
    assert r.status_code == 400 and "levels deep" in r.json()["error"]
    assert alive(in_memory)


def test_deeply_nested_posted_query_is_400_and_the_server_lives(in_memory: Server) -> None:
    query = "SELECT * " + "{" * 20_000 + "}" * 20_000
    r = requests.post(
        in_memory.url + "/sparql", data=query, timeout=30,
        headers={**AUTH, "Content-Type": "application/sparql-query"},
    )  # fmt: skip
    assert r.status_code == 400 and r.json()["where"]["col"] == 10 + 64
    assert alive(in_memory)


def test_update_rdflib_cannot_parse_is_400_before_the_engine_sees_it(in_memory: Server) -> None:
    update = (
        f"INSERT DATA {{ GRAPH <http://x/g> {{ <http://x/a> <http://x/b> {TRIPLE_TERM} }} }} ;\n"
        "INSERT { GRAPH <http://x/g> { ?s ?p ?o } } WHERE " + "{" * 20_000 + "}" * 20_000
    )
    r = requests.post(in_memory.url + "/sparql", data={"update": update}, headers=AUTH, timeout=30)
    assert r.status_code == 400 and r.json()["where"]["line"] == 2
    assert alive(in_memory)


def test_long_flat_query_and_update_do_not_overflow_the_web_process(in_memory: Server) -> None:
    binds = " ".join(f"BIND({i} AS ?v{i})" for i in range(3200))  # 58 kB
    r = requests.post(
        in_memory.url + "/sparql", data=f"SELECT ?v1 {{ {binds} }}", timeout=120,
        headers={**AUTH, "Content-Type": "application/sparql-query"},
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["results"]["bindings"][0]["v1"]["value"] == "1"
    minus = " ".join("MINUS { ?s ?p ?o }" for _ in range(3200))  # 61 kB
    update = (
        f"INSERT {{ GRAPH <http://x/g> {{ ?s ?p ?o }} }} WHERE {{ ?s <http://x/none> ?o {minus} }}"
    )
    r = requests.post(in_memory.url + "/sparql", data={"update": update}, headers=AUTH, timeout=120)
    assert r.status_code == 204
    assert alive(in_memory)
