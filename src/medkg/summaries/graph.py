"""The summary of an entity's claims as triples of its document::

    <entity> medkg:claimSummary <doc#summary> .
    <doc#summary> a medkg:ClaimSummary ; medkg:claimCount 1234 ; medkg:tally <doc#tally-1> .
    <doc#tally-1> a medkg:Tally ; medkg:dimension rdf:predicate ; medkg:tallyOf RO:0002200 ;
        medkg:claimGroup medkg:NegatedClaims ; medkg:claimCount 12 .

A tally with no ``dimension`` counts a whole group; one with a dimension and no ``tallyOf``
counts the claims with no value for it (no role); source tallies list the most frequent.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from medkg.summaries.index import Tally
from medkg.vocab import MEDKG

DIMENSIONS = {"predicate": RDF.predicate, "role": MEDKG.role, "source": MEDKG.source}
GROUPS = {
    "affirmedClaims": MEDKG.AffirmedClaims,
    "negatedClaims": MEDKG.NegatedClaims,
    "hypotheses": MEDKG.Hypotheses,
}


def summary_graph(entity: URIRef, document: URIRef, tallies: Iterable[Tally], total: int) -> Graph:
    """The summary triples of ``entity`` (nodes named under its ``document``'s IRI)."""
    g = Graph()
    node = URIRef(f"{document}#summary")
    g.add((entity, MEDKG.claimSummary, node))
    g.add((node, RDF.type, MEDKG.ClaimSummary))
    g.add((node, MEDKG.claimCount, Literal(total)))
    for number, tally in enumerate(tallies, 1):
        item = URIRef(f"{document}#tally-{number:04d}")
        g.add((node, MEDKG.tally, item))
        g.add((item, RDF.type, MEDKG.Tally))
        g.add((item, MEDKG.claimCount, Literal(tally.count)))
        if tally.group is not None:
            g.add((item, MEDKG.claimGroup, GROUPS[tally.group]))
        if tally.dim in DIMENSIONS:
            g.add((item, MEDKG.dimension, DIMENSIONS[tally.dim]))
            if tally.value:
                g.add((item, MEDKG.tallyOf, URIRef(tally.value)))
    return g
