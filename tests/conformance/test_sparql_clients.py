"""SPARQLWrapper and rdflib's SPARQLStore against the real server, every query form and format;
each answer parses and equals the in-process answer."""

from __future__ import annotations

import io

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)

from medkg.store import Store

from ..conftest import Server

ALS = "http://purl.obolibrary.org/obo/MONDO_0004976"
SELECT = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?p ?o WHERE {{ <{ALS}> ?p ?o }} ORDER BY ?p ?o"""
ASK = f"ASK {{ <{ALS}> ?p ?o }}"
CONSTRUCT = f"CONSTRUCT {{ ?claim ?p ?o }} WHERE {{ ?claim <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{ALS}> ; ?p ?o }}"
DESCRIBE = f"DESCRIBE <{ALS}>"


def local_rows(store: Store, query: str) -> list[tuple[str | None, ...]]:
    return [tuple(None if t is None else str(t) for t in row) for row in store.query(query).rows]


def local_graph(store: Store, query: str) -> Graph:
    g = Graph()
    for t in store.query(query).triples:
        g.add(t)
    return g


def wrapper(server: Server, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setTimeout(30)
    return client


@pytest.mark.parametrize("method", ["GET", POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_results_format(
    server: Server, built_store: Store, fmt: str, method: str
) -> None:
    raw = wrapper(server, SELECT, fmt, method).query().response.read()
    parsed = Result.parse(io.BytesIO(raw), format=fmt.lower())
    remote = [tuple(None if t is None else str(t) for t in row) for row in parsed]  # type: ignore[union-attr]
    assert remote == local_rows(built_store, SELECT) and len(remote) > 3


def test_sparqlwrapper_json_convert_matches(server: Server, built_store: Store) -> None:
    data = wrapper(server, SELECT, JSON).queryAndConvert()
    rows = [(b["p"]["value"], b["o"]["value"]) for b in data["results"]["bindings"]]  # type: ignore[index]
    assert rows == local_rows(built_store, SELECT)


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(server: Server, fmt: str) -> None:
    converted = wrapper(server, ASK, fmt).queryAndConvert()
    if fmt == JSON:
        assert converted["boolean"] is True  # type: ignore[index]
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [(TURTLE, "turtle"), (N3, "n3"), (RDFXML, "xml"), (JSONLD, "json-ld")],
)
def test_sparqlwrapper_graph_queries_in_every_rdf_format(
    server: Server, built_store: Store, query: str, fmt: str, rdflib_format: str
) -> None:
    raw = wrapper(server, query, fmt).query().response.read()
    remote = Graph().parse(data=raw, format=rdflib_format)
    assert isomorphic(remote, local_graph(built_store, query)) and len(remote) > 10


def test_sparqlwrapper_converts_construct_to_a_graph(server: Server, built_store: Store) -> None:
    graph = wrapper(server, CONSTRUCT, RDFXML).queryAndConvert()
    assert isinstance(graph, Graph) and isomorphic(graph, local_graph(built_store, CONSTRUCT))


@pytest.fixture(scope="module")
def remote_graph(server: Server) -> Graph:
    return Graph(store=SPARQLStore(server.url + "/sparql", returnFormat="xml"))


def test_sparqlstore_select(remote_graph: Graph, built_store: Store) -> None:
    rows = [tuple(str(t) for t in row) for row in remote_graph.query(SELECT)]  # type: ignore[union-attr]
    assert rows == local_rows(built_store, SELECT)


def test_sparqlstore_ask(remote_graph: Graph) -> None:
    assert remote_graph.query(ASK).askAnswer is True
    assert remote_graph.query("ASK { <http://example.org/none> ?p ?o }").askAnswer is False


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_sparqlstore_graph_queries(remote_graph: Graph, built_store: Store, query: str) -> None:
    result = remote_graph.query(query)
    assert result.graph is not None
    assert isomorphic(result.graph, local_graph(built_store, query))


def test_sparqlstore_graph_api_reads_a_label(remote_graph: Graph) -> None:
    label = remote_graph.value(URIRef(ALS), RDFS.label)
    assert isinstance(label, Literal) and "amyotrophic" in str(label).lower()


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("return_format", ["xml", "json", "csv", "tsv"])
def test_sparqlstore_select_in_every_format_and_method(
    server: Server, built_store: Store, return_format: str, method: str
) -> None:
    graph = Graph(
        store=SPARQLStore(server.url + "/sparql", returnFormat=return_format, method=method)
    )
    rows = [tuple(str(t) for t in row) for row in graph.query(SELECT)]  # type: ignore[union-attr]
    assert rows == local_rows(built_store, SELECT)


FORMS = {"select": SELECT, "ask": ASK, "construct": CONSTRUCT, "describe": DESCRIBE}


@pytest.mark.parametrize("method", ["GET", POST])
@pytest.mark.parametrize("form", list(FORMS))
def test_sparqlwrapper_with_its_defaults_for_every_query_form(
    server: Server, built_store: Store, form: str, method: str
) -> None:
    """No return format set: SPARQLWrapper sends format=xml (and output=, results=) with an
    Accept for the form, SPARQL results XML for SELECT/ASK and RDF/XML for CONSTRUCT/DESCRIBE."""
    query = FORMS[form]
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setMethod(method)
    client.setTimeout(30)
    converted = client.queryAndConvert()
    if form == "select":
        results = converted.getElementsByTagName("result")  # type: ignore[union-attr]
        assert len(results) == len(local_rows(built_store, query)) > 3
    elif form == "ask":
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"  # type: ignore[union-attr]
    else:
        assert isinstance(converted, Graph) and len(converted) > 10
        assert isomorphic(converted, local_graph(built_store, query))
