"""The HP term ids of an HPO release (``hp.obo``), read with pyhpo's own OBO parser.

The importer checks that every id a row names exists (a row naming another is reported and
skipped), and puts the current terms' labels and hierarchy in the ontology graph, unaltered, so
"phenotypes under abnormality of the nervous system" is a lookup in the inferred graph. It builds
no ontology index for grounding (that is the grounding index's job).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from medkg.errors import ConfigError, Location


@dataclass(frozen=True)
class HpoTerm:
    """A current (not obsolete) term: its id, label and parents, as the release has them."""

    id: str
    name: str
    parents: tuple[str, ...]


@dataclass(frozen=True)
class HpoTerms:
    ids: frozenset[str]  # current and obsolete ids, and alternative ids
    release: str | None
    terms: tuple[HpoTerm, ...] = ()


def read_hpo_terms(path: Path) -> HpoTerms:
    """Every term id (and alt_id) of an ``hp.obo`` file, with its ``data-version``."""
    from pyhpo.parser.obo import terms_from_file

    if not path.is_file():
        raise ConfigError(
            f"no OBO file at {path}",
            hint="give --obo the hp.obo of the release the annotations were made against",
            where=Location(str(path)),
        )
    with tempfile.TemporaryDirectory(prefix="medkg-obo-") as tmp:
        folder = path.parent
        if path.name != "hp.obo":  # pyhpo reads <folder>/hp.obo
            os.symlink(path.resolve(), Path(tmp) / "hp.obo")
            folder = Path(tmp)
        ids: set[str] = set()
        terms = []
        for term in terms_from_file(str(folder)):
            ids.add(term["id"])
            ids.update(term.get("alt_id", ()))
            if not term.get("is_obsolete"):
                parents = tuple(p.partition(" ")[0] for p in term.get("is_a", ()))
                terms.append(HpoTerm(term["id"], term.get("name", ""), parents))
    return HpoTerms(frozenset(ids), _release(path), tuple(terms))


def _release(path: Path) -> str | None:
    """The ``data-version`` header line (``hp/releases/2025-01-16`` -> ``2025-01-16``)."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("data-version:"):
                return line.partition(":")[2].strip().rpartition("/")[2]
            if line.startswith("[Term]"):
                break
    return None
