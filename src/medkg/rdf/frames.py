"""JSON-LD frames of the linked-data documents, and how a document is assembled from them.

A frame call gives the matched nodes with their sub-nodes embedded; a document is its root node,
its claims put under ``@nest`` group keys and reverse-link terms, and every other node that
carries a triple (a term's label, an article's title) under ``@included``. Nothing is dropped:
tests expand each document with pyld and compare it with the graph it came from. ``build``
reads a ``Source``: ``Triples`` framed by the direct writer (``medkg.rdf.writer``), or an
rdflib graph framed by pyld (``GraphSource``, for what the writer does not write).
"""

from __future__ import annotations

from typing import Any, Protocol

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from medkg.rdf import framing, jsonld
from medkg.rdf.framing import Framer
from medkg.vocab import MEDKG, OA

RDF_TYPE = str(RDF.type)
RDF_SUBJECT = str(RDF.subject)
CLAIM_TYPE = str(MEDKG.Claim)
MEMBER = str(MEDKG.member)

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


class Source(Protocol):
    """What assembling a document reads of its triples (IRIs as plain strings), and how it
    frames them: with pyld over an rdflib graph (``GraphSource``) or directly from
    ``Triples`` (``medkg.rdf.writer.TriplesSource``)."""

    base: str  # IRIs are minted under it (the context's ``data:`` prefix)

    def subjects(self, p: str | None = None, o: str | None = None) -> set[str]: ...

    def objects(self, p: str) -> set[str]: ...

    def has(self, s: str, p: str, o: str) -> bool: ...

    def frame(self, ids: list[str], shape: dict[str, Any], reach: bool) -> list[dict[str, Any]]:
        """The nodes of ``ids`` that ``shape`` matches, framed and compacted; ``reach``: the
        frame embeds what they point at (else it embeds nothing)."""
        ...


class GraphSource:
    """An rdflib graph, framed by pyld (``medkg.rdf.framing``): one expansion and one
    remembering processor per document."""

    def __init__(self, graph: Graph, base: str) -> None:
        self.graph = graph
        self.base = base
        self.framer = Framer()
        self._expanded: framing.Expanded | None = None

    def subjects(self, p: str | None = None, o: str | None = None) -> set[str]:
        found = self.graph.subjects(URIRef(p) if p else None, URIRef(o) if o else None)
        return {str(s) for s in found if isinstance(s, URIRef)}

    def objects(self, p: str) -> set[str]:
        return {str(o) for o in self.graph.objects(None, URIRef(p)) if isinstance(o, URIRef)}

    def has(self, s: str, p: str, o: str) -> bool:
        return (URIRef(s), URIRef(p), URIRef(o)) in self.graph

    def frame(self, ids: list[str], shape: dict[str, Any], reach: bool) -> list[dict[str, Any]]:
        if self._expanded is None:
            self._expanded = jsonld.to_expanded(self.graph)
        nodes = self._expanded.reachable(ids) if reach else self._expanded.only(ids)
        return jsonld.frame(nodes, shape, self.base, self.framer)


def embedded_nodes(source: Source) -> set[str]:
    """Nodes that frames embed inside others (never listed on their own)."""
    out = {s for t in EMBEDDED_TYPES for s in source.subjects(RDF_TYPE, str(t))}
    out |= source.objects(str(OA.hasTarget))
    return out | source.objects(jsonld.HYDRA + "view")


def assemble(
    graph: Graph,
    root: URIRef,
    kind: str,
    base: str,
    claim_groups: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The framed document of ``root`` (of ``kind``) holding every triple of ``graph``."""
    return build(GraphSource(graph, base), str(root), kind, claim_groups)


def build(
    source: Source, root: str, kind: str, claim_groups: dict[str, str] | None = None
) -> dict[str, Any]:
    """The framed document of ``root`` (of ``kind``) holding every triple of ``source``."""
    claims = source.subjects(RDF_TYPE, CLAIM_TYPE)
    typed = list(claims)  # the claims frame matches them all
    if kind == "claim":  # a claim with more evidence than a page has a view of its pages
        shape = {**CLAIM, "@id": root, "view": VIEW}
    elif kind == "evidence":
        shape = {**EVIDENCE, "@id": root}
        del shape["@type"]
    elif kind == "article":
        shape = {**ARTICLE, "@id": root}
    else:
        shape = {"@id": root, "@embed": "@never", "view": VIEW, "claimSummary": SUMMARY}
    found = source.frame([root], shape, reach=True)
    if kind == "contradiction":  # members are placed below, with their evidence
        claims = {c for c in claims if source.has(root, MEMBER, c)}
    doc: dict[str, Any] = {"@context": jsonld.context(source.base), **(found[0] if found else {})}
    doc.pop("@id", None)
    doc = {"@context": doc.pop("@context"), "@id": _compact_id(found, root), **doc}
    listed = {root} | embedded_nodes(source)
    if kind != "claim" and claims:
        listed |= claims
        with_evidence = kind in ("entity", "contradiction")
        shape = CLAIM if with_evidence else {**CLAIM, **_no_ev()}
        framed = source.frame(typed, shape, reach=True)
        _place_claims(doc, framed, kind, claim_groups or {}, source, root)
    for key, by in (("reference", "referenceNumber"), ("section", "position")):
        if isinstance(doc.get(key), list):  # reading order, not IRI order ("-10" before "-2")
            doc[key].sort(key=lambda n: n.get(by, 0) if isinstance(n, dict) else 0)
    others = sorted(source.subjects() - listed)
    if others:
        shape = {"@id": others, "@embed": "@never"}
        included = source.frame(others, shape, reach=False)
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


def _compact_id(found: list[dict[str, Any]], root: str) -> str:
    return str(found[0]["@id"]) if found else root


def _place_claims(
    doc: dict[str, Any],
    framed: list[dict[str, Any]],
    kind: str,
    groups: dict[str, str],
    source: Source,
    root: str,
) -> None:
    """Entity documents group claims (affirmed, negated, hypotheses) and by direction."""
    if kind == "contradiction":
        doc["member"] = framed  # the same claims as the IRIs it listed, now with their evidence
        return
    if kind != "entity":
        doc["evidenceFor"] = framed
        return
    for key in jsonld.NEST_KEYS:
        doc[key] = {"claimsAsSubject": [], "claimsAsObject": []}
    for claim in sorted(framed, key=lambda c: _claim_order(c)):
        iri = _expand(claim["@id"], doc["@context"])
        group = groups.get(iri, "affirmedClaims")
        as_subject = source.has(iri, RDF_SUBJECT, root)
        doc[group]["claimsAsSubject" if as_subject else "claimsAsObject"].append(claim)


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
