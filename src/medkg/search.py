"""Find entities by name: labels, synonyms, abbreviations and CURIEs, ranked.

The index is built once per dataset version from the store (every labelled IRI, its types and
how many claims name it) and kept in memory: a sorted list of normalised names for prefix
lookups by bisection, a token index for word prefixes ("lou geh" finds "Lou Gehrig disease")
and rapidfuzz for near misses. Ranks, best first: the CURIE itself, an exact label, an exact
synonym, a label or synonym starting with the query, every query word starting a word of a
name, then fuzzy matches; within a kind, the entity more claims are about comes first, then
the shorter name.
"""

from __future__ import annotations

import bisect
import heapq
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from medkg.store import Store
from medkg.vocab import iri_to_curie

#: how good a match is, by kind (the order of the ranking)
KINDS = ("curie", "label", "synonym", "prefix", "words", "fuzzy")
#: kinds that name the entity exactly (its CURIE, label or a synonym), not just resemble it
EXACT_KINDS = ("curie", "label", "synonym")

NAMES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oio: <http://www.geneontology.org/formats/oboInOwl#>
SELECT ?s ?p ?name WHERE {
  VALUES ?p { rdfs:label skos:prefLabel skos:altLabel oio:hasExactSynonym
              oio:hasRelatedSynonym oio:hasNarrowSynonym oio:hasBroadSynonym }
  ?s ?p ?name . FILTER(isIRI(?s) && isLiteral(?name))
}"""
TYPES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?type WHERE { ?s rdfs:label [] ; rdf:type ?type . FILTER(isIRI(?type)) }"""
COUNTS = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX medkg: <https://w3id.org/medkg/>
SELECT ?e (COUNT(DISTINCT ?c) AS ?n) WHERE {
  { ?c a medkg:Claim ; rdf:subject ?e } UNION { ?c a medkg:Claim ; rdf:object ?e }
} GROUP BY ?e"""
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-blind form of a name.

    >>> normalise("Lou Gehrig's  Disease")
    'lou gehrig s disease'
    >>> normalise("Sjögren syndrome")
    'sjogren syndrome'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain))


@dataclass
class Entry:
    """One entity: its preferred label, other names, types and claim count."""

    iri: str
    curie: str
    label: str = ""
    names: list[str] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    claims: int = 0


@dataclass(frozen=True)
class Hit:
    """A search result: the entity, how it matched and on which name."""

    entry: Entry
    kind: str
    matched: str

    @property
    def is_exact(self) -> bool:
        """The query is this entity's CURIE, label or synonym (case and punctuation aside)."""
        return self.kind in EXACT_KINDS

    def to_json(self) -> dict[str, object]:
        e = self.entry
        return {
            "curie": e.curie,
            "iri": e.iri,
            "label": e.label or e.curie,
            "match": self.kind,
            "matched": self.matched,
            "types": sorted(iri_to_curie(t) for t in e.types),
            "claims": e.claims,
        }


