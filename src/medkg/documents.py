"""Linked-data documents: entity, claim, evidence, article and reference, built by SPARQL.

A ``Document`` holds the triples of one resource's description and its framed, compacted JSON-LD
(``.data``), which holds exactly the same triples; HTML pages render ``.data``. Entity documents
hold their triples as pyoxigraph gave them (``rdf.triples.Triples``), the others an rdflib
``Graph`` (read into ``Triples`` when framed); ``rdf.writer`` writes the JSON-LD of both without
pyld. The Turtle, N-Triples and RDF/XML forms serialise ``.graph`` (made from the triples when
one is asked for). Usage::

    docs = Documents(store, settings.base_iri, page_size=50)
    doc = docs.entity("MONDO:0004976")          # raises EntityNotFound
    doc.data["negatedClaims"]["claimsAsSubject"][0]["negated"]   # True
    doc.serialize(formats.by_name("ttl"))
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from medkg.errors import NotFound, UnknownCurie
from medkg.formats import Format
from medkg.rdf import jsonld
from medkg.rdf.document_queries import (
    CLAIMS,
    CLAIMS_SHOWN,
    ENTITY,
    EVIDENCE,
    EVIDENCE_OF,
    LABELLED,
    LABELLED_BY,
    MEMBERS,
    NAMES,
    NODE,
    PEER,
    PREFIXES,
    READ_BY_KEY,
    READ_WHOLE,
    STATED_IN,
    SUPPORTED,
    keyed,
)
from medkg.rdf.frames import GraphSource, build
from medkg.rdf.jsonld import HYDRA
from medkg.rdf.sizes import fit_bytes
from medkg.rdf.triples import Lit, Triples, from_graph, from_oxigraph, from_rdflib
from medkg.rdf.writer import TriplesSource, Unsupported
from medkg.store.base import Store
from medkg.summaries import SummaryIndex, entity_index, open_index, stored_version, summary_graph
from medkg.summaries.compute import iter_values
from medkg.summaries.index import EVIDENCE_SHOWN
from medkg.vocab import MEDKG, Minter, iri_to_curie, to_iri

LABEL = str(RDFS.label)
EVIDENCE_COUNT = str(MEDKG.evidenceCount)
EVIDENCE_LINK = str(MEDKG.evidence)
INTEGER = str(XSD.integer)
_BAD_IRI = re.compile(r'[\s<>"{}|\\^`]')
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")

#: evidence links past which a claim's own triples are looked up by predicate, not read
HEAVY = 32


@dataclass(frozen=True)
class Page:
    """Which slice of a large neighbourhood a document shows: page ``number`` of ``size``
    claims, or the claims after claim ``after``; ``following`` is where the next page starts
    when this one stopped early at its size in bytes (its last claim's key)."""

    number: int
    size: int
    total: int
    after: str | None = None
    following: str | None = None
    more: bool = False  # claims follow this page

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))


