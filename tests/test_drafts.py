"""The draft rule: after ``medkg ingest`` + ``medkg build``, machine drafts are hypotheses.

A fixture article states, against the seed, that ALS *is* a demyelinating disease. Ingested, it
becomes draft claims; built, no draft stands in the truthy graph, the graph API and the founding
answer leave it out unless asked for drafts, and pages and JSON-LD say it is a draft. The seed's
curated claims still hold.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from rdflib import URIRef

from medkg.answer import answer
from medkg.build import BuiltDataset, build_dataset, build_into, shapes_path
from medkg.config import Settings, load_settings
from medkg.ingest import ingest_file, load_lexicon
from medkg.queries import find_query
from medkg.rdf.ontology import read_turtle
from medkg.shacl import check_shapes
from medkg.store import Store, open_store
from medkg.validate import node_locations
from medkg.vocab import MEDKG, Minter, curie_to_iri
from medkg.web import create_app

from .conftest import ROOT
from .test_bulk import assert_same_dataset

ARTICLE = ROOT / "tests" / "fixtures" / "articles" / "draft-demyelinating.txt"
ALS, DEMYELINATING = "MONDO:0004976", "MONDO:0002562"
AXONAL_DEGENERATION, HAS_BASIS_IN = "HP:0040078", "RO:0004019"
SUBCLASS = "rdfs:subClassOf"
TRUTHY = "https://w3id.org/medkg/graph/truthy"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed project with the fixture article ingested (drafts written, nothing reviewed)."""
    root = tmp_path_factory.mktemp("drafts")
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    report = ingest_file(ARTICLE, root, load_lexicon(root))
    assert report.problems == [] and report.extraction.drafts
    return root


@pytest.fixture(scope="module")
def settings(root: Path) -> Settings:
    return load_settings(env={}, root=str(root), store="oxigraph:")


@pytest.fixture(scope="module")
def built(settings: Settings) -> BuiltDataset:
    return build_dataset(settings)


@pytest.fixture(scope="module")
def store(settings: Settings, built: BuiltDataset) -> Store:
    store = open_store("oxigraph:", settings.root_path)
    build_into(store, settings, built)
    return store


@pytest.fixture(scope="module")
def client(settings: Settings, store: Store) -> FlaskClient:
    return create_app(settings, store).test_client()


def the_draft(built: BuiltDataset) -> str:
    """The key of the ingested claim 'ALS is a demyelinating disease' (affirmed, a draft)."""
    [claim] = [
        c
        for c in built.claims
        if (c.subject, c.predicate, c.object, c.negated) == (ALS, SUBCLASS, DEMYELINATING, False)
    ]
    assert claim.status == "draft" and {e.status for e in claim.evidence} == {"draft"}
    return claim.key


def truthy(store: Store, s: str, p: str, o: str) -> bool:
    spo = " ".join(curie_to_iri(x).n3() for x in (s, p, o))
    return store.query(f"ASK {{ GRAPH <{TRUTHY}> {{ {spo} }} }}").boolean


def test_no_draft_stands_in_the_truthy_graph(built: BuiltDataset, store: Store) -> None:
    drafts = [c for c in built.claims if c.is_draft]
    assert len(drafts) >= 2
    assert not truthy(store, ALS, SUBCLASS, DEMYELINATING)
    approved = {(c.subject, c.predicate, c.object) for c in built.claims if c.is_truthy}
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{TRUTHY}> {{ ?s ?p ?o }} }}").rows
    stand = {tuple(curie_to_iri(x) for x in spo) for spo in approved}
    assert {tuple(URIRef(str(t)) for t in row) for row in rows} == stand


def test_the_seeds_curated_claims_still_hold(built: BuiltDataset, store: Store) -> None:
    seed = [c for c in built.claims if any(e.article_id != ARTICLE.stem for e in c.evidence)]
    assert seed and all(c.status == "approved" for c in seed)
    assert truthy(store, ALS, HAS_BASIS_IN, AXONAL_DEGENERATION)


def test_claims_carry_their_status_in_rdf(built: BuiltDataset, store: Store) -> None:
    key = the_draft(built)
    claim = Minter().claim(key)
    statuses = store.query(f"SELECT ?s WHERE {{ {claim.n3()} <{MEDKG.curationStatus}> ?s }}")
    assert [str(r[0]) for r in statuses.rows] == [str(MEDKG.Draft)]
    approved = store.query(
        f"SELECT (COUNT(?c) AS ?n) WHERE {{ ?c a <{MEDKG.Claim}> ; "
        f"<{MEDKG.curationStatus}> <{MEDKG.Approved}> }}"
    )
    assert int(str(next(iter(approved.rows))[0])) == sum(
        1 for c in built.claims if c.status == "approved"
    )


