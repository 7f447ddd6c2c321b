"""SHACL: run ``ontology/shapes.ttl`` with pySHACL over the built graphs, report in curator terms.

Each violation points at the YAML entry its focus node was built from (a claim, its evidence,
the article or a reference), not at a minted IRI.
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from medkg.errors import Location
from medkg.report import ERROR, WARNING, Problem
from medkg.store.rdflib_sparql import PARSER_LOCK
from medkg.vocab import iri_to_curie


def run_shapes(shapes: Graph, data: Graph, focus: Sequence[str | URIRef] | None = None) -> Graph:
    """pySHACL's results graph (no inference: the build already materialised what it entails);
    with ``focus``, only those nodes are checked, against the shapes that target them."""
    from pyshacl import validate

    with PARSER_LOCK:  # the shapes' SPARQL constraints go through rdflib's parser
        _conforms, results, _text = validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            focus_nodes=list(focus) if focus is not None else None,
        )
    assert isinstance(results, Graph)
    return results


def check_shapes(
    shapes: Graph,
    data: Graph,
    places: dict[URIRef, Location],
) -> list[Problem]:
    """One problem per SHACL result, located at the curated entry of its focus node."""
    return shape_problems(run_shapes(shapes, data), places)


def shape_problems(results: Graph, places: dict[URIRef, Location]) -> list[Problem]:
    """One problem per result of a SHACL results graph."""
    problems = []
    for r in results.subjects(SH.resultSeverity, None):
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        message = str(results.value(r, SH.resultMessage) or "violates a shape")
        severity = results.value(r, SH.resultSeverity)
        shape = results.value(r, SH.sourceShape)
        what = f"{iri_to_curie(str(path))}: " if isinstance(path, URIRef) else ""
        problems.append(
            Problem(
                "shacl",
                ERROR if severity == SH.Violation else WARNING,
                f"{node_name(focus)}: {what}{message}",
                locate(focus, places),
                f"see shape {iri_to_curie(str(shape))} in ontology/shapes.ttl"
                if isinstance(shape, URIRef)
                else "see ontology/shapes.ttl",
            )
        )
    return problems


def node_name(node: Node | None) -> str:
    return iri_to_curie(str(node)) if isinstance(node, URIRef) else str(node)


def locate(node: Node | None, places: dict[URIRef, Location]) -> Location | None:
    """The curated place of a node, or of the node its fragment IRI belongs to."""
    if not isinstance(node, URIRef):
        return None
    return places.get(node) or places.get(URIRef(str(node).split("#", 1)[0]))
