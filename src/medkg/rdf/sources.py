"""Encode a curated source (DESIGN section 2, "Curated sources") as quads, row by row.

The source graph ``graph/source/<id>`` holds the ``medkg:Source`` node, each claim once (the first
row that states it), each row as an evidence, each reference once, and the disease names the
source gives. A claim's affirmed triple goes to the truthy graph; a denied one never does.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from medkg.model import Claim, Source, SourceEvidence
from medkg.rdf.encode import MODALITY, STATUS, Quad
from medkg.vocab import CITO, MEDKG, PAV, Minter, to_iri


def iter_source_node_quads(source: Source, mint: Minter) -> Iterator[Quad]:
    """The ``medkg:Source`` node: title, release, licence, attribution, the file's hash."""
    g, s = mint.source_graph(source.id), mint.source(source.id)
    yield s, RDF.type, MEDKG.Source, g
    yield s, DCTERMS.title, Literal(source.title), g
    yield s, PAV.version, Literal(source.release), g
    yield s, DCTERMS.license, URIRef(source.license), g
    yield s, MEDKG.attribution, Literal(source.attribution), g
    yield s, MEDKG.contentSha256, Literal(source.sha256), g


class SourceEncoder:
    """Quads of one source's rows; remembers which claims, references and names it wrote."""

    def __init__(self, source: Source, mint: Minter):
        self.mint = mint
        self.g = mint.source_graph(source.id)
        self.node = mint.source(source.id)
        self.truthy = mint.graph("truthy")
        self.claims: set[str] = set()
        self.references: set[str] = set()
        self.named: set[str] = set()

    def iter_row_quads(
        self, claim: Claim, evidence: SourceEvidence, subject_name: str | None = None
    ) -> Iterator[Quad]:
        """The quads one row adds: its claim and truthy triple if new, its evidence, its
        references if new, the subject's name if new."""
        g = self.g
        if subject_name and claim.subject not in self.named:
            self.named.add(claim.subject)
            yield to_iri(claim.subject), RDFS.label, Literal(subject_name), g
        c = self.mint.claim(claim.key)
        if claim.key not in self.claims:
            self.claims.add(claim.key)
            yield from iter_source_claim_quads(claim, c, g)
            # the negation and draft rules: only an affirmed, asserted claim a curator vouches for
            if not claim.negated and claim.modality == "asserted" and evidence.status == "approved":
                s, p, o = to_iri(claim.subject), to_iri(claim.predicate), to_iri(claim.object)
                yield s, p, o, self.truthy
        e = self.mint.evidence(evidence.key)
        yield c, MEDKG.evidence, e, g
        yield e, RDF.type, MEDKG.Evidence, g
        yield e, MEDKG.source, self.node, g
        yield e, MEDKG.sourceLine, Literal(evidence.line), g
        yield e, MEDKG.evidenceCode, to_iri(evidence.evidence_code), g
        yield e, MEDKG.curationStatus, STATUS[evidence.status], g
        for cur in evidence.curations:
            yield e, MEDKG.curatedBy, Literal(cur.curator), g
            if cur.on:
                yield e, MEDKG.curatedOn, Literal(cur.on, datatype=XSD.date), g
        for ref in evidence.references:
            r = self.mint.cited(ref.identifier)
            yield e, CITO.citesAsEvidence, r, g
            if ref.identifier not in self.references:
                self.references.add(ref.identifier)
                yield r, RDF.type, MEDKG.Reference, g
                yield r, DCTERMS.identifier, Literal(ref.identifier), g
                yield r, RDFS.seeAlso, URIRef(ref.iri), g


def iter_source_claim_quads(claim: Claim, c: URIRef, g: URIRef) -> Iterator[Quad]:
    """A claim of a curated source with its qualifiers (the article's are in ``encode``)."""
    yield c, RDF.type, MEDKG.Claim, g
    yield c, RDF.subject, to_iri(claim.subject), g
    yield c, RDF.predicate, to_iri(claim.predicate), g
    yield c, RDF.object, to_iri(claim.object), g
    yield c, MEDKG.negated, Literal(claim.negated), g
    yield c, MEDKG.modality, MODALITY[claim.modality], g
    yield c, MEDKG.curationStatus, STATUS["approved"], g
    q = claim.qualifiers
    if q.frequency_term:
        yield c, MEDKG.frequency, to_iri(q.frequency_term), g
    if q.frequency_count is not None:
        yield c, MEDKG.frequencyCount, Literal(q.frequency_count), g
    if q.frequency_total is not None:
        yield c, MEDKG.frequencyTotal, Literal(q.frequency_total), g
    if q.frequency_percent is not None:
        yield c, MEDKG.frequencyPercent, Literal(q.frequency_percent, datatype=XSD.decimal), g
    if q.onset:
        yield c, MEDKG.onset, to_iri(q.onset), g
    if q.sex:
        yield c, MEDKG.sex, to_iri(q.sex), g
    for m in q.modifiers:
        yield c, MEDKG.modifier, to_iri(m), g
