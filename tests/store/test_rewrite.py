"""``limit_solutions`` puts the row cap in the query, only where the grammar allows it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from medkg.store.rewrite import iter_keywords, limit_solutions, locate_syntax_error


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT * { ?s ?p ?o }\nLIMIT 5"),
        ("SELECT * { ?s ?p ?o } LIMIT 3", "SELECT * { ?s ?p ?o } LIMIT 3"),
        ("SELECT * { ?s ?p ?o } LIMIT 30", "SELECT * { ?s ?p ?o } LIMIT 5"),
        ("SELECT * { ?s ?p ?o } OFFSET 2 LIMIT 30", "SELECT * { ?s ?p ?o } OFFSET 2 LIMIT 5"),
        ("select * { ?s ?p ?o } limit\n  30", "select * { ?s ?p ?o } limit\n  5"),
        # a trailing comment would swallow a LIMIT on the same line
        ("SELECT * { ?s ?p ?o } # no cap", "SELECT * { ?s ?p ?o } # no cap\nLIMIT 5"),
        # LIMIT inside a subquery, a string, an IRI, a prefixed name or a variable is not ours
        (
            'PREFIX e: <http://e/LIMIT> SELECT ?limit { { SELECT ?limit { ?limit e:LIMIT "LIMIT 9" } LIMIT 9 } }',
            'PREFIX e: <http://e/LIMIT> SELECT ?limit { { SELECT ?limit { ?limit e:LIMIT "LIMIT 9" } LIMIT 9 } }\nLIMIT 5',
        ),
        (
            "SELECT ?x { ?x ?p ?o } ORDER BY ?x VALUES ?x { <http://e/a> }",
            "SELECT ?x { ?x ?p ?o } ORDER BY ?x LIMIT 5\nVALUES ?x { <http://e/a> }",
        ),
        (
            "SELECT (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(*) > 1)",
            "SELECT (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(*) > 1)\nLIMIT 5",
        ),
    ],
)
def test_limit_goes_where_the_grammar_puts_it(query: str, expected: str) -> None:
    limited = limit_solutions(query, 5)
    assert limited == expected
    ox.Store().query(limited)  # still a query Oxigraph parses


@pytest.mark.parametrize(
    "query",
    [
        "ASK { ?s ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DESCRIBE <http://e/a>",
        "SELECT * { ?s ?p ?o ",  # unbalanced: left to the parser's own error
        "SELECT * { ?s ?p ?o } LIMIT ?n",
    ],
)
def test_other_forms_and_odd_texts_are_left_alone(query: str) -> None:
    assert limit_solutions(query, 5) is None


def test_the_limited_query_gives_the_first_rows_of_the_same_order() -> None:
    store = ox.Store()
    for i in range(20):
        store.add(
            ox.Quad(
                ox.NamedNode(f"http://e/{i:02}"), ox.NamedNode("http://e/p"), ox.Literal(str(i))
            )
        )
    query = "SELECT ?s { ?s ?p ?o } ORDER BY DESC(?s)"
    full = [s["s"] for s in store.query(query)]
    limited = limit_solutions(query, 7)
    assert limited is not None
    assert [s["s"] for s in store.query(limited)] == full[:7]


def test_a_letter_no_keyword_has_is_skipped_not_a_crash() -> None:
    """A non-ASCII letter outside strings and IRIs (found by the generated outbound tests)
    was an AssertionError, so a malformed update was a 500 instead of a located 400."""
    assert list(iter_keywords("INSERT { ?s ?p ?o } WHERE { \u00c5\u017fervice ?xload ex:LOAD }")) == [
        "INSERT", "WHERE", "ERVICE",
    ]  # fmt: skip
    located = locate_syntax_error("INSERT DATA { <x:a> <x:b> \u00c5 }", "update")
    assert located is not None and located.where is not None and located.where.line == 1


@pytest.mark.parametrize(
    "text",
    ["PREFIX : <http://127.0.0.1:9/> LOAD:x ; nonsense", "INSERT DATA { <x:a> <x:b> 'a load' } ;;"],
)
def test_a_text_oxigraph_could_read_load_in_is_never_tried(text: str) -> None:
    assert locate_syntax_error(text, "update") is None