@dataclass
class Document:
    """One resource's description: its triples and their framed JSON-LD."""

    kind: str  # "entity" | "claim" | "evidence" | "article" | "reference"
    iri: URIRef
    triples: Graph | Triples
    base: str
    page: Page | None = None
    claim_groups: dict[str, str] = field(default_factory=dict)  # claim IRI -> nest key

    @cached_property
    def graph(self) -> Graph:
        """The triples as an rdflib graph (the Turtle, N-Triples and RDF/XML forms)."""
        if isinstance(self.triples, Graph):
            return self.triples
        return self.triples.to_graph(jsonld.prefixes(self.base))

    @cached_property
    def data(self) -> dict[str, Any]:
        """The framed, compacted JSON-LD document (with its context inline), written
        directly from the triples (those of a ``Graph`` read into ``Triples`` first); framed
        by pyld where the writer would not write the same bytes (blank nodes, RDF lists,
        JSON literals)."""
        triples = self.triples
        try:
            if isinstance(triples, Graph):
                triples = from_graph(triples)
            direct = TriplesSource(triples, self.base)
            return build(direct, str(self.iri), self.kind, self.claim_groups)
        except Unsupported:
            pass
        return build(
            GraphSource(self.graph, self.base), str(self.iri), self.kind, self.claim_groups
        )

    def serialize(self, fmt: Format) -> bytes:
        """The document in an RDF format (``jsonld`` gives the framed document)."""
        if fmt.name == "jsonld":
            return jsonld.dumps(self.data).encode("utf-8")
        return self.graph.serialize(format=fmt.rdflib or "turtle", encoding="utf-8")

    @property
    def curie(self) -> str:
        return iri_to_curie(str(self.iri))

    @property
    def labels(self) -> dict[str, str]:
        """Label (or title) of every node the document names, by its compact ``@id`` as the
        document writes it (``"RO:0004019"`` -> ``"disease has basis in"``)."""
        data = self.data
        nodes = [data, *data.get("@included", [])]
        return {
            str(n["@id"]): str(n.get("label") or n.get("title"))
            for n in nodes
            if isinstance(n, dict) and "@id" in n and (n.get("label") or n.get("title"))
        }


class EntityNotFound(NotFound):
    """No entity, claim, evidence, article or reference with that identifier."""


