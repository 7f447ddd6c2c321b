"""JSON-LD frames of the linked-data documents, and how a document is assembled from them.

A frame call gives the matched nodes with their sub-nodes embedded; a document is its root node,
its claims put under ``@nest`` group keys and reverse-link terms, and every other node that
carries a triple (a term's label, an article's title) under ``@included``. Nothing is dropped:
tests expand each document with pyld and compare it with the graph it came from.
"""

from __future__ import annotations

from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from medkg.rdf import jsonld
from medkg.vocab import MEDKG, OA

NEVER: dict[str, Any] = {"@embed": "@never"}
REFERENCE: dict[str, Any] = {"@type": "Reference", "@embed": "@always", "qcFlag": NEVER}
EVIDENCE: dict[str, Any] = {
    "@type": "Evidence",
    "@embed": "@always",
    "source": NEVER,
    "evidenceCode": NEVER,
    "curationStatus": NEVER,
    "qcFlag": NEVER,
    "target": {"@embed": "@always", "hasSource": NEVER, "selector": {"@embed": "@always"}},
    "citesAsEvidence": REFERENCE,
}
CLAIM: dict[str, Any] = {"@type": "Claim", "@embed": "@never", "evidence": EVIDENCE}
ARTICLE: dict[str, Any] = {
    "@embed": "@never",
    "section": {"@embed": "@always"},
    "reference": REFERENCE,
}
VIEW: dict[str, Any] = {
    "@embed": "@always",
    **{k: NEVER for k in ("first", "previous", "next", "last")},
}
EMBEDDED_TYPES = (
    MEDKG.Evidence,
    MEDKG.Reference,
    MEDKG.Section,
    OA.TextQuoteSelector,
    OA.TextPositionSelector,
)


def embedded_nodes(graph: Graph) -> set[URIRef]:
    """Nodes that frames embed inside others (never listed on their own)."""
    out = {s for t in EMBEDDED_TYPES for s in graph.subjects(RDF.type, t)}
    out |= set(graph.objects(None, OA.hasTarget))
    out |= set(graph.objects(None, URIRef(jsonld.HYDRA + "view")))
    return {n for n in out if isinstance(n, URIRef)}


def assemble(
    graph: Graph,
    root: URIRef,
    kind: str,
    base: str,
    claim_groups: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The framed document of ``root`` (of ``kind``) holding every triple of ``graph``."""
    expanded = jsonld.to_expanded(graph)
    claims = set(graph.subjects(RDF.type, MEDKG.Claim))
    if kind == "claim":
        shape = {**CLAIM, "@id": str(root)}
    elif kind == "evidence":
        shape = {**EVIDENCE, "@id": str(root)}
        del shape["@type"]
    elif kind == "article":
        shape = {**ARTICLE, "@id": str(root)}
    else:
        shape = {"@id": str(root), "@embed": "@never", "view": VIEW}
    found = jsonld.frame(expanded, shape, base)
    doc: dict[str, Any] = {"@context": jsonld.context(base), **(found[0] if found else {})}
    doc.pop("@id", None)
    doc = {"@context": doc.pop("@context"), "@id": _compact_id(found, root), **doc}
    listed = {root} | embedded_nodes(graph)
    if kind != "claim" and claims:
        listed |= {c for c in claims if isinstance(c, URIRef)}
        framed = jsonld.frame(expanded, CLAIM if kind == "entity" else {**CLAIM, **_no_ev()}, base)
        _place_claims(doc, framed, kind, claim_groups or {}, graph, root)
    others = sorted(str(s) for s in set(graph.subjects()) - listed if isinstance(s, URIRef))
    if others:
        doc["@included"] = jsonld.frame(expanded, {"@id": others, "@embed": "@never"}, base)
    return doc


def _no_ev() -> dict[str, Any]:
    return {"evidence": NEVER}


def _compact_id(found: list[dict[str, Any]], root: URIRef) -> str:
    return str(found[0]["@id"]) if found else str(root)


def _place_claims(
    doc: dict[str, Any],
    framed: list[dict[str, Any]],
    kind: str,
    groups: dict[str, str],
    graph: Graph,
    root: URIRef,
) -> None:
    """Entity documents group claims (affirmed, negated, hypotheses) and by direction."""
    if kind != "entity":
        doc["evidenceFor"] = framed
        return
    by_id = {str(c): c for c in graph.subjects(RDF.type, MEDKG.Claim)}
    for key in jsonld.NEST_KEYS:
        doc[key] = {"claimsAsSubject": [], "claimsAsObject": []}
    for claim in sorted(framed, key=lambda c: _claim_order(c)):
        iri = _expand(claim["@id"], doc["@context"])
        node = by_id.get(iri)
        group = groups.get(iri, "affirmedClaims")
        direction = (
            "claimsAsSubject" if node and (node, RDF.subject, root) in graph else "claimsAsObject"
        )
        doc[group][direction].append(claim)


def _claim_order(claim: dict[str, Any]) -> tuple[str, str, str]:
    return (str(claim.get("predicate")), str(claim.get("object")), str(claim.get("@id")))


def _expand(compact_iri: str, ctx: dict[str, Any]) -> str:
    prefix, sep, rest = compact_iri.partition(":")
    ns = ctx.get(prefix)
    if sep and isinstance(ns, str) and not rest.startswith("//"):
        return ns + rest
    if sep and isinstance(ns, dict) and "@id" in ns and not rest.startswith("//"):
        return str(ns["@id"]) + rest
    return compact_iri
