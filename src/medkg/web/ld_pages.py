"""HTML for entity, claim, article and reference IRIs: the browser side of content negotiation.

``render_document(doc, offer)`` takes the same linked-data ``Document`` the JSON-LD, Turtle and
other forms serialise, so a page shows exactly what the data says. Entity pages group claims as
affirmed / negated / hypotheses and draw the neighbourhood with cytoscape.js (served locally);
article pages show the stored text with every quote highlighted and its citations linked.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import g, render_template
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDFS

from medkg.documents import Document, Documents
from medkg.formats import Format
from medkg.rdf import frames, jsonld
from medkg.web.claim_view import ClaimView, EvidenceView, Reader, Ref, Term, as_list
from medkg.web.entity_summary import read_summary
from medkg.web.state import state

#: the groups of an entity page, in the order shown: what sources deny comes first, since a
#: denial is the answer people most often come for and the easiest to miss below the affirmed
GROUPS = {
    "negated": "Negated claims",
    "affirmed": "Affirmed claims",
    "hypotheses": "Hypotheses, uncertain claims and drafts",
}
#: a run of citation numbers printed at the end of a sentence: "... axons 1, 2."
CITATION_RUN = re.compile(r"(?<=[^\s\d]) (\d{1,3}(?:, \d{1,3})*)(?=\.?\s*$)", re.MULTILINE)


@dataclass(frozen=True)
class Shown:
    """Which of a page's claims an entity page draws, in the order it shows them (group,
    predicate, sentence card): those from the ``start``-th on, ``limit`` at most (None: to
    the end of the page). A sentence card is drawn whole if it starts in that window."""

    start: int = 0
    limit: int | None = None


ALL = Shown()


def render_document(doc: Document, offer: Sequence[Format], shown: Shown = ALL) -> str:
    """The HTML page of a document; ``offer`` lists the other formats to link as alternates,
    ``shown`` which of an entity page's claims to draw."""
    alternates = [f for f in offer if f.name != "html"]
    reader = Reader(doc.data, doc.base)
    if doc.kind == "entity":  # its sources are listed (walking its claims took a third)
        g.attributions = reader.listed_attributions()
        return entity_page(doc, reader, alternates, shown)
    g.attributions = reader.attributions()  # the curated sources' acknowledgements (base.html)
    render = {"claim": claim_page, "article": article_page}.get(doc.kind, node_page)
    return render(doc, reader, alternates)


def entity_page(doc: Document, reader: Reader, alternates: list[Format], shown: Shown = ALL) -> str:
    data = doc.data
    # the page's claims in outline (no evidence) to order and count them, then in full the
    # ones drawn: a head entity's page holds 50 claims and 150 sentences
    outline: list[tuple[ClaimView, str]] = []
    nodes: dict[str, dict[str, Any]] = {}
    for group in jsonld.NEST_KEYS:
        for direction, ns in (data.get(group) or {}).items():
            for n in ns:
                if isinstance(n, dict):
                    c = reader.claim(n, full=False)
                    outline.append((c, direction))
                    nodes[c.key] = n
    sentences = {k: reader.sentences(n) for k, n in nodes.items()}
    cards = {
        g: by_predicate([(c, d) for c, d in outline if c.group == g], sentences) for g in GROUPS
    }
    drawn, end, waiting = window(cards, shown)
    full: dict[str, ClaimView] = {}
    for predicates in drawn.values():
        for _, cs in predicates:
            for card in cs:
                card.claims = [
                    full.setdefault(c.key, reader.claim(nodes[c.key])) for c in card.claims
                ]
                card.evidence = card.claims[0].evidence
    claims = [(full.get(c.key, c), d) for c, d in outline]
    keys = {
        c.key for cs in drawn.values() for _, cards_ in cs for card in cards_ for c in card.claims
    }
    grouped = {g: [(c, d) for c, d in claims if c.group == g and c.key in keys] for g in GROUPS}
    term = reader.term(data["@id"])
    view = data.get("view")
    more = None
    if sum(waiting.values()):
        more = more_link(reader.href(str(data["@id"])), end)
    elif view and view.get("next"):
        more = reader.href(str(view["next"]))
    return render_template(
        "entity.html",
        doc=doc,
        term=term,
        counted=read_summary(data, reader, list(GROUPS)),
        summary=summarise(c for c, _ in claims),
        by_predicate=drawn,
        waiting=waiting,
        csv=csv_link(term.curie if term else ""),
        synonyms=as_list(data.get("exactSynonym")) + as_list(data.get("relatedSynonym")),
        parents=[reader.term(p) for p in as_list(data.get("subClassOf"))],
        groups=GROUPS,
        grouped=grouped,
        graph=graph_data(str(data["@id"]), [c for c, _ in claims if c.key in keys], reader),
        alternates=alternates,
        view=view,
        more=more,
    )


