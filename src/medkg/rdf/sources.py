"""Encode a curated source (DESIGN section 2, "Curated sources") as N-Quads lines, row by row.

The source graph ``graph/source/<id>`` holds the ``medkg:Source`` node, each claim once (the first
row that states it), each row as an evidence, each reference once, and the disease names the
source gives. A claim's affirmed triple goes to the truthy graph; a denied one never does.

The lines are written as text, without rdflib terms: at 270k rows and 4.6M quads, making and
comparing rdflib terms was most of the import's Python time (see "Measured" in the README).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, XSD

from medkg.model import Claim, Source, SourceEvidence
from medkg.rdf.encode import MODALITY, STATUS
from medkg.vocab import CITO, MEDKG, PAV, Minter, to_iri

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri(value: str) -> str:
    """An IRI in N-Triples syntax."""
    return f"<{value}>"


@cache
def term(curie_or_iri: str) -> str:
    """A claim's term (a CURIE or an IRI) in N-Triples syntax."""
    return f"<{to_iri(curie_or_iri)}>"


@cache
def text(value: str, lang: str | None = None) -> str:
    """A plain (or language-tagged) literal in N-Triples syntax.

    >>> text('a "b"')
    '"a \\\\"b\\\\""'
    """
    quoted = '"' + value.translate(_ESCAPES) + '"'
    return f"{quoted}@{lang}" if lang else quoted


def typed(value: object, datatype: str) -> str:
    return f'"{value}"^^<{datatype}>'


@cache
def integer(value: int) -> str:
    return typed(value, XSD.integer)


@cache
def day(value: date) -> str:
    return typed(value.isoformat(), XSD.date)


def decimal(value: Decimal) -> str:
    """An xsd:decimal literal: positional notation, never ``str``'s exponent (``1E-7``).

    >>> decimal(Decimal("0.0000001"))
    '"0.0000001"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    """
    return typed(format(value, "f"), XSD.decimal)


# the terms every row repeats, written once
TYPE, LABEL, SEE_ALSO = iri(RDF.type), iri(RDFS.label), iri(RDFS.seeAlso)
IDENTIFIER, TITLE = iri(DCTERMS.identifier), iri(DCTERMS.title)
SUBJECT, PREDICATE, OBJECT = iri(RDF.subject), iri(RDF.predicate), iri(RDF.object)
EVIDENCE, SOURCE, SOURCE_LINE = iri(MEDKG.evidence), iri(MEDKG.source), iri(MEDKG.sourceLine)
EVIDENCE_CODE, CURATION_STATUS = iri(MEDKG.evidenceCode), iri(MEDKG.curationStatus)
CURATED_BY, CURATED_ON, CITES = (
    iri(MEDKG.curatedBy),
    iri(MEDKG.curatedOn),
    iri(CITO.citesAsEvidence),
)
CLAIM, EVIDENCE_CLASS, REFERENCE_CLASS = str(MEDKG.Claim), str(MEDKG.Evidence), str(MEDKG.Reference)
TRUE, FALSE = typed("true", XSD.boolean), typed("false", XSD.boolean)
NEGATED, MODALITY_P, FREQUENCY = iri(MEDKG.negated), iri(MEDKG.modality), iri(MEDKG.frequency)
FREQUENCY_COUNT, FREQUENCY_TOTAL = iri(MEDKG.frequencyCount), iri(MEDKG.frequencyTotal)
FREQUENCY_PERCENT, ONSET = iri(MEDKG.frequencyPercent), iri(MEDKG.onset)
SEX, MODIFIER = iri(MEDKG.sex), iri(MEDKG.modifier)
APPROVED = iri(STATUS["approved"])
STATUSES = {name: iri(value) for name, value in STATUS.items()}
MODALITIES = {name: iri(value) for name, value in MODALITY.items()}


def source_node_lines(source: Source, mint: Minter) -> list[str]:
    """The ``medkg:Source`` node: title, release, licence, attribution, the file's hash."""
    g, s = iri(mint.source_graph(source.id)), iri(mint.source(source.id))
    return [
        f"{s} {p} {o} {g} .\n"
        for p, o in (
            (TYPE, iri(MEDKG.Source)),
            (TITLE, text(source.title)),
            (iri(PAV.version), text(source.release)),
            (iri(DCTERMS.license), iri(source.license)),
            (iri(MEDKG.attribution), text(source.attribution)),
            (iri(MEDKG.contentSha256), text(source.sha256)),
        )
    ]


