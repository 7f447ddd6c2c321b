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


def did_you_mean(curie: str, terms: dict[URIRef, str]) -> str:
    """A hint naming the declared terms closest to an unknown CURIE, with their labels."""
    by_curie = {iri_to_curie(str(iri)): label for iri, label in terms.items()}
    close = difflib.get_close_matches(curie, list(by_curie), n=3, cutoff=0.75)
    if not close:
        return "declare the term (ID and label) in ontology/terms.ttl, or fix the CURIE"
    named = ", ".join(f"{c} ({by_curie[c]})" if by_curie[c] else c for c in close)
    return f"did you mean {named}? Otherwise declare the term in ontology/terms.ttl"


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


def unknown_curies(
    f: ClaimFile, terms: Iterable[URIRef] | dict[URIRef, str]
) -> list[CurationProblem]:
    """A problem, at its file:line:col, for each field of each entry naming an undeclared term."""
    declared = terms if isinstance(terms, dict) else dict.fromkeys(terms, "")
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
                    hint=did_you_mean(curie, declared),
                    check="curie",
                )
            )
    return found
