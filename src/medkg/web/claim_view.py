"""Read framed JSON-LD claim nodes (``Document.data``) into what the HTML templates draw.

The linked-data documents (medkg.documents) are the one source of the pages' data; this module
only reshapes their nodes: labels from ``@included``, local links for medkg's own IRIs, the quote
and its offsets from the selectors, citations split into resolved references and dangling numbers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote

from medkg.model import STATUS_ORDER, best_status
from medkg.peers import Peer, code_name, frequency_text, record_of
from medkg.rdf import jsonld
from medkg.vocab import iri_to_curie

CONTEXT = 50  # characters of prefix and suffix shown around a quote
QUALIFIERS = ("count", "asOf", "minValue", "maxValue", "unit", "frequency")


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@dataclass(frozen=True)
class Term:
    curie: str
    label: str
    href: str


@dataclass(frozen=True)
class Ref:
    number: int
    title: str
    href: str
    type: str = ""
    source: str = ""
    year: str = ""
    flags: tuple[str, ...] = ()


@dataclass
class EvidenceView:
    key: str
    href: str
    quote: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    citations: list[int]
    references: dict[int, Ref]
    flags: list[str]
    source: Term | None
    status: str = ""

    @property
    def dangling(self) -> list[int]:
        """Citation numbers printed in the text that no reference carries."""
        return [n for n in self.citations if n not in self.references]

    @property
    def before(self) -> str:
        """The end of the prefix on one line, so the quote is read in its sentence."""
        words = self.prefix.split()
        text = " ".join(words)
        if self.prefix[:1].isspace() or len(text) > CONTEXT:
            return text if len(text) <= CONTEXT else "…" + text[-CONTEXT:].split(" ", 1)[-1]
        return "…" + " ".join(words[1:]) if len(words) > 1 else ""

    @property
    def after(self) -> str:
        words = self.suffix.split()
        text = " ".join(words)
        if len(text) > CONTEXT:
            return text[:CONTEXT].rsplit(" ", 1)[0] + "…"
        return text if self.suffix[-1:].isspace() or len(words) < 2 else " ".join(words[:-1]) + "…"


@dataclass
class ClaimView:
    key: str
    href: str
    subject: Term
    predicate: Term
    object: Term
    negated: bool
    modality: str
    role: str
    context: Term | None
    anatomy: Term | None
    qualifiers: list[tuple[str, str]]
    flags: list[str]
    evidence: list[EvidenceView] = field(default_factory=list)
    status: str = "approved"
    evidence_count: int | None = None  # all of its evidence, where a page shows a few
    peers: list[Peer] = field(default_factory=list)  # other sources' claims of it

    @property
    def group(self) -> str:
        if self.modality != "asserted" or self.status != "approved":
            return "hypotheses"
        return "negated" if self.negated else "affirmed"


class Reader:
    """Labels and links for one document (its ``@included`` nodes and base IRI).

    A page names the same terms many times (the entity in every claim), so terms and links
    are made once per identifier and shared."""

    def __init__(self, data: dict[str, Any], base: str):
        self.base = base
        self.prefixes = jsonld.prefixes(base)  # the documents' own CURIE prefixes
        self.labels: dict[str, str] = {}
        for node in [data, *data.get("@included", [])]:
            text = node.get("label") or node.get("title")
            if node.get("@id") and text:
                self.labels[node["@id"]] = str(text[0] if isinstance(text, list) else text)
        self.data = data
        self._links = _links(base)
        self._terms: dict[str, Term] = {}

    @cached_property
    def nodes(self) -> dict[str, dict[str, Any]]:
        """Every node of the document with its own keys, by ``@id`` (a walk of all of it:
        made when a claim's peers are read)."""
        nodes: dict[str, dict[str, Any]] = {}
        _index(self.data, nodes)
        return nodes

    def expand(self, value: str) -> str:
        return self._links.expand(value)

    def compact(self, iri: str) -> str:
        """The CURIE the documents write for an IRI (longest namespace wins), else the IRI."""
        return self._links.compact(iri)

    def href(self, value: str) -> str:
        """A path on this host for medkg's IRIs and known CURIEs; other IRIs as they are."""
        return self._links.href(value)

    def term(self, value: Any) -> Term | None:
        if not value:
            return None
        ident = str(value["@id"] if isinstance(value, dict) else value)
        known = self._terms.get(ident)
        if known is None:
            curie, href = self._links.named(ident)
            known = self._terms[ident] = Term(curie, self.labels.get(ident, curie), href)
        return known

    def claim(self, node: dict[str, Any], full: bool = True) -> ClaimView:
        """The view of a claim node; not ``full``: without its evidence and peers (what a
        page needs to order and count the claims it does not draw)."""
        ident = str(node["@id"])
        evidence = []
        if full:
            nodes = as_list(node.get("evidence"))
            evidence = [self.evidence(e) for e in nodes if isinstance(e, dict)]
            evidence.sort(key=lambda e: (e.start is None, e.start or 0))
        return ClaimView(
            key=ident.rsplit("/", 1)[-1],
            href=self.href(ident),
            subject=self.term(node.get("subject")) or Term("?", "?", "#"),
            predicate=self.term(node.get("predicate")) or Term("?", "?", "#"),
            object=self.term(node.get("object")) or Term("?", "?", "#"),
            negated=bool(node.get("negated")),
            modality=str(node.get("modality", "Asserted")).lower(),
            role=str(node.get("role", "")).lower(),
            context=self.term(node.get("diseaseContext")),
            anatomy=self.term(node.get("anatomicalContext")),
            qualifiers=[(k, _text(node[k])) for k in QUALIFIERS if node.get(k) is not None],
            flags=[str(f) for f in as_list(node.get("qcFlag"))],
            evidence=evidence,
            status=claim_status(node.get("curationStatus")),
            evidence_count=int(node["evidenceCount"]) if "evidenceCount" in node else None,
            peers=[self.peer(str(_id(p))) for p in as_list(node.get("samePropositionAs")) if full],
        )

    def sentences(self, node: dict[str, Any]) -> tuple[Any, ...]:
        """What identifies the sentences of a claim node's evidence (source, start, end,
        quote; sorted), as its full view's evidence gives it, without making that view."""
        keys = []
        for e in as_list(node.get("evidence")):
            if not isinstance(e, dict):
                continue
            selectors = as_list((e.get("target") or {}).get("selector"))
            text = next((s for s in selectors if isinstance(s, dict) and "exact" in s), {})
            position = next((s for s in selectors if isinstance(s, dict) and "start" in s), {})
            term = self.term(e.get("source"))  # its fields: equal exactly when the views' are
            source = (term.curie, term.label, term.href) if term else ()
            keys.append(
                (source, position.get("start"), position.get("end"), str(text.get("exact", "")))
            )
        return tuple(sorted(keys))

    def peer(self, ident: str) -> Peer:
        """Another source's claim of the same proposition, from the nodes the document holds
        (the build's ``medkg:samePropositionAs``; see ``medkg.peers``)."""
        node = self.nodes.get(ident, {})
        evidence = [self.nodes.get(str(_id(e)), {}) for e in as_list(node.get("evidence"))]
        sources = [self.nodes.get(str(_id(e.get("source"))), {}) for e in evidence]
        frequency = _id(node.get("frequency")) or ""
        codes = [e["evidenceCode"] for e in evidence if e.get("evidenceCode")]
        return Peer(
            self.expand(ident),
            node.get("negated") in (True, "true"),
            tuple(sorted({str(s.get("title") or s.get("@id")) for s in sources if s})),
            record_of(self.expand(str(_id(node.get("subject")) or ""))),
            tuple(sorted({code_name(self.expand(str(_id(code)))) for code in codes})),
            frequency_text(
                self.labels.get(str(frequency), ""),
                _text(node.get("medkg:frequencyCount", "")),
                _text(node.get("medkg:frequencyTotal", "")),
                _text(node.get("medkg:frequencyPercent", "")),
            ),
            tuple(sorted({str(s["attribution"]) for s in sources if s.get("attribution")})),
            self.href(ident),
        )

    def attributions(self) -> list[str]:
        """The acknowledgements of every curated source the document shows (its licence asks
        for it on every page that shows its content), as the store holds them."""
        return sorted({str(n["attribution"]) for n in self.nodes.values() if "attribution" in n})

    def listed_attributions(self) -> list[str]:
        """``attributions`` of a document whose sources are listed, never embedded: the root
        node and the ``@included`` ones (the framed documents list every node no frame
        embeds, and no frame embeds a source: ``rdf.frames``), without walking the claims."""
        listed = [self.data, *as_list(self.data.get("@included"))]
        return sorted({str(n["attribution"]) for n in listed if "attribution" in n})

    def evidence(self, node: dict[str, Any]) -> EvidenceView:
        selectors = as_list((node.get("target") or {}).get("selector"))
        text = next((s for s in selectors if isinstance(s, dict) and "exact" in s), {})
        position = next((s for s in selectors if isinstance(s, dict) and "start" in s), {})
        refs = {
            int(r["referenceNumber"]): self.reference(r)
            for r in as_list(node.get("citesAsEvidence"))
            if isinstance(r, dict) and "referenceNumber" in r
        }
        ident = str(node["@id"])
        return EvidenceView(
            key=ident.rsplit("/", 1)[-1],
            href=self.href(ident),
            quote=str(text.get("exact", "")),
            prefix=str(text.get("prefix", "")),
            suffix=str(text.get("suffix", "")),
            start=position.get("start"),
            end=position.get("end"),
            citations=sorted(int(n) for n in as_list(node.get("citationNumber"))),
            references=refs,
            flags=[str(f) for f in as_list(node.get("qcFlag"))],
            source=self.term(node.get("source")),
            status=str(node.get("curationStatus", "")),
        )

    def reference(self, node: dict[str, Any]) -> Ref:
        return Ref(
            int(node["referenceNumber"]),
            str(node.get("title", "")),
            self.href(str(node["@id"])),
            str(node.get("referenceType", "")),
            str(node.get("publishedIn", "")),
            _text(node.get("date", "")),
            tuple(str(f) for f in as_list(node.get("qcFlag"))),
        )


class Links:
    """CURIEs and local links of identifiers as the documents of one base IRI write them:
    pure functions of the base, so they are remembered across pages (the head's pages name
    the same terms, sources and prefixes; ~130 identifiers a page, each once a request before),
    a bounded number of them (claim and evidence IRIs are many)."""

    def __init__(self, base: str):
        self.base = base
        self.prefixes = jsonld.prefixes(base)  # the documents' own CURIE prefixes
        #: the prefixes, longest namespace first (equal lengths in the prefixes' order)
        self._longest_first = sorted(self.prefixes.items(), key=lambda pn: -len(pn[1]))
        self.href = functools.lru_cache(maxsize=REMEMBERED)(self._href)
        self.named = functools.lru_cache(maxsize=REMEMBERED)(self._named)

    def expand(self, value: str) -> str:
        prefix, sep, rest = value.partition(":")
        if sep and prefix in self.prefixes and not rest.startswith("//"):
            return self.prefixes[prefix] + rest
        return value

    def compact(self, iri: str) -> str:
        for prefix, ns in self._longest_first:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns) :]}"
        return iri

    def _href(self, value: str) -> str:
        iri = self.expand(value)
        if iri.startswith(self.base):
            return "/" + iri[len(self.base) :]
        curie = iri_to_curie(iri)
        if curie != iri:
            return "/entity/" + quote(curie, safe=":")
        return "/entity/?iri=" + quote(iri, safe="")

    def _named(self, ident: str) -> tuple[str, str]:
        """The CURIE (or IRI) and the link of an identifier: a ``Term`` but its label."""
        return self.compact(self.expand(ident)), self.href(ident)


