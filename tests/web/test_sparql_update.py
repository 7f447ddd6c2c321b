"""SPARQL Update over /sparql: only with the configured bearer token, atomic, never outbound."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from medkg.build import build_into
from medkg.config import Settings
from medkg.store import open_store

from ..conftest import ROOT

TOKEN = "s3cret-token"
G = "http://example.org/graph/scratch"
INSERT = f"INSERT DATA {{ GRAPH <{G}> {{ <http://example.org/a> <http://example.org/p> 1 }} }}"
ASK = f"ASK {{ GRAPH <{G}> {{ ?s ?p ?o }} }}"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}


def make_client(settings: Settings, token: str) -> FlaskClient:
    from medkg.web import create_app

    store = open_store("oxigraph:", ROOT)
    build_into(store, settings)
    return create_app(settings.replace(update_token=token), store).test_client()


@pytest.fixture
def writable(settings: Settings) -> Iterator[FlaskClient]:
    yield make_client(settings, TOKEN)


def asks(client: FlaskClient, query: str = ASK) -> bool:
    r = client.get("/sparql", query_string={"query": query})
    return bool(r.get_json(force=True)["boolean"])


def test_update_is_refused_when_no_token_is_configured(settings: Settings) -> None:
    client = make_client(settings, "")
    r = client.post("/sparql", data={"update": INSERT}, headers=AUTH)
    assert r.status_code == 403 and "update_token" in r.get_json()["hint"]
    assert not asks(client)


def test_update_without_token_is_401_with_a_bearer_challenge(writable: FlaskClient) -> None:
    r = writable.post("/sparql", data={"update": INSERT}, headers={"Accept": "application/json"})
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert not asks(writable)


def test_update_with_a_wrong_token_is_403(writable: FlaskClient) -> None:
    r = writable.post("/sparql", data={"update": INSERT}, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 403 and not asks(writable)


def test_update_with_the_token_is_applied(writable: FlaskClient) -> None:
    etag = writable.get("/sparql", query_string={"query": ASK}).headers["ETag"]
    r = writable.post(
        "/sparql", data=INSERT, content_type="application/sparql-update", headers=AUTH
    )
    assert r.status_code == 204 and asks(writable)
    after = writable.get("/sparql", query_string={"query": ASK}, headers={"If-None-Match": etag})
    assert after.status_code == 200  # the ETag changed with the data


def test_update_is_atomic_all_or_nothing(writable: FlaskClient) -> None:
    failing = f"{INSERT} ;\nCREATE GRAPH <https://w3id.org/medkg/graph/truthy>"
    r = writable.post("/sparql", data={"update": failing}, headers=AUTH)
    assert r.status_code == 400 and "changed nothing" in r.get_json()["error"]
    assert not asks(writable)


def test_malformed_update_is_400_with_position(writable: FlaskClient) -> None:
    r = writable.post("/sparql", data={"update": "INSERT DATA {\n <a> }"}, headers=AUTH)
    assert r.status_code == 400 and r.get_json()["where"]["line"] == 2


def test_load_of_a_local_file_is_refused_even_with_the_token(writable: FlaskClient) -> None:
    r = writable.post(
        "/sparql", data={"update": f"LOAD <file:///etc/hostname> INTO GRAPH <{G}>"}, headers=AUTH
    )
    assert (
        r.status_code == 403 and "LOAD <file:///etc/hostname> is refused" in r.get_json()["error"]
    )
    assert not asks(writable)


def test_load_not_on_the_allowlist_is_refused(writable: FlaskClient) -> None:
    r = writable.post(
        "/sparql", data={"update": "LOAD <http://127.0.0.1:9/data.ttl>"}, headers=AUTH
    )
    assert r.status_code == 403 and "load_allowlist" in r.get_json()["hint"]


def test_update_sent_as_query_is_400_saying_how_to_send_it(writable: FlaskClient) -> None:
    r = writable.post("/sparql", data={"query": INSERT}, headers=AUTH)
    assert r.status_code == 400 and "application/sparql-update" in r.get_json()["hint"]
    assert not asks(writable)


def test_service_description_lists_update_when_enabled(writable: FlaskClient) -> None:
    text = writable.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "SPARQL11Update" in text


@pytest.mark.parametrize(
    ("update", "named"),
    [
        ("INSERT DATA { <http://example.org/a> <http://example.org/p> 1 }", "INSERT DATA"),
        ("DELETE WHERE { ?s <http://example.org/p> ?o }", "DELETE WHERE"),
        ("CLEAR DEFAULT", "CLEAR DEFAULT"),
        (
            f"{INSERT} ;\nINSERT {{ ?s ?p ?o }} WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}",
            "operation 2",
        ),
    ],
)
def test_an_update_that_writes_the_default_graph_is_refused(
    writable: FlaskClient, update: str, named: str
) -> None:
    r = writable.post("/sparql", data={"update": update}, headers=AUTH)
    body = r.get_json()
    assert r.status_code == 400 and "cannot be written" in body["error"] and named in body["error"]
    assert "GRAPH <IRI>" in body["hint"]
    assert not asks(writable)


def test_an_update_of_a_named_graph_shows_in_the_default_graph_once(writable: FlaskClient) -> None:
    also = INSERT.replace(G, G + "/copy")
    r = writable.post("/sparql", data={"update": f"{INSERT} ; {also}"}, headers=AUTH)
    assert r.status_code == 204
    count = "SELECT (COUNT(*) AS ?n) WHERE { <http://example.org/a> <http://example.org/p> ?o }"
    rows = writable.get("/sparql", query_string={"query": count}, headers=AUTH).get_json()
    assert rows["results"]["bindings"][0]["n"]["value"] == "1"


def test_literals_rdflib_cannot_order_do_not_break_the_default_graph_check(
    writable: FlaskClient,
) -> None:
    """The check that refuses default-graph writes reads the update with rdflib, whose planner
    sorted the triples and raised (500) comparing ``"NaN"^^xsd:double`` with a decimal."""
    triples = '<http://example.org/a> <http://example.org/p> "NaN"^^<http://www.w3.org/2001/XMLSchema#double>, 2.5'
    insert = f"INSERT DATA {{ GRAPH <{G}> {{ {triples} }} }}"
    r = writable.post("/sparql", data={"update": insert}, headers=AUTH)
    assert r.status_code == 204, r.get_data(as_text=True)
    r = writable.post("/sparql", data={"update": f"INSERT DATA {{ {triples} }}"}, headers=AUTH)
    assert r.status_code == 400 and "default graph" in r.get_json()["error"]