class SearchIndex:
    """Names of every labelled entity, searchable in well under a millisecond per query."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = {e.iri: e for e in entries}
        self.by_curie = {e.curie.casefold(): e for e in self.entries.values()}
        keyed: list[tuple[str, str, str]] = []  # (normalised name, iri, name as written)
        for e in self.entries.values():
            for name in dict.fromkeys([e.label, *e.names]):
                if name and (key := normalise(name)):
                    keyed.append((key, e.iri, name))
        keyed.sort()
        self.keys = [k for k, _, _ in keyed]
        self.names = keyed
        tokens: dict[str, set[int]] = defaultdict(set)
        for i, (key, _, _) in enumerate(keyed):
            for token in key.split():
                tokens[token].add(i)
        self.token_keys = sorted(tokens)
        self.token_rows = [tokens[t] for t in self.token_keys]
        self.rows_by_length = sorted(range(len(keyed)), key=lambda i: len(keyed[i][0]))
        self.keys_by_length = [keyed[i][0] for i in self.rows_by_length]
        self.lengths = [len(k) for k in self.keys_by_length]

    @classmethod
    def from_store(cls, store: Store) -> SearchIndex:
        """Read every labelled IRI with its names, types and claim count from the store."""
        entries: dict[str, Entry] = {}
        for s, p, name in store.query(NAMES).rows:
            iri = str(s)
            e = entries.get(iri) or entries.setdefault(iri, Entry(iri, iri_to_curie(iri)))
            if str(p) in (LABEL, PREF_LABEL) and not e.label:
                e.label = str(name)
            else:
                e.names.append(str(name))
        for s, t in store.query(TYPES).rows:
            if str(s) in entries:
                entries[str(s)].types.add(str(t))
        for s, n in store.query(COUNTS).rows:
            if str(s) in entries and n is not None:
                entries[str(s)].claims = int(n.toPython())  # type: ignore[attr-defined]
        for e in entries.values():
            e.names.sort()
        return cls(entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, query: str, limit: int = 10, type_iri: str | None = None) -> list[Hit]:
        """The best ``limit`` entities for ``query``, best first (each entity once).

        Stages run in rank order and stop once ``limit`` entities are found, since a later
        stage can only rank lower; fuzzy matching runs only when nothing else matched.
        """
        key = normalise(query)
        if not key:
            return []
        found: dict[str, Hit] = {}
        curie = self.by_curie.get(query.strip().casefold())
        if curie and (not type_iri or type_iri in curie.types):
            found[curie.iri] = Hit(curie, "curie", curie.curie)
        for stage in (self._exact_and_prefix, self._word_prefixes, self._fuzzy):
            if len(found) >= limit or (stage == self._fuzzy and found):
                break
            best: dict[str, tuple[tuple[int, int, int, str], int, str]] = {}
            for row, kind in stage(key):
                iri = self.names[row][1]
                e = self.entries[iri]
                if iri in found or (type_iri and type_iri not in e.types):
                    continue
                rank = (KINDS.index(kind), -e.claims, len(self.names[row][2]), e.curie)
                if iri not in best or rank < best[iri][0]:
                    best[iri] = (rank, row, kind)
            for _, row, kind in heapq.nsmallest(limit - len(found), best.values()):
                _, iri, name = self.names[row]
                found[iri] = Hit(self.entries[iri], kind, name)
        return sorted(found.values(), key=_rank)[:limit]

    def _exact_and_prefix(self, key: str) -> Iterator[tuple[int, str]]:
        lo = bisect.bisect_left(self.keys, key)
        hi = bisect.bisect_right(self.keys, key + "\uffff")
        for row in range(lo, hi):
            k, iri, name = self.names[row]
            if k != key:
                yield row, "prefix"
            else:
                yield row, "label" if name == self.entries[iri].label else "synonym"

    def _word_prefixes(self, key: str) -> Iterator[tuple[int, str]]:
        rows: set[int] | None = None
        for token in sorted(key.split(), key=len, reverse=True):  # rarest-looking first
            lo = bisect.bisect_left(self.token_keys, token)
            hi = bisect.bisect_right(self.token_keys, token + "\uffff")
            matching = set().union(*self.token_rows[lo:hi]) if hi > lo else set()
            rows = matching if rows is None else rows & matching
            if not rows:
                return
        for row in rows or ():
            yield row, "words"

    def _fuzzy(self, key: str) -> Iterator[tuple[int, str]]:
        """Names within a normalised Indel similarity of 80%: only names whose length is within
        2/3 to 3/2 of the query's can reach it, so only those are scored."""
        if len(key) < 3:
            return
        lo = bisect.bisect_left(self.lengths, (2 * len(key) + 2) // 3)
        hi = bisect.bisect_right(self.lengths, (3 * len(key)) // 2)
        matches = process.extract(
            key, self.keys_by_length[lo:hi], scorer=fuzz.ratio, limit=20, score_cutoff=80
        )  # fmt: skip
        for _, _, i in matches:
            yield self.rows_by_length[lo + i], "fuzzy"


def _rank(hit: Hit) -> tuple[int, int, int, str]:
    return (KINDS.index(hit.kind), -hit.entry.claims, len(hit.matched), hit.entry.curie)
