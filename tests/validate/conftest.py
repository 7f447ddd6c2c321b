"""A copy of the project in tmp_path that a test may break, and helpers to break it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medkg.config import Settings, load_settings
from medkg.report import Report
from medkg.validate import validate_project

from ..conftest import ROOT

SEED = "als-demyelinating-or-axonal"
#: a valid claim the seed's text supports but its claim file lacks: the watcher tests add it
NEW_CLAIM = """\
- id: ms-has-phenotype-axonal-injury
  subject: MONDO:0005301
  predicate: RO:0002200
  object: HP:0040078
  negated: false
  quote: with axonal injury being variable and secondary
  citations: [1]
"""
COUNT_CLAIMS = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/medkg/Claim> }"


class Project:
    """A throwaway copy of ontology/, data/ and queries/."""

    def __init__(self, root: Path):
        self.root = root
        for folder in ("ontology", "data", "queries"):
            shutil.copytree(ROOT / folder, root / folder)
        self.claims = root / "data" / "claims" / f"{SEED}.yaml"

    @property
    def settings(self) -> Settings:
        return load_settings(env={}, root=str(self.root), store="memory:")

    def validate(self) -> Report:
        return validate_project(self.settings)[0]

    def append(self, path: Path, text: str) -> int:
        """Append ``text`` to a file; return the 1-based line its first line lands on."""
        old = path.read_text(encoding="utf-8")
        if not old.endswith("\n"):
            old += "\n"
        path.write_text(old + text, encoding="utf-8")
        return old.count("\n") + 1

    def add_claim(self, yaml_entry: str) -> int:
        """Append one claim entry (a ``- id: ...`` block); return the line of its ``- id``."""
        return self.append(self.claims, yaml_entry)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)
