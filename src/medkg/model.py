"""The claim model of DESIGN section 2 as frozen dataclasses; pure, no I/O."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from medkg.errors import Location

MODALITIES = ("asserted", "hypothesis", "uncertain")
ROLES = ("primary", "secondary", "first-line", "second-line")
STATUSES = ("draft", "needs-review", "approved", "deprecated")
#: statuses from best to worst: a claim carries the best status of its evidence
STATUS_ORDER = ("approved", "needs-review", "draft", "deprecated")


def best_status(statuses: Iterable[str]) -> str:
    """The best of some curation statuses (``approved`` first, ``deprecated`` last).

    >>> best_status(["draft", "approved", "deprecated"])
    'approved'
    >>> best_status(["deprecated", "needs-review"])
    'needs-review'
    >>> best_status([])
    'draft'
    """
    ranks = [STATUS_ORDER.index(s) for s in statuses]
    return STATUS_ORDER[min(ranks)] if ranks else "draft"


@dataclass(frozen=True)
class Reference:
    number: int
    type: str
    title: str
    source: str | None = None
    year: int | None = None
    identifiers: tuple[str, ...] = ()
    where: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Section:
    heading: str
    position: int
    start: int | None = None
    end: int | None = None
    where: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Article:
    id: str
    text_path: str
    title: str
    text: str
    modified: date | None = None
    headline: str | None = None
    publisher: str | None = None
    sections: tuple[Section, ...] = ()
    references: tuple[Reference, ...] = ()
    where: Location | None = field(default=None, compare=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def reference(self, number: int) -> Reference | None:
        return next((r for r in self.references if r.number == number), None)


@dataclass(frozen=True)
class Quote:
    """A verbatim span of an article: ``text[start:end] == exact``."""

    exact: str
    start: int
    end: int
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Qualifiers:
    role: str | None = None
    disease_context: str | None = None
    anatomical_context: str | None = None
    count: int | None = None
    as_of: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    unit: str | None = None
    frequency: str | None = None
    # curated sources (DESIGN section 2, "Curated sources"); unset for article claims, so their
    # keys are unchanged
    frequency_term: str | None = None
    frequency_count: int | None = None
    frequency_total: int | None = None
    frequency_percent: Decimal | None = None
    onset: str | None = None
    sex: str | None = None
    modifiers: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        """The qualifiers that are set, as strings, in a stable order (used by ``claim_key``)."""
        return {k: _text(v) for k, v in vars(self).items() if v is not None and v != ()}


def _text(value: object) -> str:
    return ";".join(value) if isinstance(value, tuple) else str(value)


@dataclass(frozen=True)
class Evidence:
    article_id: str
    quote: Quote
    citations: tuple[int, ...]
    evidence_code: str = "ECO:0000033"
    status: str = "approved"
    reason: str | None = None
    handle: str | None = None
    where: Location | None = field(default=None, compare=False)
    reviewed_by: str | None = None  # the curator who accepted or rejected it in review
    reviewed_on: date | None = None

    @property
    def key(self) -> str:
        raw = f"{self.article_id}|{self.quote.start}|{self.quote.end}|{self.handle or ''}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Source:
    """A curated database imported as a whole (DESIGN section 2, "Curated sources")."""

    id: str
    title: str
    release: str
    license: str
    attribution: str
    sha256: str


@dataclass(frozen=True)
class SourceReference:
    """A reference a curated source gives for a row: its identifier and resolvable IRI."""

    identifier: str
    iri: str


@dataclass(frozen=True)
class Curation:
    """One biocuration entry of a curated row: who (``HPO:probinson``) and when."""

    curator: str
    on: date | None = None


@dataclass(frozen=True)
class SourceEvidence:
    """One row of a curated source (e.g. a line of ``phenotype.hpoa``) stating a claim.

    Its key is a hash of the source and the row's text, so an exact duplicate row is the same
    evidence and a row keeps its IRI when other rows move.
    """

    source_id: str
    row: str
    line: int
    evidence_code: str
    references: tuple[SourceReference, ...] = ()
    curations: tuple[Curation, ...] = ()
    status: str = "approved"

    @property
    def key(self) -> str:
        raw = f"{self.source_id}|{self.row}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Claim:
    """One proposition as sources state it; its evidence accumulates across sources."""

    subject: str
    predicate: str
    object: str
    negated: bool
    modality: str = "asserted"
    qualifiers: Qualifiers = Qualifiers()
    evidence: tuple[Evidence, ...] = ()

    @cached_property
    def key(self) -> str:
        """The claim key (computed once: a frozen claim's key cannot change)."""
        return claim_key(self)

    @property
    def status(self) -> str:
        """The best curation status of its evidence: what the claim carries as its own."""
        return best_status(e.status for e in self.evidence)

    @property
    def is_draft(self) -> bool:
        """True if no evidence is approved: a hypothesis, never a fact (the draft rule)."""
        return self.status != "approved"

    @property
    def is_truthy(self) -> bool:
        """True if the claim may produce a bare ``s p o`` triple: affirmed, asserted (the
        negation rule) and vouched for by an approved evidence (the draft rule)."""
        return not self.negated and self.modality == "asserted" and not self.is_draft


def claim_key(claim: Claim) -> str:
    """Hash subject, predicate, object, polarity, modality and qualifiers to a stable key.

    The same claim from two articles gets the same key, so its evidence accumulates.

    >>> a = Claim("MONDO:0004976", "rdfs:subClassOf", "MONDO:0002562", negated=True)
    >>> b = Claim("MONDO:0004976", "rdfs:subClassOf", "MONDO:0002562", negated=False)
    >>> a.key == claim_key(a) != b.key
    True
    >>> len(a.key)
    20
    """
    payload = {
        "s": claim.subject,
        "p": claim.predicate,
        "o": claim.object,
        "negated": claim.negated,
        "modality": claim.modality,
        "q": claim.qualifiers.as_dict(),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def merge_claims(claims: list[Claim]) -> list[Claim]:
    """Merge claims with the same key into one whose evidence is the union, keeping order."""
    merged: dict[str, Claim] = {}
    for c in claims:
        prior = merged.get(c.key)
        if prior is None:
            merged[c.key] = c
        else:
            merged[c.key] = Claim(
                c.subject,
                c.predicate,
                c.object,
                c.negated,
                c.modality,
                c.qualifiers,
                prior.evidence + c.evidence,
            )
    return list(merged.values())