class Documents:
    """Build documents from a store's union graph; IRIs are minted under ``base``."""

    def __init__(self, store: Store, base: str, page_size: int = 50, page_bytes: int = 0):
        self.store = store
        self.mint = Minter(base)
        self.base = self.mint.base
        self.page_size = max(1, page_size)
        self.page_bytes = page_bytes  # 0: no limit in bytes

    def entity(self, ident: str, page: int = 1, after: str | None = None) -> Document:
        """An ontology entity by CURIE or IRI: label, synonyms, superclasses, the summary of
        the claims about it and one page of them, read from the summary index (no scan of
        the entity's claims; see ``medkg.summaries``)."""
        iri = self.resolve(ident)
        g = self.construct_triples(
            ENTITY % iri.n3(),
            default_graphs=[str(self.mint.graph("ontology")), str(self.mint.graph("inferred"))],
        )
        index = self.summaries(iri)
        try:
            return self._entity_page(iri, g, index, page, after)
        finally:
            index.close()

    def summaries(self, iri: URIRef) -> SummaryIndex:
        """The store's summary index when it describes the store as it is now, else the
        summary of this one entity computed from the store (same tables, same order)."""
        version = stored_version(self.store, self.mint.base)
        return open_index(self.store, version) or entity_index(self.store, iri, version)

    def _entity_page(
        self, iri: URIRef, g: Triples, index: SummaryIndex, page: int, after: str | None
    ) -> Document:
        entity = str(iri)
        total = index.total(entity)
        if not len(g) and not total:
            raise EntityNotFound(
                f"medkg knows nothing about {iri_to_curie(entity)}",
                hint="no ontology term and no claim has it as subject or object; check the ID, "
                "or list what medkg has with /sparql",
            )
        p = Page(page, self.page_size, total)
        if page < 1 or page > p.last:
            raise NotFound(
                f"page {page} of {iri_to_curie(entity)} does not exist",
                hint=f"pages run from 1 to {p.last}",
            )
        start = (page - 1) * self.page_size
        if after is not None:
            start = self._start_after(index, after, iri)
            p = Page(start // self.page_size + 1, self.page_size, total, after)
        rows = index.page(entity, start, self.page_size)
        groups = dict(rows)
        chosen = [c for c, _ in rows]
        kept = self._page_claims(chosen, index, g)
        following = kept[-1].rsplit("/", 1)[-1] if len(kept) < len(chosen) or after else None
        p = Page(p.number, p.size, total, after, following, start + len(kept) < total)
        g.update(self._view(iri, p))
        tallies = index.tallies(entity)
        g.update(from_graph(summary_graph(iri, self.document_url(iri), tallies, total)))
        named = {t.value for t in tallies if t.value}
        named = {v for v in named if not g.has(v, LABEL)}
        if named:
            g.update(self.construct_triples(NAMES % " ".join(f"<{v}>" for v in sorted(named))))
        return Document("entity", iri, g, self.base, p, {k: groups[k] for k in kept})

    def _page_claims(self, chosen: list[str], index: SummaryIndex, into: Triples) -> list[str]:
        """Add to ``into`` the descriptions of the first of ``chosen`` that fit in
        ``page_bytes`` and name them, read ten claims first: at the head one claim can hold a
        hundred sentences, and reading all 50 to keep five took longer than the rest of the
        page."""
        kept: list[str] = []
        used = 0
        for chunk in (chosen[:10], chosen[10:]):
            if not chunk:
                break
            g = self.shown_claims_graph(chunk, index)
            fitted, size = fit_bytes(g, chunk, self.page_bytes - used if self.page_bytes else 0,
                                     at_least_one=not kept)  # fmt: skip
            if len(fitted) < len(chunk):
                g = self.shown_claims_graph(fitted, index) if fitted else Triples()
            into.update(g)
            kept += fitted
            used += size
            if len(fitted) < len(chunk):
                break
        return kept

    def _start_after(self, index: SummaryIndex, after: str, iri: URIRef) -> int:
        """Where the page after claim ``after`` starts among an entity's ordered claims."""
        claim = str(self.mint.claim(segment(after)))
        at = index.position(str(iri), claim)
        if at is None:
            raise NotFound(
                f"claim {after!r} is not among the claims of {iri_to_curie(str(iri))}",
                hint="follow the next link of the page before, or start again from page 1",
            )
        return at + 1

    def claim(self, key: str, after: str | None = None) -> Document:
        """A claim with its evidence: all of it when it fits a page (``page_size``), else one
        page of it in IRI order, the page after evidence ``after`` (a keyset: its ``next``
        link), with ``medkg:evidenceCount`` and a ``hydra:view`` (a claim restated by 7.5k
        sentences at 1M claims was a 236k-triple, 11 MB document costing 15-24 s)."""
        iri = self.mint.claim(segment(key))
        past = self.mint.evidence(segment(after)) if after is not None else None
        evidence = self.evidence_of(str(iri))
        g: Graph | Triples
        if past is None and len(evidence) <= self.page_size:
            g = self.claims_graph([iri])
            known = (iri, RDF.type, MEDKG.Claim) in g
        else:
            g = self._claim_page(iri, evidence, past)
            known = g.has(str(iri), str(RDF.type), str(MEDKG.Claim))
        if not known:
            raise EntityNotFound(f"no claim {key!r}", hint="claim keys are 20 hex digits")
        return Document("claim", iri, g, self.base)

    def claim_predicates(self) -> list[str] | None:
        """The predicates of the store's claims, from its summary index (None without one)."""
        index = open_index(self.store, stored_version(self.store, self.mint.base))
        if index is None:
            return None
        try:
            return index.claim_predicates()
        finally:
            index.close()

    def stated_in(self, article: URIRef) -> Triples:
        """The claims an article states, each with its evidence in that article and how much
        evidence it has in all (``medkg:evidenceCount``): at 1M claims an article's 30
        claims had 7.5k sentences each elsewhere, and its page took 90 s to draw them."""
        query = STATED_IN % (article.n3(), article.n3())
        found = self.store.query(PREFIXES + _medkg(self.base) + query)
        shown: dict[str, tuple[int, list[str]]] = {}
        for claim, ev, n in iter_values(found):
            if claim is not None and ev is not None and n is not None:
                shown.setdefault(claim, (int(n), []))[1].append(ev)
        for _, evidence in shown.values():
            evidence.sort()
        claims = sorted(shown)
        return self.claims_with_evidence(claims, shown, self.claim_predicates())

    def evidence_of(self, claim: str) -> list[str]:
        """The IRIs of a claim's evidence, sorted."""
        found = self.store.query(PREFIXES + _medkg(self.base) + EVIDENCE_OF % f"<{claim}>")
        return sorted(ev for (ev,) in iter_values(found) if ev is not None)

    def _claim_page(self, iri: URIRef, evidence: list[str], past: URIRef | None) -> Triples:
        """A claim with the page of its ``evidence`` (all of it, sorted) after ``past`` and
        its view."""
        total = len(evidence)
        if past is not None:
            evidence = evidence[bisect_right(evidence, str(past)) :]
            if not evidence:
                raise NotFound(
                    f"claim {iri_to_curie(str(iri))} has no evidence after "
                    f"{past.rsplit('/', 1)[-1]}",
                    hint="follow the next link of the page before, or start again from the claim",
                )
        shown = evidence[: self.page_size]
        predicates = self.claim_predicates()
        g = self.claims_with_evidence([str(iri)], {str(iri): (total, shown)}, predicates)
        claim = str(iri)
        view = claim + (f"?after={past.rsplit('/', 1)[-1]}" if past is not None else "#evidence")
        g.add(claim, HYDRA + "view", view)
        g.add(view, str(RDF.type), HYDRA + "PartialCollectionView")
        g.add(view, HYDRA + "totalItems", Lit(str(total), INTEGER))
        g.add(view, HYDRA + "first", claim)
        if len(evidence) > len(shown):
            g.add(view, HYDRA + "next", f"{claim}?after={shown[-1].rsplit('/', 1)[-1]}")
        return g

    def evidence(self, key: str) -> Document:
        iri = self.mint.evidence(segment(key))
        g = self.construct(EVIDENCE % (iri.n3(), LABELLED))
        if (iri, RDF.type, MEDKG.Evidence) not in g:
            raise EntityNotFound(f"no evidence {key!r}", hint="evidence keys are 16 hex digits")
        for row in self.select(SUPPORTED % iri.n3()):  # not their other evidence: how much
            g.add((row["c"], MEDKG.evidenceCount, Literal(int(row["n"]), datatype=XSD.integer)))
        return Document("evidence", iri, g, self.base)

    def article(self, article_id: str) -> Document:
        return self._node("article", self.mint.article(segment(article_id)), MEDKG.Article)

    def reference(self, ref_id: str) -> Document:
        iri = URIRef(f"{self.base}reference/{segment(ref_id)}")
        return self._node("reference", iri, MEDKG.Reference)

    def contradiction(self, key: str) -> Document:
        """A contradiction group: claims that hold both polarities of one proposition."""
        iri = self.mint.contradiction(segment(key))
        counted = self.store.query(PREFIXES + _medkg(self.base) + MEMBERS % iri.n3())
        counts = {str(c): int(str(n)) for c, n in iter_values(counted) if c is not None}
        light = [URIRef(c) for c, n in counts.items() if n <= self.page_size]
        heavy = sorted(c for c, n in counts.items() if n > self.page_size)
        g = from_graph(self.claims_graph(light)) if light else Triples()
        if heavy:
            g.update(self._outlined(heavy))
        if not g.has(str(iri), str(RDF.type), str(MEDKG.ContradictionGroup)):
            raise EntityNotFound(f"no contradiction group {key!r}", hint="see the qc graph")
        return Document("contradiction", iri, g, self.base)

    def _outlined(self, claims: list[str]) -> Triples:
        """Claims with more evidence than a page as entity pages show them: their first few
        evidence by IRI and how many they have (``medkg:evidenceCount``); each claim's own
        document pages the rest. A head group at 1M claims has 300 such members: whole,
        its document was 305k triples, 15 MB and 20-25 s."""
        index = open_index(self.store, stored_version(self.store, self.mint.base))
        if index is not None:
            try:
                return self.shown_claims_graph(claims, index)
            finally:
                index.close()
        shown = {}
        for claim in claims:
            evidence = self.evidence_of(claim)
            shown[claim] = (len(evidence), evidence[:EVIDENCE_SHOWN])
        return self.claims_with_evidence(claims, shown, None)

    def vocabulary_term(self, name: str) -> URIRef | None:
        """The IRI of a term of the medkg vocabulary (``medkg:Claim``), if the ontology has it."""
        if not _SEGMENT.match(name):
            return None
        iri = MEDKG[name]
        graph = self.mint.graph("ontology")
        found = self.store.query(f"ASK {{ GRAPH {graph.n3()} {{ {iri.n3()} ?p ?o }} }}").boolean
        return iri if found else None

    def resolve(self, ident: str) -> URIRef:
        """A CURIE or IRI as an IRI; a prefix medkg does not know is a 404, not a 400."""
        try:
            iri = to_iri(ident.strip())
        except UnknownCurie as e:
            raise EntityNotFound(e.message, hint=e.hint) from None
        if not is_valid_iri(str(iri)):
            raise EntityNotFound(
                f"{ident!r} is not a valid IRI or CURIE", hint="e.g. MONDO:0004976"
            )
        return iri

    def shown_claims_graph(self, claims: list[str], index: SummaryIndex) -> Triples:
        """Claims as entity pages show them: the evidence the index picks, and how much
        evidence each has in all (``medkg:evidenceCount``)."""
        return self.claims_with_evidence(claims, index.shown(claims), index.claim_predicates())

    def claims_with_evidence(
        self,
        claims: list[str],
        shown: dict[str, tuple[int, list[str]]],
        predicates: list[str] | None,
    ) -> Triples:
        """Claims with only the evidence ``shown`` names (per claim: how much it has in all,
        given as ``medkg:evidenceCount``, and which to show); a claim with many links has its
        own triples looked up by ``predicates`` (all a store's claims use) when known."""
        pairs = " ".join(f"(<{c}> <{ev}>)" for c in claims for ev in shown.get(c, (0, []))[1])
        values = " ".join(f"<{c}>" for c in claims)
        heavy = (
            set() if predicates is None else {c for c in claims if shown.get(c, (0,))[0] > HEAVY}
        )
        own = ""
        if len(heavy) < len(claims):
            light = " ".join(f"<{c}>" for c in claims if c not in heavy)
            own += READ_WHOLE % (light, LABELLED)
        if heavy:
            listed = [f"<{p}>" for p in predicates or () if p != EVIDENCE_LINK]
            keys = keyed("?c", listed, "?cp", "?co") if listed else "FILTER(false)"
            by_key = " ".join(f"<{c}>" for c in claims if c in heavy)
            own += READ_BY_KEY % (by_key, keys, keyed("?c", LABELLED_BY, None, "?term"))
        query = CLAIMS_SHOWN % (own, values, PEER, pairs)
        g = self.construct_triples(query)
        for c, (n, _) in shown.items():
            g.add(c, EVIDENCE_COUNT, Lit(str(n), INTEGER))
        return g

    def claims_graph(self, claims: Iterable[URIRef], graphs: list[URIRef] | None = None) -> Graph:
        """Claims with their evidence, quotes, cited references, qc flags and term labels
        (from ``graphs`` only, when given: e.g. one article's source graph)."""
        values = " ".join(c.n3() for c in claims)
        if not values:
            return Graph()
        names = [str(g) for g in graphs] if graphs else None
        return self.construct(CLAIMS % (values, LABELLED, PEER), default_graphs=names)

    def document_url(
        self, iri: URIRef, page: int | None = None, after: str | None = None
    ) -> URIRef:
        """The IRI (under the base) of the document describing an entity, or one of its pages
        (by number, or the page after a claim)."""
        curie = iri_to_curie(str(iri))
        path = f"entity/{curie}" if curie != str(iri) else f"entity/?iri={quote(str(iri), '')}"
        sep = "&" if "?" in path else "?"
        if after:
            return URIRef(f"{self.base}{path}{sep}after={after}")
        return URIRef(f"{self.base}{path}" + (f"{sep}page={page}" if page else ""))

    def _view(self, iri: URIRef, p: Page) -> Triples:
        g = Triples()
        view = str(self.document_url(iri, p.number, p.after))
        g.add(str(iri), HYDRA + "view", view)
        g.add(view, str(RDF.type), HYDRA + "PartialCollectionView")
        g.add(view, HYDRA + "totalItems", Lit(str(p.total), INTEGER))
        g.add(view, HYDRA + "first", str(self.document_url(iri, 1)))
        g.add(view, HYDRA + "last", str(self.document_url(iri, p.last)))
        if p.number > 1 and p.after is None:
            g.add(view, HYDRA + "previous", str(self.document_url(iri, p.number - 1)))
        if p.more:
            following = self.document_url(iri, p.number + 1, p.following)
            g.add(view, HYDRA + "next", str(following))
        return g

    def _node(self, kind: str, iri: URIRef, cls: URIRef) -> Document:
        g = self.construct(NODE % iri.n3())
        if (iri, RDF.type, cls) not in g:
            raise EntityNotFound(
                f"no {kind} {iri_to_curie(str(iri))}", hint=f"list them at /{kind}/ via /sparql"
            )
        return Document(kind, iri, g, self.base)

    def select(self, query: str) -> list[dict[str, Any]]:
        """Rows of a SELECT (the common prefixes and ``medkg:`` are declared)."""
        return self.store.query(PREFIXES + _medkg(self.base) + query).to_dicts()

    def construct_triples(self, query: str, default_graphs: list[str] | None = None) -> Triples:
        """The triples of a CONSTRUCT as ``Triples``, read straight from pyoxigraph's result
        when the store is Oxigraph in this process (no rdflib terms in between)."""
        text = PREFIXES + _medkg(self.base) + query
        result = self.store.query(text, default_graphs=default_graphs)
        if isinstance(result.native, ox.QueryTriples):
            return from_oxigraph(result.native)
        out = Triples()
        for s, p, o in result.triples:
            out.add(str(from_rdflib(s)), str(p), from_rdflib(with_decimal_point(o)))
        return out

    def construct(self, query: str, default_graphs: list[str] | None = None) -> Graph:
        """The graph of a CONSTRUCT, with the context's prefixes bound for Turtle."""
        text = PREFIXES + _medkg(self.base) + query
        result = self.store.query(text, default_graphs=default_graphs)
        g = Graph()
        for prefix, ns in jsonld.prefixes(self.base).items():
            g.bind(prefix, ns, override=True, replace=True)
        for s, p, o in result.triples:
            g.add((s, p, with_decimal_point(o)))
        return g


def with_decimal_point(term: Any) -> Any:
    """An xsd:decimal with a decimal point (``3.0``); other terms unchanged.

    Oxigraph stores the canonical ``3``, but rdflib's Turtle and TriG always write ``3.0``, so
    documents and dumps use ``3.0`` in every format: each format then holds the same literal.
    """
    if isinstance(term, Literal) and term.datatype == XSD.decimal and "." not in str(term):
        return Literal(f"{term}.0", datatype=XSD.decimal)
    return term


def _medkg(base: str) -> str:
    """The vocabulary's prefix: it stays under the default base whatever ``base`` instances use."""
    return f"PREFIX medkg: <{MEDKG}>\n"


def segment(text: str) -> str:
    """A path segment of a minted IRI (an id or a key: letters, digits, ``.``, ``_``, ``~``,
    ``-``); anything else cannot name a medkg resource, so it is a 404."""
    if not _SEGMENT.match(text):
        raise EntityNotFound(
            f"{text!r} is not a medkg identifier",
            hint="ids and keys are letters, digits, '.', '_', '~' and '-'",
        )
    return text


def is_valid_iri(text: str) -> bool:
    """True for an absolute IRI (RFC 3987) that is safe inside ``<...>`` in SPARQL."""
    if _BAD_IRI.search(text):
        return False
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True
