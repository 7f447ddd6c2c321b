"""The W3C SPARQL 1.1 Protocol test cases (``data-sparql11/protocol/manifest.ttl``), one test per
case and named after it, in process. Where medkg differs on purpose the test says so (and so does
the README): updates need the bearer token, the default graph (the union of all graphs) is never
written, and the dataset files are named graphs of the store, never fetched from the web.
"""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.query import Result
from werkzeug.datastructures import MultiDict

from medkg.config import Settings

from .test_sparql_update import AUTH, TOKEN, make_client

DATA = "http://example.org/protocol/"
DATA0, DATA1, DATA2, DATA3 = (f"{DATA}data{i}.rdf" for i in range(4))
FOAF_DOC = "<http://xmlns.com/foaf/0.1/Document>"
BIB = "<http://purl.org/dc/terms/BibliographicResource>"
OUT = "http://example.org/protocol-update-dataset-test/"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"
RESULTS = ("application/sparql-results+xml", "application/sparql-results+json")
RDF = ("application/rdf+xml", "text/turtle", "application/n-triples")


def documents(*names: str) -> str:
    """INSERT DATA putting ``<name> a foaf:Document`` in the graph named ``name`` (the protocol
    tests' data files, as named graphs of the store)."""
    graphs = " ".join(f"GRAPH <{n}> {{ <{n}> a {FOAF_DOC} }}" for n in names)
    return f"INSERT DATA {{ {graphs} }}"


@pytest.fixture
def endpoint(settings: Settings) -> FlaskClient:
    client = make_client(settings, TOKEN)
    r = client.post("/sparql", data={"update": documents(DATA0, DATA1, DATA2, DATA3)}, headers=AUTH)
    assert r.status_code == 204
    return client


