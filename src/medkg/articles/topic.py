"""The article's topic (the disease or phenotype its title names) and the acronyms the article
uses for it without defining them ("RLS", "CDI", "HE" in an article titled by the long name)."""

from __future__ import annotations

import re

from medkg.articles.grounding import UNMAPPED
from medkg.articles.lexicon import Lexicon, Mention
from medkg.articles.parsed import ParsedArticle

#: an aside in a title ("Clostridioides difficile (C. difficile) colitis") splits the name
_ASIDE = re.compile(r"\s*\([^()]*\)")
_WORD = re.compile(r"[A-Za-z]+")
#: an acronym of the topic: two to five capitals, nothing else
_ACRONYM = re.compile(r"(?<![\w-])[A-Z]{2,5}(?![\w-])")
#: the head noun of a disease's name
_DISEASE_HEAD = re.compile(
    r"\b(?:syndrome|disease|disorder|infection|palsy|neuropathy|polyneuropathy|\w+itis)\b", re.I
)


#: what a title asks how to treat: "treatment for X", "management of X", "How is X treated?"
_TREATED = re.compile(
    r"\b(?:treatments?|therap(?:y|ies)|management|manag(?:e|ing)|treat(?:ing)?|drugs?"
    r"|medications?)\s+(?:options?\s+)?(?:for|of|in)\s+(?P<x>[^?:]+)"
    r"|\bhow\s+(?:is|are|should|do|does|to)\s+(?:you\s+|we\s+|one\s+)?(?P<y>.+?)\s+(?:be\s+)?"
    r"(?:treated|managed|treat|manage)\b",
    re.I,
)


def titled_topic(title: str) -> tuple[int, int] | None:
    """Where the title names what is treated: "What is the treatment for shingles?" names
    "shingles", whether or not a vocabulary has it.

    >>> t = "What is the recommended treatment for shingles?"
    >>> t[slice(*titled_topic(t))], titled_topic("Is ALS a disease of axons or myelin?")
    ('shingles', None)
    >>> t = "How is giant cell arteritis treated?"
    >>> t[slice(*titled_topic(t))]
    'giant cell arteritis'
    """
    m = _TREATED.search(title)
    if m is None:
        return None
    group = "x" if m.group("x") is not None else "y"
    return m.start(group), m.end(group)


def find_topic(parsed: ParsedArticle, lex: Lexicon) -> str | None:
    """The article's disease: the first one its title names, else the first phenotype it names
    ("type 2 diabetes" is an HPO term), else the same in its subtitle and headline, else the
    first disease a statement names. A title that says what is treated ("treatment for X")
    names the topic itself: if no vocabulary grounds X, there is no topic, and no term of the
    headline or the statements stands in for it."""
    found = _topic_mention(parsed, lex)
    if found is not None:
        return found[1]
    if titled_topic(_ASIDE.sub("", parsed.article.title)) is not None:
        return None
    for s in parsed.statements:
        for m in lex.find(s.text):
            if m.kind == "disease":
                return m.curie
    return None


def _topic_mention(parsed: ParsedArticle, lex: Lexicon) -> tuple[str, str, int] | None:
    """(the line without asides, the topic's CURIE, where its mention ends in that line)."""
    a = parsed.article
    head = None  # the head noun of a disease the title names but no vocabulary has
    spelled = None  # the name a title says is treated, when no vocabulary grounds it there
    for line in [a.title, parsed.subtitle or "", a.headline or ""]:
        text = _ASIDE.sub("", line)
        found = lex.find(text)
        named = titled_topic(text) if line == a.title else None
        if named is not None:  # "treatment for X": only X is the topic, grounded or not
            found = [m for m in found if named[0] <= m.start and m.end <= named[1]]
            if not any(m.kind in ("disease", "phenotype") for m in found):
                spelled = _squashed(text[slice(*named)])
        if spelled is not None:  # "restless-leg syndrome" in the title, grounded below
            found = [m for m in found if _squashed(m.surface) == spelled]
        if head is not None:  # "... for Guillain-Barre syndrome?": only a "... syndrome"
            found = [m for m in found if m.surface.lower().rstrip("s").endswith(head)]
        for kind in ("disease", "phenotype"):
            first = next((m for m in found if m.kind == kind), None)
            if first is not None:
                return text, first.curie, first.end
        if line == a.title:
            head = _unknown_disease_head(text, found)
    return None


def _squashed(name: str) -> str:
    """A name without case, spaces, hyphens, possessives and a final plural: the same name
    however it is spelled.

    >>> _squashed("Restless-leg syndrome") == _squashed("restless legs syndromes")
    True
    """
    return re.sub(r"[^a-z]|s(?=[^a-z]|$)", "", name.lower())


def _unknown_disease_head(text: str, found: list[Mention]) -> str | None:
    """The head noun of a disease ``text`` names ("... syndrome", "... infection") that no
    mention grounds, lower case and singular.

    >>> _unknown_disease_head("How is Guillain-Barre syndrome treated?", [])
    'syndrome'
    """
    for d in _DISEASE_HEAD.finditer(text):
        if not any(m.start <= d.start() and d.end() <= m.end and m.kind != UNMAPPED for m in found):
            return d.group().lower().rstrip("s")
    return None


def topic_acronyms(parsed: ParsedArticle, lex: Lexicon) -> dict[str, str]:
    """Acronyms no vocabulary knows whose letters are the initials of the words that end with
    the topic's mention in the title: "RLS" in an article titled "... restless legs syndrome?",
    "CAP" for "community-acquired pneumonia". Articles of this kind use them undefined.

    >>> _initials_ending("Treatment of community-acquired pneumonia", 41)
    ['P', 'AP', 'CAP', 'OCAP', 'TOCAP']
    """
    found = _topic_mention(parsed, lex)
    if found is None:
        return {}
    line, curie, end = found
    initials = set(_initials_ending(line, end))
    used = set(_ACRONYM.findall(parsed.article.text)) & initials
    # only those no vocabulary knows: "AS" alone is no term, "MS" is multiple sclerosis
    return {a: curie for a in used if all(m.kind == UNMAPPED for m in lex.find(a))}


def _initials_ending(line: str, end: int) -> list[str]:
    """The initials of the last 1, 2, ... words of ``line[:end]`` (hyphenated parts count)."""
    words = _WORD.findall(line[:end])
    return ["".join(w[0] for w in words[-n:]).upper() for n in range(1, len(words) + 1)]
