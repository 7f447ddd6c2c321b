"""The founding answer a page at a time: the verdict told from every claim, the chain shown a
page at a time.

``answer.answer`` reads the whole answer of the founding query (every evidence row of every
claim on the topics) and the details of every claim: at a million claims, ALS's 3,455 topic
claims and their tens of thousands of sentences did not answer within 120 s. Here the tally
behind the verdict comes from one aggregate query (``TALLY``: one row per kind of claim, with
how many claims are of that kind, over the same anchor as the named query), and only the
claims of one page of the named query (its keyset page, as the API gives it) are read in
detail, their evidence limited to the page's (claim, evidence) pairs. The strength is weighed
from the decisive claims on the page, and the page says so when more claims follow.

Nothing here runs a query unbounded: ``Queries`` is whatever runs a query (the web runs them
through the query workers, under ``query_timeout``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib.term import Node

from medkg.answer import (
    STANCES,
    Answer,
    Claim,
    add_details,
    collect_claims,
    stance,
    tell_counts,
    weigh,
)
from medkg.paging import anchor_span, bind_anchor
from medkg.peers import peers_of
from medkg.queries import NamedQuery
from medkg.store.base import Queries

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX medkg: <https://w3id.org/medkg/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
# One row per kind of claim (what ``answer.stance`` reads: the terms' labels, the predicate,
# polarity, modality, role, context, approval) and how many claims are of it. The inner
# query makes one row per claim (a term with two labels is one claim, as in the answer); the
# claims are the named query's: its anchor, and a quoted sentence with a position.
TALLY = (
    PREFIXES
    + """SELECT ?s ?p ?o ?sl ?ol ?negated ?m ?ml ?rl ?cl ?approved (COUNT(?claim) AS ?claims)