Cards = list[tuple[str, list["SentenceCard"]]]


def window(cards: dict[str, Cards], shown: Shown) -> tuple[dict[str, Cards], int, dict[str, int]]:
    """The cards of each group that ``shown`` draws (in the order shown), where the claims
    after them start, and how many claims of each group wait after them (on demand)."""
    drawn: dict[str, Cards] = {}
    waiting = dict.fromkeys(cards, 0)
    at, end = 0, shown.start
    stop = None if shown.limit is None else shown.start + shown.limit
    for group, predicates in cards.items():
        drawn[group] = []
        for predicate, cs in predicates:
            kept = []
            for card in cs:
                if at >= shown.start and (stop is None or at < stop):
                    kept.append(card)
                    end = at + len(card.claims)
                elif stop is not None and at >= stop:
                    waiting[group] += len(card.claims)
                at += len(card.claims)
            if kept:
                drawn[group].append((predicate, kept))
    return drawn, max(end, shown.start), waiting


def more_link(href: str, start: int) -> str:
    """The rest of this page of claims, from the ``start``-th in the order shown."""
    return f"{href}{'&' if '?' in href else '?'}from={start}"


def summarise(claims: Iterable[ClaimView]) -> list[tuple[str, dict[str, int]]]:
    """Claims on this page counted by predicate and group, the predicates most claimed first."""
    counts: dict[str, dict[str, int]] = {}
    for c in claims:
        row = counts.setdefault(c.predicate.label, dict.fromkeys(GROUPS, 0))
        row[c.group] += 1
    return sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))


@dataclass
class SentenceCard:
    """Claims stated by the same sentences: the sentences are shown once, above them all."""

    evidence: list[EvidenceView]
    claims: list[ClaimView]

    @property
    def flags(self) -> tuple[str, ...]:
        """Flags every claim of the card carries: shown on the claims, not again per sentence."""
        sets = [set(c.flags) for c in self.claims]
        return tuple(sorted(set.intersection(*sets))) if sets else ()


def by_predicate(
    claims: list[tuple[ClaimView, str]], sentences: dict[str, tuple[Any, ...]] | None = None
) -> list[tuple[str, list[SentenceCard]]]:
    """A group's claims under their predicates (most claims first), as one card per set of
    sentences: "ALS presents with hypertonicity, hyperreflexia, fasciculations ..." is one
    card listing its five claims, not five cards repeating the sentence. ``sentences`` gives
    each claim's sentences by key (``Reader.sentences``) where the views have no evidence."""
    groups: dict[str, dict[tuple[Any, ...], SentenceCard]] = {}
    for c, _ in claims:
        cards = groups.setdefault(c.predicate.label, {})
        if sentences is not None:
            key = sentences[c.key]
        else:
            key = tuple(sorted((_fields(e.source), e.start, e.end, e.quote) for e in c.evidence))
        card = cards.setdefault(key or (c.key,), SentenceCard(c.evidence, []))
        card.claims.append(c)
    return sorted(
        ((label, list(cards.values())) for label, cards in groups.items()),
        key=lambda kv: (-sum(len(card.claims) for card in kv[1]), kv[0]),
    )


def _fields(term: Term | None) -> tuple[str, ...]:
    """A term as ``Reader.sentences`` keys it (no term: empty)."""
    return (term.curie, term.label, term.href) if term else ()


def csv_link(curie: str) -> str:
    """The named query that lists the same claims, as CSV (one row per quoted sentence)."""
    return "/api/queries/claims-about-entity?" + urlencode({"entity": curie, "format": "csv"})


