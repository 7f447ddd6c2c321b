"""Answer the founding question from the graph: a verdict, its strength, and the chain of claims.

The rows come from the named query ``queries/als-demyelinating-or-axonal.rq``; the evidence
details (articles, reference numbers, quality flags) from one more query over the same claims.
Nothing here is written for ALS: a claim's side (myelin or axon) comes from its terms' labels,
its stance from polarity, modality, role and predicate, and the verdict from the tally.
A claim no curator approved (a draft) is a hypothesis: it is no vote unless drafts are asked for,
and then it is shown as one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rdflib.term import Node

from medkg.model import best_status
from medkg.peers import Peer, peers_of
from medkg.queries import NamedQuery
from medkg.rdf.encode import STATUS_NAMES
from medkg.store.base import Queries, Store
from medkg.vocab import iri_to_curie

FOUNDING_QUERY = "als-demyelinating-or-axonal"
DOWNSTREAM = "http://purl.obolibrary.org/obo/RO_0002404"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"

#: how each stance reads, in the order the chain is told
STANCES = {
    "refutes": "Stated not to be demyelinating",
    "axonal": "Axons affected primarily",
    "secondary": "Demyelination secondary or uncertain",
    "demyelinating": "Stated to be demyelinating",
    "context": "Related findings",
}

# Required patterns first, every OPTIONAL a single pattern on a bound subject, nested: an
# OPTIONAL in the middle, or one joining two patterns (the article's references by number),
# let Oxigraph read every reference of the store for each row (over 60 s for a page of 100
# sentences at a million claims). A sentence's references are those it cites
# (``cito:citesAsEvidence``, DESIGN section 2), kept where their number is one it prints.
DETAILS = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX medkg: <https://w3id.org/medkg/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX cito: <http://purl.org/spar/cito/>
SELECT ?claim ?s ?p ?o ?ev ?status ?quote ?start ?article ?n ?ref ?number ?title ?type ?year
       ?flag ?claimflag ?refflag
WHERE {
  %s
  ?claim rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; medkg:evidence ?ev .
  ?ev medkg:source ?article ; oa:hasTarget/oa:hasSelector/oa:exact ?quote ;
      oa:hasTarget/oa:hasSelector/oa:start ?start .
  OPTIONAL { ?ev medkg:curationStatus ?status }
  OPTIONAL { ?ev medkg:citationNumber ?n }
  OPTIONAL { ?ev cito:citesAsEvidence ?ref
             OPTIONAL { ?ref medkg:referenceNumber ?number } OPTIONAL { ?ref dcterms:title ?title }
             OPTIONAL { ?ref medkg:referenceType ?type } OPTIONAL { ?ref dcterms:date ?year }
             OPTIONAL { ?ref medkg:qcFlag ?refflag } }
  OPTIONAL { ?ev medkg:qcFlag ?flag }
  OPTIONAL { ?claim medkg:qcFlag ?claimflag }
}
"""


@dataclass(frozen=True)
class Reference:
    number: int
    iri: str
    title: str
    type: str = ""
    year: str = ""
    flags: tuple[str, ...] = ()


@dataclass
class Evidence:
    quote: str
    article: str
    start: int = 0
    citations: list[int] = field(default_factory=list)
    references: dict[int, Reference] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def dangling(self) -> list[int]:
        """Citation numbers printed in the text that no reference carries."""
        return [n for n in self.citations if n not in self.references]


@dataclass
class Claim:
    iri: str
    subject: str
    predicate: str
    object: str
    negated: bool
    modality: str
    role: str
    context: str
    iris: tuple[str, str, str] = ("", "", "")
    evidence: list[Evidence] = field(default_factory=list)
    stance: str = "context"
    statuses: set[str] = field(default_factory=set)
    peers: list[Peer] = field(default_factory=list)  # other sources' claims of it

    @property
    def status(self) -> str:
        """The best curation status of its evidence (``approved`` unless a draft)."""
        return best_status(self.statuses)

    @property
    def key(self) -> str:
        return self.iri.rsplit("/", 1)[-1]


@dataclass
class Answer:
    question: str
    disease: str
    verdict: str
    explanation: list[str]
    strength: str
    strength_reasons: list[str]
    chain: dict[str, list[Claim]]
    references: list[Reference]
    dangling: list[int]
    attributions: list[str] = field(default_factory=list)  # of the curated sources shown
    # claims per stance over the whole answer, when the chain is one page of it (see founding)
    tally: dict[str, int] = field(default_factory=dict)
    following: dict[str, str] = field(default_factory=dict)  # the next page's URLs, if any


#: the sides of the question, each the word a term's label contains to be on it (first wins)
SIDES = ("myelin", "axon")


def side(label: str) -> str | None:
    """Which side of the question a term's label speaks of: myelin (first) or axon."""
    low = label.lower()
    return next((word for word in SIDES if word in low), None)