#: identifiers whose CURIE and link a process remembers, per base
REMEMBERED = 1 << 15


@functools.lru_cache(maxsize=8)
def _links(base: str) -> Links:
    return Links(base)


def _id(value: Any) -> Any:
    return value.get("@id") if isinstance(value, dict) else value


def _index(value: Any, nodes: dict[str, dict[str, Any]]) -> None:
    """Every node object under ``value`` with more than its ``@id``, merged by ``@id`` (the
    walk does not descend into plain values: a head entity's page holds thousands)."""
    if isinstance(value, list):
        for v in value:
            if isinstance(v, (dict, list)):
                _index(v, nodes)
    elif isinstance(value, dict):
        if "@id" in value and len(value) > 1:
            nodes.setdefault(str(value["@id"]), {}).update(value)
        for k, v in value.items():
            if isinstance(v, (dict, list)) and k != "@context":
                _index(v, nodes)


def claim_status(value: Any) -> str:
    """A claim's status from its ``curationStatus`` (several when sources differ: the best
    wins), as a model name: ``approved``, ``needs-review``, ``draft`` or ``deprecated``."""
    terms = (str(v.get("@id", "") if isinstance(v, dict) else v) for v in as_list(value))
    return _claim_status(tuple(terms))


@functools.lru_cache(maxsize=256)
def _claim_status(terms: tuple[str, ...]) -> str:
    """``claim_status`` of its terms: a few values, asked for every claim of every page."""
    names = [best_status_name(t) for t in terms]
    return best_status(n for n in names if n in STATUS_ORDER)


def best_status_name(term: str) -> str:
    """``Draft``, ``medkg:NeedsReview`` or a full IRI -> ``draft``, ``needs-review``."""
    local = term.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return {"NeedsReview": "needs-review"}.get(local, local.lower())


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("@value", value.get("@id", "")))
    return str(value)
