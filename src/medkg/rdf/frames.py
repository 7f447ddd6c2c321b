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
from medkg.rdf.framing import Framer
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
SUMMARY: dict[str, Any] = {
    "@embed": "@always",
    "tally": {"@embed": "@always", **{k: NEVER for k in ("dimension", "tallyOf", "claimGroup")}},
}
EMBEDDED_TYPES = (
    MEDKG.ClaimSummary,
    MEDKG.Tally,
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
    framer = Framer()  # one per document: it remembers what it compacted
    claims = set(graph.subjects(RDF.type, MEDKG.Claim))
    typed = [str(c) for c in claims]  # the claims frame matches them all
    if kind == "claim":
        shape = {**CLAIM, "@id": str(root)}
    elif kind == "evidence":
        shape = {**EVIDENCE, "@id": str(root)}
        del shape["@type"]
    elif kind == "article":
        shape = {**ARTICLE, "@id": str(root)}
    else:
        shape = {"@id": str(root), "@embed": "@never", "view": VIEW, "claimSummary": SUMMARY}
    found = jsonld.frame(expanded.reachable([str(root)]), shape, base, framer)
    if kind == "contradiction":  # members are placed below, with their evidence
        claims = {c for c in claims if (root, MEDKG.member, c) in graph}
    doc: dict[str, Any] = {"@context": jsonld.context(base), **(found[0] if found else {})}
    doc.pop("@id", None)
    doc = {"@context": doc.pop("@context"), "@id": _compact_id(found, root), **doc}
    listed = {root} | embedded_nodes(graph)
    if kind != "claim" and claims:
        listed |= {c for c in claims if isinstance(c, URIRef)}
        with_evidence = kind in ("entity", "contradiction")
        shape = CLAIM if with_evidence else {**CLAIM, **_no_ev()}
        framed = jsonld.frame(expanded.reachable(typed), shape, base, framer)
        _place_claims(doc, framed, kind, claim_groups or {}, graph, root)
    for key, by in (("reference", "referenceNumber"), ("section", "position")):
        if isinstance(doc.get(key), list):  # reading order, not IRI order ("-10" before "-2")
            doc[key].sort(key=lambda n: n.get(by, 0) if isinstance(n, dict) else 0)
    others = sorted(str(s) for s in set(graph.subjects()) - listed if isinstance(s, URIRef))
    if others:
        shape = {"@id": others, "@embed": "@never"}
        included = jsonld.frame(expanded.only(others), shape, base, framer)
        included = [n for n in included if not _fold_reverse(doc, n)]
        if included:
            doc["@included"] = included
    return doc


#: forward term -> the reverse term a node pointing at the root is listed under
REVERSE_OF = {
    "source": "quotedBy",
    "citesAsEvidence": "citedBy",
    "reference": "referencedBy",
    "member": "contradictionGroup",
}


def _fold_reverse(doc: dict[str, Any], node: dict[str, Any]) -> bool:
    """List a node that points at the root under the reverse term (``quotedBy``, ``citedBy``…)
    instead of ``@included``: the same triples, read from the root's side. True if moved."""
    for term, reverse in REVERSE_OF.items():
        values = node.get(term)
        listed = values if isinstance(values, list) else [values]
        if doc["@id"] not in listed:
            continue
        rest = [v for v in listed if v != doc["@id"]]
        node = {k: v for k, v in node.items() if k != term}
        if rest:
            node[term] = rest if isinstance(values, list) else rest[0]
        doc.setdefault(reverse, []).append(node if len(node) > 1 else node["@id"])
        return True
    return False


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
    if kind == "contradiction":
        doc["member"] = framed  # the same claims as the IRIs it listed, now with their evidence
        return
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