def stance(c: Claim) -> str:
    """Where one claim stands on the question (see STANCES)."""
    subject_side, object_side = side(c.subject), side(c.object)
    affirmed = not c.negated and c.modality == "asserted"
    if subject_side == "myelin" and object_side == "axon" and c.iris[1] == DOWNSTREAM:
        return "secondary" if not c.negated else "context"
    if c.context or object_side is None:
        return "context"
    if object_side == "myelin":
        if c.negated:
            return "refutes"
        if affirmed and (c.role == "primary" or c.iris[1] == SUBCLASS):
            return "demyelinating"
        if c.role == "secondary" or not affirmed:
            return "secondary"
        return "context"
    return "axonal" if affirmed and c.role == "primary" else "context"


def collect_claims(rows: list[dict[str, Node]]) -> dict[str, Claim]:
    """Group the named query's rows (one per evidence) by claim."""
    claims: dict[str, Claim] = {}
    for r in rows:
        iri = str(r["claim"])
        if iri not in claims:
            claims[iri] = Claim(
                iri,
                _label(r.get("subject")),
                _label(r.get("predicate")),
                _label(r.get("object")),
                str(r.get("negated", "false")).lower() == "true",
                str(r.get("modality", "")).lower(),
                str(r.get("role", "")).lower(),
                str(r.get("context", "")),
            )
    return claims


#: how predicates without an rdfs:label in the graph read
PLAIN = {"rdfs:subClassOf": "is a kind of"}


def _label(node: Node | None) -> str:
    text = str(node or "")
    if text.startswith(("http://", "https://")):
        return PLAIN.get(iri_to_curie(text), iri_to_curie(text))
    return text


def add_details(
    store: Queries, claims: dict[str, Claim], pairs: Sequence[tuple[str, str]] | None = None
) -> None:
    """Fill in each claim's IRIs and evidence: article, citations, references, flags; only
    the evidence of ``pairs`` (claim, evidence IRIs: a page's) when given, else all of it."""
    if not claims:
        return
    if pairs is None:
        values = "VALUES ?claim { " + " ".join(f"<{iri}>" for iri in claims) + " }"
    else:
        rows = " ".join(f"(<{c}> <{e}>)" for c, e in dict.fromkeys(pairs))
        values = f"VALUES (?claim ?ev) {{ {rows} }}"
    evidence: dict[tuple[str, str], Evidence] = {}
    for row in store.query(DETAILS % values).to_dicts():
        claim = claims[str(row["claim"])]
        claim.iris = (str(row["s"]), str(row["p"]), str(row["o"]))
        claim.statuses.add(STATUS_NAMES.get(str(row.get("status", "")), "draft"))
        key = (claim.iri, str(row["ev"]))
        ev = evidence.get(key)
        if ev is None:
            ev = evidence[key] = Evidence(
                str(row["quote"]), str(row["article"]), int(str(row["start"]))
            )
            claim.evidence.append(ev)
        if "n" in row and int(str(row["n"])) not in ev.citations:
            ev.citations.append(int(str(row["n"])))
        if "number" in row:
            _add_reference(ev, row)
        for flag in (row.get("flag"), row.get("claimflag")):
            if flag is not None:
                ev.flags.add(iri_to_curie(str(flag)))
    for claim in claims.values():
        claim.evidence.sort(key=lambda e: e.start)
        for ev in claim.evidence:
            ev.citations.sort()
            ev.references = {n: r for n, r in ev.references.items() if n in ev.citations}


def _add_reference(ev: Evidence, row: dict[str, Node]) -> None:
    """The reference a row names, by its number, its quality flags gathered over rows."""
    n = int(str(row["number"]))
    prior = ev.references.get(n)
    flags = set(prior.flags) if prior else set()
    if "refflag" in row:
        flags.add(iri_to_curie(str(row["refflag"])))
    ev.references[n] = Reference(
        n,
        str(row["ref"]),
        str(row.get("title", "")),
        str(row.get("type", "")),
        str(row.get("year", "")),
        tuple(sorted(flags)),
    )


def answer(
    query: NamedQuery, store: Store, params: dict[str, str] | None = None, drafts: bool = False
) -> Answer:
    """Run the founding query and tell what the graph says, how strongly, and why; claims no
    curator approved (drafts) count only with ``drafts``."""
    rows = query.run(store, params or {}).to_dicts()
    claims, chain = settled(store, collect_claims(rows), drafts)
    disease = next(
        (c.subject for c in claims.values() if not c.context), _disease_label(rows, claims)
    )
    told, weighed = tell(disease, chain), weigh(decisive(chain))
    return assembled(query, params, disease, told, weighed, claims, chain)


#: the stances that answer the question (the others tell its context)
DECISIVE = ("refutes", "axonal", "demyelinating")


def decisive(chain: Mapping[str, list[Claim]]) -> list[Claim]:
    return [c for k in DECISIVE for c in chain.get(k, [])]


