"""Project the claim graph of a store into a networkx MultiDiGraph, and show its edges as JSON.

Nodes are entities (IRIs); each claim is one edge subject -> object keyed by its claim IRI and
carrying its predicate, polarity, modality, qualifiers and evidence (quote, source, references).
The projection is read from the store once per dataset version; restrictions (affirmed only,
by predicate, by source, by disease context) are views over it, never copies. A claim with no
approved evidence (a draft) is a hypothesis: no view holds it unless the restriction asks for
drafts (the draft rule of DESIGN section 2).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx
from rdflib.term import Node

from medkg.errors import BadRequest, NotFound
from medkg.model import best_status
from medkg.rdf.encode import STATUS_NAMES
from medkg.store.base import Store
from medkg.vocab import MEDKG, iri_to_curie, to_iri

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX medkg: <https://w3id.org/medkg/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
QUALIFIERS = {
    "role": "role",
    "diseaseContext": "disease_context",
    "anatomicalContext": "anatomical_context",
    "count": "count",
    "asOf": "as_of",
    "minValue": "min_value",
    "maxValue": "max_value",
    "unit": "unit",
    "frequency": "frequency",
}
CLAIMS = (
    PREFIXES
    + """SELECT ?claim ?s ?p ?o ?negated ?modality ?q ?v WHERE {
  ?claim a medkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
         medkg:negated ?negated ; medkg:modality ?modality .
  OPTIONAL { VALUES ?q { """
    + " ".join(f"medkg:{q}" for q in QUALIFIERS)
    + """ } ?claim ?q ?v }
}"""
)
EVIDENCE = (
    PREFIXES
    + """SELECT ?claim ?ev ?source ?quote ?start ?status WHERE {
  ?claim a medkg:Claim ; medkg:evidence ?ev .
  ?ev medkg:source ?source ; oa:hasTarget/oa:hasSelector ?sel .
  ?sel a oa:TextQuoteSelector ; oa:exact ?quote .
  OPTIONAL { ?ev oa:hasTarget/oa:hasSelector/oa:start ?start }
  OPTIONAL { ?ev medkg:curationStatus ?status }
}"""
)
CITATIONS = (
    PREFIXES
    + """SELECT ?ev ?n ?ref ?title WHERE {
  ?ev a medkg:Evidence ; medkg:citationNumber ?n .
  OPTIONAL { ?ev cito:citesAsEvidence ?ref . ?ref medkg:referenceNumber ?n .
             OPTIONAL { ?ref dcterms:title ?title } }
}"""
)
FLAGS = PREFIXES + "SELECT ?x ?flag WHERE { ?x medkg:qcFlag ?flag }"
LABELS = PREFIXES + "SELECT ?x ?label WHERE { ?x rdfs:label ?label }"
GROUPS = (
    PREFIXES
    + """SELECT ?group ?claim WHERE {
  ?group a medkg:ContradictionGroup ; medkg:member ?claim } ORDER BY ?group ?claim"""
)


@dataclass(frozen=True)
class Restriction:
    """Which claims an operation may use; the default keeps every claim but drafts."""

    affirmed_only: bool = False
    asserted_only: bool = False
    predicates: frozenset[str] = frozenset()  # IRIs
    sources: frozenset[str] = frozenset()  # article IRIs
    context: str | None = None  # a disease IRI: claims without context or in this one
    drafts: bool = False  # also claims with no approved evidence

    def allows(self, edge: dict[str, Any]) -> bool:
        if not self.drafts and edge["status"] != "approved":
            return False
        if self.affirmed_only and edge["negated"]:
            return False
        if self.asserted_only and edge["modality"] != str(MEDKG.Asserted):
            return False
        if self.predicates and edge["predicate"] not in self.predicates:
            return False
        if self.sources and not self.sources & set(edge["sources"]):
            return False
        ctx = edge["qualifiers"].get("disease_context")
        return not (self.context and ctx and ctx != self.context)

    @classmethod
    def parse(
        cls,
        *,
        affirmed_only: bool = False,
        asserted_only: bool = False,
        predicates: Iterable[str] = (),
        sources: Iterable[str] = (),
        context: str | None = None,
        drafts: bool = False,
    ) -> Restriction:
        """A restriction from CURIEs or IRIs as a user types them."""
        return cls(
            affirmed_only,
            asserted_only,
            frozenset(str(_iri("predicate", p)) for p in predicates if p),
            frozenset(str(_iri("source", s)) for s in sources if s),
            str(_iri("context", context)) if context else None,
            drafts,
        )


def _iri(name: str, text: str) -> str:
    try:
        return str(to_iri(text.strip()))
    except BadRequest as e:
        raise BadRequest(f"{name}: {e.message}", hint=e.hint) from None


class ClaimGraph:
    """The projection of every claim in a store, for one dataset version."""

    def __init__(self, graph: nx.MultiDiGraph, version: str | None = None):
        self.graph = graph
        self.version = version

    @classmethod
    def from_store(cls, store: Store, version: str | None = None) -> ClaimGraph:
        """Read claims, evidence, citations, flags and labels with five queries."""
        return cls(project(store), version)

    def view(self, restriction: Restriction | None = None) -> nx.MultiDiGraph:
        """A read-only view keeping only the edges the restriction allows (no drafts unless
        it asks for them)."""
        restriction = restriction or Restriction()
        if restriction == Restriction(drafts=True):
            return self.graph
        g = self.graph

        def keep(u: str, v: str, k: str) -> bool:
            return restriction.allows(g.edges[u, v, k])

        return nx.subgraph_view(g, filter_edge=keep)

    def node(self, text: str) -> str:
        """The node of an entity given as CURIE or IRI; NotFound names it if absent."""
        iri = _iri("entity", text)
        if iri not in self.graph:
            raise NotFound(
                f"{text!r} is in no claim",
                hint="pass the CURIE of an entity that is a claim's subject or object",
            )
        return iri


def project(store: Store) -> nx.MultiDiGraph:
    """Build the MultiDiGraph from the store (claims with their deprecated evidence dropped);
    each edge's ``status`` is the best curation status of its evidence."""
    g = nx.MultiDiGraph()
    claims: dict[str, dict[str, Any]] = {}
    for claim, s, p, o, negated, modality, q, v in store.query(CLAIMS).rows:
        c = claims.setdefault(
            str(claim),
            {
                "claim": str(claim),
                "subject": str(s),
                "predicate": str(p),
                "object": str(o),
                "negated": str(negated) == "true",
                "modality": str(modality),
                "qualifiers": {},
                "evidence": [],
                "sources": [],
                "flags": [],
            },
        )
        if q is not None:
            c["qualifiers"][QUALIFIERS[str(q)[len(str(MEDKG)) :]]] = _value(v)
    evidence = _evidence(store)
    flags = _flags(store)
    statuses: dict[str, list[str]] = defaultdict(list)
    for claim, ev, source, quote, start, status in store.query(EVIDENCE).rows:
        statuses[str(claim)].append(STATUS_NAMES.get(str(status), "draft"))
        if str(status) == str(MEDKG.Deprecated) or str(claim) not in claims:
            continue
        record = {
            "evidence": str(ev),
            "quote": str(quote),
            "source": str(source),
            "start": _value(start),
            **evidence.get(str(ev), {"citations": [], "references": []}),
            "flags": flags.get(str(ev), []),
        }
        c = claims[str(claim)]
        c["evidence"].append(record)
        if str(source) not in c["sources"]:
            c["sources"].append(str(source))
    for c in claims.values():
        if not c["evidence"]:
            continue
        c["evidence"].sort(key=lambda e: (e["source"], e["start"] or 0))
        c["flags"] = flags.get(c["claim"], [])
        c["status"] = best_status(statuses[c["claim"]])
        g.add_edge(c["subject"], c["object"], key=c["claim"], **c)
    labels = dict(_labels(store))
    for n in g.nodes:
        g.nodes[n]["label"] = labels.get(n)
    g.graph["labels"] = labels
    g.graph["claims"] = {k: (u, v) for u, v, k in g.edges(keys=True)}
    groups: dict[str, list[str]] = defaultdict(list)
    for group, claim in store.query(GROUPS).rows:
        groups[str(group)].append(str(claim))
    g.graph["contradictions"] = dict(groups)
    return g


