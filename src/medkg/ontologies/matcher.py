"""Find a vocabulary's surface forms in text with an Aho-Corasick automaton (pyahocorasick).

Longest match wins, at word boundaries only; plural and singular of the last word both match;
case is ignored except for acronyms and abbreviations ("ALS" matches, "als" does not). Where
vocabularies overlap, the first in ``precedence`` names the hit ("Rheumatoid arthritis" is an
HPO term before it is an OMIM disease). A hit whose best forms name several terms of one
vocabulary is *ambiguous* and is returned with all its candidates, never resolved to one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

from medkg.ontologies.index import Form, normalize

#: forms that name a term; related, broad and narrow synonyms are too loose to ground on
GROUNDING_SCOPES = ("label", "exact", "abbreviation")
_RANK = {"label": 0, "exact": 0, "abbreviation": 1}
_SHORTEST = 3
#: nouns an eponym names ("Graves disease", "Bell's palsy"): only before them is a first
#: capitalised word read as a name that may take the possessive
_EPONYM_HEADS = {
    "disease",
    "syndrome",
    "palsy",
    "thyroiditis",
    "sarcoma",
    "lymphoma",
    "phenomenon",
    "ulcer",
    "anomaly",
    "disorder",
    "encephalopathy",
    "neuralgia",
    "contracture",
    "tumor",
    "tumour",
    "dystrophy",
    "ataxia",
    "chorea",
    "arthritis",
    "sign",
    "esophagus",
}


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    surface: str
    forms: tuple[Form, ...]

    @property
    def curies(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.curie for f in self.forms))


def is_acronym(form: str) -> bool:
    """ "ALS", "CIDP", "IVIg": short, and mostly capitals.

    >>> is_acronym("CIDP"), is_acronym("IVIg"), is_acronym("Pain"), is_acronym("T2")
    (True, True, False, True)
    """
    caps = sum(c.isupper() or c.isdigit() for c in form)
    return " " not in form and len(form) <= 6 and caps >= max(2, len(form) - 1)


def plural_variants(form: str) -> set[str]:
    """The form with its last word in singular and plural.

    >>> sorted(plural_variants("motor neuron")), sorted(plural_variants("seizures"))
    (['motor neuron', 'motor neurons'], ['seizure', 'seizures'])
    """
    out = {form}
    if is_acronym(form):
        return out
    if form.endswith("ies"):
        out.add(form[:-3] + "y")
    elif form.endswith(("sses", "shes", "ches", "xes")):
        out.add(form[:-2])
    elif form.endswith("s") and not form.endswith(("ss", "sis", "us")):
        out.add(form[:-1])
    elif form.endswith(("ss", "sh", "ch", "x")):
        out.add(form + "es")
    elif form.endswith("y") and form[-2:-1] not in "aeiou":
        out.add(form[:-1] + "ies")
    elif form[-1:].isalpha() and not form.endswith(("sis", "us")):
        out.add(form + "s")
    return out


def inner_singulars(form: str) -> set[str]:
    """The form, and the form with one inner plural in the singular ("restless leg syndrome").

    >>> sorted(inner_singulars("Restless legs syndrome")), inner_singulars("Acute sinusitis")
    (['Restless leg syndrome', 'Restless legs syndrome'], {'Acute sinusitis'})
    """
    words = form.split(" ")
    out = {form}
    for i, w in enumerate(words[:-1]):
        if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s")):
            out.add(" ".join([*words[:i], w[:-1], *words[i + 1 :]]))
    return out


def possessive_variants(form: str) -> set[str]:
    """The form with its eponym written with and without the possessive.

    >>> sorted(possessive_variants("Graves disease")), sorted(possessive_variants("Crohn's disease"))
    (['Graves disease', "Graves' disease"], ['Crohn disease', "Crohn's disease"])
    >>> sorted(possessive_variants("Bell palsy")), possessive_variants("Myasthenia gravis")
    (['Bell palsy', "Bell's palsy"], {'Myasthenia gravis'})
    """
    words = form.split(" ")
    for i, word in enumerate(words[:-1]):
        if not (word[:1].isupper() and word[1:].islower() and words[i + 1].islower()):
            continue
        if i == 0 and words[i + 1] not in _EPONYM_HEADS:
            continue
        if word.endswith("'s"):
            bare = word[:-2]
        elif word.endswith("'"):
            bare = word[:-1]
        else:
            bare = word
        owned = bare + ("'" if bare.endswith("s") else "'s")
        return {" ".join([*words[:i], w, *words[i + 1 :]]) for w in (bare, owned)}
    return {form}


class Matcher:
    """An automaton over surface forms; ``find`` gives non-overlapping longest hits."""

    def __init__(
        self,
        forms: Iterable[Form],
        precedence: tuple[str, ...] = (),
        shortest: int = _SHORTEST,
        modifiers: Iterable[str] = (),
    ):
        #: source names, strongest first; a source not listed comes after every listed one
        self.precedence = {name: i for i, name in enumerate(precedence)}
        #: words that qualify a term without naming another (HPO's clinical modifiers: "severe",
        #: "acute", "chronic", "bilateral", "left"), lower case
        self.modifiers = frozenset(" ".join(m.lower().split()) for m in modifiers)
        table: dict[str, list[tuple[str, Form]]] = {}
        #: the kind of every term the matcher can find
        self.kinds: dict[str, str] = {}
        #: every word of every form, lower case: a word in none is unknown to the vocabularies
        self.words: set[str] = set(self.modifiers)
        for f in forms:
            self.kinds[f.curie] = f.kind
            self.words.update(normalize(f.form).split())
            if f.scope not in GROUNDING_SCOPES or len(f.form.strip()) < shortest:
                continue
            exact = f.scope == "abbreviation" or is_acronym(f.form.strip())
            for p in possessive_variants(" ".join(f.form.split())):
                for v in {w for q in inner_singulars(p) for w in plural_variants(q)}:
                    table.setdefault(normalize(v), []).append((v if exact else "", f))
        self.automaton = ahocorasick.Automaton()
        for key, entries in table.items():
            self.automaton.add_word(key, (len(key), entries))
        if table:
            self.automaton.make_automaton()
        self.empty = not table

    def find(self, text: str) -> list[Hit]:
        """Longest, non-overlapping hits in ``text``, each with the forms of its best rank."""
        if self.empty:
            return []
        low = text.lower().replace("\u2019", "'")
        raw = []
        for end, (length, entries) in self.automaton.iter(low):
            start, stop = end - length + 1, end + 1
            if not _bounded(low, start, stop):
                continue
            surface = text[start:stop]
            ok = [f for case, f in entries if not case or case == " ".join(surface.split())]
            if ok:
                raw.append((start, stop, surface, ok))
        raw.sort(key=lambda r: (-(r[1] - r[0]), r[0]))
        kept: list[Hit] = []
        for start, stop, surface, ok in raw:
            if all(stop <= k.start or start >= k.end for k in kept):
                kept.append(Hit(start, stop, surface, self._best(ok)))
        return sorted(kept, key=lambda h: h.start)

    def _best(self, forms: list[Form]) -> tuple[Form, ...]:
        """The forms of the strongest scope, then of the first vocabulary that has one."""
        last = len(self.precedence)
        key = [(_RANK[f.scope], self.precedence.get(f.source, last)) for f in forms]
        best = min(key)
        return tuple(f for f, k in zip(forms, key, strict=True) if k == best)


def _bounded(low: str, start: int, stop: int) -> bool:
    before = low[start - 1] if start > 0 else " "
    after = low[stop] if stop < len(low) else " "
    return not (before.isalnum() or before == "-") and not (after.isalnum() or after == "-")
