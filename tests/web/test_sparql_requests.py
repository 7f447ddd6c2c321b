"""Valid SPARQL requests as the protocol defines them, in process: the base IRI, the update
dataset parameters, UTF-8 only, and ``format`` read in the context of the query form."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib import Graph

from medkg.store import Store

from .test_sparql_update import AUTH, TOKEN, make_client

BASE = "http://localhost/sparql"  # the test client's host: the endpoint's own IRI
EX = "http://example.org/"
G1, G2, OUT = EX + "graph/one", EX + "graph/two", EX + "graph/out"
SEED = (
    f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}doc1> a <{EX}Document> }}"
    f" GRAPH <{G2}> {{ <{EX}doc2> a <{EX}Document> }} }}"
)
COPY = f"INSERT {{ GRAPH <{OUT}> {{ ?s a <{EX}Copied> }} }} WHERE {{ ?s a <{EX}Document> }}"
COPY_NAMED = (
    f"INSERT {{ GRAPH <{OUT}> {{ ?s a <{EX}Copied> }} }}"
    f" WHERE {{ GRAPH ?g {{ ?s a <{EX}Document> }} }}"
)
COPIED = f"SELECT ?s WHERE {{ GRAPH <{OUT}> {{ ?s a <{EX}Copied> }} }} ORDER BY ?s"


@pytest.fixture
def writable(settings) -> FlaskClient:  # type: ignore[no-untyped-def]
    client = make_client(settings, TOKEN)
    assert client.post("/sparql", data={"update": SEED}, headers=AUTH).status_code == 204
    return client


def select(client: FlaskClient, query: str) -> list[dict[str, str]]:
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    return [{k: v["value"] for k, v in b.items()} for b in r.get_json()["results"]["bindings"]]


def copied(client: FlaskClient) -> list[str]:
    return [row["s"] for row in select(client, COPIED)]


# the base IRI ---------------------------------------------------------------------------------


def test_relative_iris_in_a_query_resolve_against_the_endpoint_iri(client: FlaskClient) -> None:
    assert select(client, "SELECT (<s> AS ?iri) (<../x#y> AS ?up) {}") == [
        {"iri": "http://localhost/s", "up": "http://localhost/x#y"}
    ]


def test_a_query_of_a_relative_subject_is_answered_not_refused(client: FlaskClient) -> None:
    assert select(client, "SELECT * { <s> ?p ?o }") == []


def test_a_base_in_the_query_still_wins(client: FlaskClient) -> None:
    rows = select(client, "BASE <http://example.org/b/> SELECT (<s> AS ?iri) {}")
    assert rows == [{"iri": "http://example.org/b/s"}]


def test_relative_iris_in_an_update_resolve_against_the_endpoint_iri(
    writable: FlaskClient,
) -> None:
    r = writable.post(
        "/sparql", data={"update": "INSERT DATA { GRAPH <g> { <a> <b> <c> } }"}, headers=AUTH
    )
    assert r.status_code == 204, r.get_data(as_text=True)
    rows = select(writable, "SELECT ?s ?p ?o WHERE { GRAPH <http://localhost/g> { ?s ?p ?o } }")
    assert rows == [
        {"s": "http://localhost/a", "p": "http://localhost/b", "o": "http://localhost/c"}
    ]


def test_the_base_iri_is_part_of_the_etag(client: FlaskClient) -> None:
    q = {"query": "SELECT (<s> AS ?iri) {}"}
    here = client.get("/sparql", query_string=q)
    there = client.get("/sparql", query_string=q, base_url="http://medkg.example")
    assert "http://medkg.example/s" in there.get_data(as_text=True)
    assert here.headers["ETag"] != there.headers["ETag"]


# using-graph-uri / using-named-graph-uri -------------------------------------------------------


def test_without_using_graph_uri_an_update_reads_the_union(writable: FlaskClient) -> None:
    assert writable.post("/sparql", data={"update": COPY}, headers=AUTH).status_code == 204
    assert copied(writable) == [EX + "doc1", EX + "doc2"]


def test_using_graph_uri_in_a_form_is_the_default_graph_of_the_where(
    writable: FlaskClient,
) -> None:
    r = writable.post("/sparql", data={"update": COPY, "using-graph-uri": G1}, headers=AUTH)
    assert r.status_code == 204, r.get_data(as_text=True)
    assert copied(writable) == [EX + "doc1"]


def test_using_graph_uri_in_the_url_of_a_direct_post(writable: FlaskClient) -> None:
    r = writable.post(
        "/sparql",
        query_string=[("using-graph-uri", G1), ("using-graph-uri", G2)],
        data=COPY,
        content_type="application/sparql-update",
        headers=AUTH,
    )
    assert r.status_code == 204, r.get_data(as_text=True)
    assert copied(writable) == [EX + "doc1", EX + "doc2"]


def test_using_named_graph_uri_limits_the_graphs_of_the_where(writable: FlaskClient) -> None:
    data = {"update": COPY_NAMED, "using-named-graph-uri": G2}
    assert writable.post("/sparql", data=data, headers=AUTH).status_code == 204
    assert copied(writable) == [EX + "doc2"]


def test_using_graph_uri_applies_to_every_operation_of_the_request(
    writable: FlaskClient,
) -> None:
    update = f"DELETE WHERE {{ GRAPH <{OUT}> {{ ?s ?p ?o }} }} ; {COPY} ; {COPY}"
    data = {"update": update, "using-graph-uri": G2}
    assert writable.post("/sparql", data=data, headers=AUTH).status_code == 204
    assert copied(writable) == [EX + "doc2"]


@pytest.mark.parametrize(
    "update",
    [f"WITH <{G1}> INSERT {{ GRAPH <{OUT}> {{ ?s a <{EX}Copied> }} }} WHERE {{ ?s ?p ?o }}",
     COPY.replace(" WHERE", f" USING <{G1}> WHERE")],
    ids=["with", "using"],
)  # fmt: skip
def test_using_graph_uri_with_a_dataset_in_the_update_is_400(
    writable: FlaskClient, update: str
) -> None:
    r = writable.post("/sparql", data={"update": update, "using-graph-uri": G2}, headers=AUTH)
    assert r.status_code == 400 and "only once" in r.get_json()["error"]
    assert copied(writable) == []


def test_using_graph_uri_must_be_an_iri(writable: FlaskClient) -> None:
    r = writable.post("/sparql", data={"update": COPY, "using-graph-uri": "g>"}, headers=AUTH)
    assert r.status_code == 400 and "'g>'" in r.get_json()["error"]


def test_a_malformed_update_with_using_graph_uri_is_located_in_the_text_as_sent(
    writable: FlaskClient,
) -> None:
    update = f"INSERT {{ GRAPH <{OUT}> {{ ?s a <{EX}Copied> }} }} WHERE {{ ?s a }}"
    plain = writable.post("/sparql", data={"update": update}, headers=AUTH).get_json()
    data = {"update": update, "using-graph-uri": G1}
    r = writable.post("/sparql", data=data, headers=AUTH)
    assert r.status_code == 400 and r.get_json()["where"] == plain["where"]
    assert plain["where"]["col"] > 50


# UTF-8 only -----------------------------------------------------------------------------------


@pytest.mark.parametrize("charset", ["UTF-16", "ISO-8859-1", "utf-16le"])
def test_an_update_body_in_another_charset_is_415_and_writes_nothing(
    writable: FlaskClient, charset: str
) -> None:
    r = writable.post(
        "/sparql",
        data=COPY.encode(charset.lower()),
        content_type=f"application/sparql-update; charset={charset}",
        headers=AUTH,
    )
    assert r.status_code == 415 and f"charset={charset}" in r.get_json()["error"]
    assert copied(writable) == []


def test_a_query_body_in_utf_16_is_415(client: FlaskClient) -> None:
    r = client.post(
        "/sparql",
        data="ASK {}".encode("utf-16"),
        content_type="application/sparql-query; charset=UTF-16",
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 415 and "UTF-8 only" in r.get_json()["error"]


def test_a_form_declared_in_utf_16_is_415(client: FlaskClient) -> None:
    r = client.post(
        "/sparql",
        data=b"query=ASK%20%7B%7D",
        content_type="application/x-www-form-urlencoded; charset=UTF-16",
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 415


def test_utf_8_declared_in_any_spelling_is_accepted(client: FlaskClient) -> None:
    for charset in ("UTF-8", "utf8"):
        r = client.post(
            "/sparql",
            data="ASK { ?s ?p 'é' }".encode(),
            content_type=f"application/sparql-query; charset={charset}",
        )
        assert r.status_code == 200


def test_a_percent_encoded_byte_that_is_not_utf_8_in_a_get_is_400(client: FlaskClient) -> None:
    r = client.get("/sparql?query=ASK%20%7B%20?s%20?p%20%22%FF%22%20%7D")
    assert r.status_code == 400 and "byte 0xFF" in r.get_json()["error"]
    assert "'query'" in r.get_json()["error"]


def test_a_percent_encoded_byte_that_is_not_utf_8_in_a_form_is_400(client: FlaskClient) -> None:
    r = client.post(
        "/sparql",
        data=b"query=ASK%20%7B%20?s%20?p%20%22%C3%28%22%20%7D",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 400 and "the form body" in r.get_json()["error"]


def test_a_raw_body_that_is_not_utf_8_is_400(client: FlaskClient) -> None:
    r = client.post(
        "/sparql", data=b"ASK { ?s ?p '\xff' }", content_type="application/sparql-query"
    )
    assert r.status_code == 400 and "not valid UTF-8" in r.get_json()["error"]


def test_a_path_that_is_not_utf_8_is_400(client: FlaskClient) -> None:
    assert client.get("/entity/MONDO:%FF").status_code == 400


def test_percent_encoded_utf_8_is_read_as_text(client: FlaskClient) -> None:
    rows = select(client, "SELECT (STRLEN('é') AS ?n) {}")  # sent as %C3%A9
    assert rows == [{"n": "1"}]


# format in the context of the query form ------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5", "DESCRIBE <https://w3id.org/medkg/>"],
    ids=["construct", "describe"],
)
def test_format_xml_on_a_graph_query_means_rdf_xml(
    client: FlaskClient, built_store: Store, query: str
) -> None:
    r = client.get(
        "/sparql",
        query_string={"query": query, "format": "xml"},
        headers={"Accept": "application/rdf+xml"},
    )
    assert r.status_code == 200 and r.mimetype == "application/rdf+xml"
    got = Graph().parse(data=r.data, format="xml")
    assert len(got) == len(list(built_store.query(query).triples))


def test_format_xml_on_a_select_means_sparql_results_xml(client: FlaskClient) -> None:
    r = client.get("/sparql", query_string={"query": "SELECT (1 AS ?x) {}", "format": "xml"})
    assert r.status_code == 200 and r.mimetype == "application/sparql-results+xml"


def test_format_xml_on_the_service_description_is_rdf_xml(client: FlaskClient) -> None:
    r = client.get("/sparql", query_string={"format": "xml"})
    assert r.status_code == 200 and r.mimetype == "application/rdf+xml"
    assert len(Graph().parse(data=r.data, format="xml")) > 5


# every query the engine accepts, medkg accepts ------------------------------------------------

VALID = [
    "SELECT * { <s> ?p ?o }",
    "select * where { ?s a <https://w3id.org/medkg/Claim> } limit 1",
    "# INSERT DATA in a comment\nSELECT * { ?s ?p 'DELETE' } LIMIT 1",
    "PREFIX insert: <http://example.org/> SELECT * { ?s insert:with ?o }",
    "SELECT ?with ?using { BIND (1 AS ?with) BIND (2 AS ?using) }",
    'ASK { ?s ?p "\\u00e9" }',
    "SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 2 } } VALUES ?x { 1 }",
    "BASE <http://example.org/> PREFIX : <ns#> SELECT (:x AS ?x) (<y> AS ?y) {}",
    "CONSTRUCT WHERE { <s> ?p ?o }",
    "DESCRIBE <s>",
    "SELECT * { ?s <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?o } LIMIT 3",
]


@pytest.mark.parametrize("query", VALID)
def test_a_query_the_engine_accepts_is_answered(
    client: FlaskClient, built_store: Store, query: str
) -> None:
    ox.Store().query(query, base_iri=BASE)  # the engine's own parser accepts it
    r = client.post("/sparql", data={"query": query}, headers={"Accept": "*/*"})
    assert r.status_code == 200, r.get_data(as_text=True)


@pytest.mark.parametrize(
    "query", ["SELECT * WHERE {\n ?s ?p }", "SELECT * {\n  <s> ?p ?o .\n  FILTER(\n}"]
)
def test_a_syntax_error_keeps_the_engines_message_and_position(
    client: FlaskClient, query: str
) -> None:
    with pytest.raises(SyntaxError) as engine:
        ox.Store().query(query, base_iri=BASE)
    m = re.fullmatch(r"error at (\d+):(\d+): (.*)", str(engine.value), re.S)
    assert m is not None, engine.value
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/json"})
    body = r.get_json()
    assert r.status_code == 400 and body["error"] == f"SPARQL syntax error: {m.group(3)}"
    assert (body["where"]["line"], body["where"]["col"]) == (int(m.group(1)), int(m.group(2)))