def ask(client: FlaskClient, query: str, **params: str | list[str]) -> bool:
    r = client.post(
        "/sparql", query_string=params, data=query, content_type=SPARQL_QUERY, headers=AUTH
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    return bool(r.get_json(force=True)["boolean"])


def update(client: FlaskClient, text: str, **params: str | list[str]) -> int:
    r = client.post(
        "/sparql", query_string=params, data=text, content_type=SPARQL_UPDATE, headers=AUTH
    )
    return r.status_code


# positive tests: queries ----------------------------------------------------------------------


def test_query_get(endpoint: FlaskClient) -> None:
    r = endpoint.get("/sparql", query_string={"query": "ASK {}"})
    assert r.status_code == 200 and r.get_json(force=True)["boolean"] is True


def test_query_post_form(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data={"query": "ASK {}"}, content_type=FORM)
    assert r.status_code == 200 and r.get_json(force=True)["boolean"] is True


def test_query_post_direct(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data="ASK {}", content_type=SPARQL_QUERY)
    assert r.status_code == 200 and r.get_json(force=True)["boolean"] is True


def test_query_dataset_default_graphs_get(endpoint: FlaskClient) -> None:
    query = f"ASK {{ <{DATA1}> a ?type . <{DATA2}> a ?type }}"
    params = {"query": query, "default-graph-uri": [DATA1, DATA2]}
    r = endpoint.get("/sparql", query_string=params)
    assert r.get_json(force=True)["boolean"] is True
    params["default-graph-uri"] = [DATA1]
    assert endpoint.get("/sparql", query_string=params).get_json(force=True)["boolean"] is False


def test_query_dataset_default_graphs_post(endpoint: FlaskClient) -> None:
    query = f"ASK {{ <{DATA1}> a ?type . <{DATA2}> a ?type }}"
    assert ask(endpoint, query, **{"default-graph-uri": [DATA1, DATA2]}) is True
    assert ask(endpoint, query, **{"default-graph-uri": [DATA1, DATA3]}) is False


def test_query_dataset_named_graphs_post(endpoint: FlaskClient) -> None:
    query = f"ASK {{ GRAPH ?g {{ ?s a {FOAF_DOC} }} FILTER (?g = <{DATA3}>) }}"
    assert ask(endpoint, query, **{"named-graph-uri": [DATA1, DATA2]}) is False
    assert ask(endpoint, query, **{"named-graph-uri": [DATA1, DATA3]}) is True


def test_query_dataset_named_graphs_get(endpoint: FlaskClient) -> None:
    query = "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    params = {"query": query, "named-graph-uri": [DATA1, DATA2]}
    r = endpoint.get("/sparql", query_string=params)
    graphs = [b["g"]["value"] for b in r.get_json(force=True)["results"]["bindings"]]
    assert graphs == [DATA1, DATA2]


def test_query_dataset_full(endpoint: FlaskClient) -> None:
    query = "SELECT ?g ?x ?s { ?x ?y ?o GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"
    params = {"default-graph-uri": DATA3, "named-graph-uri": [DATA1, DATA2]}
    r = endpoint.post("/sparql", query_string=params, data=query, content_type=SPARQL_QUERY)
    rows = [
        (b["g"]["value"], b["x"]["value"], b["s"]["value"])
        for b in r.get_json(force=True)["results"]["bindings"]
    ]
    assert rows == [(DATA1, DATA3, DATA1), (DATA2, DATA3, DATA2)]


def test_query_multiple_dataset(endpoint: FlaskClient) -> None:
    """The protocol's dataset wins over FROM in the query."""
    query = f"ASK FROM <{DATA1}> {{ <{DATA1}> ?p ?o }}"
    assert ask(endpoint, query) is True
    assert ask(endpoint, query, **{"default-graph-uri": DATA2}) is False


@pytest.mark.parametrize(
    ("case", "query", "offered"),
    [
        ("select", "SELECT (1 AS ?value) {}", (*RESULTS, "text/csv", "text/tab-separated-values")),
        ("ask", "ASK {}", RESULTS),
        ("describe", "DESCRIBE <http://example.org/>", RDF),
        ("construct", "CONSTRUCT { <s> <p> 1 } WHERE {}", RDF),
    ],
)
def test_query_content_type(endpoint: FlaskClient, case: str, query: str, offered: str) -> None:
    accept = ", ".join(offered)
    for headers in ({}, {"Accept": accept}):
        r = endpoint.post("/sparql", data=query, content_type=SPARQL_QUERY, headers=headers)
        assert r.status_code == 200 and r.mimetype in offered, (case, headers, r.mimetype)
    if case == "construct":
        r = endpoint.post("/sparql", data=query, content_type=SPARQL_QUERY)
        graph = Graph().parse(data=r.data, format=r.mimetype)
        assert {str(s) for s in graph.subjects()} == {"http://localhost/s"}
    if case == "select":
        r = endpoint.post("/sparql", data=query, content_type=SPARQL_QUERY)
        rows = list(Result.parse(io.BytesIO(r.data), format="json"))
        assert [int(row[0]) for row in rows] == [1]  # type: ignore[index]


# positive tests: updates (medkg: with the bearer token; writes go to named graphs) ------------

COPY = f"INSERT {{ GRAPH <{OUT}> {{ ?s a {BIB} }} }} WHERE {{ ?s a {FOAF_DOC} }}"
COPY_NAMED = (
    f"INSERT {{ GRAPH <{OUT}> {{ ?s a {BIB} }} }} WHERE {{ GRAPH ?g {{ ?s a {FOAF_DOC} }} }}"
)


def copied(client: FlaskClient, name: str) -> bool:
    return ask(client, f"ASK {{ GRAPH <{OUT}> {{ <{name}> a {BIB} }} }}")


def test_update_dataset_default_graph(endpoint: FlaskClient) -> None:
    text = f"CLEAR ALL ; {documents(DATA1, DATA2)} ; {COPY}"
    assert update(endpoint, text, **{"using-graph-uri": DATA1}) == 204
    assert copied(endpoint, DATA1) and not copied(endpoint, DATA2)


def test_update_dataset_default_graphs(endpoint: FlaskClient) -> None:
    text = f"CLEAR ALL ; {documents(DATA1, DATA2, DATA3)} ; {COPY}"
    assert update(endpoint, text, **{"using-graph-uri": [DATA1, DATA2]}) == 204
    assert copied(endpoint, DATA1) and copied(endpoint, DATA2) and not copied(endpoint, DATA3)


def test_update_dataset_named_graphs(endpoint: FlaskClient) -> None:
    text = f"CLEAR ALL ; {documents(DATA1, DATA2, DATA3)} ; {COPY_NAMED}"
    assert update(endpoint, text, **{"using-named-graph-uri": [DATA1, DATA2]}) == 204
    assert copied(endpoint, DATA1) and copied(endpoint, DATA2) and not copied(endpoint, DATA3)


def test_update_dataset_full(endpoint: FlaskClient) -> None:
    where = f"WHERE {{ ?s a {FOAF_DOC} GRAPH ?g {{ ?n a {FOAF_DOC} }} }}"
    text = f"CLEAR ALL ; {documents(DATA1, DATA2, DATA3)} ; INSERT {{ GRAPH <{OUT}> {{ ?s a {BIB} . ?n a {BIB} }} }} {where}"
    params = {"using-graph-uri": DATA1, "using-named-graph-uri": DATA2}
    assert update(endpoint, text, **params) == 204
    assert copied(endpoint, DATA1) and copied(endpoint, DATA2) and not copied(endpoint, DATA3)


def test_update_post_form(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data={"update": "CLEAR ALL"}, content_type=FORM, headers=AUTH)
    assert r.status_code == 204 and not ask(endpoint, "ASK { ?s ?p ?o }")


def test_update_post_direct(endpoint: FlaskClient) -> None:
    assert update(endpoint, "CLEAR ALL") == 204 and not ask(endpoint, "ASK { ?s ?p ?o }")


def test_update_base_uri(endpoint: FlaskClient) -> None:
    """The service-defined BASE IRI is the endpoint's own IRI. (SILENT: Oxigraph fails a CLEAR
    of a graph it does not hold, as SPARQL 1.1 Update 3.1.3 allows, and the test's graph is new.)"""
    g = "http://example.org/protocol-base-test/"
    text = f"CLEAR SILENT GRAPH <{g}> ; INSERT DATA {{ GRAPH <{g}> {{ <http://example.org/s> <http://example.org/p> <test> }} }}"
    assert update(endpoint, text) == 204
    query = (
        f"SELECT ?o WHERE {{ GRAPH <{g}> {{ <http://example.org/s> <http://example.org/p> ?o }} }}"
    )
    r = endpoint.post("/sparql", data=query, content_type=SPARQL_QUERY)
    (row,) = r.get_json(force=True)["results"]["bindings"]
    assert row["o"] == {"type": "uri", "value": "http://localhost/test"}


# negative tests -------------------------------------------------------------------------------


def test_bad_query_method(endpoint: FlaskClient) -> None:
    r = endpoint.put("/sparql", query_string={"query": "ASK {}"})
    assert r.status_code == 405 and "POST" in r.headers["Allow"]


def test_bad_multiple_queries(endpoint: FlaskClient) -> None:
    r = endpoint.get("/sparql", query_string=[("query", "ASK {}"), ("query", "SELECT * {}")])
    assert r.status_code == 400


def test_bad_query_wrong_media_type(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data="ASK {}", content_type="text/plain")
    assert r.status_code == 415


def test_bad_query_missing_form_type(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data=b"query=ASK%20%7B%7D")
    assert r.status_code == 415


def test_bad_query_missing_direct_type(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data=b"ASK {}")
    assert r.status_code == 415


def test_bad_query_non_utf8(endpoint: FlaskClient) -> None:
    r = endpoint.post(
        "/sparql",
        data="ASK {}".encode("utf-16"),
        content_type=f"{SPARQL_QUERY}; charset=UTF-16",
    )
    assert r.status_code == 415


def test_bad_query_syntax(endpoint: FlaskClient) -> None:
    assert endpoint.get("/sparql", query_string={"query": "ASK {"}).status_code == 400


def test_bad_update_get(endpoint: FlaskClient) -> None:
    r = endpoint.get("/sparql", query_string={"update": "CLEAR ALL"}, headers=AUTH)
    assert r.status_code == 405 and ask(endpoint, "ASK { ?s ?p ?o }")


def test_bad_multiple_updates(endpoint: FlaskClient) -> None:
    data = MultiDict([("update", "CLEAR NAMED"), ("update", "CLEAR ALL")])
    r = endpoint.post("/sparql", data=data, content_type=FORM, headers=AUTH)
    assert r.status_code == 400 and ask(endpoint, "ASK { ?s ?p ?o }")


def test_bad_update_wrong_media_type(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data="CLEAR NAMED", content_type="text/plain", headers=AUTH)
    assert r.status_code == 415 and ask(endpoint, "ASK { ?s ?p ?o }")


def test_bad_update_missing_form_type(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data=b"update=CLEAR%20NAMED", headers=AUTH)
    assert r.status_code == 415 and ask(endpoint, "ASK { ?s ?p ?o }")


def test_bad_update_non_utf8(endpoint: FlaskClient) -> None:
    r = endpoint.post(
        "/sparql",
        data="CLEAR NAMED".encode("utf-16"),
        content_type=f"{SPARQL_UPDATE}; charset=UTF-16",
        headers=AUTH,
    )
    assert r.status_code == 415 and ask(endpoint, "ASK { ?s ?p ?o }")


def test_bad_update_syntax(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data={"update": "CLEAR XYZ"}, content_type=FORM, headers=AUTH)
    assert r.status_code == 400


def test_bad_update_dataset_conflict(endpoint: FlaskClient) -> None:
    text = (
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
        "WITH <http://example/addresses>\n"
        "DELETE { ?person foaf:givenName 'Bill' }\n"
        "INSERT { ?person foaf:givenName 'William' }\n"
        "WHERE { ?person foaf:givenName 'Bill' }\n"
    )
    data = {"update": text, "using-named-graph-uri": "http://example/people"}
    r = endpoint.post("/sparql", data=data, content_type=FORM, headers=AUTH)
    assert r.status_code == 400


def test_bad_query_in_the_update_parameter(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data={"update": "ASK {}"}, content_type=FORM, headers=AUTH)
    assert r.status_code == 400


def test_bad_update_in_the_query_parameter(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data={"query": "CLEAR ALL"}, content_type=FORM, headers=AUTH)
    assert r.status_code == 400 and ask(endpoint, "ASK { ?s ?p ?o }")


# where medkg differs on purpose ---------------------------------------------------------------


def test_medkg_refuses_an_update_without_the_bearer_token(endpoint: FlaskClient) -> None:
    r = endpoint.post("/sparql", data="CLEAR ALL", content_type=SPARQL_UPDATE)
    assert r.status_code == 401 and ask(endpoint, "ASK { ?s ?p ?o }")


def test_medkg_refuses_an_update_that_writes_the_default_graph(endpoint: FlaskClient) -> None:
    assert update(endpoint, "CLEAR DEFAULT") == 400
    assert update(endpoint, f"INSERT DATA {{ <{DATA}s> <{DATA}p> 1 }}") == 400
    assert ask(endpoint, f"ASK {{ <{DATA1}> ?p ?o }}")
