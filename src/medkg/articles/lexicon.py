"""An entity lexicon from the ontology's labels and exact synonyms: longest match, case- and
plural-tolerant, with a kind per term (disease, phenotype, process, location, ...)."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from medkg.articles.abbreviations import find_abbreviations
from medkg.articles.grounding import UNMAPPED, index_hits, unknown_acronyms
from medkg.ontologies.matcher import Matcher
from medkg.ontologies.records import kind_of
from medkg.vocab import OBOINOWL, iri_to_curie

_SKIP = ("ECO", "RO", "BFO", "IAO", "biolink", "medkg", "rdf", "rdfs", "owl")


@dataclass(frozen=True)
class Mention:
    """A term found in text: ``text[start:end]`` names ``curie``."""

    start: int
    end: int
    curie: str
    kind: str
    surface: str
    candidates: tuple[str, ...] = ()


def variants(form: str) -> set[str]:
    """A surface form with its last word in singular and plural.

    >>> sorted(variants("motor neuron"))
    ['motor neuron', 'motor neurons']
    >>> sorted(variants("demyelinating diseases"))
    ['demyelinating disease', 'demyelinating diseases']
    >>> sorted(variants("axonal loss")), sorted(variants("apoptosis"))
    (['axonal loss', 'axonal losses'], ['apoptosis'])
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
    if form.endswith("ies"):
        out.add(form[:-3] + "y")
    elif form.endswith("s") and not form.endswith("ss") and not form.endswith("sis"):
        out.add(form[:-1])
    elif form.endswith("y") and form[-2:-1] not in "aeiou":
        out.add(form[:-1] + "ies")
    elif form.endswith(("sh", "ch", "x")):
        out.add(form + "es")
    elif not form.endswith(("sis", "ss")) and form[-1:].isalpha():
        out.add(form + "s")
    return out


def is_acronym(form: str) -> bool:
    return len(form) <= 5 and form.isupper()


