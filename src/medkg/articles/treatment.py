"""The treatment rule: a drug, a treatment cue, and the disease or phenotype it treats.

"Metformin is first-line therapy for type 2 diabetes" -> (metformin, RO:0002606 is substance
that treats, type 2 diabetes), role first-line. The target is the first disease or phenotype
after the drug in its clause, else the last one before it ("in heart failure, ... are
recommended"), else the clause's subject (the article's topic) when the clause names a line of
therapy. Polarity comes from ConText on the drug or the target: "should not be initiated",
"is not recommended", "avoid" make a negated recommendation.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from medkg.articles.drafts import Draft

if TYPE_CHECKING:
    from medkg.articles.clause import Clause

TREATS = "RO:0002606"
TARGETS = ("disease", "phenotype")
CUE = re.compile(
    r"\b(?:(?:first|second|third)[- ]line|treat(?:s|ed|ing|ment|ments)?|therap(?:y|ies)"
    r"|manage(?:s|d|ment)?|recommend(?:s|ed)?|indicated|initiat(?:e|ed|ing)|used (?:for|in|to)"
    r"|agents?|preferred|standard|cornerstone|respond(?:s|ed)? to|prescri(?:be|bed)"
    r"|control(?:s|led)?|choice|mainstay|options?)\b",
    re.I,
)
SUBORDINATE = re.compile(
    r"(?:,\s*|\s)(?:when|if|unless|because|since|particularly|especially|except|until|after"
    r"|before|although|whereas|given)\b",
    re.I,
)
LINE = re.compile(r"\b(first|second)[- ]line\b", re.I)


def is_treatment_context(c: Clause) -> bool:
    """A clause about treating: it names a drug, or a treatment cue. Its phenotypes are then
    the patients' ("in patients with renal failure") or a drug's effects, not the topic's."""
    return any(m.kind == "drug" for m in c.mentions) or CUE.search(c.text) is not None


def treatment_drafts(c: Clause) -> list[Draft]:
    """One draft per drug of the clause that a treatment cue relates to a target."""
    drugs = [m for m in c.mentions if m.kind == "drug" and m.start not in c.used]
    if not drugs or CUE.search(c.text) is None:
        return []
    cut = SUBORDINATE.search(c.text)
    end = c.a + cut.start() if cut else c.b
    # "... when weight loss is a priority", "... because of the risk of lactic acidosis"
    targets = [m for m in c.mentions if m.kind in TARGETS and m.end <= end]
    line = LINE.search(c.text)
    role = f"{line.group(1).lower()}-line" if line else None
    if targets:
        # "glipizide is second-line for type 2 diabetes when metformin fails": the drugs
        # before the target are what the clause recommends
        first = [d for d in drugs if d.end <= targets[0].start]
        drugs = first or drugs
    out = []
    for d in drugs:
        after = [t for t in targets if t.start >= d.end]
        before = [t for t in targets if t.end <= d.start]
        target = after[0] if after else (before[-1] if before else None)
        if target is None and line is None:
            continue
        obj = target.curie if target is not None else c.subject
        if not obj:
            continue
        negation = c.negation(d, denied_subject=False)
        if negation is None and target is not None:
            negation = c.negation(target, denied_subject=False)
        c.used.add(d.start)
        if target is not None:
            c.used.add(target.start)
        out.append(
            c.draft(
                d.curie, TREATS, obj, target or d, "treatment",
                role=role, negated=negation is not None, negation=negation,
                confidence=0.7 if target is not None else 0.5,
            )
        )  # fmt: skip
    return out
