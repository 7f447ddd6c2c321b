"""What the extractor produces: draft claims with their quotes, and unmapped passages."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from medkg.model import Qualifiers

AUTOMATIC = "ECO:0007321"


@dataclass(frozen=True)
class Draft:
    """One claim as the extractor read it, with the clause it came from."""

    subject: str
    predicate: str
    object: str
    negated: bool
    quote: str
    start: int
    end: int
    citations: tuple[int, ...] = ()
    modality: str = "asserted"
    role: str | None = None
    disease_context: str | None = None
    anatomical_context: str | None = None
    count: int | None = None
    as_of: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    unit: str | None = None
    frequency: str | None = None
    rule: str = ""
    label: str = ""
    #: the ConText (or structural) triggers that set the polarity and the modality
    trigger: str = ""
    #: how far to trust the rule that made it, 0..1
    confidence: float = 0.5

    @property
    def proposition(self) -> tuple[str, str, str, bool]:
        return (self.subject, self.predicate, self.object, self.negated)

    def to_dict(self) -> dict[str, Any]:
        """The draft as plain JSON values."""
        quals = {k: float(v) if isinstance(v, Decimal) else v for k, v in self.qualifiers().items()}
        return {
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            "negated": self.negated,
            "modality": self.modality,
            **quals,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "citations": list(self.citations),
            "rule": self.rule,
            "trigger": self.trigger,
            "confidence": self.confidence,
        }

    def qualifiers(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in QUALIFIERS if getattr(self, k) is not None}


#: the qualifier fields a draft carries flat: the model's that an article's text can state (the
#: curated sources' own, such as frequency_count, come from their files, never from text)
QUALIFIERS = tuple(f.name for f in fields(Qualifiers) if f.name in {d.name for d in fields(Draft)})


@dataclass(frozen=True)
class Unmapped:
    """A passage no rule turned into a claim, kept so nothing the article says is lost."""

    quote: str
    start: int
    end: int
    citations: tuple[int, ...] = ()
    reason: str = ""
    #: terms the passage names that no vocabulary grounds: (surface, candidate CURIEs)
    mentions: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass
class Extraction:
    drafts: list[Draft] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)


@dataclass(frozen=True)
class Passage:
    text: str
    start: int
    citations: tuple[int, ...]
    keep_unmapped: bool
    #: the heading of a statement's section ("First-Line Treatment Options")
    heading: str = ""
