"""A decision in a project with a curated source (HPO annotations) swaps the dataset in as the
watch path does: by the bulk path, so the source's graph keeps being served."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from medkg.cli import cli
from medkg.config import load_settings
from medkg.ingest import ingest_file, load_lexicon
from medkg.store import open_store
from medkg.web import create_app

from ..conftest import ROOT
from .conftest import ARTICLE, PHENOTYPE, TOKEN, get, key_of, post

FIXTURE = ROOT / "tests" / "fixtures" / "sources" / "fixture.hpoa"
SOURCE_GRAPH = "https://w3id.org/medkg/graph/source/hpo-annotations"


def test_a_decision_keeps_the_curated_sources_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the bulk build's work folder
    root = tmp_path / "project"
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copy(FIXTURE, root / "fixture.hpoa")
    ingest_file(ARTICLE, root, load_lexicon(root))
    store_at = f"oxigraph:{root}/store"
    imported = CliRunner().invoke(
        cli,
        [
            "--root",
            str(root),
            "--store",
            store_at,
            "import",
            "hpo-annotations",
            "--hpoa",
            str(root / "fixture.hpoa"),
        ],
    )
    assert imported.exit_code == 0, imported.output
    settings = load_settings(env={}, root=str(root), store=store_at, curation_token=TOKEN)
    store = open_store(store_at, root)
    try:
        client = create_app(settings, store).test_client()
        has_source = f"ASK {{ GRAPH <{SOURCE_GRAPH}> {{ ?s ?p ?o }} }}"
        assert store.query(has_source).boolean
        key = key_of(client, PHENOTYPE)
        done = post(client, key, decision="accept", version=get(client, key)["version"])
        assert done.status_code == 200 and done.get_json()["served"] is True, done.get_json()
        assert store.query(has_source).boolean  # the HPO annotations are still served
        approved = (
            "ASK { ?e <https://w3id.org/medkg/reviewedBy> ?who ; "
            "<https://w3id.org/medkg/curationStatus> <https://w3id.org/medkg/Approved> }"
        )
        assert store.query(approved).boolean  # and so is the decision
    finally:
        store.close()
