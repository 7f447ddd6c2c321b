"""One small test per SPARQL 1.1 Protocol behaviour of /sparql, in process (Oxigraph server's habit)."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from rdflib.query import Result

from medkg.vocab import SD

Q_SELECT = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
Q_ASK = "ASK { ?s ?p ?o }"
Q_CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"
ALS = "http://purl.obolibrary.org/obo/MONDO_0004976"
JSON_RESULTS = "application/sparql-results+json"


def get(client: FlaskClient, query: str, **kw: object):  # type: ignore[no-untyped-def]
    return client.get("/sparql", query_string={"query": query}, **kw)


def test_get_query_returns_json_results_by_default(client: FlaskClient) -> None:
    r = get(client, Q_SELECT)
    assert r.status_code == 200 and r.mimetype == JSON_RESULTS
    rows = list(Result.parse(io.BytesIO(r.data), format="json"))
    assert len(rows) >= 4 and int(r.headers["X-Medkg-Rows"]) == len(rows)


def test_post_form_and_post_sparql_query_agree_with_get(client: FlaskClient) -> None:
    a = get(client, Q_SELECT).data
    b = client.post("/sparql", data={"query": Q_SELECT}).data
    c = client.post("/sparql", data=Q_SELECT, content_type="application/sparql-query").data
    assert a == b == c


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("*/*", JSON_RESULTS),
        ("application/json", JSON_RESULTS),
    ],
)
def test_get_query_accept_negotiates_results(
    client: FlaskClient, accept: str, mimetype: str
) -> None:
    r = get(client, Q_SELECT, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == mimetype


def test_format_parameter_wins_over_accept(client: FlaskClient) -> None:
    r = client.get(
        "/sparql", query_string={"query": Q_SELECT, "format": "tsv"}, headers={"Accept": "text/csv"}
    )
    assert r.mimetype == "text/tab-separated-values" and r.data.startswith(b"?g\t?n\n")


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
     ("application/ld+json", "json-ld")],
)  # fmt: skip
def test_construct_negotiates_rdf_and_parses_back(
    client: FlaskClient, accept: str, rdflib_format: str
) -> None:
    r = get(client, Q_CONSTRUCT, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == accept
    assert len(Graph().parse(data=r.data, format=rdflib_format)) == 5


def test_construct_offers_n_quads_and_trig_when_asked(client: FlaskClient) -> None:
    for accept in ("application/n-quads", "application/trig"):
        assert get(client, Q_CONSTRUCT, headers={"Accept": accept}).mimetype == accept


def test_describe_returns_the_entity_triples(client: FlaskClient) -> None:
    r = get(client, f"DESCRIBE <{ALS}>", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.data, format="turtle")
    assert (URIRef(ALS), None, None) in g


def test_ask_in_json_and_xml(client: FlaskClient) -> None:
    for fmt in ("json", "xml"):
        r = client.get("/sparql", query_string={"query": Q_ASK, "format": fmt})
        assert Result.parse(io.BytesIO(r.data), format=fmt).askAnswer is True


def test_unacceptable_accept_is_406_listing_offered_types(client: FlaskClient) -> None:
    r = get(client, Q_SELECT, headers={"Accept": "image/png"})
    assert r.status_code == 406
    body = r.get_json(force=True) if r.is_json else None
    text = json.dumps(body) if body else r.get_data(as_text=True)
    assert JSON_RESULTS in text and "text/csv" in text
    r = get(client, Q_CONSTRUCT, headers={"Accept": "text/csv"})
    assert r.status_code == 406 and "text/turtle" in r.get_data(as_text=True)


def test_default_graph_uri_restricts_and_unknown_graph_is_empty(client: FlaskClient) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def count(**params: object) -> int:
        r = client.get("/sparql", query_string={"query": q, **params})
        return int(r.get_json(force=True)["results"]["bindings"][0]["n"]["value"])

    everything = count()
    ontology = count(**{"default-graph-uri": "https://w3id.org/medkg/graph/ontology"})
    assert 0 < ontology < everything
    assert count(**{"default-graph-uri": "https://w3id.org/medkg/graph/no-such-graph"}) == 0


def test_named_graph_uri_limits_graph_patterns(client: FlaskClient) -> None:
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = client.get(
        "/sparql",
        query_string={"query": q, "named-graph-uri": "https://w3id.org/medkg/graph/truthy"},
    )
    graphs = [b["g"]["value"] for b in r.get_json(force=True)["results"]["bindings"]]
    assert graphs == ["https://w3id.org/medkg/graph/truthy"]


def test_malformed_query_is_400_with_parser_message_and_position(client: FlaskClient) -> None:
    r = get(client, "SELECT * WHERE {\n  ?s ?p }", headers={"Accept": "application/json"})
    body = r.get_json()
    assert r.status_code == 400 and body["where"]["line"] == 2
    assert body["where"]["col"] in (9, 10)  # the `}` (Oxigraph reports the column after it)
    assert "expected" in body["error"] and "Traceback" not in r.get_data(as_text=True)


def test_sparql_clients_get_plain_text_errors(client: FlaskClient) -> None:
    r = get(client, "SELECT * WHERE {", headers={"Accept": "text/plain, */*;q=0.1"})
    assert r.status_code == 400 and r.mimetype == "text/plain"
    assert r.get_data(as_text=True).startswith("400 SPARQL syntax error")


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    r = client.put("/sparql", data="x")
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    assert "PUT is not allowed on /sparql" in r.get_data(as_text=True)
    r = client.get("/sparql", query_string={"update": "CLEAR ALL"})
    assert r.status_code == 405 and r.headers["Allow"] == "POST"


def test_wrong_media_type_is_415_naming_the_right_ones(client: FlaskClient) -> None:
    r = client.post("/sparql", data=Q_SELECT, content_type="text/plain")
    assert r.status_code == 415 and "application/sparql-query" in r.get_data(as_text=True)


def test_get_without_query_is_the_service_description(client: FlaskClient) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.data, format="turtle")
    service = g.value(predicate=SD.endpoint, object=URIRef("http://localhost/sparql"))
    assert service is not None
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in g
    assert len(list(g.objects(None, SD.name))) >= 4
    r = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert r.mimetype == "application/ld+json"
    assert len(Graph().parse(data=r.data, format="json-ld")) == len(g)


def test_if_none_match_gets_304_until_the_data_changes(client: FlaskClient) -> None:
    first = get(client, Q_SELECT)
    etag = first.headers["ETag"]
    again = get(client, Q_SELECT, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = get(client, Q_SELECT, headers={"If-None-Match": etag, "Accept": "text/csv"})
    assert other.status_code == 200
    post = client.post("/sparql", data={"query": Q_SELECT}, headers={"If-None-Match": etag})
    assert post.status_code == 200


def test_gzip_when_asked(client: FlaskClient) -> None:
    plain = get(client, Q_CONSTRUCT.replace("LIMIT 5", "LIMIT 200")).data
    r = get(
        client, Q_CONSTRUCT.replace("LIMIT 5", "LIMIT 200"), headers={"Accept-Encoding": "gzip"}
    )
    assert r.headers["Content-Encoding"] == "gzip" and gzip.decompress(r.data) == plain
    assert (
        r.headers["ETag"]
        != get(client, Q_CONSTRUCT.replace("LIMIT 5", "LIMIT 200")).headers["ETag"]
    )


def test_cors_for_get_post_and_preflight(client: FlaskClient) -> None:
    assert get(client, Q_ASK).headers["Access-Control-Allow-Origin"] == "*"
    r = client.options(
        "/sparql",
        headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"},
    )
    assert r.status_code == 200 and "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in r.headers["Access-Control-Allow-Headers"]


def test_row_cap_cuts_and_says_so_in_a_header(settings, built_store) -> None:  # type: ignore[no-untyped-def]
    from medkg.web import create_app

    client = create_app(settings.replace(max_rows=3), built_store).test_client()
    r = get(client, "SELECT * WHERE { ?s ?p ?o }")
    assert r.headers["X-Medkg-Truncated"] == "true" and r.headers["X-Medkg-Rows"] == "3"
    assert len(r.get_json(force=True)["results"]["bindings"]) == 3
    r = get(client, "SELECT * WHERE { ?s ?p ?o } LIMIT 2")
    assert "X-Medkg-Truncated" not in r.headers


def test_query_and_body_size_caps_are_413(settings, built_store) -> None:  # type: ignore[no-untyped-def]
    from medkg.web import create_app

    app = create_app(settings.replace(max_query_bytes=100, max_body_bytes=1000), built_store)
    client = app.test_client()
    long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 200
    r = get(client, long, headers={"Accept": "application/json"})
    assert r.status_code == 413 and "max_query_bytes" in r.get_json()["hint"]
    r = client.post("/sparql", data={"query": "x" * 2000}, headers={"Accept": "application/json"})
    assert r.status_code == 413 and "max_body_bytes" in r.get_json()["hint"]
    r = client.post(
        "/sparql",
        data="x" * 2000,
        content_type="application/sparql-query",
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 413 and "max_body_bytes" in r.get_json()["hint"]


def test_metrics_count_queries_in_prometheus_format(client: FlaskClient) -> None:
    get(client, Q_ASK)
    get(client, "SELECT * {")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'medkg_sparql_queries_total{form="ASK",outcome="ok"} 1' in text
    assert 'outcome="QuerySyntaxError"' in text
    assert "medkg_sparql_query_seconds_count 1" in text
    assert "process_resident_memory_bytes" in text


def test_access_log_is_one_json_line_with_time_and_rows(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="medkg.access"):
        get(client, Q_SELECT)
    entry = json.loads([r for r in caplog.records if r.name == "medkg.access"][-1].getMessage())
    assert entry["status"] == 200 and entry["form"] == "SELECT" and entry["rows"] >= 4
    assert entry["query_ms"] >= 0 and entry["ms"] >= entry["query_ms"]


def test_head_has_the_headers_of_get_without_a_body(client: FlaskClient) -> None:
    r = client.head("/sparql", query_string={"query": Q_SELECT})
    assert r.status_code == 200 and r.mimetype == JSON_RESULTS and r.data == b""
    assert r.headers["ETag"] == get(client, Q_SELECT).headers["ETag"]


def test_format_json_on_a_construct_means_json_ld(client: FlaskClient) -> None:
    r = client.get("/sparql", query_string={"query": Q_CONSTRUCT, "format": "json"})
    assert r.mimetype == "application/ld+json"
    assert len(Graph().parse(data=r.data, format="json-ld")) == 5


def test_metrics_are_valid_prometheus_text(client: FlaskClient) -> None:
    import re

    get(client, Q_ASK)
    sample = re.compile(
        r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-z_]+="[^"]*",?)*\})? -?[0-9.]+(e[+-]?[0-9]+)?$'
    )
    for line in client.get("/metrics").get_data(as_text=True).splitlines():
        assert line.startswith("# ") or sample.match(line), line


def test_a_repeated_query_is_a_cache_hit_with_the_same_body(client: FlaskClient) -> None:
    query = f"SELECT ?p ?o WHERE {{ <{ALS}> ?p ?o }} ORDER BY ?p ?o # cache test"
    first, second = get(client, query), get(client, query)
    assert first.headers["X-Medkg-Cache"] == "miss" and second.headers["X-Medkg-Cache"] == "hit"
    assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
    as_xml = get(client, query, headers={"Accept": "application/sparql-results+xml"})
    assert as_xml.headers["X-Medkg-Cache"] == "miss" and as_xml.mimetype.endswith("xml")
