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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import RDFS, URIRef
from rdflib.term import Node

from medkg.answer import (
    DECISIVE,
    SIDES,
    STANCES,
    Answer,
    Claim,
    assembled,
    collect_claims,
    decisive,
    settled,
    stance,
    tell_counts,
    weigh,
)
from medkg.paging import anchor_span, bind_anchor
from medkg.queries import NamedQuery
from medkg.store.base import Queries
from medkg.store.rewrite import where_brace
from medkg.vocab import iri_to_curie

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX medkg: <https://w3id.org/medkg/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
# One row per kind of claim as ``answer.stance`` reads it (the side of each term's label,
# the predicate, polarity, modality, role, whether it has a context, whether approved) with
# how many claims are of it. The anchor's own patterns open the group, flat (as a subquery
# joined to the rest, Oxigraph read the claims' properties for every claim of the store:
# 16-21 s for ALS at a million claims, against 0.9 s).
TALLY = """SELECT ?_p ?_negated ?_subject ?_object ?_modality ?_role ?_context ?_approved
       (COUNT(DISTINCT ?%(key)s) AS ?_claims)
WHERE {
  %(anchor)s
  ?%(key)s a medkg:Claim ; rdf:predicate ?_p ; rdf:subject ?_s ; rdf:object ?_o ;
         medkg:negated ?_negated ; medkg:modality ?_m .
  OPTIONAL { ?_s rdfs:label ?_sl }
  OPTIONAL { ?_o rdfs:label ?_ol }
  OPTIONAL { ?_m rdfs:label ?_ml }
  OPTIONAL { ?%(key)s medkg:role ?_r OPTIONAL { ?_r rdfs:label ?_rl } }
  OPTIONAL { ?%(key)s medkg:diseaseContext ?_c OPTIONAL { ?_c rdfs:label ?_cl } }
  BIND (%(subject)s AS ?_subject)
  BIND (%(object)s AS ?_object)
  BIND (LCASE(COALESCE(?_ml, STR(?_m))) AS ?_modality)
  BIND (LCASE(COALESCE(?_rl, "")) AS ?_role)
  BIND (BOUND(?_cl) AS ?_context)
  BIND (EXISTS { ?%(key)s medkg:curationStatus medkg:Approved } AS ?_approved)
}
GROUP BY ?_p ?_negated ?_subject ?_object ?_modality ?_role ?_context ?_approved"""


def side_expression(term: str, label: str) -> str:
    """``answer.side`` of a term's label (its IRI without one) as a SPARQL expression.

    >>> side_expression("?s", "?sl")
    'IF(CONTAINS(LCASE(COALESCE(?sl, STR(?s))), "myelin"), "myelin", \
IF(CONTAINS(LCASE(COALESCE(?sl, STR(?s))), "axon"), "axon", ""))'
    """
    text = f"LCASE(COALESCE({label}, STR({term})))"
    expression = '""'
    for word in reversed(SIDES):
        expression = f'IF(CONTAINS({text}, "{word}"), "{word}", {expression})'
    return expression


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
    bound inside it (as the whole answer binds them).

    It does not ask for a quoted sentence as the named query does: a ``FILTER EXISTS`` on
    the claim's evidence made Oxigraph read every evidence of the store per claim (over 60 s
    for ALS at a million claims, against 0.9 s without). Every claim built from an article
    has one; a curated source's claims (no quote) are about the source's own identifiers
    (Orphanet, OMIM), so only a question asked of such an identifier counts claims its chain
    cannot show."""
    key = query.order[0]
    text = bind_anchor(query.text, key, bound)
    span = anchor_span(text, key)
    assert span is not None, "the founding query has an anchor (checked by a test)"
    sub = text[span[0] : span[1]]
    opening = where_brace(sub)
    assert opening is not None
    body = sub[opening + 1 : sub.rindex("}")]
    prologue = text[: text.upper().index("SELECT")]
    return (
        PREFIXES
        + prologue
        + TALLY
        % {
            "key": key,
            "anchor": body,
            "subject": side_expression("?_s", "?_sl"),
            "object": side_expression("?_o", "?_ol"),
        }
    )


def tally(query: NamedQuery, runner: Queries, bound: dict[str, Node], drafts: bool) -> Tally:
    """Count every claim's stance with one aggregate query; drafts count only with ``drafts``.
    The disease is named by its label (as the answer names it from its claims)."""
    counts: Counter[str] = Counter()
    for row in runner.query(tally_text(query, bound)).to_dicts():
        if not drafts and not _true(row.get("_approved")):
            continue
        claim = Claim(
            "", str(row["_subject"]), "", str(row["_object"]), _true(row["_negated"]),
            str(row["_modality"]), str(row.get("_role", "")),
            "context" if _true(row["_context"]) else "", ("", str(row["_p"]), ""),
        )  # fmt: skip
        counts[stance(claim)] += int(str(row["_claims"]))
    return Tally({k: counts[k] for k in STANCES if counts[k]}, _name(runner, bound))


def _true(term: Node | None) -> bool:
    return str(term).lower() in ("true", "1")


def _name(runner: Queries, bound: dict[str, Node]) -> str:
    """The label of the entity the query is asked of (its CURIE without one)."""
    iri = next((v for v in bound.values() if isinstance(v, URIRef)), None)
    if iri is None:
        return ""
    rows = runner.query(f"SELECT ?l WHERE {{ {iri.n3()} <{RDFS.label}> ?l }} LIMIT 1").rows
    label = next(iter(rows), (None,))[0]
    return str(label) if label is not None else iri_to_curie(str(iri))


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
    pairs = [(str(r["claim"]), str(r["evidence"])) for r in page.rows]
    claims, chain = settled(runner, collect_claims(page.rows), drafts, pairs)
    disease = counted.disease or next(iter(c.subject for c in claims.values()), "")
    told = tell_counts(disease, counted.counts)
    shown = decisive(chain)
    strength, reasons = weigh(shown)
    decided = sum(counted.counts.get(k, 0) for k in DECISIVE)
    if page.cursor is not None or len(shown) < decided:
        reasons.insert(0, _partial(len(shown), decided))
    return assembled(query, params, disease, told, (strength, reasons), claims, chain,
                     tally=dict(counted.counts), following=dict(page.links))  # fmt: skip


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