def test_built_dataset_with_drafts_conforms_to_the_shapes(built: BuiltDataset) -> None:
    shapes = read_turtle(shapes_path(ROOT))
    assert check_shapes(shapes, built.union(), node_locations(built, Minter())) == []


def test_bulk_build_keeps_drafts_out_of_the_truthy_graph_too(root: Path) -> None:
    assert_same_dataset(root)  # the streaming build writes what the build writes, graph by graph


def edges(body: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    return [(e["subject"], e["predicate"], e["object"], e["negated"]) for e in body["edges"]]


def test_graph_api_ignores_drafts_unless_asked(client: FlaskClient) -> None:
    draft = (ALS, SUBCLASS, DEMYELINATING, False)
    default = client.get(f"/api/graph/neighbours/{ALS}").get_json()
    assert draft not in edges(default) and (ALS, HAS_BASIS_IN, AXONAL_DEGENERATION, False) in (
        edges(default)
    )
    asked = client.get(f"/api/graph/neighbours/{ALS}?drafts=true").get_json()
    [edge] = [e for e in asked["edges"] if edges({"edges": [e]}) == [draft]]
    assert edge["status"] == "draft" and "draft — not reviewed" in edge["reading"]
    path = f"/api/graph/path?from={ALS}&to={DEMYELINATING}&k=20"
    hops = [e for p in client.get(path).get_json()["paths"] for h in p["hops"] for e in h["edges"]]
    assert all(e["status"] == "approved" for e in hops)
    asked_hops = client.get(path + "&drafts=true").get_json()["paths"][0]["hops"]
    assert asked_hops[0]["edges"][0]["status"] == "draft"


def test_founding_answer_ignores_drafts_unless_asked(root: Path, store: Store) -> None:
    query = find_query(root, "als-demyelinating-or-axonal")
    default = answer(query, store)
    assert default.verdict.startswith("No:")
    assert all(c.status == "approved" for cs in default.chain.values() for c in cs)
    asked = answer(query, store, drafts=True)
    assert asked.verdict.startswith("Contested:")
    assert [c.status for c in asked.chain["demyelinating"]] == ["draft"]


def test_founding_page_shows_drafts_as_drafts_when_asked(client: FlaskClient) -> None:
    default = client.get("/founding-question").get_data(as_text=True)
    assert "draft — not reviewed" not in default and "Contested" not in default
    asked = client.get("/founding-question?drafts=true").get_data(as_text=True)
    assert "Contested" in asked and "draft — not reviewed" in asked


def test_claim_page_and_json_ld_say_draft(client: FlaskClient, built: BuiltDataset) -> None:
    key = the_draft(built)
    html = client.get(f"/claim/{key}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "draft — not reviewed" in html
    doc = client.get(f"/claim/{key}", headers={"Accept": "application/ld+json"}).get_json()
    assert doc["curationStatus"] in ("Draft", "medkg:Draft")
    entity = client.get(f"/entity/{ALS}", headers={"Accept": "text/html"}).get_data(as_text=True)
    more = re.search(r'<a rel="next" href="([^"]+from=\d+)">', entity)  # the rest of the page
    if f'id="claim-{key}"' not in entity and more:
        entity = client.get(more.group(1), headers={"Accept": "text/html"}).get_data(as_text=True)
    card = entity.split(f'id="claim-{key}"', 1)[1].split("</article>", 1)[0]
    assert "draft — not reviewed" in card


def test_approved_claim_pages_say_nothing_of_drafts(
    client: FlaskClient, built: BuiltDataset
) -> None:
    seed = next(c for c in built.claims if c.status == "approved")
    html = client.get(f"/claim/{seed.key}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "draft — not reviewed" not in html
    doc = client.get(f"/claim/{seed.key}", headers={"Accept": "application/ld+json"}).get_json()
    assert doc["curationStatus"] in ("Approved", "medkg:Approved")


def claim_ids(group: dict[str, Any]) -> set[str]:
    return {
        str(c["@id"]).rsplit("/", 1)[-1]
        for side in group.values()
        if isinstance(side, list)
        for c in side
        if isinstance(c, dict)
    }


def test_entity_document_files_drafts_with_the_hypotheses(
    client: FlaskClient, built: BuiltDataset
) -> None:
    key = the_draft(built)
    doc = client.get(f"/entity/{ALS}", headers={"Accept": "application/ld+json"}).get_json()
    assert key in claim_ids(doc["hypotheses"])
    assert key not in claim_ids(doc["affirmedClaims"])
    seed = next(c for c in built.claims if c.is_truthy and c.subject == ALS)
    assert seed.key in claim_ids(doc["affirmedClaims"])