@dataclass
class Lexicon:
    """Surface form -> CURIE; acronyms match case-sensitively, everything else ignoring case."""

    forms: dict[str, str] = field(default_factory=dict)
    acronyms: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    heads: dict[str, set[str]] = field(default_factory=dict)
    #: the full vocabularies (ontology index), matched where the curated terms leave text free
    matcher: Matcher | None = None
    #: abbreviations the article defines: short form -> the long form's term (None: unknown)
    defined: dict[str, str | None] = field(default_factory=dict)
    #: their long forms: one mention each, never a shorter term inside one
    long_forms: dict[str, str | None] = field(default_factory=dict)
    _ci: re.Pattern[str] | None = None
    _cs: re.Pattern[str] | None = None

    def for_article(self, text: str) -> Lexicon:
        """This lexicon with the abbreviations ``text`` defines: "acute motor axonal neuropathy
        (AMAN)" makes "AMAN" name what the long form names, or an unmapped term if nothing."""
        lex = copy.copy(self)
        lex.defined, lex.long_forms = {}, {}
        for ab in find_abbreviations(text):
            if ab.short in lex.defined:
                continue
            whole = [m for m in self.find(ab.long) if (m.start, m.end) == (0, len(ab.long))]
            curie = whole[0].curie if whole and whole[0].kind != UNMAPPED else None
            lex.defined[ab.short] = curie
            lex.long_forms[ab.long] = curie
        return lex

    def add(self, curie: str, label: str, synonyms: list[str]) -> None:
        self.kinds[curie] = kind_of(curie, label)
        self.labels[curie] = label
        for form in [label, *synonyms]:
            form = " ".join(form.split())
            if not form:
                continue
            if is_acronym(form):
                self.acronyms.setdefault(form, curie)
                continue
            for v in variants(form):
                self.forms.setdefault(v.lower(), curie)
            words = form.lower().split()
            if len(words) > 1:
                for v in variants(words[-1]):
                    self.heads.setdefault(v, set()).add(curie)
        self._ci = self._cs = None

    def find(self, text: str) -> list[Mention]:
        """Every term in ``text``, longest match first, overlaps resolved to the longer.

        >>> lex = Lexicon()
        >>> lex.add("HP:1", "Axonal degeneration", ["axonal loss"])
        >>> lex.add("MONDO:1", "amyotrophic lateral sclerosis", ["ALS"])
        >>> [(m.curie, m.surface) for m in lex.find("ALS causes Axonal Losses; als no")]
        [('MONDO:1', 'ALS'), ('HP:1', 'Axonal Losses')]
        """
        if self._ci is None or self._cs is None:
            self._ci = _alternation(self.forms, re.IGNORECASE)
            self._cs = _alternation(self.acronyms, 0)
        found = [
            Mention(m.start(), m.end(), self.forms[_norm(m.group())], "", m.group())
            for m in self._ci.finditer(text)
        ] + [
            Mention(m.start(), m.end(), self.acronyms[m.group()], "", m.group())
            for m in self._cs.finditer(text)
        ]
        found.sort(key=lambda m: (-(m.end - m.start), m.start))
        kept: list[Mention] = []
        for m in found:
            if all(m.end <= k.start or m.start >= k.end for k in kept):
                kept.append(
                    Mention(m.start, m.end, m.curie, self.kinds.get(m.curie, "process"), m.surface)
                )
        kept = self._defined(text, kept)
        if self.matcher is not None:
            kept += self._indexed(text, kept)
        taken = [(m.start, m.end) for m in kept]
        kept += [Mention(a, b, UNMAPPED, UNMAPPED, s) for a, b, s in unknown_acronyms(text, taken)]
        return sorted(kept, key=lambda m: m.start)

    def _defined(self, text: str, kept: list[Mention]) -> list[Mention]:
        """The article's abbreviations, over whatever the curated terms said they were."""
        patterns = [
            (rf"(?<![\w-]){re.escape(short)}(?![\w-])", 0, curie)
            for short, curie in self.defined.items()
        ] + [
            (r"(?<![\w-])" + r"\s+".join(map(re.escape, long.split())) + r"(?![\w-])", re.I, curie)
            for long, curie in self.long_forms.items()
        ]
        for pattern, flags, curie in patterns:
            for m in re.finditer(pattern, text, flags):
                kept = [k for k in kept if k.end <= m.start() or k.start >= m.end()]
                kind = UNMAPPED if curie is None else self.kind(curie)
                kept.append(Mention(m.start(), m.end(), curie or UNMAPPED, kind, m.group()))
        return kept

    def _indexed(self, text: str, kept: list[Mention]) -> list[Mention]:
        assert self.matcher is not None
        taken = [(m.start, m.end) for m in kept]
        out = []
        for a, b, surface, curie, candidates in index_hits(text, self.matcher, taken):
            kind = UNMAPPED if curie == UNMAPPED else self.kind(curie)
            out.append(Mention(a, b, curie, kind, surface, candidates))
        return out

    def kind(self, curie: str) -> str:
        """The kind of a curated term, else of an index term (from the matcher's forms)."""
        if curie in self.kinds:
            return self.kinds[curie]
        if self.matcher is not None and curie in self.matcher.kinds:
            return self.matcher.kinds[curie]
        return "process"

    def head(self, word: str) -> str | None:
        """The one term whose label or synonym ends in ``word`` ("atrophy"), if exactly one."""
        curies = self.heads.get(word.lower(), set())
        return next(iter(curies)) if len(curies) == 1 else None


def _norm(surface: str) -> str:
    return " ".join(surface.lower().split())


def _alternation(forms: dict[str, str], flags: int) -> re.Pattern[str]:
    if not forms:
        return re.compile(r"(?!x)x")
    ordered = sorted(forms, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in f.split()) for f in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


def build_lexicon(graph: Graph) -> Lexicon:
    """A lexicon of every owl:Class in ``graph`` with an rdfs:label.

    Labels and exact synonyms first; related synonyms after, so they never take a surface
    form an exact synonym of another term has ("motor neurone disease").
    """
    lex = Lexicon()
    related: dict[str, list[str]] = {}
    for s in sorted(set(graph.subjects(RDF.type, OWL.Class)), key=str):
        if not isinstance(s, URIRef):
            continue
        curie = iri_to_curie(str(s))
        if curie == str(s) or curie.split(":", 1)[0] in _SKIP:
            continue
        label = graph.value(s, RDFS.label)
        if label is None:
            continue
        synonyms = [str(o) for o in graph.objects(s, OBOINOWL.hasExactSynonym)]
        lex.add(curie, str(label), sorted(synonyms))
        related[curie] = sorted(str(o) for o in graph.objects(s, OBOINOWL.hasRelatedSynonym))
    for curie, forms in related.items():
        lex.add(curie, lex.labels[curie], forms)
    return lex
