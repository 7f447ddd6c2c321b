"""The HP term ids of an HPO release (``hp.obo``), read with pyhpo's own OBO parser.

The importer only needs to know which ids exist (a row naming another is reported and skipped),
so it keeps the ids, the alternative ids and the release; it builds no ontology index (that is the
grounding index's job).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from medkg.errors import ConfigError, Location


@dataclass(frozen=True)
class HpoTerms:
    ids: frozenset[str]
    release: str | None


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
        for term in terms_from_file(str(folder)):
            ids.add(term["id"])
            ids.update(term.get("alt_id", ()))
    return HpoTerms(frozenset(ids), _release(path))


def _release(path: Path) -> str | None:
    """The ``data-version`` header line (``hp/releases/2025-01-16`` -> ``2025-01-16``)."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("data-version:"):
                return line.partition(":")[2].strip().rpartition("/")[2]
            if line.startswith("[Term]"):
                break
    return None
