"""Encode the model as quads in the named graphs of DESIGN section 2."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.graph import Graph
from rdflib.namespace import DCTERMS, RDF, XSD
from rdflib.term import Node

from medkg.model import Article, Claim, Evidence, best_status
from medkg.vocab import CITO, MEDKG, OA, Minter, curie_to_iri

Quad = tuple[Node, Node, Node, URIRef]

MODALITY = {
    "asserted": MEDKG.Asserted,
    "hypothesis": MEDKG.Hypothesis,
    "uncertain": MEDKG.Uncertain,
}
ROLE = {
    "primary": MEDKG.Primary,
    "secondary": MEDKG.Secondary,
    "first-line": MEDKG.FirstLine,
    "second-line": MEDKG.SecondLine,
}
STATUS = {
    "draft": MEDKG.Draft,
    "needs-review": MEDKG.NeedsReview,
    "approved": MEDKG.Approved,
    "deprecated": MEDKG.Deprecated,
}
#: a curation status IRI (as a string) -> its name in the model
STATUS_NAMES = {str(iri): name for name, iri in STATUS.items()}


def iter_article_quads(article: Article, claims: list[Claim], mint: Minter) -> Iterator[Quad]:
    """The source graph of one article: the article, its references, claims and evidence."""
    g = mint.source_graph(article.id)
    a = mint.article(article.id)
    yield a, RDF.type, MEDKG.Article, g
    yield a, DCTERMS.title, Literal(article.title), g
    yield a, MEDKG.contentSha256, Literal(article.sha256), g
    if article.modified:
        yield a, DCTERMS.modified, Literal(article.modified, datatype=XSD.date), g
    if article.headline:
        yield a, MEDKG.headline, Literal(article.headline), g
    if article.publisher:
        yield a, MEDKG.publisher, Literal(article.publisher), g
    for s in article.sections:
        node = mint.section(article.id, s.position)
        yield a, MEDKG.section, node, g
        yield node, RDF.type, MEDKG.Section, g
        yield node, MEDKG.heading, Literal(s.heading), g
        yield node, MEDKG.position, Literal(s.position), g
        if s.start is not None and s.end is not None:
            yield node, OA.start, Literal(s.start), g
            yield node, OA.end, Literal(s.end), g
    for r in article.references:
        ref = mint.reference(article.id, r.number)
        yield a, MEDKG.reference, ref, g
        yield ref, RDF.type, MEDKG.Reference, g
        yield ref, MEDKG.referenceNumber, Literal(r.number), g
        yield ref, MEDKG.referenceType, Literal(r.type), g
        yield ref, DCTERMS.title, Literal(r.title), g
        if r.source:
            yield ref, DCTERMS.source, Literal(r.source), g
        if r.year:
            yield ref, DCTERMS.date, Literal(str(r.year), datatype=XSD.gYear), g
        for ident in r.identifiers:
            yield ref, DCTERMS.identifier, Literal(ident), g
    for claim in claims:
        yield from iter_claim_quads(claim, article, mint, g)


def iter_claim_quads(claim: Claim, article: Article, mint: Minter, g: URIRef) -> Iterator[Quad]:
    """A claim node with its qualifiers and the evidence this article gives for it."""
    c = mint.claim(claim.key)
    yield c, RDF.type, MEDKG.Claim, g
    yield c, RDF.subject, curie_to_iri(claim.subject), g
    yield c, RDF.predicate, curie_to_iri(claim.predicate), g
    yield c, RDF.object, curie_to_iri(claim.object), g
    yield c, MEDKG.negated, Literal(claim.negated), g
    yield c, MEDKG.modality, MODALITY[claim.modality], g
    q = claim.qualifiers
    if q.role:
        yield c, MEDKG.role, ROLE[q.role], g
    if q.disease_context:
        yield c, MEDKG.diseaseContext, curie_to_iri(q.disease_context), g
    if q.anatomical_context:
        yield c, MEDKG.anatomicalContext, curie_to_iri(q.anatomical_context), g
    if q.count is not None:
        yield c, MEDKG["count"], Literal(q.count), g
    if q.as_of is not None:
        yield c, MEDKG.asOf, Literal(str(q.as_of), datatype=XSD.gYear), g
    if q.min_value is not None:
        yield c, MEDKG.minValue, Literal(q.min_value, datatype=XSD.decimal), g
    if q.max_value is not None:
        yield c, MEDKG.maxValue, Literal(q.max_value, datatype=XSD.decimal), g
    if q.unit:
        yield c, MEDKG.unit, curie_to_iri(q.unit), g
    if q.frequency:
        yield c, MEDKG.frequency, Literal(q.frequency), g
    here = [ev for ev in claim.evidence if ev.article_id == article.id]
    # the best status of its evidence in this source; over the union, Approved wins
    yield c, MEDKG.curationStatus, STATUS[best_status(ev.status for ev in here)], g
    for ev in here:
        yield c, MEDKG.evidence, mint.evidence(ev.key), g
        yield from iter_evidence_quads(ev, article, mint, g)


def iter_evidence_quads(ev: Evidence, article: Article, mint: Minter, g: URIRef) -> Iterator[Quad]:
    e = mint.evidence(ev.key)
    yield e, RDF.type, MEDKG.Evidence, g
    yield e, RDF.type, OA.Annotation, g
    yield e, MEDKG.source, mint.article(article.id), g
    if ev.handle:
        yield e, MEDKG.curatorHandle, Literal(ev.handle), g
    target, text_sel, pos_sel = (
        URIRef(f"{e}#target"),
        URIRef(f"{e}#quote"),
        URIRef(f"{e}#position"),
    )
    yield e, OA.hasTarget, target, g
    yield target, OA.hasSource, mint.article(article.id), g
    yield target, OA.hasSelector, text_sel, g
    yield target, OA.hasSelector, pos_sel, g
    yield text_sel, RDF.type, OA.TextQuoteSelector, g
    yield text_sel, OA.exact, Literal(ev.quote.exact), g
    yield text_sel, OA.prefix, Literal(ev.quote.prefix), g
    yield text_sel, OA.suffix, Literal(ev.quote.suffix), g
    yield pos_sel, RDF.type, OA.TextPositionSelector, g
    yield pos_sel, OA.start, Literal(ev.quote.start), g
    yield pos_sel, OA.end, Literal(ev.quote.end), g
    for n in ev.citations:
        yield e, MEDKG.citationNumber, Literal(n), g
        if article.reference(n):
            yield e, CITO.citesAsEvidence, mint.reference(article.id, n), g
    yield e, MEDKG.evidenceCode, curie_to_iri(ev.evidence_code), g
    yield e, MEDKG.curationStatus, STATUS[ev.status], g
    if ev.reason:
        yield e, MEDKG.reason, Literal(ev.reason), g
    if ev.reviewed_by:
        yield e, MEDKG.reviewedBy, Literal(ev.reviewed_by), g
    if ev.reviewed_on:
        yield e, MEDKG.reviewedOn, Literal(ev.reviewed_on, datatype=XSD.date), g


def iter_graph_quads(graph: Graph, g: URIRef) -> Iterator[Quad]:
    """Put every triple of an rdflib Graph into the named graph ``g``."""
    for s, p, o in graph:
        yield s, p, o, g
