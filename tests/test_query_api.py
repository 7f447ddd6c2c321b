"""``/api/queries`` and ``medkg query``: the .rq files as REST calls and shell commands."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from medkg.cli import cli
from medkg.queries import load_queries
from medkg.store import Store

from .conftest import ROOT

QUERIES = load_queries(ROOT)


def rows_of(body: dict) -> list[dict[str, str]]:  # type: ignore[type-arg]
    return [{k: v["value"] for k, v in b.items()} for b in body["results"]["bindings"]]


def test_list_shows_every_query_with_its_header(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/queries")
    assert r.status_code == 200
    listed = {q["name"]: q for q in r.get_json()["queries"]}
    assert set(listed) == set(QUERIES)
    entity = listed["claims-about-entity"]
    assert entity["summary"] == QUERIES["claims-about-entity"].summary
    assert entity["params"] == [
        {
            "name": "entity",
            "type": "IRI",
            "description": "the entity the claims are about (subject, object or disease "
            "context), a CURIE or a full IRI (a curated source's disease such as "
            "https://omim.org/MIM:619340)",
            "example": "MONDO:0005301",
            "required": True,
        }
    ]
    assert entity["example"] == "/api/queries/claims-about-entity?entity=MONDO:0005301"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_example_url_answers_with_the_expected_number_of_rows(client, name: str) -> None:  # type: ignore[no-untyped-def]
    listed = {q["name"]: q for q in client.get("/api/queries").get_json()["queries"]}
    r = client.get(listed[name]["example"], headers={"Accept": "application/json"})
    assert r.status_code == 200, r.data
    assert r.mimetype == "application/sparql-results+json"
    body = r.get_json()
    assert body["head"]["vars"] == QUERIES[name].expect["columns"]
    assert len(body["results"]["bindings"]) == QUERIES[name].expect["count"]


def test_format_parameter_wins_over_accept(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(
        "/api/queries/negated-claims?subject=MONDO:0004976&format=csv",
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert r.status_code == 200 and r.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert len(table) == 3
    assert {row["predicate"] for row in table} == {
        "http://www.w3.org/2000/01/rdf-schema#subClassOf",
        "http://purl.obolibrary.org/obo/RO_0004019",
    }


def test_accept_a_graph_format_is_406_naming_what_is_offered(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/queries/contradictions", headers={"Accept": "text/turtle"})
    assert r.status_code == 406
    assert "text/csv" in r.get_json()["hint"]


def test_missing_parameter_is_400_naming_it(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/queries/compare-diseases?disease=MONDO:0004976")
    assert r.status_code == 400
    assert r.get_json()["error"] == "missing parameter 'other' (CURIE)"


def test_bad_parameter_is_400_naming_it(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/queries/claims-by-reference?number=five")
    assert r.status_code == 400
    assert "'number'" in r.get_json()["error"]
    r = client.get("/api/queries/claims-by-reference?number=5&colour=red")
    assert r.status_code == 400 and "colour" in r.get_json()["error"]


@pytest.mark.parametrize("value", ['"} ; DROP ALL', "> } UNION { ?s ?p ?o"])
def test_injection_over_http_is_bound_as_data(client, built_store: Store, value: str) -> None:  # type: ignore[no-untyped-def]
    before = built_store.count()
    r = client.get(f"/api/queries/claims-quoting?phrase={quote(value)}")
    assert r.status_code == 200
    assert r.get_json()["head"]["vars"] == QUERIES["claims-quoting"].expect["columns"]
    assert r.get_json()["results"]["bindings"] == []
    r = client.get(f"/api/queries/claims-about-entity?entity=MONDO:0004976{quote(value)}")
    assert r.status_code == 400 and "'entity'" in r.get_json()["error"]
    assert built_store.count() == before


def test_post_form_and_json_bodies(client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/queries/claims-by-reference", data={"number": "5"})
    assert r.status_code == 200
    assert rows_of(r.get_json())[0]["object"] == "http://purl.obolibrary.org/obo/MONDO_0005301"
    r = client.post("/api/queries/claims-quoting", json={"phrase": "initial insult"})
    assert [row["quote"] for row in rows_of(r.get_json())] == [
        "In MS, demyelination is the initial insult"
    ]
    r = client.post("/api/queries/claims-quoting", json=["secondary"])
    assert r.status_code == 400
    r = client.post("/api/queries/claims-quoting", json={"phrase": "x", "format": "csv"})
    assert r.status_code == 400 and "?format=" in r.get_json()["hint"]
    r = client.post("/api/queries/claims-quoting?format=csv", json={"phrase": "initial insult"})
    assert r.mimetype == "text/csv" and "initial insult" in r.get_data(as_text=True)


def test_unknown_query_is_404_listing_the_known_ones(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/queries/is-als-contagious")
    assert r.status_code == 404
    assert "negated-claims" in r.get_json()["hint"]


def test_source_of_a_query_is_its_rq_file(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/queries/negated-claims.rq")
    assert r.status_code == 200 and r.mimetype == "application/sparql-query"
    assert r.get_data(as_text=True) == (ROOT / "queries/negated-claims.rq").read_text()


def invoke(tmp_path: Path, *args: str) -> tuple[int, str]:
    store = f"oxigraph:{tmp_path / 'store'}"
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "--store", store, *args])
    return result.exit_code, result.output


def test_cli_query_json_and_csv_match_the_api(tmp_path: Path) -> None:
    code, out = invoke(
        tmp_path, "query", "negated-claims", "--param", "subject=MONDO:0004976", "--format", "json"
    )
    assert code == 0, out
    rows = json.loads(out[out.index("[") :])
    assert len(rows) == 3 and {r["subject"] for r in rows} == {
        "http://purl.obolibrary.org/obo/MONDO_0004976"
    }
    code, out = invoke(
        tmp_path, "query", "claims-by-reference", "-p", "number=5", "--format", "csv"
    )
    assert code == 0, out
    assert "coexists_with" in out and out.count("\n") >= 1


def test_cli_query_table_shows_curies(tmp_path: Path) -> None:
    code, out = invoke(
        tmp_path,
        "query",
        "compare-diseases",
        "-p",
        "disease=MONDO:0004976",
        "-p",
        "other=MONDO:0005301",
    )
    assert code == 0, out
    assert "NOT primary" in out and "affirmed primary" in out and "(3 rows)" in out
    assert "rdfs:subClassOf" in out


def test_cli_query_bad_parameter_exits_2_naming_it(capsys: pytest.CaptureFixture[str]) -> None:
    from medkg.cli import main

    with pytest.raises(SystemExit) as e:
        main(["--root", str(ROOT), "--store", "oxigraph:", "query", "claims-by-reference"])
    assert e.value.code == 2
    assert "missing parameter 'number' (integer)" in capsys.readouterr().err


def test_named_queries_share_the_endpoints_row_cap(settings, built_store: Store) -> None:  # type: ignore[no-untyped-def]
    from medkg.web import create_app

    client = create_app(settings.replace(max_rows=2), built_store).test_client()
    r = client.get("/api/queries/claims-about-entity?entity=MONDO:0005301")
    assert r.status_code == 200
    assert r.headers["X-Medkg-Page-Size"] == "2" and r.headers["X-Medkg-Max-Rows"] == "2"
    assert len(r.get_json()["results"]["bindings"]) == 2
    assert 'rel="next"' in r.headers["Link"]  # the cap makes pages smaller, never cuts silently


def test_etag_depends_on_the_parameter_values(client) -> None:  # type: ignore[no-untyped-def]
    als = client.get("/api/queries/negated-claims?subject=MONDO:0004976")
    ms = client.get("/api/queries/negated-claims?subject=MONDO:0005301")
    assert als.headers["ETag"] and als.headers["ETag"] != ms.headers["ETag"]
    assert ms.get_json()["results"]["bindings"] == []
    again = client.get(
        "/api/queries/negated-claims?subject=MONDO:0004976",
        headers={"If-None-Match": als.headers["ETag"]},
    )
    assert again.status_code == 304


def test_cli_lists_the_queries_with_their_parameters(tmp_path: Path) -> None:
    code, out = invoke(tmp_path, "queries")
    assert code == 0, out
    for name in QUERIES:
        assert f"{name}\n    {QUERIES[name].summary}" in out
    assert "--param subject=<CURIE, optional> e.g. MONDO:0004976" in out
