"""The Store contract, run against every backend: a backend is registered only once it passes.

``sparql:`` runs against a real ``oxigraph serve`` on 127.0.0.1 (see conftest.OxigraphServer).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from medkg.errors import QuerySyntaxError
from medkg.store import Store, open_store
from medkg.store.base import default_graph_size, graph_sizes
from medkg.store.registry import BACKENDS
from tests.conftest import has_virtuoso

EX = "http://example.org/"
PREFIX = "https://w3id.org/medkg/graph/"
G1, G2, OTHER = URIRef(PREFIX + "one"), URIRef(PREFIX + "two"), URIRef(EX + "other")
A, B, C = URIRef(EX + "a"), URIRef(EX + "b"), URIRef(EX + "c")
P, Q = URIRef(EX + "p"), URIRef(EX + "q")

#: Virtuoso runs too where it is installed (``make virtuoso`` installs it from Debian)
SELECTORS = ["memory:", "oxigraph:", "oxigraph-disk", "sparql", *(["virtuoso"] * has_virtuoso())]


def test_every_registered_backend_is_under_contract() -> None:
    assert {s.split(":")[0].split("-")[0] for s in SELECTORS} - {"virtuoso"} == set(BACKENDS)


@pytest.fixture(params=SELECTORS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    selector = request.param
    if selector in ("sparql", "virtuoso"):
        server = request.getfixturevalue(
            f"{'oxigraph' if selector == 'sparql' else selector}_server"
        )
        server.clear()
        selector = server.selector
    elif selector == "oxigraph-disk":
        selector = f"oxigraph:{tmp_path / 'store'}"
    s = open_store(selector, tmp_path)
    for g in names(s):
        s.update(f"DROP SILENT GRAPH <{g}>")
    BACKEND[id(s)] = request.param
    BASELINE[id(s)] = s.count()
    BASELINE_DEFAULT[id(s)] = default_graph_size(
        s
    )  # a store's own graphs (Virtuoso has system graphs)
    s.replace_graphs(
        {
            G1: [(A, P, B, G1), (A, P, Literal("label", lang="en"), G1)],
            G2: [(B, P, C, G2), (B, Q, Literal(3), G2)],
        }
    )
    yield s
    s.close()


BASELINE: dict[int, int] = {}
BACKEND: dict[int, str] = {}
BASELINE_DEFAULT: dict[int, int] = {}


def names(store: Store) -> list[URIRef]:
    """The graph names the tests made (a store may hold its own too)."""
    return [g for g in store.graph_names() if str(g).startswith((PREFIX, EX))]


def count(store: Store) -> int:
    """Quads the tests put in: ``count()`` less what the store held before."""
    return store.count() - BASELINE[id(store)]


def rows(store: Store, sparql: str, **kwargs: object) -> list[tuple[object, ...]]:
    return sorted(tuple(r) for r in store.query(sparql, **kwargs).rows)  # type: ignore[arg-type]


def test_select_yields_rdflib_terms_and_the_default_graph_is_the_union(store: Store) -> None:
    result = store.query(f"SELECT ?s ?o WHERE {{ ?s <{P}> ?o }} ORDER BY STR(?o)")
    assert result.kind == "bindings"
    assert result.variables == ["s", "o"]
    got = [tuple(r) for r in result.rows]
    assert got == [(A, B), (B, C), (A, Literal("label", lang="en"))]


def test_select_keeps_datatypes_and_unbound_values(store: Store) -> None:
    got = rows(store, f"SELECT ?o ?x WHERE {{ <{B}> <{Q}> ?o OPTIONAL {{ ?o <{P}> ?x }} }}")
    assert got == [(Literal(3, datatype=XSD.integer), None)]


def test_ask_answers_a_boolean(store: Store) -> None:
    assert store.query(f"ASK {{ <{A}> <{P}> <{B}> }}").boolean is True
    assert store.query(f"ASK {{ <{A}> <{P}> <{C}> }}").boolean is False


def test_construct_yields_triples(store: Store) -> None:
    result = store.query(f"CONSTRUCT {{ ?s <{Q}> ?o }} WHERE {{ ?s <{P}> ?o FILTER isIRI(?o) }}")
    assert result.kind == "graph"
    assert sorted(result.triples) == sorted([(A, Q, B), (B, Q, C)])


def test_default_graphs_restrict_the_default_graph(store: Store) -> None:
    got = rows(store, "SELECT ?s ?o WHERE { ?s ?p ?o }", default_graphs=[str(G2)])
    assert got == sorted([(B, C), (B, Literal(3))])


def test_graph_clause_sees_named_graphs(store: Store) -> None:
    got = rows(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{A}> ?p ?o }} }}")
    assert got == [(G1,)]


def test_bindings_prebind_a_parameter(store: Store) -> None:
    # a parameter is a projected variable (SEP-0007 substitution, as Oxigraph requires)
    sparql = "SELECT ?subject ?o WHERE { ?s ?p ?o FILTER (?s = ?subject && isIRI(?o)) }"
    assert rows(store, sparql, bindings={"subject": B}) == [(B, C)]


def test_bound_parameter_is_projected(store: Store) -> None:
    sparql = f"SELECT ?subject ?o WHERE {{ ?subject <{P}> ?o FILTER isIRI(?o) }}"
    assert rows(store, sparql, bindings={"subject": A}) == [(A, B)]


def test_bound_literal_cannot_change_the_query(store: Store) -> None:
    evil = Literal('x" } } ; DROP ALL ; SELECT * WHERE { ?s ?p "')
    sparql = "SELECT ?s ?text WHERE { ?s ?p ?o FILTER (STR(?o) = ?text) }"
    assert rows(store, sparql, bindings={"text": evil}) == []
    assert count(store) == 4
    label = Literal("label")
    assert rows(store, sparql, bindings={"text": label}) == [(A, label)]


def test_replace_graphs_replaces_and_drops_stale_graphs(store: Store) -> None:
    store.replace_graphs({G1: [(C, P, A, G1)]}, drop_prefix=PREFIX)
    assert names(store) == [G1]
    mine = f'SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), "{EX}") }}'
    assert rows(store, mine) == [(C, P, A)]


def test_replace_graphs_keeps_graphs_outside_the_prefix(store: Store) -> None:
    store.replace_graphs({OTHER: [(A, Q, C, OTHER)]})
    store.replace_graphs({G1: [(C, P, A, G1)]}, drop_prefix=PREFIX)
    assert names(store) == [OTHER, G1]


def test_replace_graphs_changes_nothing_when_the_input_breaks(store: Store) -> None:
    def broken() -> Iterator[tuple[URIRef, URIRef, URIRef, URIRef]]:
        yield (C, P, A, G1)
        raise ValueError("broken input")

    with pytest.raises(ValueError):
        store.replace_graphs({G1: broken()}, drop_prefix=PREFIX)
    assert names(store) == [G1, G2]
    assert count(store) == 4


def test_readers_see_the_old_or_the_new_graph_never_half(store: Store) -> None:
    sizes = {4, 10}
    seen: set[int] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.add(count(store))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for i in range(6):
            n = 10 if i % 2 == 0 else 4
            quads = [(A, P, Literal(k), G1) for k in range(n - 2)]
            store.replace_graphs({G1: quads, G2: [(B, P, C, G2), (B, Q, Literal(3), G2)]})
    finally:
        done.set()
        reader.join(timeout=30)
    assert seen and seen <= sizes


def test_graph_names_and_counts(store: Store) -> None:
    assert names(store) == [G1, G2]
    assert count(store) == 4
    assert store.count(G1) == 2
    assert store.count(URIRef(PREFIX + "missing")) == 0


def test_update_inserts_data(store: Store) -> None:
    store.update(f"INSERT DATA {{ GRAPH <{OTHER}> {{ <{C}> <{Q}> <{A}> }} }}")
    assert store.count(OTHER) == 1


def test_relative_iris_in_a_query_resolve_against_the_base_iri(store: Store) -> None:
    got = rows(store, "SELECT ?o WHERE { <a> ?p ?o FILTER isIRI(?o) }", base_iri=EX)
    assert got == [(B,)]
    assert rows(store, "BASE <c/> SELECT (<d> AS ?d) {}", base_iri=EX) == [(URIRef(EX + "c/d"),)]


def test_relative_iris_in_an_update_resolve_against_the_base_iri(store: Store) -> None:
    store.update("INSERT DATA { GRAPH <other> { <c> <q> <a> } }", base_iri=EX)
    assert rows(store, f"SELECT ?s ?p ?o WHERE {{ GRAPH <{OTHER}> {{ ?s ?p ?o }} }}") == [(C, Q, A)]


def shared_triple_count(store: Store) -> int:
    """How many times the default graph matches A P B (in G1, and in G2 after ``share``)."""
    (row,) = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{A}> <{P}> <{B}> }}").rows
    return int(str(row[0]))


def union_is_a_set(store: Store) -> bool:
    """Every backend but Virtuoso (whose union view is a bag by design, and in which medkg does
    not keep a stored union) answers over the default graph as a set of triples."""
    return BACKEND[id(store)] != "virtuoso"


def test_a_triple_in_two_graphs_is_one_triple_of_the_default_graph(store: Store) -> None:
    store.replace_graphs({G2: [(B, P, C, G2), (A, P, B, G2)]})
    assert rows(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{A}> <{P}> <{B}> }} }}") == [(G1,), (G2,)]
    assert shared_triple_count(store) == (1 if union_is_a_set(store) else 2)
    assert count(store) == 4  # quads in named graphs: the stored union is not counted


def test_the_union_follows_replaced_graphs_and_updates(store: Store) -> None:
    store.replace_graphs({G2: [(A, P, B, G2)]})
    store.replace_graphs({G1: [(C, Q, A, G1)]})  # A P B leaves G1 but stays in G2
    assert shared_triple_count(store) == 1
    store.update(f"DROP SILENT GRAPH <{G2}>")
    assert shared_triple_count(store) == 0
    mine = f'SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), "{EX}") }}'
    assert rows(store, mine) == [(C, Q, A)]
    store.update(f"INSERT DATA {{ GRAPH <{G2}> {{ <{A}> <{P}> <{B}> }} }} ;")  # a trailing ;
    assert shared_triple_count(store) == 1


def test_an_update_syntax_error_points_into_the_clients_text(store: Store) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        store.update("INSERT DATA {\n  GRAPH <http://example.org/g> { <a> <b> }\n}")
    assert info.value.where is not None and info.value.where.line == 2


@pytest.mark.parametrize("union_included", [False, True])
def test_replace_dataset_keeps_the_union_a_set(
    store: Store, tmp_path: Path, union_included: bool
) -> None:
    nq = tmp_path / "new.nq"
    lines = [f"<{A}> <{P}> <{B}> <{G1}> .", f"<{A}> <{P}> <{B}> <{G2}> ."]
    if union_included:
        lines.append(f"<{A}> <{P}> <{B}> .")
    nq.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store.replace_graphs({OTHER: [(A, P, B, OTHER), (A, Q, C, OTHER)]})
    store.replace_dataset(nq, drop_prefix=PREFIX, union_included=union_included)
    assert names(store) == sorted([OTHER, G1, G2])
    assert count(store) == 4
    assert rows(store, f"SELECT ?o WHERE {{ <{A}> ?p ?o }}") == sorted(
        [(B,)] * (1 if union_is_a_set(store) else 3) + [(C,)]
    )


def test_replace_dataset_loads_an_nquads_file(store: Store, tmp_path: Path) -> None:
    nq = tmp_path / "new.nq"
    nq.write_text(
        f'<{C}> <{P}> "quoted \\"text\\"\\n" <{G2}> .\n<{C}> <{Q}> <{A}> <{PREFIX}three> .\n',
        encoding="utf-8",
    )
    store.replace_graphs({OTHER: [(A, Q, C, OTHER)]})
    read: list[int] = []
    store.replace_dataset(nq, drop_prefix=PREFIX, progress=read.append)
    assert names(store) == sorted([OTHER, G2, URIRef(PREFIX + "three")])
    assert rows(store, f"SELECT ?o WHERE {{ <{C}> <{P}> ?o }}") == [(Literal('quoted "text"\n'),)]
    assert sum(read) == nq.stat().st_size


@pytest.mark.parametrize(
    ("sparql", "line"),
    [
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTR (?o)\n}", 3),
        ("SELECT * WHERE { ?s ?p ?o } LIMT 3", 1),
    ],
)
def test_syntax_error_names_line_and_column(store: Store, sparql: str, line: int) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        store.query(sparql)
    where = info.value.where
    assert where is not None and where.line == line and where.col is not None


def test_native_serializer_round_trips(store: Store) -> None:
    import json

    result = store.query(f"SELECT ?o WHERE {{ <{B}> <{Q}> ?o }}")
    if result.serializer is None:
        assert not store.capabilities.native_serialization
        return
    doc = json.loads(result.serializer("json"))
    assert doc["results"]["bindings"][0]["o"]["value"] == "3"


def test_query_whose_comments_mention_update_words_is_still_a_query(store: Store) -> None:
    sparql = (
        f"# rows are never dropped; nothing is DELETEd or INSERTed\nASK {{ <{A}> <{P}> <{B}> }}"
    )
    assert store.query(sparql).boolean is True


def test_graph_sizes_count_every_graph_in_one_query(store: Store) -> None:
    sizes = {g: n for g, n in graph_sizes(store).items() if g in (G1, G2)}
    assert sizes == {G1: 2, G2: 2}
    if union_is_a_set(store):
        store.replace_graphs({G2: [(B, P, C, G2), (A, P, B, G2)]})
        mine = default_graph_size(store) - BASELINE_DEFAULT.get(id(store), 0)
        assert mine == 3  # A P B, A P "label", B P C: A P B once though two graphs hold it