class SourceEncoder:
    """N-Quads lines of one source's rows; remembers which claims, references and names it
    wrote, and collects the told types (``<node>\\t<class>`` lines) for the inferred graph."""

    def __init__(self, source: Source, mint: Minter):
        self.mint = mint
        self.base = mint.base
        self.g = iri(mint.source_graph(source.id))
        self.node = iri(mint.source(source.id))
        self.truthy = iri(mint.graph("truthy"))
        self.claims: set[str] = set()
        self.references: set[str] = set()
        self.named: set[str] = set()
        self.types: list[str] = []
        self.cited: dict[str, str] = {}

    def row_lines(
        self, claim: Claim, evidence: SourceEvidence, subject_name: str | None = None
    ) -> list[str]:
        """The lines one row adds: its claim and truthy triple if new, its evidence, its
        references if new, the subject's name if new."""
        g, out = self.g, []
        if subject_name and claim.subject not in self.named:
            self.named.add(claim.subject)
            out.append(f"{term(claim.subject)} {LABEL} {text(subject_name)} {g} .\n")
        key = claim.key
        c = f"<{self.base}claim/{key}>"
        if key not in self.claims:
            self.claims.add(key)
            out += claim_lines(claim, c, g)
            self.types.append(f"{c}\t{CLAIM}\n")
            # the negation and draft rules: only an affirmed, asserted claim a curator vouches for
            if not claim.negated and claim.modality == "asserted" and evidence.status == "approved":
                spo = f"{term(claim.subject)} {term(claim.predicate)} {term(claim.object)}"
                out.append(f"{spo} {self.truthy} .\n")
        e = f"<{self.base}evidence/{evidence.key}>"
        self.types.append(f"{e}\t{EVIDENCE_CLASS}\n")
        out += (
            f"{c} {EVIDENCE} {e} {g} .\n",
            f"{e} {TYPE} <{EVIDENCE_CLASS}> {g} .\n",
            f"{e} {SOURCE} {self.node} {g} .\n",
            f"{e} {SOURCE_LINE} {integer(evidence.line)} {g} .\n",
            f"{e} {EVIDENCE_CODE} {term(evidence.evidence_code)} {g} .\n",
            f"{e} {CURATION_STATUS} {STATUSES[evidence.status]} {g} .\n",
        )
        for cur in evidence.curations:
            out.append(f"{e} {CURATED_BY} {text(cur.curator)} {g} .\n")
            if cur.on:
                out.append(f"{e} {CURATED_ON} {day(cur.on)} {g} .\n")
        for ref in evidence.references:
            r = self.cited.get(ref.identifier)
            if r is None:
                r = self.cited[ref.identifier] = iri(self.mint.cited(ref.identifier))
            out.append(f"{e} {CITES} {r} {g} .\n")
            if ref.identifier not in self.references:
                self.references.add(ref.identifier)
                self.types.append(f"{r}\t{REFERENCE_CLASS}\n")
                out += (
                    f"{r} {TYPE} <{REFERENCE_CLASS}> {g} .\n",
                    f"{r} {IDENTIFIER} {text(ref.identifier)} {g} .\n",
                    f"{r} {SEE_ALSO} {iri(ref.iri)} {g} .\n",
                )
        return out


def claim_lines(claim: Claim, c: str, g: str) -> list[str]:
    """A claim of a curated source with its qualifiers (the article's are in ``encode``)."""
    pairs = [
        (TYPE, f"<{CLAIM}>"),
        (SUBJECT, term(claim.subject)),
        (PREDICATE, term(claim.predicate)),
        (OBJECT, term(claim.object)),
        (NEGATED, TRUE if claim.negated else FALSE),
        (MODALITY_P, MODALITIES[claim.modality]),
        (CURATION_STATUS, APPROVED),
    ]
    q = claim.qualifiers
    if q.frequency_term:
        pairs.append((FREQUENCY, term(q.frequency_term)))
    if q.frequency_count is not None:
        pairs.append((FREQUENCY_COUNT, integer(q.frequency_count)))
    if q.frequency_total is not None:
        pairs.append((FREQUENCY_TOTAL, integer(q.frequency_total)))
    if q.frequency_percent is not None:
        pairs.append((FREQUENCY_PERCENT, decimal(q.frequency_percent)))
    if q.onset:
        pairs.append((ONSET, term(q.onset)))
    if q.sex:
        pairs.append((SEX, term(q.sex)))
    pairs += [(MODIFIER, term(m)) for m in q.modifiers]
    return [f"{c} {p} {o} {g} .\n" for p, o in pairs]


def term_lines(term_id: str, name: str, parents: tuple[str, ...], mint: Minter) -> list[str]:
    """An ontology term of a curated source's release (an HP term from ``hp.obo``): its type,
    label and parents, in the ontology graph, as the release has them."""
    g, t = iri(mint.graph("ontology")), term(term_id)
    out = [f"{t} {TYPE} {iri(OWL.Class)} {g} .\n"]
    if name:
        out.append(f"{t} {LABEL} {text(name, 'en')} {g} .\n")
    out += [f"{t} {iri(RDFS.subClassOf)} {term(p)} {g} .\n" for p in parents]
    return out
