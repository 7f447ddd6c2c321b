"""Every CURIE a claim uses names a term declared in ``ontology/``: the one check that
``medkg validate`` reports and both build paths enforce, so a build never accepts what
validation rejects.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from medkg.curation.load import ClaimFile, CurationProblem
from medkg.errors import Location
from medkg.model import Claim
from medkg.vocab import curie_to_iri, iri_to_curie

#: namespaces whose terms need no declaration in ontology/
BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
CURIE_FIELDS = ("subject", "predicate", "object", "disease_context", "anatomical_context", "unit")


def declared_terms(ontology: Graph) -> dict[URIRef, str]:
    """Every IRI the ontology says something about, with its label (or '')."""
    terms: dict[URIRef, str] = {}
    for s in set(ontology.subjects()):
        if isinstance(s, URIRef):
            terms[s] = str(ontology.value(s, RDFS.label) or "")
    return terms


class Suggestions:
    """Hints naming the declared terms closest to unknown CURIEs, with their labels: the
    declared terms are turned into CURIEs once, and each unknown CURIE is matched once (a file
    naming one undeclared predicate in every entry asked difflib thousands of times)."""

    def __init__(self, terms: dict[URIRef, str]) -> None:
        self._terms = terms
        self._by_curie: dict[str, str] | None = None
        self._hints: dict[str, str] = {}

    def did_you_mean(self, curie: str) -> str:
        if curie not in self._hints:
            if self._by_curie is None:
                self._by_curie = {iri_to_curie(str(i)): label for i, label in self._terms.items()}
            by_curie = self._by_curie
            close = difflib.get_close_matches(curie, list(by_curie), n=3, cutoff=0.75)
            if not close:
                hint = "declare the term (ID and label) in ontology/terms.ttl, or fix the CURIE"
            else:
                named = ", ".join(f"{c} ({by_curie[c]})" if by_curie[c] else c for c in close)
                hint = f"did you mean {named}? Otherwise declare the term in ontology/terms.ttl"
            self._hints[curie] = hint
        return self._hints[curie]


def claim_curies(claim: Claim) -> Iterator[tuple[str, str, str | None]]:
    """(field, CURIE, handle) for every term a claim entry uses."""
    q = claim.qualifiers
    values = {
        "subject": claim.subject,
        "predicate": claim.predicate,
        "object": claim.object,
        "disease_context": q.disease_context,
        "anatomical_context": q.anatomical_context,
        "unit": q.unit,
    }
    for ev in claim.evidence:
        for name in CURIE_FIELDS:
            if values[name]:
                yield name, str(values[name]), ev.handle
        yield "evidence_code", ev.evidence_code, ev.handle


def has_unknown_curie(f: ClaimFile, terms: Iterable[URIRef] | dict[URIRef, str]) -> bool:
    """Whether any entry names an undeclared term (no positions, no hints: the fast test)."""
    declared = terms if isinstance(terms, (dict, set, frozenset)) else set(terms)
    iris = (curie_to_iri(curie) for claim in f.claims for _, curie, _ in claim_curies(claim))
    return any(iri not in declared and not str(iri).startswith(BUILTIN) for iri in iris)


def unknown_curies(
    f: ClaimFile,
    terms: Iterable[URIRef] | dict[URIRef, str],
    suggestions: Suggestions | None = None,
) -> list[CurationProblem]:
    """A problem, at its file:line:col, for each field of each entry naming an undeclared term
    (``suggestions`` may be shared across files that share ``terms``)."""
    declared = terms if isinstance(terms, dict) else dict.fromkeys(terms, "")
    hints = suggestions or Suggestions(declared)
    found: list[CurationProblem] = []
    seen: set[tuple[str, str | None]] = set()
    for claim in f.claims:
        for name, curie, handle in claim_curies(claim):
            iri = curie_to_iri(curie)
            if iri in declared or str(iri).startswith(BUILTIN) or (name, handle) in seen:
                continue
            seen.add((name, handle))
            found.append(
                CurationProblem(
                    f"{name} {curie} is not a term declared in ontology/",
                    where=f.field_at(handle, name) or Location(str(f.path)),
                    hint=hints.did_you_mean(curie),
                    check="curie",
                )
            )
    return found
