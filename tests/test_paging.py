"""Named queries answer a page at a time: keyset cursors, next links, stable order, every row once."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from medkg.cli import cli
from medkg.errors import BuildError
from medkg.paging import encode_cursor
from medkg.queries import load_queries, parse_query_file, to_text
from medkg.store import Store

from .conftest import ROOT

QUERIES = load_queries(ROOT)
ALS = "/api/queries/claims-about-entity?entity=MONDO:0004976"
KEY = QUERIES["claims-about-entity"].order


def row_key(binding: dict) -> tuple[str, ...]:  # type: ignore[type-arg]
    return tuple(binding[k]["value"] for k in KEY)


def every_page(client, url: str) -> list[list[dict]]:  # type: ignore[no-untyped-def,type-arg]
    """The pages from ``url`` on, following the body's next link, checked against the header."""
    pages = []
    while url:
        r = client.get(url, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.data
        body = r.get_json()
        pages.append(body["results"]["bindings"])
        url = body.get("next")
        if url:
            assert r.headers["Link"] == f'<{url}>; rel="next"'
            assert r.headers["X-Medkg-Next-Cursor"] == body["cursor"]
        else:
            assert "Link" not in r.headers
        assert len(pages) < 100, "the next links run in a circle"
    return pages


def test_paging_als_gives_every_row_once_in_a_stable_order(client, built_store: Store) -> None:  # type: ignore[no-untyped-def]
    named = QUERIES["claims-about-entity"]
    full = list(named.run(built_store, {"entity": "MONDO:0004976"}).rows)
    assert len(full) > 7, "ALS needs several pages of 3 for this test to mean anything"
    pages = every_page(client, ALS + "&page_size=3")
    assert all(1 <= len(p) <= 3 for p in pages) and len(pages) == -(-len(full) // 3)
    keys = [row_key(b) for p in pages for b in p]
    assert len(keys) == len(set(keys)) == len(full)
    variables = named.expect["columns"]
    expected = {tuple(str(r[variables.index(k)]) for k in KEY) for r in full}
    assert set(keys) == expected
    again = [row_key(b) for p in every_page(client, ALS + "&page_size=3") for b in p]
    assert again == keys  # the same order every time


def test_first_page_is_not_every_claim(settings, built_store: Store) -> None:  # type: ignore[no-untyped-def]
    from medkg.web import create_app

    client = create_app(settings.replace(query_page_size=4), built_store).test_client()
    r = client.get(ALS)
    assert len(r.get_json()["results"]["bindings"]) == 4 and r.headers["X-Medkg-Page-Size"] == "4"
    assert "cursor=" in r.headers["Link"]


def test_csv_page_links_the_next_in_its_headers_only(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(ALS + "&page_size=2&format=csv")
    assert r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert len(rows) == 3 and "next" not in r.get_data(as_text=True).split("\r\n")[0]
    link = r.headers["Link"]
    nxt = link[1 : link.index(">")]
    query = parse_qs(urlsplit(nxt).query)
    assert query["format"] == ["csv"] and query["page_size"] == ["2"] and query["cursor"]
    second = client.get(nxt)
    assert second.mimetype == "text/csv"
    later = list(csv.reader(io.StringIO(second.get_data(as_text=True))))
    assert later[0] == rows[0] and not set(map(tuple, later[1:])) & set(map(tuple, rows[1:]))


def test_bad_cursor_is_a_400_naming_it(client) -> None:  # type: ignore[no-untyped-def]
    r = client.get(ALS + "&cursor=not-a-cursor", headers={"Accept": "application/json"})
    assert r.status_code == 400
    body = r.get_json()
    assert body["status"] == 400 and "cursor 'not-a-cursor'" in body["error"]
    assert "previous page" in body["hint"]


def test_cursor_of_another_query_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    from rdflib import URIRef

    cursor = encode_cursor("negated-claims", [URIRef("https://w3id.org/medkg/claim/x")])
    r = client.get(f"/api/queries/evidence-count?cursor={cursor}")
    assert r.status_code == 400 and "belongs to query 'negated-claims'" in r.get_json()["error"]


def test_cursor_cannot_change_the_query(client) -> None:  # type: ignore[no-untyped-def]
    from rdflib import URIRef

    evil = URIRef("http://x/> } } SELECT * { ?s ?p ?o } #")
    cursor = encode_cursor("evidence-count", [evil])
    r = client.get(f"/api/queries/evidence-count?cursor={cursor}")
    assert r.status_code == 400 and "not a valid IRI" in r.get_json()["error"]


def test_page_size_over_the_maximum_is_a_400(client, settings) -> None:  # type: ignore[no-untyped-def]
    too_many = settings.query_max_page_size + 1
    r = client.get(f"{ALS}&page_size={too_many}")
    assert r.status_code == 400
    assert f"from 1 to {settings.query_max_page_size}" in r.get_json()["error"]


def test_cli_prints_the_next_cursor_and_follows_it(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from medkg.cli import main

    store = f"oxigraph:{tmp_path / 'store'}"
    base = ["--root", str(ROOT), "--store", store, "query", "claims-about-entity"]
    base += ["-p", "entity=MONDO:0004976", "--format", "csv", "--page-size", "3"]
    first = CliRunner().invoke(cli, base)
    assert first.exit_code == 0, first.output
    assert len(first.stdout.splitlines()) == 4
    cursor = first.stderr.split("--cursor ")[1].strip()
    second = CliRunner().invoke(cli, [*base, "--cursor", cursor])
    assert second.exit_code == 0, second.output
    assert len(second.stdout.splitlines()) == 4
    assert not set(first.stdout.splitlines()[1:]) & set(second.stdout.splitlines()[1:])
    with pytest.raises(SystemExit) as e:
        main([*base, "--cursor", "nonsense"])
    assert e.value.code == 2 and "cursor 'nonsense' is not a cursor" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_query_that_lists_claims_declares_its_order(name: str) -> None:
    named = QUERIES[name]
    columns = named.expect.get("columns") or []
    if "claim" in columns:
        assert "claim" in named.order, (
            f"queries/{name}.rq lists claims: declare order: [claim, ...]"
        )


def test_an_order_key_must_be_a_plain_selected_variable(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text(
        "#+ summary: s\n#+ order: [n]\nSELECT (COUNT(?s) AS ?n) WHERE { ?s ?p ?o }\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as e:
        parse_query_file(path)
    assert "order key 'n'" in e.value.message and str(path) in str(e.value.where)


def test_rows_of_a_page_read_as_the_unpaged_rows(built_store: Store) -> None:
    named = QUERIES["negated-claims"]
    page, following = named.run_page(built_store, {"subject": "MONDO:0004976"}, 2)
    rows = [tuple(map(to_text, r)) for r in page.rows]
    assert len(rows) == 2 and following
    rest, last = named.run_page(built_store, {"subject": "MONDO:0004976"}, 2, following)
    assert last is None
    rows += [tuple(map(to_text, r)) for r in rest.rows]
    full = [
        tuple(map(to_text, r)) for r in named.run(built_store, {"subject": "MONDO:0004976"}).rows
    ]
    assert sorted(rows) == sorted(full) and len(rows) == 3


def test_a_page_of_claims_about_an_entity_reads_only_its_own_claims() -> None:
    text, _ = QUERIES["claims-about-entity"].page({"entity": "MONDO:0004976"}, 10)
    anchor = text[text.index("{  SELECT DISTINCT ?entity ?claim") :]
    anchor = anchor[: anchor.index("ORDER BY ?claim LIMIT 12")]
    assert "VALUES (?entity) { (<http://purl.obolibrary.org/obo/MONDO_0004976>) }" in anchor
    assert text.rstrip().endswith("ORDER BY ?claim ?evidence\nLIMIT 11")


def test_a_query_without_an_order_key_has_one_page_and_no_cursor(client) -> None:  # type: ignore[no-untyped-def]
    url = "/api/queries/compare-diseases?disease=MONDO:0004976&other=MONDO:0005301"
    whole = client.get(url, headers={"Accept": "application/json"})
    assert len(whole.get_json()["results"]["bindings"]) == 3 and "Link" not in whole.headers
    r = client.get(url + "&cursor=abc", headers={"Accept": "application/json"})
    assert r.status_code == 400 and "has one page" in r.get_json()["error"]


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("als-demyelinating-or-axonal", {"disease": "MONDO:0004976"}),
        ("claims-about-entity", {"entity": "MONDO:0004976"}),
        ("negated-claims", {}),
    ],
)
def test_pages_of_an_anchored_query_hold_every_row_of_the_whole_answer(
    built_store: Store, name: str, raw: dict[str, str]
) -> None:
    named = QUERIES[name]
    whole = sorted(tuple(map(to_text, r)) for r in named.run(built_store, raw).rows)
    rows, cursor, pages = [], None, 0
    while pages == 0 or cursor:
        page, cursor = named.run_page(built_store, raw, 2, cursor)
        got = [tuple(map(to_text, r)) for r in page.rows]
        assert 1 <= len(got) <= 2
        rows += got
        pages += 1
    assert sorted(rows) == whole and len(whole) >= 4 and pages == -(-len(whole) // 2)
