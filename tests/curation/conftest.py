"""The review queue's test project: a copy of the seed with
``tests/fixtures/articles/draft-demyelinating.txt`` ingested, three drafts of two claims (two
sentences say ALS *is* a demyelinating disease, one that ALS presents with optic neuritis); an
app over it with a curation token; helpers that speak the API.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from medkg.config import Settings, load_settings
from medkg.curation.load import read_yaml
from medkg.curation.review import plain
from medkg.ingest import ingest_file, load_lexicon
from medkg.store import open_store
from medkg.web import create_app

from ..conftest import ROOT

ARTICLE = ROOT / "tests" / "fixtures" / "articles" / "draft-demyelinating.txt"
TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HEADLINE = "draft-demyelinating/draft-headline-is-a-demyelinating-disease"
SECTION = "draft-demyelinating/draft-what-the-is-a-demyelinating-disease"
PHENOTYPE = "draft-demyelinating/draft-what-the-phenotype-optic-neuritis"
CLAIMS = Path("data") / "claims" / "draft-demyelinating.yaml"
CSV_HEADER = (
    "at,reviewer,file,claim,decision,reason,version_before,version_after,changes,claim_key\r\n"
)


@pytest.fixture(scope="package")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("curation-template")
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    report = ingest_file(ARTICLE, root, load_lexicon(root))
    assert report.problems == [] and len(report.extraction.drafts) == 3
    return root


@pytest.fixture
def root(template: Path, tmp_path: Path) -> Path:
    shutil.copytree(template, tmp_path / "project")
    return tmp_path / "project"


@pytest.fixture
def settings(root: Path) -> Settings:
    return load_settings(
        env={}, root=str(root), store="oxigraph:", curation_token=TOKEN, curator_name="Ada Lovelace"
    )


@pytest.fixture
def client(settings: Settings) -> FlaskClient:
    return create_app(settings, open_store("oxigraph:", settings.root_path)).test_client()


def key_of(client: FlaskClient, evidence: str) -> str:
    """The key of the claim an entry states, as the queue lists it."""
    items = client.get("/api/curation/drafts?status=any&limit=200", headers=AUTH).get_json()
    return next(i["key"] for i in items["items"] for e in i["entries"] if e["evidence"] == evidence)


def get(client: FlaskClient, key: str) -> dict[str, Any]:
    response = client.get(f"/api/curation/drafts/{key}", headers=AUTH)
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def post(client: FlaskClient, key: str, **body: Any) -> Any:
    return client.post(f"/api/curation/drafts/{key}", headers=AUTH, json=body)


def ask(client: FlaskClient, query: str) -> bool:
    prefixes = (
        "PREFIX medkg: <https://w3id.org/medkg/> PREFIX obo: <http://purl.obolibrary.org/obo/> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    )
    response = client.get(
        "/sparql", query_string={"query": prefixes + query}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200, response.data
    return bool(response.get_json()["boolean"])


def entry(root: Path, handle: str) -> dict[str, Any]:
    handle = handle.rpartition("/")[2]
    doc = read_yaml(root / CLAIMS)
    return next(plain(c) for c in doc["claims"] if c["id"] == handle)
