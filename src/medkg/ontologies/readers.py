"""Read vocabulary files into term records: OBO/OWL with pronto, Turtle with rdflib, drugs from
the dictionary ``drug-named-entity-recognition`` ships (DrugBank identifiers)."""

from __future__ import annotations

import bz2
import importlib.util
import pickle  # the pickle is package data of an installed dependency
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from medkg.errors import Location, MedkgError
from medkg.ontologies.diseases import read_hpoa_diseases
from medkg.ontologies.records import (
    HP_PHENOTYPE_ROOT,
    Synonym,
    TermRecord,
    kind_by_prefix,
    kind_of,
)
from medkg.vocab import OBOINOWL, iri_to_curie

DRUGS = "drug-named-entity-recognition"
_PRONTO_SCOPES = {"EXACT": "exact", "RELATED": "related", "BROAD": "broad", "NARROW": "narrow"}
_RDF_SCOPES = {
    OBOINOWL.hasExactSynonym: "exact",
    OBOINOWL.hasRelatedSynonym: "related",
    OBOINOWL.hasBroadSynonym: "broad",
    OBOINOWL.hasNarrowSynonym: "narrow",
}


class OntologyFileError(MedkgError):
    """A vocabulary file that cannot be read."""

    status = 422
    exit_code = 2


def read_terms(path: Path, prefix: str | None = None) -> Iterator[TermRecord]:
    """Every non-obsolete term of ``path`` (.obo, .owl, .json with pronto; .ttl with rdflib;
    the diseases with identifiers of ``prefix`` from HPO annotations, .hpoa)."""
    if str(path) == DRUGS:
        yield from read_drugs()
    elif path.suffix == ".hpoa":
        yield from read_hpoa_diseases(path, prefix or "ORPHA")
    elif path.suffix in (".ttl", ".nt", ".n3"):
        yield from _read_rdf(path)
    else:
        yield from _read_pronto(path)


def _read_pronto(path: Path) -> Iterator[TermRecord]:
    import pronto  # imported here: only an index rebuild needs it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            onto = pronto.Ontology(str(path))
    except Exception as e:  # pronto raises many types for syntax errors
        raise OntologyFileError(
            f"cannot read ontology file: {e}",
            where=Location(str(path)),
            hint="give an OBO, OWL (RDF/XML) or OBO Graphs JSON file",
        ) from None
    phenotypes: set[str] | None = None
    if HP_PHENOTYPE_ROOT in onto:
        phenotypes = {t.id for t in onto.get_term(HP_PHENOTYPE_ROOT).subclasses()}
    for t in onto.terms():
        if t.obsolete or not t.name:
            continue
        kind = kind_by_prefix(t.id)
        if kind == "phenotype" and phenotypes is not None and t.id not in phenotypes:
            kind = "modifier"
        synonyms = [
            Synonym(
                s.description,
                "abbreviation"
                if s.type is not None and s.type.id.lower() == "abbreviation"
                else _PRONTO_SCOPES.get(s.scope or "RELATED", "related"),
            )
            for s in t.synonyms
        ]
        parents = [p.id for p in t.superclasses(distance=1, with_self=False)]
        yield TermRecord(t.id, t.name, synonyms, parents, kind)


def _read_rdf(path: Path) -> Iterator[TermRecord]:
    """Classes of a Turtle file (the curated ``ontology/terms.ttl``) with labels and synonyms."""
    g = Graph()
    try:
        g.parse(path)
    except Exception as e:  # rdflib raises parser-specific types
        raise OntologyFileError(
            f"cannot parse {path.name}: {e}", where=Location(str(path))
        ) from None
    for s in sorted(set(g.subjects(RDF.type, OWL.Class)), key=str):
        label = g.value(s, RDFS.label)
        curie = iri_to_curie(str(s))
        if not isinstance(s, URIRef) or label is None or curie == str(s):
            continue
        synonyms = [
            Synonym(str(o), scope) for p, scope in _RDF_SCOPES.items() for o in g.objects(s, p)
        ]
        parents = [
            iri_to_curie(str(o)) for o in g.objects(s, RDFS.subClassOf) if isinstance(o, URIRef)
        ]
        yield TermRecord(
            curie,
            str(label),
            sorted(synonyms, key=lambda x: x.text),
            parents,
            kind_of(curie, str(label)),
        )


def drugs_file() -> Path | None:
    """The drug dictionary inside the installed package (found without importing it: its
    module reads caches in the home folder at import)."""
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "drug_ner_dictionary.pkl.bz2"
    return path if path.exists() else None


def read_drugs() -> Iterator[TermRecord]:
    """Drugs with a DrugBank id, their names, brand names and synonyms."""
    path = drugs_file()
    if path is None:
        return
    with bz2.open(path, "rb") as f:
        data: dict[str, Any] = pickle.load(f)
    names: dict[str, list[str]] = {}
    for variant, canon in data["drug_variant_to_canonical"].items():
        for c in canon:
            names.setdefault(c, []).append(variant)
    for canon, info in data["drug_canonical_to_data"].items():
        curie = _drug_curie(info)
        if curie is None:
            continue
        label = info.get("name") or canon
        forms = {*names.get(canon, []), *info.get("synonyms", []), *conjugate_bases(label)}
        synonyms = [Synonym(f, "exact") for f in sorted(forms - {canon}) if "," not in f]
        yield TermRecord(curie, label, synonyms, [], "drug")


def conjugate_bases(name: str) -> list[str]:
    """The "-ate" name articles write for an "-ic acid" (alendronate for alendronic acid).

    >>> conjugate_bases("Alendronic acid"), conjugate_bases("Valproic Acid"), conjugate_bases("Metformin")
    (['alendronate'], ['valproate'], [])
    """
    words = name.lower().split()
    if len(words) == 2 and words[1] == "acid" and words[0].endswith("ic") and len(words[0]) > 4:
        return [words[0][:-2] + "ate"]
    return []


def _drug_curie(info: dict[str, Any]) -> str | None:
    """DrugBank only: the dictionary's MeSH ids are often a drug's pharmacological class
    (metformin and insulin both carry D007004, Hypoglycemic Agents), not the drug; and its
    classes' own MeSH ids are unreliable (ACE inhibitors and ARBs share D000806, glucocorticoids
    carry D011965, the glucocorticoid receptor), so classes are not read."""
    return f"drugbank:{info['drugbank_id']}" if info.get("drugbank_id") else None
