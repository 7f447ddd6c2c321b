"""One article's claims as nanopublications: per claim a head, assertion, provenance and pubinfo
graph (https://nanopub.net/guidelines/working_draft/).

The assertion is the reified claim (subject, predicate, object, polarity, modality, qualifiers),
never a bare ``s p o`` triple: a negated claim stays negated. The provenance is the evidence this
article gives (quote selectors, cited references); the pubinfo names the article and the dataset.
Nanopublication IRIs are ``<base>np/<article-id>/<claim-key>`` with ``#Head``, ``#assertion``,
``#provenance`` and ``#pubinfo`` graphs; they are not signed (no trusty URIs).
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from medkg.documents import Documents, EntityNotFound, segment
from medkg.rdf import jsonld
from medkg.store.base import Store
from medkg.vocab import CITO, MEDKG, NP, OA, PROV

PARTS = ("Head", "assertion", "provenance", "pubinfo")


def nanopub_iri(base: str, article_id: str, claim_key: str) -> URIRef:
    return URIRef(f"{base}np/{article_id}/{claim_key}")


def article_nanopubs(store: Store, base: str, article_id: str) -> Dataset:
    """Every claim the article states, one nanopublication each, in one Dataset."""
    article_id = segment(article_id)
    docs = Documents(store, base)
    source = docs.mint.source_graph(article_id)
    article = docs.mint.article(article_id)
    rows = docs.select(
        f"SELECT DISTINCT ?c WHERE {{ GRAPH {source.n3()} {{ ?c a medkg:Claim }} }} ORDER BY ?c"
    )
    if not rows:
        raise EntityNotFound(f"no article {article_id!r} with claims", hint="see /sparql")
    claims = [URIRef(str(r["c"])) for r in rows]
    g = docs.claims_graph(claims, graphs=[source])
    title = docs.construct(
        f"CONSTRUCT {{ {article.n3()} dcterms:title ?t }} WHERE "
        f"{{ {article.n3()} dcterms:title ?t }}"
    )
    dataset = URIRef(f"{docs.base}dataset")
    ds = Dataset()
    for prefix, ns in jsonld.prefixes(docs.base).items():
        ds.bind(prefix, ns, override=True, replace=True)
    for claim in claims:
        np = nanopub_iri(docs.base, article_id, str(claim).rsplit("/", 1)[1])
        head, assertion, provenance, pubinfo = (URIRef(f"{np}#{part}") for part in PARTS)
        h = ds.graph(head)
        h.add((np, RDF.type, NP.Nanopublication))
        h.add((np, NP.hasAssertion, assertion))
        h.add((np, NP.hasProvenance, provenance))
        h.add((np, NP.hasPublicationInfo, pubinfo))
        a = ds.graph(assertion)
        for _, p, o in g.triples((claim, None, None)):
            if p != MEDKG.evidence:
                a.add((claim, p, o))
        pg = ds.graph(provenance)
        for ev in g.objects(claim, MEDKG.evidence):
            pg.add((assertion, PROV.wasDerivedFrom, ev))
            pg.add((claim, MEDKG.evidence, ev))
            for node in _evidence_nodes(g, ev):
                for t in g.triples((node, None, None)):
                    pg.add(t)
        i = ds.graph(pubinfo)
        i.add((np, PROV.wasDerivedFrom, article))
        for t in title:
            i.add(t)
        i.add((np, DCTERMS.isPartOf, dataset))
    return ds


def _evidence_nodes(g: Graph, ev: Node) -> list[Node]:
    """The evidence node, its target, selectors and the references it cites."""
    nodes: list[Node] = [ev]
    for target in g.objects(ev, OA.hasTarget):
        nodes.append(target)
        nodes += list(g.objects(target, OA.hasSelector))
    nodes += list(g.objects(ev, CITO.citesAsEvidence))
    return nodes