def graph_data(focus: str, claims: list[ClaimView], reader: Reader) -> dict[str, Any]:
    """Nodes and edges for cytoscape.js: one edge per claim, negated and hypothetical marked."""
    nodes: dict[str, dict[str, Any]] = {}
    focus_curie = reader.term(focus)
    for c in claims:
        for t in (c.subject, c.object):
            nodes.setdefault(
                t.curie,
                {"id": t.curie, "label": t.label, "href": t.href, "focus": False},
            )
    if focus_curie and focus_curie.curie in nodes:
        nodes[focus_curie.curie]["focus"] = True
    edges = [
        {
            "id": f"e-{c.key}",
            "key": c.key,
            "source": c.subject.curie,
            "target": c.object.curie,
            "label": ("NOT " if c.negated else "") + c.predicate.label,
            "group": c.group,
        }
        for c in claims
    ]
    return {"nodes": list(nodes.values()), "edges": edges}


def claim_page(doc: Document, reader: Reader, alternates: list[Format]) -> str:
    claim = reader.claim(doc.data)
    view = doc.data.get("view")  # a claim with more sentences than a page
    return render_template("claim.html", doc=doc, claim=claim, view=view, alternates=alternates)


@dataclass(frozen=True)
class Piece:
    """A stretch of article text: plain, quoted by some evidence, or a citation number."""

    text: str
    evidence: tuple[str, ...] = ()
    cite: Ref | None = None
    dangling: bool = False
    starts: tuple[str, ...] = ()  # evidence whose quote begins here (an anchor to jump to)
    negated: bool = False  # quoted by a negated claim


def article_page(doc: Document, reader: Reader, alternates: list[Format]) -> str:
    data = doc.data
    refs = {
        r.number: r
        for r in (reader.reference(n) for n in as_list(data.get("reference")) if is_ref(n))
    }
    claims = article_claims(doc, reader)
    text, problem = stored_text(doc)
    pieces = split_text(text, claims, refs) if text is not None else []
    return render_template(
        "article.html",
        doc=doc,
        data=data,
        refs=[refs[n] for n in sorted(refs)],
        claims=claims,
        pieces=pieces,
        problem=problem,
        flags=as_list(data.get("qcFlag")),
        alternates=alternates,
    )


def is_ref(node: Any) -> bool:
    return isinstance(node, dict) and "referenceNumber" in node


def article_claims(doc: Document, reader: Reader) -> list[ClaimView]:
    """The claims this article states, with their evidence in it, framed from the graph the
    documents' claims are made of (``Documents.stated_in``)."""
    s = state()
    graph = Documents(s.store, doc.base).stated_in(doc.iri).to_graph(jsonld.prefixes(doc.base))
    nodes = jsonld.frame(jsonld.to_expanded(graph), frames.CLAIM, doc.base)
    named = [*graph[: RDFS.label :], *graph[: DCTERMS.title :]]
    labels = [{"@id": reader.compact(str(t)), "label": str(v)} for t, v in named]
    claims = [Reader({"@included": labels}, doc.base).claim(n) for n in nodes]
    return sorted(claims, key=lambda c: min((e.start or 0 for e in c.evidence), default=0))


def stored_text(doc: Document) -> tuple[str | None, str | None]:
    """The article's text from data/articles/, if it is the text the build hashed."""
    root = state().settings.root_path
    article_id = str(doc.iri).rsplit("/", 1)[-1]
    path = root / "data" / "articles" / f"{article_id}.txt"
    if not path.is_file():
        return None, f"the text of this article ({path.name}) is not on this server"
    text = path.read_text(encoding="utf-8")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != doc.data.get("contentSha256"):
        return None, f"{path.name} has changed since the graph was built; rebuild to see it"
    return text, None


