"""Encode a curated source (DESIGN section 2, "Curated sources") as quads, row by row.

The source graph ``graph/source/<id>`` holds the ``medkg:Source`` node, each claim once (the first
row that states it), each row as an evidence, each reference once, and the disease names the
source gives. A claim's affirmed triple goes to the truthy graph; a denied one never does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cache

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from medkg.model import Claim, Source, SourceEvidence
from medkg.rdf.encode import MODALITY, STATUS, Quad
from medkg.vocab import CITO, MEDKG, PAV, Minter, to_iri

# the terms every row repeats, made once (rdflib's Namespace lookups and term constructors are
# most of the encoding time at 270k rows)
EVIDENCE, SOURCE, SOURCE_LINE, EVIDENCE_CODE = (
    MEDKG.evidence,
    MEDKG.source,
    MEDKG.sourceLine,
    MEDKG.evidenceCode,
)
CURATION_STATUS, CURATED_BY, CURATED_ON = MEDKG.curationStatus, MEDKG.curatedBy, MEDKG.curatedOn
CITES, EVIDENCE_CLASS, REFERENCE_CLASS = CITO.citesAsEvidence, MEDKG.Evidence, MEDKG.Reference
TYPE, LABEL, SEE_ALSO, IDENTIFIER = RDF.type, RDFS.label, RDFS.seeAlso, DCTERMS.identifier
SUBJECT, PREDICATE, OBJECT = RDF.subject, RDF.predicate, RDF.object
TRUE, FALSE = Literal(True), Literal(False)
_M = {
    name: MEDKG[name]
    for name in [
        "Claim",
        "negated",
        "modality",
        "frequency",
        "frequencyCount",
        "frequencyTotal",
        "frequencyPercent",
        "onset",
        "sex",
        "modifier",
    ]
}
term = cache(to_iri)


@cache
def _date(day: date) -> Literal:
    return Literal(day, datatype=XSD.date)


@cache
def _text(value: str) -> Literal:
    return Literal(value)


@cache
def _integer(value: int) -> Literal:
    return Literal(value)


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
            yield term(claim.subject), LABEL, Literal(subject_name), g
        key = claim.key
        c = self.mint.claim(key)
        if key not in self.claims:
            self.claims.add(key)
            yield from iter_source_claim_quads(claim, c, g)
            # the negation and draft rules: only an affirmed, asserted claim a curator vouches for
            if not claim.negated and claim.modality == "asserted" and evidence.status == "approved":
                s, p, o = term(claim.subject), term(claim.predicate), term(claim.object)
                yield s, p, o, self.truthy
        e = self.mint.evidence(evidence.key)
        yield c, EVIDENCE, e, g
        yield e, TYPE, EVIDENCE_CLASS, g
        yield e, SOURCE, self.node, g
        yield e, SOURCE_LINE, Literal(evidence.line), g
        yield e, EVIDENCE_CODE, term(evidence.evidence_code), g
        yield e, CURATION_STATUS, STATUS[evidence.status], g
        for cur in evidence.curations:
            yield e, CURATED_BY, _text(cur.curator), g
            if cur.on:
                yield e, CURATED_ON, _date(cur.on), g
        for ref in evidence.references:
            r = self.mint.cited(ref.identifier)
            yield e, CITES, r, g
            if ref.identifier not in self.references:
                self.references.add(ref.identifier)
                yield r, TYPE, REFERENCE_CLASS, g
                yield r, IDENTIFIER, Literal(ref.identifier), g
                yield r, SEE_ALSO, URIRef(ref.iri), g


def iter_source_claim_quads(claim: Claim, c: URIRef, g: URIRef) -> Iterator[Quad]:
    """A claim of a curated source with its qualifiers (the article's are in ``encode``)."""
    yield c, TYPE, _M["Claim"], g
    yield c, SUBJECT, term(claim.subject), g
    yield c, PREDICATE, term(claim.predicate), g
    yield c, OBJECT, term(claim.object), g
    yield c, _M["negated"], TRUE if claim.negated else FALSE, g
    yield c, _M["modality"], MODALITY[claim.modality], g
    yield c, CURATION_STATUS, STATUS["approved"], g
    q = claim.qualifiers
    if q.frequency_term:
        yield c, _M["frequency"], term(q.frequency_term), g
    if q.frequency_count is not None:
        yield c, _M["frequencyCount"], _integer(q.frequency_count), g
    if q.frequency_total is not None:
        yield c, _M["frequencyTotal"], _integer(q.frequency_total), g
    if q.frequency_percent is not None:
        yield c, _M["frequencyPercent"], Literal(q.frequency_percent, datatype=XSD.decimal), g
    if q.onset:
        yield c, _M["onset"], term(q.onset), g
    if q.sex:
        yield c, _M["sex"], term(q.sex), g
    for m in q.modifiers:
        yield c, _M["modifier"], term(m), g


def iter_term_quads(
    term_id: str, name: str, parents: tuple[str, ...], mint: Minter
) -> Iterator[Quad]:
    """An ontology term of a curated source's release (an HP term from ``hp.obo``): its type,
    label and parents, in the ontology graph, as the release has them."""
    g = mint.graph("ontology")
    t = term(term_id)
    yield t, TYPE, OWL.Class, g
    if name:
        yield t, LABEL, Literal(name, lang="en"), g
    for parent in parents:
        yield t, RDFS.subClassOf, term(parent), g
