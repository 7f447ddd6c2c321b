"""Derived graphs: truthy (the negation rule) and qc (quality flags, contradiction groups).

Both are computed from the model, never hand-edited.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from medkg.model import Article, Claim, Evidence
from medkg.rdf.encode import Quad
from medkg.vocab import MEDKG, Minter, curie_to_iri


def iter_truthy_quads(claims: list[Claim], mint: Minter) -> Iterator[Quad]:
    """One bare ``s p o`` per affirmed, asserted, non-deprecated claim — and nothing else."""
    g = mint.graph("truthy")
    seen: set[tuple[str, str, str]] = set()
    for c in claims:
        spo = (c.subject, c.predicate, c.object)
        if c.is_truthy and spo not in seen:
            seen.add(spo)
            yield curie_to_iri(c.subject), curie_to_iri(c.predicate), curie_to_iri(c.object), g


def is_self_citation(article: Article, number: int) -> bool:
    """A reference from the article's own publisher (e.g. its own editorial board)."""
    ref = article.reference(number)
    if ref is None or not article.publisher:
        return False
    needle = article.publisher.lower()
    return needle in (ref.source or "").lower() or needle in ref.title.lower()


def evidence_flags(ev: Evidence, claim: Claim, article: Article) -> list[URIRef]:
    """The quality flags one piece of evidence deserves."""
    flags = []
    if any(article.reference(n) is None for n in ev.citations):
        flags.append(MEDKG.UnresolvedCitation)
    as_of = claim.qualifiers.as_of
    cited = [r for n in ev.citations if (r := article.reference(n))]
    if as_of and any(r.year and r.year < as_of for r in cited):
        flags.append(MEDKG.CitationPredatesClaimDate)
    if ev.citations and all(is_self_citation(article, n) for n in ev.citations):
        flags.append(MEDKG.SelfCitation)
    return flags


def article_flags(article: Article, claims: list[Claim]) -> list[URIRef]:
    cited = {
        n for c in claims for e in c.evidence if e.article_id == article.id for n in e.citations
    }
    flags = []
    if cited - {r.number for r in article.references}:
        flags.append(MEDKG.UnresolvedCitation)
    if {r.number for r in article.references} - cited:
        flags.append(MEDKG.UncitedReference)
    if article.modified is None:
        flags.append(MEDKG.MissingDate)
    return flags


def contradiction_key(c: Claim) -> tuple[str | None, ...]:
    """Claims contradict when this key is equal and polarity differs: same subject, predicate,
    object and context (disease, anatomy, role). ALS-secondary vs MS-primary differ in context."""
    q = c.qualifiers
    return (c.subject, c.predicate, c.object, q.disease_context, q.anatomical_context, q.role)


def contradiction_groups(claims: list[Claim]) -> list[list[Claim]]:
    """Groups of claims that hold both polarities of one proposition in one context."""
    by_key: dict[tuple[str | None, ...], list[Claim]] = defaultdict(list)
    for c in claims:
        if not all(e.status == "deprecated" for e in c.evidence):
            by_key[contradiction_key(c)].append(c)
    return [group for group in by_key.values() if len({c.negated for c in group}) > 1]


def iter_article_qc_quads(article: Article, claims: list[Claim], mint: Minter) -> Iterator[Quad]:
    """Quality flags of one article: on the article, its references and its evidence."""
    g = mint.graph("qc")
    a = mint.article(article.id)
    for flag in article_flags(article, claims):
        yield a, MEDKG.qcFlag, flag, g
    for ref in article.references:
        if is_self_citation(article, ref.number):
            yield mint.reference(article.id, ref.number), MEDKG.qcFlag, MEDKG.SelfCitation, g
    for c in claims:
        for ev in c.evidence:
            if ev.article_id == article.id:
                for flag in evidence_flags(ev, c, article):
                    yield mint.evidence(ev.key), MEDKG.qcFlag, flag, g


def iter_qc_quads(
    articles: list[tuple[Article, list[Claim]]], claims: list[Claim], mint: Minter
) -> Iterator[Quad]:
    """Quality flags on evidence, articles and references; contradiction groups."""
    g = mint.graph("qc")
    for article, article_claims in articles:
        yield from iter_article_qc_quads(article, article_claims, mint)
    for group in contradiction_groups(claims):
        keys = sorted(c.key for c in group)
        node = mint.contradiction(hashlib.sha256("|".join(keys).encode()).hexdigest()[:16])
        yield node, RDF.type, MEDKG.ContradictionGroup, g
        yield node, MEDKG["count"], Literal(len(keys)), g
        for c in group:
            yield node, MEDKG.member, mint.claim(c.key), g
            yield mint.claim(c.key), MEDKG.qcFlag, MEDKG.Contradicted, g
