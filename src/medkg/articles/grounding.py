"""Mentions of the full vocabularies (the ontology index) and of an article's own abbreviations.

The curated slim is matched first (``Lexicon.find``); what it leaves free is matched against the
index. A hit is grounded only when its best forms name exactly one term; otherwise, and when the
hit is only the modifier of a longer name the index lacks ("myasthenia" in "myasthenia gravis"),
it becomes an *unmapped* mention carrying its candidates, so that no rule uses it and no other
term stands in for it. Acronyms no vocabulary knows are unmapped mentions too.
"""

from __future__ import annotations

import re

from medkg.ontologies.matcher import Matcher

UNMAPPED = "unmapped"
#: head nouns of disease names: a hit right before one is a modifier of an unknown longer name
_NAME_HEADS = re.compile(
    r"^[ ]?(?:syndrome|disease|disorder|gravis|palsy|polyneuropathy|neuropathy|myopathy"
    r"|dystrophy|sclerosis|encephalopathy|type \d|variant)s?\b",
    re.I,
)
#: a drug name before these is no drug: an idiom ("the gold standard first-line treatment"),
#: the modifier of a class ("calcium channel blockers", "dopamine agonists"), or a resistance
#: ("penicillin resistance")
_IDIOM = re.compile(
    r"^(?: standards?|[ -](?:(?!(?:and|or)\b)[a-z]+[ -]){0,2}(?:blockers?|antagonists?|agonists?"
    r"|inhibitors?"
    r"|channels?|receptors?|resistan(?:ce|t)))\b",
    re.I,
)
#: a drug name measured in the patient is a laboratory value ("serum creatinine", "potassium
#: levels"), not a drug given
_ANALYTE_BEFORE = re.compile(r"\b(?:serum|plasma|blood|urine|urinary)\s+$", re.I)
_ANALYTE_AFTER = re.compile(r"^\s+(?:levels?|clearance|concentrations?|excretion)\b", re.I)
#: a participle before a term makes a longer name no vocabulary has ("ankylosing spondylitis",
#: "sclerosing cholangitis"): the term is only its head
_PARTICIPLE = re.compile(r"\b[a-z]+(?:osing|izing|ising|ifying)\s+$", re.I)
#: a word before a term that may name a kind of it: an adjective ("postherpetic neuralgia") or a
#: compound ("zoster-associated pain"); if no vocabulary knows the word, the term is only the
#: head of a longer name none has (``_specifier``)
_SPECIFIER = re.compile(
    r"(?<![\w'’-])([A-Za-z][a-z]+(?:ic|al|ous|ary|oid|ar|ive)"
    r"|[A-Za-z][a-z]*-(?:associated|related|induced|mediated|dependent))[ ]+$"
)
#: adjectives of degree, frequency or use that qualify a term without naming another kind of it,
#: beside HPO's clinical modifiers (severity, onset and course, laterality: ``Matcher.modifiers``)
ORDINARY = frozenset(
    [
        "typical",
        "usual",
        "several",
        "initial",
        "additional",
        "clinical",
        "general",
        "potential",
        "original",
        "overall",
        "various",
        "serious",
        "previous",
        "numerous",
        "similar",
        "particular",
        "regular",
        "active",
        "inactive",
        "symptomatic",
        "asymptomatic",
        "classic",
        "classical",
        "specific",
        "nonspecific",
        "total",
        "actual",
        "medical",
        "optimal",
        "minimal",
        "maximal",
        "critical",
        "normal",
        "abnormal",
        "mimic",
    ]
)
#: a drug name before these names a group of other drugs ("vitamin D analogs"), not itself
_DERIVED = re.compile(r"^[ -](?:analogu?e|analog|derivative|congener)s?\b", re.I)
_ACRONYM = re.compile(r"(?<![\w-])[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*(?![\w-])")
#: words capitalised for emphasis ("should ONLY be used", "is NOT recommended"), not acronyms
EMPHASIS = frozenset(
    [
        "ONLY",
        "NOT",
        "AND",
        "OR",
        "NO",
        "NOR",
        "ALL",
        "BOTH",
        "EITHER",
        "MUST",
        "SHOULD",
        "NEVER",
        "ALWAYS",
        "AGAINST",
        "AVOID",
        "BEFORE",
        "AFTER",
        "WITHOUT",
        "WITH",
        "THE",
        "FOR",
        "DO",
        "DOES",
        "IS",
        "ARE",
        "IF",
        "WHEN",
        "CANNOT",
        "NOW",
        "FIRST",
        "BUT",
    ]
)