def split_text(text: str, claims: list[ClaimView], refs: dict[int, Ref]) -> list[Piece]:
    """Cut the text at every quote's start and end and around every printed citation."""
    spans = [
        (e.start, e.end, e.key, c.negated)
        for c in claims
        for e in c.evidence
        if e.start is not None and e.end is not None and 0 <= e.start < e.end <= len(text)
    ]
    cites: dict[int, tuple[int, int]] = {}
    for run in CITATION_RUN.finditer(text):
        offset = run.start(1)
        for m in re.finditer(r"\d+", run.group(1)):
            cites[offset + m.start()] = (offset + m.end(), int(m.group()))
    cuts = {0, len(text)} | set(cites) | {end for end, _ in cites.values()}
    cuts |= {s for s, _, _, _ in spans} | {e for _, e, _, _ in spans}
    pieces = []
    seen: set[str] = set()
    for a, b in itertools.pairwise(sorted(cuts)):
        covering = [(k, neg) for s, e, k, neg in spans if s <= a and b <= e]
        keys = tuple(dict.fromkeys(k for k, _ in covering))
        starts = tuple(k for k in keys if k not in seen)
        seen.update(starts)
        negated = any(neg for _, neg in covering)
        if a in cites:
            number = cites[a][1]
            ref = refs.get(number)
            pieces.append(Piece(text[a:b], keys, ref, ref is None, starts, negated))
        else:
            pieces.append(Piece(text[a:b], keys, starts=starts, negated=negated))
    return pieces


#: reverse links a document lists (what points at it), and how the page heads them
REVERSE = {
    "referencedBy": "Listed in",
    "citedBy": "Cited as evidence by",
    "quotedBy": "Quoted by",
    "contradictionGroup": "Contradiction groups",
}


def node_page(doc: Document, reader: Reader, alternates: list[Format]) -> str:
    """References and evidence: the node, and what points at it."""
    data = doc.data
    ref = reader.reference(data) if "referenceNumber" in data else None
    backlinks = [
        (heading, [linked(reader, v) for v in as_list(data[key])])
        for key, heading in REVERSE.items()
        if data.get(key) and not (ref and key == "citedBy")  # a reference lists its sentences
    ]
    return render_template(
        "node.html",
        doc=doc,
        data=data,
        ref=ref,
        sentences=citing_sentences(doc.iri) if ref else [],
        evidence=reader.evidence(data) if doc.kind == "evidence" else None,
        claims=[reader.claim(c) for c in as_list(data.get("evidenceFor")) if isinstance(c, dict)],
        backlinks=backlinks,
        alternates=alternates,
    )


CITING = """
PREFIX medkg: <https://w3id.org/medkg/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX cito: <http://purl.org/spar/cito/>
SELECT ?ev ?quote ?start ?article (COUNT(DISTINCT ?claim) AS ?claims) WHERE {
  ?ev cito:citesAsEvidence %s ; oa:hasTarget ?target .
  ?target oa:hasSelector ?sel . ?sel oa:exact ?quote .
  OPTIONAL { ?ev medkg:source ?article }
  OPTIONAL { ?target oa:hasSelector ?pos . ?pos oa:start ?start }
  OPTIONAL { ?claim medkg:evidence ?ev }
} GROUP BY ?ev ?quote ?start ?article ORDER BY ?article ?start ?quote"""


@dataclass(frozen=True)
class Sentence:
    """A sentence that cites a reference: its words, where it stands, what it states."""

    quote: str
    hrefs: tuple[str, ...]  # the evidence nodes quoting it (one per run of claims it states)
    claims: int


def citing_sentences(reference: URIRef) -> list[Sentence]:
    """Each distinct sentence citing the reference once, in the order of its article."""
    s = state()
    seen: dict[tuple[str, str], Sentence] = {}
    for ev, quote, _start, article, claims in s.store.query(CITING % reference.n3()).rows:
        key = (str(article), str(quote))
        count = int(str(claims)) if claims is not None else 0
        href = "/" + str(ev).removeprefix(s.settings.base_iri)
        old = seen.get(key, Sentence(str(quote), (), 0))
        seen[key] = Sentence(old.quote, (*old.hrefs, href), old.claims + count)
    return list(seen.values())


def linked(reader: Reader, value: Any) -> Term:
    """A link to a node given by id or embedded, labelled by its title or label if it has one."""
    term = reader.term(value) or Term("?", "?", "#")
    if isinstance(value, dict) and (value.get("title") or value.get("label")):
        return Term(term.curie, str(value.get("title") or value.get("label")), term.href)
    return term
