"""The words a rule reads: negation, hedges, roles, frequency, predicate cues, numbers, clauses."""

from __future__ import annotations

import re
from decimal import Decimal

NEGATION = re.compile(r"\b(?:not|no|never|rather than|do not|does not|did not)\b", re.I)
NEGATION_RESET = re.compile(r"\bbut\b", re.I)
HYPOTHESIS = re.compile(
    r"\b(?:may|might|could|possibly|perhaps|suggests?|hypothes\w+|putative)\b(?!\s+(?:show|reveal|demonstrate|appear|see)\b)",
    re.I,
)
UNCERTAIN = re.compile(
    r"\b(?:unclear|uncertain|unknown|poorly understood|debated|controversial)\b", re.I
)
EITHER_OR = re.compile(r"\beither\b.+\bor\b", re.I)
PRIMARY = re.compile(
    r"\b(?:primary|primarily|fundamentally|mainly|predominantly|initial|core)\b", re.I
)
#: a verb right after a clause's first term makes that term the clause's subject
SUBJECT_VERB = re.compile(
    r"^\s+\(?(?:is|are|was|were|has|have|can|may|might|does|do|involves?|causes?|affects?"
    r"|presents?|results?|represents?|remains?|refers?|targets?|responds?|requires?|occurs?"
    r"|should|must|typically|usually|often|primarily|mainly)\b",
    re.I,
)
NEGATED_AFTER = re.compile(r"^\s+(?:is|are|was|were|does|do|did)\s+not\b", re.I)
IMAGING = re.compile(r"\b(?:imaging|MRI|CT|scans?|T2|FLAIR|radiolog\w*)\b", re.I)
SECONDARY = re.compile(r"\bsecondary\b", re.I)
SECONDARY_TO = re.compile(r"\bsecondary to\b|\bresults? from\b|\bdownstream of\b", re.I)
FREQUENCY = (
    (re.compile(r"\b(?:extremely|very|exceedingly) rare(?:ly)?\b", re.I), "extremely rare"),
    (re.compile(r"\brare(?:ly)?\b", re.I), "rare"),
    (re.compile(r"\boccasional(?:ly)?\b", re.I), "occasional"),
    (re.compile(r"\bvery (?:frequent(?:ly)?|common(?:ly)?)\b", re.I), "very frequent"),
    (re.compile(r"\b(?:frequent(?:ly)?|common(?:ly)?|often)\b", re.I), "frequent"),
    (re.compile(r"\b(?:always|invariabl[ey])\b", re.I), "always"),
)
#: cue -> predicate for a phenotype or process object; the nearest cue before the term wins
PREDICATE_CUES = (
    (
        re.compile(
            r"\b(?:mechanisms?|basis|disease of|pathophysiology|pathology|classified as"
            r"|insult|reflect(?:s|ing|ed)?|caused by|due to|driven by|causes?)\b",
            re.I,
        ),
        "RO:0004019",
    ),
    (
        re.compile(
            r"\b(?:presents? with|signs?|symptoms?|shows?|features?|findings?"
            r"|characteri[sz]ed by|histopatholog\w*|result(?:s|ing)? in)\b",
            re.I,
        ),
        "RO:0002200",
    ),
)
PROCESS_AFTER = re.compile(
    r"^[^,;]*\b(?:as|is) the \w+ (?:pathological |disease )?(?:process|insult|cause)", re.I
)
IS_A_BEFORE = re.compile(
    r"(?:\b(?:is|are|remains?|was)\s+(?:not\s+)?(?:\w+\s+){0,2}(?:a|an|the)\s+(?:\w+\s+){0,2}"
    r"|\bnot\s+(?:a|an|the)\s+(?:\w+\s+){0,2}|\bdifferent from\s+(?:\w+\s+){0,2})$",
    re.I,
)
#: "X is a cause / sign / risk factor of Y" says something else than "X is a Y"
NOT_A_KIND = re.compile(
    r"\b(?:cause|risk|factor|sign|symptom|feature|complication|consequence|result|marker"
    r"|trigger|predictor|manifestation|finding)s?\b",
    re.I,
)
LIKE_AFTER = re.compile(r"^\s+(?:like|such as|including)\s+$", re.I)
COOCCURRENCE = re.compile(
    r"\b(?:co-?occurr\w*|co-?exist\w*|concurrent|comorbid\w*|coincident)\b", re.I
)
TREATS = re.compile(
    r"\b(?:effective for|effective in|treats?|used (?:for|in))\s+(?:\w+\s+){0,2}$", re.I
)
HALTS = re.compile(r"\b(?:halt|stop|slow)s?\s+$", re.I)
COUNT = re.compile(
    r"\b(\d{1,7})\s+(?:reported\s+|documented\s+|published\s+)?(?:cases|patients|reports)\b", re.I
)
AS_OF = re.compile(r"\bas of\s+((?:18|19|20)\d{2})\b", re.I)
RANGE = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)|\b(\d+(?:\.\d+)?)\s+([A-Za-z]+)"
)
_CLAUSE_BREAK = re.compile(
    r"\s*[—;]\s*|\s+–\s+|,\s+(?=(?:which|while|but|whereas|emphasizing|reflecting|resulting|not|with"
    r"|characterized|further|although|though|suggesting|confirming|all)\b)|\s+but\s+"
    r"|\s+(?=(?:[Ww]hile|[Ww]hereas)\b)"
)
_LEADING_SUBORDINATE = re.compile(r"^(?:while|although|though|whereas|if|when)\b[^,]*,\s+", re.I)


def clauses(text: str) -> list[tuple[int, int]]:
    """Split a sentence into clauses at dashes, semicolons and ", which/while/not/..." .

    >>> t = "ALS is NOT a disease—It Affects Axons"
    >>> [t[a:b] for a, b in clauses(t)]
    ['ALS is NOT a disease', 'It Affects Axons']
    >>> t = "While imaging may show X, the primary process is Y"
    >>> [t[a:b] for a, b in clauses(t)]
    ['While imaging may show X', 'the primary process is Y']
    """
    cuts = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(text)]
    lead = _LEADING_SUBORDINATE.match(text)
    if lead:
        comma = text.rindex(",", 0, lead.end())
        cuts.append((comma, lead.end()))
    cuts.sort()
    spans, at = [], 0
    for a, b in cuts:
        if a > at:
            spans.append((at, a))
        at = max(at, b)
    spans.append((at, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def frequency(text: str) -> str | None:
    return next((name for pattern, name in FREQUENCY if pattern.search(text)), None)


def modality(clause: str) -> str:
    if UNCERTAIN.search(clause) or EITHER_OR.search(clause):
        return "uncertain"
    return "hypothesis" if HYPOTHESIS.search(clause) else "asserted"


def is_negated(before: str) -> bool:
    """True if a negation cue precedes the term in its clause (and no "but" since)."""
    last = list(NEGATION.finditer(before))
    if not last:
        return False
    return not NEGATION_RESET.search(before[last[-1].end() :])


def value_range(text: str) -> tuple[Decimal, Decimal, str] | None:
    """A "3-5 years" / "3 to 5 years" range in ``text``, or None."""
    for m in RANGE.finditer(text):
        if m.group(1):
            return Decimal(m.group(1)), Decimal(m.group(2)), m.group(3)
    return None