def settled(
    store: Queries,
    claims: dict[str, Claim],
    drafts: bool,
    pairs: Sequence[tuple[str, str]] | None = None,
) -> tuple[dict[str, Claim], dict[str, list[Claim]]]:
    """The claims with their details (of ``pairs`` only, when given) and their peers, those no
    curator approved left out unless ``drafts``; and the chain: the claims by stance."""
    add_details(store, claims, pairs)
    if not drafts:
        claims = {k: c for k, c in claims.items() if c.status == "approved"}
    for iri, peers in peers_of(store, claims).items():
        claims[iri].peers = peers
    chain: dict[str, list[Claim]] = defaultdict(list)
    for c in claims.values():
        c.stance = stance(c)
        chain[c.stance].append(c)
    return claims, chain


def assembled(
    query: NamedQuery,
    params: dict[str, str] | None,
    disease: str,
    told: tuple[str, list[str]],
    weighed: tuple[str, list[str]],
    claims: dict[str, Claim],
    chain: dict[str, list[Claim]],
    **extra: Any,
) -> Answer:
    """The answer: the verdict ``told``, the strength ``weighed``, the chain in the order of
    STANCES, the references the claims' evidence cites, and the curated sources' credits."""
    refs = {n: r for c in claims.values() for e in c.evidence for n, r in e.references.items()}
    dangling = sorted({n for c in claims.values() for e in c.evidence for n in e.dangling})
    asked = query.summary if not params else f"{query.summary} (asked of {disease})"
    return Answer(
        asked,
        disease,
        *told,
        *weighed,
        {k: chain[k] for k in STANCES if chain.get(k)},
        [refs[n] for n in sorted(refs)],
        dangling,
        sorted({a for c in claims.values() for p in c.peers for a in p.attributions}),
        **extra,
    )


def _disease_label(rows: list[dict[str, Node]], claims: dict[str, Claim]) -> str:
    contexts = [c.context for c in claims.values() if c.context]
    return contexts[0] if contexts else (iri_to_curie(str(rows[0]["disease"])) if rows else "")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def tell(disease: str, chain: dict[str, list[Claim]]) -> tuple[str, list[str]]:
    """The verdict in one sentence, and the tally behind it in plain words."""
    return tell_counts(disease, {k: len(v) for k, v in chain.items()})


def tell_counts(disease: str, counts: Mapping[str, int]) -> tuple[str, list[str]]:
    """The verdict told from the number of claims of each stance."""
    refutes, axonal, demy = (counts.get(k, 0) for k in ("refutes", "axonal", "demyelinating"))
    secondary = counts.get("secondary", 0)
    if demy and (refutes or axonal):
        verdict = f"Contested: the sources disagree on whether {disease} is demyelinating."
    elif demy:
        verdict = f"Yes: {disease} is stated to be a demyelinating disease."
    elif refutes and axonal:
        verdict = f"No: {disease} is not a demyelinating disease; it primarily affects axons."
    elif refutes:
        verdict = f"No: {disease} is stated not to be a demyelinating disease."
    elif axonal:
        verdict = f"{disease} primarily affects axons; no claim says whether it is demyelinating."
    else:
        verdict = f"The graph holds no claim that settles the question for {disease}."
    explanation = [
        f"{_n(refutes, 'claim')} deny that demyelination is the nature or primary basis "
        f"of {disease}; {_n(demy, 'claim')} affirm it.",
        f"{_n(axonal, 'claim')} state that axons or axonal degeneration are primary.",
    ]
    if secondary:
        explanation.append(
            f"{_n(secondary, 'claim')} describe demyelination as secondary to axonal "
            "degeneration, or as uncertain."
        )
    return verdict, explanation


#: the rule ``weigh`` applies, in words (the founding page shows it beside the rating)
STRENGTH_RULES = (
    "strong when the decisive claims are stated in at least two articles and cite primary "
    "research, with no quality flag; moderate when they cite at least three distinct "
    "references; weak otherwise."
)


def weigh(claims: list[Claim]) -> tuple[str, list[str]]:
    """Strength of the evidence behind the decisive claims, and the reasons for it."""
    evidence = [e for c in claims for e in c.evidence]
    articles = {e.article for e in evidence}
    refs = {r.iri: r for e in evidence for r in e.references.values()}
    research = [r for r in refs.values() if r.type.lower() == "research"]
    flags = sorted(
        {f for e in evidence for f in e.flags} | {f for r in refs.values() for f in r.flags}
    )
    dangling = sorted({n for e in evidence for n in e.dangling})
    uncited = sum(1 for e in evidence if not e.citations)
    reasons = [
        f"{_n(len(evidence), 'quoted sentence')} from {_n(len(articles), 'article')}, "
        f"citing {_n(len(refs), 'reference')} ({len(research)} primary research).",
    ]
    if uncited:
        reasons.append(f"{_n(uncited, 'sentence')} cite no reference at all.")
    if dangling:
        reasons.append(f"Citation {', '.join(map(str, dangling))} matches no listed reference.")
    if flags:
        reasons.append("Quality flags: " + ", ".join(flags) + ".")
    if len(articles) >= 2 and research and not flags:
        level = "strong"
    elif len(refs) >= 3:
        level = "moderate"
    else:
        level = "weak"
    return level, reasons
