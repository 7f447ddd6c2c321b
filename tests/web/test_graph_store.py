"""The Graph Store HTTP Protocol at /store: token only, PUT replaces, POST adds, DELETE drops."""

from __future__ import annotations

from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef

from medkg.config import Settings

from .test_sparql_update import AUTH, TOKEN, make_client

G = "http://example.org/graph/gsp"
TTL = "@prefix e: <http://example.org/> . e:a e:p 1 . e:b e:p 2 ."
E = "http://example.org/"


def turtle(client: FlaskClient, graph: str = G) -> Graph:
    r = client.get(
        "/store", query_string={"graph": graph}, headers={**AUTH, "Accept": "text/turtle"}
    )
    assert r.status_code == 200, r.data
    return Graph().parse(data=r.data, format="turtle")


def put(client: FlaskClient, body: str, method: str = "PUT") -> int:
    r = client.open(
        "/store", method=method, query_string={"graph": G}, data=body,
        content_type="text/turtle", headers=AUTH,
    )  # fmt: skip
    return r.status_code


def test_graph_store_needs_the_token(settings: Settings) -> None:
    client = make_client(settings, TOKEN)
    assert client.get("/store", query_string={"graph": G}).status_code == 401
    r = client.put("/store", query_string={"graph": G}, data=TTL, content_type="text/turtle")
    assert r.status_code == 401
    assert make_client(settings, "").get("/store", query_string={"default": ""}).status_code == 403


def test_put_post_get_delete_round_trip(settings: Settings) -> None:
    client = make_client(settings, TOKEN)
    assert put(client, TTL) == 201
    assert len(turtle(client)) == 2
    assert put(client, f"<{E}c> <{E}p> 3 .", method="POST") == 204
    assert (URIRef(E + "c"), URIRef(E + "p"), Literal(3)) in turtle(client)
    assert put(client, f"<{E}d> <{E}p> 4 .") == 204
    assert len(turtle(client)) == 1  # PUT replaced the graph
    r = client.get("/sparql", query_string={"query": f"ASK {{ <{E}d> ?p 4 }}"})
    assert r.get_json(force=True)["boolean"] is True  # queries see the write
    assert client.delete("/store", query_string={"graph": G}, headers=AUTH).status_code == 204
    assert client.delete("/store", query_string={"graph": G}, headers=AUTH).status_code == 404


def test_bad_bodies_change_nothing(settings: Settings) -> None:
    client = make_client(settings, TOKEN)
    assert put(client, TTL) == 201
    assert put(client, "this is not turtle") == 400
    r = client.put(
        "/store", query_string={"graph": G}, data="x", content_type="image/png", headers=AUTH
    )
    assert r.status_code == 415 and "text/turtle" in r.get_json()["hint"]
    assert len(turtle(client)) == 2


def test_default_graph_is_readable_but_not_writable(settings: Settings) -> None:
    client = make_client(settings, TOKEN)
    r = client.get(
        "/store", query_string={"default": ""}, headers={**AUTH, "Accept": "text/turtle"}
    )
    assert r.status_code == 200 and len(Graph().parse(data=r.data, format="turtle")) > 2000
    r = client.put(
        "/store", query_string={"default": ""}, data=TTL, content_type="text/turtle", headers=AUTH
    )
    assert r.status_code == 400 and "?graph=" in r.get_json()["hint"]


def test_a_literal_with_a_base_direction_is_refused_not_stored_without_it(
    settings: Settings,
) -> None:
    """rdflib terms hold no base direction, so a PUT of ``"x"@ar--rtl`` would store ``"x"@ar``:
    it is a 400 naming SPARQL Update, through which the engine keeps the literal as sent."""
    client = make_client(settings, TOKEN)
    body = f'<{E}a> <{E}p> "left"@en--ltr .'
    r = client.put(
        "/store", query_string={"graph": G}, data=body, content_type="application/n-triples",
        headers=AUTH,
    )  # fmt: skip
    assert r.status_code == 400 and "direction" in r.get_json()["error"]
    assert "SPARQL Update" in r.get_json()["hint"]
    update = f"INSERT DATA {{ GRAPH <{G}> {{ {body} }} }}"
    assert client.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204
    r = client.get("/sparql", query_string={"query": f"SELECT ?o {{ <{E}a> <{E}p> ?o }}"})
    assert r.get_json(force=True)["results"]["bindings"] == [
        {"o": {"type": "literal", "value": "left", "xml:lang": "en", "its:dir": "ltr"}}
    ]