def index_hits(
    text: str, matcher: Matcher, taken: list[tuple[int, int]]
) -> list[tuple[int, int, str, str, tuple[str, ...]]]:
    """(start, end, surface, curie or UNMAPPED, candidates) for index hits in free text."""
    out = []
    for h in matcher.find(text):
        if not _is_free(taken, h.start, h.end):
            continue
        derived = _DERIVED.match(text[h.end :])
        if derived:  # "vitamin D analogs": unmapped, with the drug as a candidate
            end = h.end + derived.end()
            out.append((h.start, end, text[h.start : end], UNMAPPED, h.curies))
            continue
        if all(f.kind == "drug" for f in h.forms) and (
            _IDIOM.match(text[h.end :])
            or _ANALYTE_BEFORE.search(text[: h.start])
            or _ANALYTE_AFTER.match(text[h.end :])
        ):
            continue
        modifier = _PARTICIPLE.search(text[: h.start])
        if modifier is None and not any(f.kind == "drug" for f in h.forms):
            modifier = _specifier(text[: h.start], matcher)
        if modifier is not None and _is_free(taken, modifier.start(), h.start):
            out.append(
                (modifier.start(), h.end, text[modifier.start() : h.end], UNMAPPED, h.curies)
            )
            continue
        head = _NAME_HEADS.match(text[h.end :])
        if head:
            end = h.end + head.end()
            out.append((h.start, end, text[h.start : end], UNMAPPED, h.curies))
        elif len(h.curies) == 1:
            out.append((h.start, h.end, h.surface, h.curies[0], h.curies))
        else:
            out.append((h.start, h.end, h.surface, UNMAPPED, h.curies))
    return out


def _specifier(before: str, matcher: Matcher) -> re.Match[str] | None:
    """The word right before a term that makes it the head of a longer name no vocabulary has:
    an adjective or compound no vocabulary uses in any of its names ("postherpetic"; not
    "streptococcal", which names other terms), and no qualifier of severity, course or
    laterality (HPO's clinical modifiers) or of degree (``ORDINARY``).

    >>> from medkg.ontologies.index import Form
    >>> m = Matcher([Form("Streptococcal sepsis", "HP:9", "label", "phenotype", "hp")],
    ...             modifiers=["Severe", "Acute"])
    >>> [bool(_specifier(t, m)) for t in ("postherpetic ", "zoster-associated ", "severe ")]
    [True, True, False]
    >>> [bool(_specifier(t, m)) for t in ("Acute ", "typical ", "streptococcal ", "relieves ")]
    [False, False, False, False]
    """
    found = _SPECIFIER.search(before)
    if found is None:
        return None
    word = found.group(1).lower()
    known = word in matcher.words or word in ORDINARY
    return None if known else found


def unknown_acronyms(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Acronyms ("AMAN", "IgG") in text no vocabulary matched.

    >>> unknown_acronyms("AMAN and ALS differ in MRI", [(0, 4), (9, 12)])
    [(23, 26, 'MRI')]
    >>> unknown_acronyms("Use it ONLY in severe cases; it is NOT first-line", [])
    []
    """
    return [
        (m.start(), m.end(), m.group())
        for m in _ACRONYM.finditer(text)
        if len(m.group()) <= 8 and m.group() not in EMPHASIS and _is_free(taken, m.start(), m.end())
    ]


#: an eponym's disease no vocabulary matched ("Guillain-Barré syndrome"): capitalised words
#: before the head noun
_EPONYM_NAME = re.compile(r"(?<![\w-])(?:[A-Z][\w'’-]+\s+){1,3}(?:syndrome|disease)s?\b")


def unknown_names(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Eponymous diseases ("Guillain-Barré syndrome") in text no vocabulary matched: unmapped
    mentions, so that no term after them stands in for what a drug treats.

    >>> unknown_names("IVIg treats Guillain-Barré syndrome in adults", [])
    [(12, 35, 'Guillain-Barré syndrome')]
    """
    out = []
    for m in _EPONYM_NAME.finditer(text):
        words = m.group().split()
        while words and words[0].lower() in _FUNCTION_WORDS:
            words = words[1:]  # "For Guillain-Barré syndrome": "For" is no part of the name
        start = m.end() - len(" ".join(words))
        if len(words) > 1 and _is_free(taken, start, m.end()):
            out.append((start, m.end(), text[start : m.end()]))
    return out


_FUNCTION_WORDS = frozenset({"for", "in", "of", "the", "a", "an", "with", "and", "or", "to"})


def _is_free(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """True if [start, end) overlaps none of ``taken`` (which lists the spans already used)."""
    return all(end <= a or start >= b for a, b in taken)
