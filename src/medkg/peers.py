"""Other sources' claims of the same proposition, as the pages tell them.

The build links a curated source's claim with another source's claim of the same proposition
(subject, predicate and object up to exact matches, in the same context; see
``bulk.Contradictions``) by ``medkg:samePropositionAs`` in the qc graph. A page shows each link
as one line under the claim: "also stated by HPO annotations (Orphanet:803, TAS,
frequent)", or "denied by ..." when the other source denies what this claim affirms (or
affirms what it denies). The entity and claim pages read the links from their
linked-data documents (``web.claim_view``); the founding page, built from a named query, reads
them with ``peers_of``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from medkg.sources.hpoa import ECO
from medkg.store.base import Queries
from medkg.vocab import iri_to_curie

#: ECO terms -> the evidence code the curated source wrote (TAS, PCS, IEA, ICE)
CODE_NAMES = {eco: code for code, eco in ECO.items()}

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX medkg: <https://w3id.org/medkg/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
# the links first, alone: joined with the peers' details in one query, Oxigraph started from
# the details (8-24 s for the founding page's 30 claims at the full HPO import, finding none)
LINKS = (
    PREFIXES
    + "SELECT ?claim ?peer WHERE { VALUES ?claim { %s } ?claim medkg:samePropositionAs ?peer }"
)
PEERS = (
    PREFIXES
    + """SELECT ?claim ?peer ?subject ?negated ?source ?title ?attribution ?code
       ?frequency ?flabel ?count ?total ?percent
WHERE {
  VALUES (?claim ?peer) { %s }
  ?peer rdf:subject ?subject ; medkg:negated ?negated ; medkg:evidence ?ev .
  ?ev medkg:source ?source .
  OPTIONAL { ?ev medkg:evidenceCode ?code }
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source medkg:attribution ?attribution }
  OPTIONAL { ?peer medkg:frequency ?frequency OPTIONAL { ?frequency rdfs:label ?flabel } }
  OPTIONAL { ?peer medkg:frequencyCount ?count ; medkg:frequencyTotal ?total }
  OPTIONAL { ?peer medkg:frequencyPercent ?percent }
}"""
)


@dataclass(frozen=True)
class Peer:
    """Another source's claim of the same proposition: who states it, how, how often."""

    iri: str
    negated: bool
    sources: tuple[str, ...]  # the sources' titles
    record: str = ""  # the subject as the source names it: Orphanet:803, MIM:619340
    codes: tuple[str, ...] = ()  # TAS, PCS, or the ECO CURIE
    frequency: str = ""  # frequent, 2/5, 25%
    attributions: tuple[str, ...] = ()  # what the sources' licences ask to be shown
    href: str = ""  # where this server shows the peer (set by the pages)

    def line(self, negated: bool) -> str:
        """How the page says it under a claim of polarity ``negated``.

        >>> Peer("c", False, ("HPO annotations",), "Orphanet:803", ("TAS",), "frequent").line(False)
        'also stated by HPO annotations (Orphanet:803, TAS, frequent)'
        >>> Peer("c", True, ("HPO annotations",), "Orphanet:803", ("TAS",)).line(False)
        'denied by HPO annotations (Orphanet:803, TAS)'
        """
        verb = (
            "also stated by"
            if self.negated == negated
            else ("denied by" if self.negated else "affirmed by")
        )
        details = ", ".join(x for x in (self.record, *self.codes, self.frequency) if x)
        return f"{verb} {' and '.join(self.sources)}" + (f" ({details})" if details else "")


def record_of(iri: str) -> str:
    """A subject as a person reads its record: a CURIE medkg knows, else the IRI's last
    segment (``.../ORDO/Orphanet_803`` -> ``Orphanet:803``, ``.../MIM:619340`` as it is)."""
    curie = iri_to_curie(iri)
    if curie != iri:
        return curie
    return iri.rstrip("/").rsplit("/", 1)[-1].replace("_", ":", 1)


def code_name(code: str) -> str:
    """An ECO term (IRI or CURIE) as the source wrote it: ``ECO:0000304`` -> ``TAS``."""
    curie = iri_to_curie(code)
    return CODE_NAMES.get(curie, curie)


def frequency_text(label: str = "", count: str = "", total: str = "", percent: str = "") -> str:
    """A claim's frequency in words: an HP frequency term's label, n/m, or a percentage."""
    if label:
        return label.lower()
    if count and total:
        return f"{count}/{total}"
    return f"{percent}%" if percent else ""


def peers_of(store: Queries, claims: Iterable[str]) -> dict[str, list[Peer]]:
    """The peers of each claim (by IRI), from the store's ``medkg:samePropositionAs`` links."""
    values = " ".join(f"<{c}>" for c in claims)
    if not values:
        return {}
    links = " ".join(
        f"(<{r['claim']}> <{r['peer']}>)" for r in store.query(LINKS % values).to_dicts()
    )
    if not links:
        return {}
    rows: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in store.query(PEERS % links).to_dicts():
        text = {k: str(v) for k, v in row.items() if v is not None}
        rows[(text["claim"], text["peer"])].append(text)
    out: dict[str, list[Peer]] = defaultdict(list)
    for (claim, peer), found in sorted(rows.items()):
        first = found[0]
        out[claim].append(
            Peer(
                peer,
                first["negated"] in ("true", "1"),
                tuple(sorted({r.get("title") or iri_to_curie(r["source"]) for r in found})),
                record_of(first["subject"]),
                tuple(sorted({code_name(r["code"]) for r in found if "code" in r})),
                frequency_text(
                    first.get("flabel", ""),
                    first.get("count", ""),
                    first.get("total", ""),
                    first.get("percent", ""),
                ),
                tuple(sorted({r["attribution"] for r in found if "attribution" in r})),
            )
        )
    return dict(out)
