"""OWL consistency in curator terms: HermiT decides, the told hierarchy explains.

HermiT (``reasoning.check_consistency``) says which classes are unsatisfiable; this module finds
the chains of ``rdfs:subClassOf`` (ontology lines and claims) that lead such a class into two
disjoint classes and reports them by label with file:line, instead of a reasoner dump.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from medkg.errors import Location
from medkg.model import Claim
from medkg.rdf.ontology import term_lines
from medkg.reasoning import Clash, Edge, check_consistency, claim_axioms, disjoint_pairs, explain
from medkg.report import ERROR, Problem
from medkg.vocab import iri_to_curie


def label_of(ontology: Graph, iri: URIRef) -> str:
    """``label (CURIE)`` for a curator, or the CURIE when the term has no label."""
    curie = iri_to_curie(str(iri))
    label = ontology.value(iri, RDFS.label)
    return f"{label} ({curie})" if label else curie


def told_edges(ontology_files: dict[Path, Graph], claims: list[Claim]) -> dict[URIRef, list[Edge]]:
    """Every told subClassOf edge, each with where it is written (ontology line or claim)."""
    edges: dict[URIRef, list[Edge]] = {}
    for path, graph in ontology_files.items():
        lines = term_lines(path)
        for s, o in graph.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                edges.setdefault(s, []).append(Edge(s, o, Location(str(path), lines.get(s))))
    for s, o, claim in claim_axioms(claims):
        edges.setdefault(s, []).append(Edge(s, o, claim))
    return edges


def disjointness(ontology_files: dict[Path, Graph]) -> list[tuple[URIRef, URIRef, object]]:
    pairs: list[tuple[URIRef, URIRef, object]] = []
    for path, graph in ontology_files.items():
        lines = term_lines(path)
        for a, b, node in disjoint_pairs(graph):
            start = lines.get(node) if isinstance(node, URIRef) else lines.get(a)
            pairs.append((a, b, Location(str(path), line_with(path, start, "disjoint"))))
    return pairs


def line_with(path: Path, start: int | None, needle: str) -> int | None:
    """The first line from ``start`` on that mentions ``needle`` (else ``start``)."""
    if start is None:
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((n for n in range(start, len(lines) + 1) if needle in lines[n - 1]), start)


def check_owl(
    ontology_files: dict[Path, Graph], ontology: Graph, claims: list[Claim]
) -> Iterator[Problem]:
    """HermiT over the ontology plus the claims' class axioms; clashes explained by label."""
    result = check_consistency(ontology, claims)
    if not result.consistent:
        yield Problem(
            "owl",
            ERROR,
            "HermiT finds the ontology inconsistent (no model satisfies ontology/ plus the "
            "asserted class axioms of the claims)",
            None,
            "look for an individual typed with disjoint classes in ontology/",
        )
        return
    edges = told_edges(ontology_files, claims)
    unsat = set(result.unsatisfiable)
    pairs = disjointness(ontology_files)
    for cls in result.unsatisfiable:
        if any(e.sup in unsat for e in edges.get(cls, [])):
            continue  # unsatisfiable only because a superclass is: report the root cause
        clash = explain(cls, edges, pairs)
        yield owl_problem(ontology, cls, clash)


def owl_problem(ontology: Graph, cls: URIRef, clash: Clash | None) -> Problem:
    """An unsatisfiable class, told as the claims and axioms that make it so."""

    def label(iri: URIRef) -> str:
        return label_of(ontology, iri)

    name = label(cls)
    if clash is None:
        return Problem(
            "owl",
            ERROR,
            f"HermiT finds {name} unsatisfiable (it can have no instances)",
            None,
            "check the axioms about it in ontology/ and the rdfs:subClassOf claims about it",
        )
    a, b = clash.first[-1].sup, clash.second[-1].sup
    steps: list[str] = []
    where: Location | None = None
    for e in dict.fromkeys([*clash.first, *clash.second]):
        text = f"{label(e.sub)} subClassOf {label(e.sup)}"
        if isinstance(e.origin, Claim):
            ev = e.origin.evidence[0]
            where = where or ev.where
            steps.append(f"{ev.where}: claim {ev.handle!r}: {text} ({ev.quote.exact!r})")
        else:
            steps.append(f"{e.origin}: axiom: {text}")
    steps.append(f"{clash.disjointness}: axiom: {label(a)} disjointWith {label(b)}")
    return Problem(
        "owl",
        ERROR,
        f"the ontology becomes inconsistent: {name} would be both {label(a)} and "
        f"{label(b)}, which are disjoint",
        where or (clash.disjointness if isinstance(clash.disjointness, Location) else None),
        "negate or drop the claim, or fix the axioms listed above",
        tuple(steps),
    )
