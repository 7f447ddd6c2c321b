"""The inferred graph: hierarchy closure and inherited types, visible without property paths."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from medkg.reasoning import iter_inferred_quads
from medkg.store import Store
from medkg.vocab import Minter, curie_to_iri

INFERRED = Minter().graph("inferred")


def ask(store: Store, query: str) -> bool:
    return bool(store.query(query).boolean)


def test_als_is_a_neurodegenerative_disease_without_property_paths(built_store: Store) -> None:
    als, nd = curie_to_iri("MONDO:0004976").n3(), curie_to_iri("MONDO:0005559").n3()
    sub = RDFS.subClassOf.n3()
    assert ask(built_store, f"ASK {{ {als} {sub} {nd} }}")
    assert ask(built_store, f"ASK {{ GRAPH {INFERRED.n3()} {{ {als} {sub} {nd} }} }}")


def test_claims_are_inferred_to_be_statements(built_store: Store) -> None:
    rows = built_store.query(
        f"""SELECT (COUNT(?c) AS ?n) WHERE {{
            ?c a <https://w3id.org/medkg/Claim> .
            GRAPH {INFERRED.n3()} {{ ?c a {RDF.Statement.n3()} }} }}"""
    ).to_dicts()
    assert int(rows[0]["n"]) > 0


def test_inferred_graph_never_restates_or_breaks_the_negation_rule(built_store: Store) -> None:
    als, dd = curie_to_iri("MONDO:0004976").n3(), curie_to_iri("MONDO:0002562").n3()
    assert not ask(built_store, f"ASK {{ {als} {RDFS.subClassOf.n3()} {dd} }}")
    assert not ask(
        built_store,
        f"""ASK {{ GRAPH {INFERRED.n3()} {{ ?s ?p ?o }}
                  GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {INFERRED.n3()}) }}""",
    )


def test_closure_is_transitive_and_types_inherit() -> None:
    a, b, c, x = (URIRef(f"urn:test:{n}") for n in "abcx")
    g = Graph()
    g.add((a, RDFS.subClassOf, b))
    g.add((b, RDFS.subClassOf, c))
    g.add((x, RDF.type, a))
    out = {q[:3] for q in iter_inferred_quads(g, INFERRED)}
    assert out == {(a, RDFS.subClassOf, c), (x, RDF.type, b), (x, RDF.type, c)}