WHERE {
  { SELECT ?claim ?s ?p ?o ?negated ?m ?approved (SAMPLE(?sl0) AS ?sl) (SAMPLE(?ol0) AS ?ol)
           (SAMPLE(?ml0) AS ?ml) (SAMPLE(?rl0) AS ?rl) (SAMPLE(?cl0) AS ?cl)
    WHERE {
      { %s }
      ?claim a medkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
             medkg:negated ?negated ; medkg:modality ?m .
      FILTER EXISTS { ?claim medkg:evidence ?ev . ?ev oa:hasTarget/oa:hasSelector ?sel .
                      ?sel oa:exact ?quote ; a oa:TextQuoteSelector .
                      ?ev oa:hasTarget/oa:hasSelector/oa:start ?start }
      BIND (EXISTS { ?claim medkg:curationStatus medkg:Approved } AS ?approved)
      OPTIONAL { ?s rdfs:label ?sl0 }
      OPTIONAL { ?o rdfs:label ?ol0 }
      OPTIONAL { ?m rdfs:label ?ml0 }
      OPTIONAL { ?claim medkg:role ?r OPTIONAL { ?r rdfs:label ?rl0 } }
      OPTIONAL { ?claim medkg:diseaseContext ?ctx OPTIONAL { ?ctx rdfs:label ?cl0 } }
    }
    GROUP BY ?claim ?s ?p ?o ?negated ?m ?approved }
}
GROUP BY ?s ?p ?o ?sl ?ol ?negated ?m ?ml ?rl ?cl ?approved"""
)


@dataclass(frozen=True)
class Tally:
    """How many claims of each stance the graph holds on the question (all of them, not a
    page's), and the disease as the claims name it."""

    counts: dict[str, int]
    disease: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def tally_text(query: NamedQuery, bound: dict[str, Node]) -> str:
    """The aggregate query over the claims the named query's anchor keeps, its parameters
    bound inside the anchor (as the whole answer binds them)."""
    text = bind_anchor(query.text, query.order[0], bound)
    span = anchor_span(text, query.order[0])
    assert span is not None, "the founding query has an anchor (checked by a test)"
    prologue = text[: text.upper().index("SELECT")]
    return prologue + TALLY % text[span[0] : span[1]]


def tally(query: NamedQuery, runner: Queries, bound: dict[str, Node], drafts: bool) -> Tally:
    """Count every claim's stance with one aggregate query; drafts count only with ``drafts``."""
    counts: Counter[str] = Counter()
    names: list[tuple[bool, str]] = []
    for row in runner.query(tally_text(query, bound)).to_dicts():
        if not drafts and str(row.get("approved", "")).lower() not in ("true", "1"):
            continue
        rows: list[dict[str, Node]] = [{
            "claim": row["s"], "subject": row.get("sl", row["s"]), "predicate": row["p"],
            "object": row.get("ol", row["o"]), "negated": row["negated"],
            "modality": row.get("ml", row["m"]),
            **{k: row[v] for k, v in (("role", "rl"), ("context", "cl")) if v in row},
        }]  # fmt: skip
        claim = next(iter(collect_claims(rows).values()))
        claim.iris = (str(row["s"]), str(row["p"]), str(row["o"]))
        counts[stance(claim)] += int(str(row["claims"]))
        names.append((bool(claim.context), claim.context or claim.subject))
    disease = min(names)[1] if names else ""
    return Tally({k: counts[k] for k in STANCES if counts[k]}, disease)


@dataclass
class Page:
    """One page of the founding query's rows: the rows, and the cursor of the next page."""

    rows: list[dict[str, Node]]
    cursor: str | None = None
    links: dict[str, str] = field(default_factory=dict)  # next page: "page" and "api" URLs


def paged_answer(
    query: NamedQuery,
    runner: Queries,
    params: dict[str, str],
    page: Page,
    counted: Tally,
    drafts: bool = False,
) -> Answer:
    """The answer told from ``counted`` (every claim), its chain the claims of ``page`` (their
    sentences on the page only); strength weighed from the page's decisive claims."""
    claims = collect_claims(page.rows)
    pairs = [(str(r["claim"]), str(r["evidence"])) for r in page.rows]
    add_details(runner, claims, pairs)
    if not drafts:
        claims = {k: c for k, c in claims.items() if c.status == "approved"}
    for iri, peers in peers_of(runner, claims).items():
        claims[iri].peers = peers
    chain: dict[str, list[Claim]] = defaultdict(list)
    for c in claims.values():
        c.stance = stance(c)
        chain[c.stance].append(c)
    disease = counted.disease or next(iter(c.subject for c in claims.values()), "")
    verdict, explanation = tell_counts(disease, counted.counts)
    decisive = chain["refutes"] + chain["axonal"] + chain["demyelinating"]
    strength, reasons = weigh(decisive)
    decided = sum(counted.counts.get(k, 0) for k in ("refutes", "axonal", "demyelinating"))
    if page.cursor is not None or len(decisive) < decided:
        reasons.insert(0, _partial(len(decisive), decided))
    refs = {n: r for c in claims.values() for e in c.evidence for n, r in e.references.items()}
    dangling = sorted({n for c in claims.values() for e in c.evidence for n in e.dangling})
    asked = query.summary if not params else f"{query.summary} (asked of {disease})"
    return Answer(
        asked,
        disease,
        verdict,
        explanation,
        strength,
        reasons,
        {k: chain[k] for k in STANCES if chain.get(k)},
        [refs[n] for n in sorted(refs)],
        dangling,
        sorted({a for c in claims.values() for p in c.peers for a in p.attributions}),
        tally=dict(counted.counts),
        following=dict(page.links),
    )


def _partial(shown: int, decided: int) -> str:
    return (
        f"Weighed from the sentences on this page: {shown} of the {decided} decisive claims "
        "(the tally above counts them all; the next pages show the rest)."
    )


def row_dicts(
    variables: Sequence[str], rows: Sequence[Sequence[Node | None]]
) -> list[dict[str, Node]]:
    """Rows as dicts of their bound variables, as ``QueryResult.to_dicts`` gives them."""
    return [{v: t for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