def _value(term: Node | None) -> Any:
    if term is None:
        return None
    py = getattr(term, "toPython", lambda: term)()
    return py if isinstance(py, (bool, int, float)) else str(term)


def _evidence(store: Store) -> dict[str, dict[str, list[Any]]]:
    out: dict[str, dict[str, list[Any]]] = defaultdict(lambda: {"citations": [], "references": []})
    for ev, n, ref, title in store.query(CITATIONS).rows:
        record = out[str(ev)]
        number = int(str(n))
        if number not in record["citations"]:
            record["citations"].append(number)
        if ref is not None:
            ref_json = {"reference": str(ref), "number": number, "title": _value(title)}
            if ref_json not in record["references"]:
                record["references"].append(ref_json)
    for record in out.values():
        record["citations"].sort()
        record["references"].sort(key=lambda r: r["number"])
    return out


def _flags(store: Store) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for x, flag in store.query(FLAGS).rows:
        out[str(x)].append(iri_to_curie(str(flag)))
    return out


def _labels(store: Store) -> Iterator[tuple[str, str]]:
    for x, label in store.query(LABELS).rows:
        yield str(x), str(label)


def edge_json(g: nx.MultiDiGraph, u: str, v: str, key: str) -> dict[str, Any]:
    """One claim edge as JSON: CURIEs and labels next to IRIs, evidence in full."""
    e = g.edges[u, v, key]
    labels = g.graph.get("labels", {})
    quals = {
        k: iri_to_curie(x) if k in ("role", "disease_context", "anatomical_context", "unit") else x
        for k, x in e["qualifiers"].items()
    }
    return {
        "claim": e["claim"],
        "subject": iri_to_curie(u),
        "predicate": iri_to_curie(e["predicate"]),
        "predicate_label": labels.get(e["predicate"]),
        "object": iri_to_curie(v),
        "negated": e["negated"],
        "modality": iri_to_curie(e["modality"]),
        "qualifiers": quals,
        "reading": reading(g, u, v, e),
        "status": e["status"],
        "flags": e["flags"],
        "evidence": e["evidence"],
    }


def reading(g: nx.MultiDiGraph, u: str, v: str, e: dict[str, Any]) -> str:
    """The claim as a sentence in its own direction, e.g. 'X causally downstream of Y [in Z]'."""
    labels = g.graph.get("labels", {})

    def name(iri: str | None) -> str:
        return labels.get(iri or "") or iri_to_curie(iri or "")

    text = f"{name(u)} {'NOT ' if e['negated'] else ''}{name(e['predicate'])} {name(v)}"
    q = e["qualifiers"]
    extra = [name(q["role"]).lower() if q.get("role") else None]
    extra.append(f"in {name(q['disease_context'])}" if q.get("disease_context") else None)
    extra.append(f"at {name(q['anatomical_context'])}" if q.get("anatomical_context") else None)
    if e["modality"] != str(MEDKG.Asserted):
        extra.append(name(e["modality"]).lower())
    if e.get("status", "approved") != "approved":
        extra.append("draft — not reviewed")
    shown = [x for x in extra if x]
    return text + (f" [{'; '.join(shown)}]" if shown else "")


def node_json(g: nx.MultiDiGraph, n: str, **extra: Any) -> dict[str, Any]:
    return {"id": iri_to_curie(n), "iri": n, "label": g.nodes[n].get("label"), **extra}
