"""Solutions written by Oxigraph's own serialiser (the ``limited`` path) say and hold exactly what
the Python writers do: the same rows, the same count, the same cut at the row cap."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
from rdflib.query import Result

from medkg.endpoint import writers
from medkg.endpoint.job import Job, run_job
from medkg.endpoint.writers import write_result
from medkg.formats import by_name
from medkg.store.oxigraph import OxigraphStore
from medkg.store.rewrite import limit_solutions

G = ox.NamedNode("http://e/g")
P = ox.NamedNode("http://e/p")
#: literals that look like the structure of each format: a row boundary in JSON, a result
#: element in XML, a line break and a tab in TSV
TRICKY = [
    ox.Literal('a},{"s":{"type":"uri","value":"x"}},{'),
    ox.Literal("<result><binding name='s'/></result>", language="en"),
    ox.Literal(" line\nbreak\ttab\r\n", datatype=ox.NamedNode("http://e/dt")),
    ox.Literal("[{}],{},{}]"),
    ox.Literal('ünïcode \\ "quoted"'),
]


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    s = ox.Store()
    for i, lit in enumerate(TRICKY):
        s.add(ox.Quad(ox.NamedNode(f"http://e/s{i}"), P, lit, G))
    s.add(ox.Quad(ox.BlankNode("b0"), P, ox.NamedNode("http://e/o"), G))
    s.add(ox.Quad(ox.NamedNode("http://e/s0"), P, ox.BlankNode("b0"), G))
    return OxigraphStore(s, "oxigraph:")


QUERIES = [
    "SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY STR(?o)",
    # rows with nothing bound, and a row with one of two variables unbound
    "SELECT ?x ?y WHERE { VALUES (?x ?y) { (UNDEF UNDEF) (<http://e/a> UNDEF) (UNDEF UNDEF) } }",
    "SELECT * WHERE { }",  # one row, no variables
    "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } FILTER(false) }",  # no rows
]


def solutions(body: bytes, fmt: str) -> list[tuple[object, ...]]:
    parsed = ox.parse_query_results(body, writers.RESULT_FORMATS[fmt])
    assert isinstance(parsed, ox.QuerySolutions)
    names = [v.value for v in parsed.variables]
    return [tuple(sol[n] for n in names) for sol in parsed]


def both(store: OxigraphStore, query: str, fmt: str, max_rows: int) -> tuple[object, object]:
    """(body, rows, truncated) from the Python writers and from the native path."""
    results = []
    for limited in (False, True):
        text = limit_solutions(query, max_rows + 1) if limited else query
        assert text is not None
        out = io.BytesIO()
        w = write_result(store.query(text), by_name(fmt), out, max_rows, limited=limited)
        results.append((solutions(out.getvalue(), fmt), w.rows, w.truncated))
    return results[0], results[1]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
@pytest.mark.parametrize("query", QUERIES)
def test_native_rows_and_counts_match_the_python_writers(
    store: OxigraphStore, query: str, fmt: str
) -> None:
    python, native = both(store, query, fmt, max_rows=100)
    assert native == python
    if "GRAPH" in query and "false" not in query:
        assert python[1] == len(TRICKY) + 2  # type: ignore[index]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_native_path_cuts_at_the_row_cap_and_says_so(store: OxigraphStore, fmt: str) -> None:
    python, native = both(store, QUERIES[0], fmt, max_rows=3)
    assert native == python
    rows, count, truncated = native  # type: ignore[misc]
    assert (len(rows), count, truncated) == (3, 3, True)
    # exactly at the cap: nothing was cut
    python, native = both(store, QUERIES[0], fmt, max_rows=len(TRICKY) + 2)
    assert native == python and native[2] is False  # type: ignore[index]


def test_native_json_is_standard_sparql_json(store: OxigraphStore) -> None:
    out = io.BytesIO()
    text = limit_solutions(QUERIES[0], 101)
    assert text is not None
    write_result(store.query(text), by_name("json"), out, 100, limited=True)
    parsed = Result.parse(io.BytesIO(out.getvalue()), format="json")
    assert len(list(parsed)) == len(TRICKY) + 2


def test_select_in_json_on_oxigraph_never_runs_the_python_writer(
    store: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("the Python JSON writer ran")

    monkeypatch.setitem(writers.SOLUTION_WRITERS, "json", refuse)
    job = Job(QUERIES[0], formats={"results": by_name("json")}, max_rows=100)
    out = io.BytesIO()
    kind, _, written = run_job(store, job, out)
    assert (kind, written.rows, written.truncated) == ("bindings", len(TRICKY) + 2, False)


def test_a_syntax_error_points_into_the_query_as_sent(store: OxigraphStore) -> None:
    from medkg.errors import QuerySyntaxError

    job = Job("SELECT * WHERE {\n ?s ?p }", formats={"results": by_name("json")})
    with pytest.raises(QuerySyntaxError) as e:
        run_job(store, job, io.BytesIO())
    assert e.value.where is not None and e.value.where.line == 2
