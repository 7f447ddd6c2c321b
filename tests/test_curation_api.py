"""The review queue's API: decisions written back to the claim file, validated, logged, served.

A copy of the seed project with ``tests/fixtures/articles/draft-demyelinating.txt`` ingested has
three drafts: two say ALS *is* a demyelinating disease (headline and section), one that ALS
presents with optic neuritis.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from medkg.config import Settings, load_settings
from medkg.curation.canonical import format_file
from medkg.curation.load import read_yaml
from medkg.curation.review import parse, plain
from medkg.ingest import ingest_file, load_lexicon
from medkg.store import open_store
from medkg.validate import validate_project
from medkg.web import create_app

from .conftest import ROOT
from .test_openapi import undescribed

ARTICLE = ROOT / "tests" / "fixtures" / "articles" / "draft-demyelinating.txt"
TOKEN = "s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HEADLINE = "draft-demyelinating/draft-headline-is-a-demyelinating-disease"
SECTION = "draft-demyelinating/draft-what-the-is-a-demyelinating-disease"
PHENOTYPE = "draft-demyelinating/draft-what-the-phenotype-optic-neuritis"
CLAIMS = Path("data") / "claims" / "draft-demyelinating.yaml"


@pytest.fixture(scope="module")
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
    doc = read_yaml(root / CLAIMS)
    return next(plain(c) for c in doc["claims"] if c["id"] == handle)


def test_the_queue_does_not_exist_without_a_curation_token(client: FlaskClient) -> None:
    from .conftest import ROOT as seed

    plain_app = create_app(load_settings(env={}, root=str(seed), store="oxigraph:"))
    other = plain_app.test_client()
    assert other.get("/api/curation/drafts", headers=AUTH).status_code == 404
    assert other.post(f"/api/curation/drafts/{HEADLINE}", headers=AUTH, json={}).status_code == 404
    assert other.get("/api/curation/log.csv", headers=AUTH).status_code == 404
    assert other.get("/curate").status_code == 404


def test_the_page_is_served_without_the_token_and_asks_for_it(client: FlaskClient) -> None:
    page = client.get("/curate")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'id="token"' in html and "/static/curate.js" in html and "https://" not in html


def test_a_missing_token_is_401_and_a_wrong_one_403(client: FlaskClient) -> None:
    missing = client.get("/api/curation/drafts")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert missing.get_json()["hint"] == "send 'Authorization: Bearer <curation_token>'"
    wrong = client.post(
        f"/api/curation/drafts/{HEADLINE}",
        headers={"Authorization": "Bearer guess"},
        json={"decision": "accept", "version": "x"},
    )
    assert wrong.status_code == 403
    assert client.get("/api/curation/log.csv").status_code == 401


def test_every_curation_route_is_described_in_openapi(client: FlaskClient) -> None:
    app = client.application
    paths = client.get("/openapi.json").get_json()["paths"]
    assert undescribed(app, paths) == []
    assert "409" in paths["/api/curation/drafts/{article}/{handle}"]["post"]["responses"]


def test_queue_lists_drafts_in_a_stable_order_with_progress_and_next_links(
    client: FlaskClient,
) -> None:
    first = client.get("/api/curation/drafts?limit=2", headers=AUTH)
    body = first.get_json()
    assert [i["key"] for i in body["items"]] == [HEADLINE, SECTION]
    assert body["total"] == 3 and body["progress"]["draft-demyelinating"] == {
        "reviewed": 0,
        "remaining": 3,
    }
    assert first.headers["Link"] == f'<{body["next"]}>; rel="next"'
    second = client.get(body["next"], headers=AUTH).get_json()
    assert [i["key"] for i in second["items"]] == [PHENOTYPE] and second["next"] is None
    assert body["rules"] == ["cue RO:0002200", "is a"]
    by_rule = client.get("/api/curation/drafts?rule=is+a", headers=AUTH).get_json()
    assert [i["key"] for i in by_rule["items"]] == [HEADLINE, SECTION]
    seed = client.get(
        "/api/curation/drafts?article=als-demyelinating-or-axonal&status=any", headers=AUTH
    ).get_json()
    assert seed["total"] == 68 and all(i["status"] == "approved" for i in seed["items"][:5])


def test_a_draft_comes_with_its_sentence_references_labels_and_version(
    client: FlaskClient, root: Path
) -> None:
    d = get(client, PHENOTYPE)
    text = (root / "data" / "articles" / "draft-demyelinating.txt").read_text(encoding="utf-8")
    ctx = d["context"]
    quote = "ALS presents with optic neuritis in a few of these patients"
    assert text[ctx["start"] : ctx["end"]] == quote
    assert ctx["paragraph"].strip() == f"• {quote} 1."
    assert d["references"][0]["title"] == "A small autopsy series in motor neuron disease."
    assert d["labels"] == {
        "MONDO:0004976": "amyotrophic lateral sclerosis",
        "RO:0002200": "has phenotype",
        "HP:0100653": "Optic neuritis",
    }
    assert d["version"] == hashlib.sha256((root / CLAIMS).read_bytes()).hexdigest()
    assert d["rule"] == "cue RO:0002200" and d["claim"]["status"] == "draft"
    assert client.get(f"/claim/{d['claim_key']}").status_code == 200


def test_accept_edit_and_reject_change_only_those_entries_and_the_served_graph(
    client: FlaskClient, root: Path, settings: Settings
) -> None:
    before = (root / CLAIMS).read_text(encoding="utf-8")
    seed_before = (root / "data/claims/als-demyelinating-or-axonal.yaml").read_bytes()
    ms_phenotype = "obo:MONDO_0005301 obo:RO_0002200 obo:HP_0007305"
    assert not ask(
        client, f"ASK {{ GRAPH <https://w3id.org/medkg/graph/truthy> {{ {ms_phenotype} }} }}"
    )

    accepted = post(client, PHENOTYPE, decision="accept", version=get(client, PHENOTYPE)["version"])
    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    assert body["served"] is True
    assert body["claim"]["status"] == "approved" and body["claim"]["evidence_code"] == "ECO:0000304"
    assert (
        body["claim"]["reviewed_by"] == "Ada Lovelace" and len(body["claim"]["reviewed_on"]) == 10
    )

    text = (root / "data/articles/draft-demyelinating.txt").read_text(encoding="utf-8")
    second = text.index("ALS is a demyelinating disease in the cases")
    edit = {
        "subject": "MONDO:0005301",
        "predicate": "RO:0002200",
        "object": "HP:0007305",
        "quote": "ALS is a demyelinating disease",  # also in the headline: start says which
        "start": second,
    }
    edited = post(
        client, SECTION, decision="edit", claim=edit, version=accepted.get_json()["version"]
    )
    assert edited.status_code == 200, edited.get_json()
    rejected = post(
        client,
        HEADLINE,
        decision="reject",
        reason="a small autopsy series does not make ALS demyelinating",
        version=edited.get_json()["version"],
    )
    assert rejected.status_code == 200, rejected.get_json()

    # the YAML: only those three entries changed, every comment and other entry kept
    after = (root / CLAIMS).read_text(encoding="utf-8")
    assert after.startswith(before[: before.index("article:")])  # the header comment
    old, new = plain(parse(before)), plain(parse(after))
    assert old["article"] == new["article"] and old["unmapped"] == new["unmapped"]
    assert [c["id"] for c in old["claims"]] == [c["id"] for c in new["claims"]]
    changed_lines = [
        line[1:]
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed_lines and all(line.startswith(("  ", "- id")) for line in changed_lines), (
        changed_lines
    )
    assert (root / "data/claims/als-demyelinating-or-axonal.yaml").read_bytes() == seed_before
    assert format_file(root / CLAIMS, write=False) is False  # already as `medkg fmt` writes it
    assert entry(root, "draft-what-the-is-a-demyelinating-disease") == {
        "id": "draft-what-the-is-a-demyelinating-disease",
        **edit,
        "negated": False,
        "citations": [1],
        "evidence_code": "ECO:0000304",
        "status": "approved",
        "reviewed_by": "Ada Lovelace",
        "reviewed_on": body["claim"]["reviewed_on"],
        "rule": "is a",  # what drafted it stays on record
        "confidence": 0.8,
    }
    headline = entry(root, "draft-headline-is-a-demyelinating-disease")
    assert headline["status"] == "deprecated" and headline["reason"].startswith("a small autopsy")

    # served at once: the corrected claim is a fact, the rejected draft is deprecated
    assert ask(
        client, f"ASK {{ GRAPH <https://w3id.org/medkg/graph/truthy> {{ {ms_phenotype} }} }}"
    )
    assert ask(
        client,
        "ASK { ?e medkg:curationStatus medkg:Deprecated ; "
        'medkg:reason "a small autopsy series does not make ALS demyelinating" }',
    )
    assert ask(
        client,
        'ASK { ?e medkg:reviewedBy "Ada Lovelace" ; medkg:reviewedOn ?on ; '
        "medkg:curationStatus medkg:Approved }",
    )
    page = client.get("/entity/MONDO:0005301", headers={"Accept": "application/ld+json"})
    assert "HP:0007305" in page.get_data(as_text=True) or "HP_0007305" in page.get_data(
        as_text=True
    )

    # the log, as CSV
    log = client.get("/api/curation/log.csv", headers=AUTH)
    assert log.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(log.get_data(as_text=True))))
    assert [(r["claim"], r["decision"], r["reviewer"]) for r in rows] == [
        ("draft-what-the-phenotype-optic-neuritis", "accept", "Ada Lovelace"),
        ("draft-what-the-is-a-demyelinating-disease", "edit", "Ada Lovelace"),
        ("draft-headline-is-a-demyelinating-disease", "reject", "Ada Lovelace"),
    ]
    assert (
        rows[2]["reason"].startswith("a small autopsy")
        and rows[1]["version_after"] == rows[2]["version_before"]
    )

    # medkg validate is clean, and the next ingest offers none of them again
    report, _ = validate_project(settings)
    assert report.errors == [], report.to_text()
    again = ingest_file(ARTICLE, root, load_lexicon(root))
    assert again.merge.added == []


def test_a_decision_that_would_fail_validation_is_refused_with_the_report(
    client: FlaskClient, root: Path
) -> None:
    before = (root / CLAIMS).read_bytes()
    version = get(client, PHENOTYPE)["version"]
    unknown = post(
        client, PHENOTYPE, decision="edit", claim={"object": "HP:9999999"}, version=version
    )
    assert unknown.status_code == 422
    body = unknown.get_json()
    assert "would fail medkg validate" in body["error"] and "nothing was written" in body["error"]
    [problem] = body["problems"]
    assert problem["check"] == "curie" and "HP:9999999" in problem["message"]
    assert problem["where"]["path"] == str(root / CLAIMS) and problem["where"]["line"] > 0
    moved = post(
        client, PHENOTYPE, decision="edit", claim={"quote": "axons were fine"}, version=version
    )
    assert moved.status_code == 422
    assert moved.get_json()["problems"][0]["check"] == "quote"
    # ALS subClassOf demyelinating disease contradicts the curated axioms: HermiT says so
    axiom = post(client, HEADLINE, decision="accept", version=version)
    assert axiom.status_code == 422
    assert axiom.get_json()["problems"][0]["check"] == "owl"
    assert (root / CLAIMS).read_bytes() == before
    assert client.get("/api/curation/log.csv", headers=AUTH).get_data(as_text=True) == (
        "at,reviewer,file,claim,decision,reason,version_before,version_after,changes\r\n"
    )


def test_a_stale_version_is_a_409_that_says_what_changed(client: FlaskClient) -> None:
    seen = get(client, PHENOTYPE)["version"]
    first = post(
        client, SECTION, decision="reject", reason="duplicate of the headline", version=seen
    )
    assert first.status_code == 200
    late = post(client, PHENOTYPE, decision="accept", version=seen)
    assert late.status_code == 409
    body = late.get_json()
    assert body["current_version"] == first.get_json()["version"]
    assert "claim 'draft-what-the-is-a-demyelinating-disease' changed: " in body["error"]
    assert "reason, reviewed_by, reviewed_on, status" in body["error"]
    assert "Ada Lovelace rejected 'draft-what-the-is-a-demyelinating-disease'" in body["error"]
    assert body["hint"].startswith("reload the draft")
    retry = post(client, PHENOTYPE, decision="accept", version=body["current_version"])
    assert retry.status_code == 200


def test_bad_decisions_are_400_naming_the_fix(client: FlaskClient) -> None:
    version = get(client, PHENOTYPE)["version"]
    cases = {
        "a rejection needs a reason": {"decision": "reject", "version": version},
        "unknown decision 'maybe'": {"decision": "maybe", "version": version},
        "these fields cannot be edited: status": {
            "decision": "edit",
            "claim": {"status": "approved"},
            "version": version,
        },
        '"version" is required': {"decision": "accept"},
    }
    for message, body in cases.items():
        response = client.post(f"/api/curation/drafts/{PHENOTYPE}", headers=AUTH, json=body)
        assert response.status_code == 400 and message in response.get_json()["error"], message
    missing = post(client, "draft-demyelinating/no-such-entry", decision="accept", version=version)
    assert missing.status_code == 404


def test_restore_undoes_a_decision(client: FlaskClient, root: Path) -> None:
    before = (root / CLAIMS).read_text(encoding="utf-8")
    shown = get(client, PHENOTYPE)
    accepted = post(client, PHENOTYPE, decision="accept", version=shown["version"])
    undone = post(
        client,
        PHENOTYPE,
        decision="restore",
        claim=shown["claim"],
        version=accepted.get_json()["version"],
    )
    assert undone.status_code == 200, undone.get_json()
    assert (root / CLAIMS).read_text(encoding="utf-8") == before
    assert get(client, PHENOTYPE)["claim"]["status"] == "draft"
