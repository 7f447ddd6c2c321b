"""One term as a vocabulary file states it, and the kind of thing it names (disease, drug...)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: synonym scopes, strongest first: a label or exact synonym names the term, a related one may not
SCOPES = ("label", "exact", "abbreviation", "narrow", "broad", "related")

_DISEASE_PREFIXES = ("MONDO", "DOID", "ORDO", "Orphanet", "OMIM", "NCIT", "EFO")
_DRUG_PREFIXES = ("CHEBI", "drugbank", "mesh", "RXNORM", "DRON", "ATC")
_KINDS = {"MONDO": "disease", "HP": "phenotype", "CL": "location", "UBERON": "location"}
_GO_PROCESS = re.compile(r"process|response|signal|regulation|transport|death|tion$|sis$")
#: HPO's branch of phenotypic abnormalities; its other branches are modifiers, frequencies...
HP_PHENOTYPE_ROOT = "HP:0000118"


@dataclass(frozen=True)
class Synonym:
    text: str
    scope: str  # one of SCOPES


@dataclass
class TermRecord:
    """A term read from a vocabulary file: label, synonyms, direct parents, its kind."""

    curie: str
    label: str
    synonyms: list[Synonym] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    kind: str = "other"


def kind_by_prefix(curie: str) -> str:
    """What a term names, from its prefix; HP terms are refined by branch when indexed.

    >>> kind_by_prefix("MONDO:0004976"), kind_by_prefix("CHEBI:6801"), kind_by_prefix("UBERON:1")
    ('disease', 'drug', 'location')
    """
    prefix = curie.split(":", 1)[0]
    if prefix in _DISEASE_PREFIXES:
        return "disease"
    if prefix in _DRUG_PREFIXES:
        return "drug"
    if prefix == "HP":
        return "phenotype"
    if prefix in ("UBERON", "CL", "FMA"):
        return "location"
    if prefix == "GO":
        return "process"
    return "other"


def kind_of(curie: str, label: str) -> str:
    """What a term is, for choosing predicates: from its prefix, and its label where needed.

    >>> kind_of("GO:0006915", "apoptotic process"), kind_of("GO:0030424", "axon")
    ('process', 'location')
    >>> kind_of("MEDKG:0000004", "snake eyes sign of spinal anterior horns")
    'sign'
    """
    prefix = curie.split(":", 1)[0]
    if prefix in _KINDS:
        return _KINDS[prefix]
    if prefix == "UO":
        return "unit"
    low = label.lower()
    if prefix == "GO":
        return "process" if _GO_PROCESS.search(low) else "location"
    if "sign" in low.split() or "signal" in low.split():
        return "sign"
    if "therapy" in low or "treatment" in low:
        return "therapy"
    if "survival" in low:
        return "measure"
    return "process"
