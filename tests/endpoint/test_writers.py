"""The streaming writers produce documents standard parsers read back, term for term."""

from __future__ import annotations

import io

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from medkg.endpoint.writers import write_result
from medkg.formats import by_name
from medkg.store.base import QueryResult

TRICKY = [
    (URIRef("http://e/a"), Literal('say "hi",\tthen\nleave', lang="en")),
    (BNode("b1"), Literal("3", datatype=XSD.integer)),
    (URIRef("http://e/c?x=1&y=%3C2%3E"), None),
    (URIRef("http://e/d"), Literal("plain ünïcode \\ back")),
]


def bindings(rows: list[tuple[object, ...]] = TRICKY) -> QueryResult:
    return QueryResult("bindings", ["s", "o"], rows=iter(rows))  # type: ignore[arg-type]


def written(result: QueryResult, fmt: str, max_rows: int = 100) -> tuple[bytes, int, bool]:
    out = io.BytesIO()
    w = write_result(result, by_name(fmt), out, max_rows)
    return out.getvalue(), w.rows, w.truncated


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_solutions_round_trip_through_rdflib(fmt: str) -> None:
    body, rows, truncated = written(bindings(), fmt)
    parsed = Result.parse(io.BytesIO(body), format=fmt)
    assert (rows, truncated) == (4, False)
    got = [(r[0], r[1]) for r in parsed]  # type: ignore[index]
    assert got[0] == TRICKY[0] and got[2] == TRICKY[2] and got[3] == TRICKY[3]
    assert isinstance(got[1][0], BNode) and got[1][1] == TRICKY[1][1]


def test_csv_quotes_commas_quotes_and_newlines() -> None:
    body, _, _ = written(bindings(), "csv")
    parsed = list(Result.parse(io.BytesIO(body), format="csv"))
    assert str(parsed[0][1]) == 'say "hi",\tthen\nleave'  # type: ignore[index]
    assert body.startswith(b"s,o\r\n")


def test_row_cap_cuts_and_says_so() -> None:
    body, rows, truncated = written(bindings(), "json", max_rows=2)
    assert (rows, truncated) == (2, True)
    assert len(list(Result.parse(io.BytesIO(body), format="json"))) == 2
    assert written(bindings(TRICKY[:2]), "json", max_rows=2)[1:] == (2, False)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_boolean_results_parse(fmt: str) -> None:
    body, _, _ = written(QueryResult("boolean", boolean=True), fmt)
    assert Result.parse(io.BytesIO(body), format=fmt).askAnswer is True


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"),
    [("ttl", "turtle"), ("nt", "nt"), ("rdfxml", "xml"), ("jsonld", "json-ld"), ("nq", "nquads"),
     ("trig", "trig")],
)  # fmt: skip
def test_graphs_round_trip(fmt: str, rdflib_format: str) -> None:
    triples = [
        (URIRef("http://e/a"), URIRef("http://e/p"), Literal("x\ny", lang="en")),
        (URIRef("http://e/a"), URIRef("http://e/q"), Literal("2", datatype=XSD.integer)),
    ]
    result = QueryResult("graph", triples=iter(triples))  # type: ignore[arg-type]
    body, rows, _ = written(result, fmt)
    g = Graph()
    if fmt in ("nq", "trig"):
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(data=body, format=rdflib_format)
        for s, p, o, _ in ds.quads((None, None, None, None)):
            g.add((s, p, o))
    else:
        g.parse(data=body, format=rdflib_format)
    assert rows == 2 and set(g) == set(triples)


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_a_base_direction_is_written_as_oxigraph_writes_it(fmt: str) -> None:
    """An RDF 1.2 literal keeps its direction (``"x"@ar--rtl``) in the Python writers too,
    which write the rows past the cap and whatever Oxigraph's serialiser does not."""
    import pyoxigraph as ox

    from medkg.endpoint.writers import RESULT_FORMATS

    rtl = ox.Literal("يمين", language="ar", direction=ox.BaseDirection.RTL)
    result = QueryResult("bindings", ["o"], rows=iter([(rtl,), (ox.Literal("x", language="en"),)]))
    body, _, _ = written(result, fmt)
    parsed = ox.parse_query_results(body, RESULT_FORMATS[fmt])
    assert isinstance(parsed, ox.QuerySolutions)
    assert [s["o"] for s in parsed] == [rtl, ox.Literal("x", language="en")]
