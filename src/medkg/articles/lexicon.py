"""The terms an article's mentions are grounded to: the curated slim (``ontology/``) first, then
the full vocabularies of the ontology index, both found by the one dictionary matcher
(``ontologies/matcher.py``: longest match, case- and plural-tolerant), each with a kind
(disease, phenotype, process, location, ...)."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from medkg.articles.abbreviations import find_abbreviations
from medkg.articles.grounding import UNMAPPED, index_hits, unknown_acronyms, unknown_names
from medkg.ontologies.index import Form
from medkg.ontologies.matcher import Matcher, plural_variants
from medkg.ontologies.records import kind_of
from medkg.vocab import OBOINOWL, iri_to_curie

_SKIP = ("ECO", "RO", "BFO", "IAO", "biolink", "medkg", "rdf", "rdfs", "owl")
#: the curated slim's synonyms: labels and exact ones before related ones ("motor neurone
#: disease" is an exact synonym of one term and a related one of another)
_CURATED = ("curated", "curated-related")


@dataclass(frozen=True)
class Mention:
    """A term found in text: ``text[start:end]`` names ``curie``."""

    start: int
    end: int
    curie: str
    kind: str
    surface: str
    candidates: tuple[str, ...] = ()


def is_acronym(form: str) -> bool:
    return len(form) <= 5 and form.isupper()


@dataclass
class Lexicon:
    """The curated terms (matched first) and the index's; acronyms match case-sensitively,
    everything else ignoring case."""

    #: surface form (lower case, singular and plural) -> the curated term it names first
    forms: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    heads: dict[str, set[str]] = field(default_factory=dict)
    #: the full vocabularies (ontology index), matched where the curated terms leave text free
    matcher: Matcher | None = None
    #: abbreviations the article defines: short form -> the long form's term (None: unknown)
    defined: dict[str, str | None] = field(default_factory=dict)
    #: their long forms: one mention each, never a shorter term inside one
    long_forms: dict[str, str | None] = field(default_factory=dict)
    _entries: list[Form] = field(default_factory=list)
    _curated: Matcher | None = None

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

    def add(self, curie: str, label: str, synonyms: list[str], source: str = _CURATED[0]) -> None:
        """A curated term with its label and synonyms (``source``: how strong they are)."""
        self.kinds[curie] = kind_of(curie, label)
        self.labels[curie] = label
        for form in [label, *synonyms]:
            form = " ".join(form.split())
            if not form:
                continue
            scope = "abbreviation" if is_acronym(form) else "exact"
            self._entries.append(Form(form, curie, scope, self.kinds[curie], source))
            if scope == "abbreviation":
                continue
            for v in plural_variants(form):
                self.forms.setdefault(v.lower(), curie)
            words = form.lower().split()
            if len(words) > 1:
                for v in plural_variants(words[-1]):
                    self.heads.setdefault(v, set()).add(curie)
        self._curated = None

    def find(self, text: str) -> list[Mention]:
        """Every term in ``text``, longest match first, overlaps resolved to the longer.

        >>> lex = Lexicon()
        >>> lex.add("HP:1", "Axonal degeneration", ["axonal loss"])
        >>> lex.add("MONDO:1", "amyotrophic lateral sclerosis", ["ALS"])
        >>> [(m.curie, m.surface) for m in lex.find("ALS causes Axonal Losses; als no")]
        [('MONDO:1', 'ALS'), ('HP:1', 'Axonal Losses')]
        """
        if self._curated is None:
            self._curated = Matcher(self._entries, _CURATED, shortest=2)
        kept = [
            # a form two curated terms share names the first (the slim is curated: no guess)
            Mention(h.start, h.end, h.forms[0].curie, h.forms[0].kind, h.surface)
            for h in self._curated.find(text)
        ]
        kept = self._defined(text, kept)
        if self.matcher is not None:
            kept += self._indexed(text, kept)
        taken = [(m.start, m.end) for m in kept]
        kept += [Mention(a, b, UNMAPPED, UNMAPPED, s) for a, b, s in unknown_acronyms(text, taken)]
        taken = [(m.start, m.end) for m in kept]
        kept += [Mention(a, b, UNMAPPED, UNMAPPED, s) for a, b, s in unknown_names(text, taken)]
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
        lex.add(curie, lex.labels[curie], forms, _CURATED[1])
    return lex
