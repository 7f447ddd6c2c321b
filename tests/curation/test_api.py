"""The review queue's API: claims addressed by claim key, decisions written back to the claim
file, validated, logged, served.

A copy of the seed project with ``tests/fixtures/articles/draft-demyelinating.txt`` ingested has
three drafts of two claims: two sentences (headline and section) say ALS *is* a demyelinating
disease, one claim, and one that ALS presents with optic neuritis.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
from pathlib import Path

from flask.testing import FlaskClient

from medkg.config import Settings, load_settings
from medkg.curation.canonical import format_file
from medkg.curation.review import dump, find_entry, parse, plain
from medkg.ingest import ingest_file, load_lexicon
from medkg.validate import validate_project
from medkg.web import create_app

from ..test_openapi import undescribed
from .conftest import (
    ARTICLE,
    AUTH,
    CLAIMS,
    HEADLINE,
    PHENOTYPE,
    SECTION,
    ask,
    entry,
    get,
    key_of,
    post,
)


def test_the_queue_does_not_exist_without_a_curation_token(client: FlaskClient) -> None:
    from .conftest import ROOT as seed

    plain_app = create_app(load_settings(env={}, root=str(seed), store="oxigraph:"))
    other = plain_app.test_client()
    assert other.get("/api/curation/drafts", headers=AUTH).status_code == 404
    key = key_of(client, HEADLINE)
    assert other.get(f"/api/curation/drafts/{key}", headers=AUTH).status_code == 404
    assert other.post(f"/api/curation/drafts/{key}", headers=AUTH, json={}).status_code == 404
    assert other.get("/api/curation/candidates?q=optic", headers=AUTH).status_code == 404
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
        f"/api/curation/drafts/{key_of(client, HEADLINE)}",
        headers={"Authorization": "Bearer guess"},
        json={"decision": "accept", "version": "x"},
    )
    assert wrong.status_code == 403
    assert client.get("/api/curation/log.csv").status_code == 401


def test_every_curation_route_is_described_in_openapi(client: FlaskClient) -> None:
    app = client.application
    paths = client.get("/openapi.json").get_json()["paths"]
    assert undescribed(app, paths) == []
    post_ = paths["/api/curation/drafts/{key}"]["post"]
    assert "409" in post_["responses"] and "422" in post_["responses"]
    assert (
        "every open draft"
        in post_["requestBody"]["content"]["application/json"]["schema"]["properties"]["evidence"][
            "description"
        ]
    )
    listed = {p["name"] for p in paths["/api/curation/drafts"]["get"]["parameters"]}
    assert {"article", "rule", "status", "min_confidence", "max_confidence"} <= listed


def test_queue_lists_claims_in_a_stable_order_with_their_drafts_progress_and_next_links(
    client: FlaskClient,
) -> None:
    first = client.get("/api/curation/drafts?limit=1", headers=AUTH)
    body = first.get_json()
    [shared] = body["items"]
    assert [e["evidence"] for e in shared["entries"]] == [
        HEADLINE,
        SECTION,
    ]  # one claim, two sentences
    assert shared["claim"] == {
        "subject": "MONDO:0004976",
        "predicate": "rdfs:subClassOf",
        "object": "MONDO:0002562",
        "negated": False,
    }
    assert shared["open"] == 2 and shared["status"] == "draft"
    assert body["total"] == 2 and body["progress"]["draft-demyelinating"] == {
        "reviewed": 0,
        "remaining": 3,
    }
    assert first.headers["Link"] == f'<{body["next"]}>; rel="next"'
    second = client.get(body["next"], headers=AUTH).get_json()
    assert [[e["evidence"] for e in i["entries"]] for i in second["items"]] == [[PHENOTYPE]]
    assert second["next"] is None and second["items"][0]["key"] != shared["key"]
    assert body["rules"] == ["cue RO:0002200", "is a"]
    by_rule = client.get("/api/curation/drafts?rule=is+a", headers=AUTH).get_json()
    assert [i["key"] for i in by_rule["items"]] == [shared["key"]]
    seed = client.get(
        "/api/curation/drafts?article=als-demyelinating-or-axonal&status=any&limit=200",
        headers=AUTH,
    ).get_json()
    entries = [e for i in seed["items"] for e in i["entries"]]
    assert len(entries) >= 68 and all(e["status"] == "approved" for e in entries)
    assert len(seed["items"]) < len(entries)  # the seed states some claims several times


def test_the_queue_filters_by_confidence(client: FlaskClient) -> None:
    def keys(query: str) -> list[str]:
        response = client.get(f"/api/curation/drafts?{query}", headers=AUTH)
        assert response.status_code == 200, response.get_json()
        return [i["key"] for i in response.get_json()["items"]]

    shared, phenotype = key_of(client, HEADLINE), key_of(client, PHENOTYPE)
    assert keys("min_confidence=0.7") == [shared]  # the "is a" drafts: 0.8
    assert keys("max_confidence=0.7") == [phenotype]  # the cue draft: 0.6
    assert keys("min_confidence=0.5&max_confidence=0.9") == [shared, phenotype]
    assert keys("min_confidence=0.9") == []
    assert keys("min_confidence=0.7&article=draft-demyelinating&rule=is+a") == [shared]
    # the seed's curated entries have no confidence: a confidence filter leaves them out
    assert keys("status=any&article=als-demyelinating-or-axonal&min_confidence=0") == []
    bad = client.get("/api/curation/drafts?min_confidence=high", headers=AUTH)
    assert bad.status_code == 400 and "min_confidence must be a number" in bad.get_json()["error"]


def test_a_claim_comes_with_each_sentence_references_labels_and_version(
    client: FlaskClient, root: Path
) -> None:
    key = key_of(client, PHENOTYPE)
    d = get(client, key)
    assert d["key"] == key and client.get(f"/claim/{key}").status_code == 200
    [e] = d["entries"]
    text = (root / "data" / "articles" / "draft-demyelinating.txt").read_text(encoding="utf-8")
    ctx = e["context"]
    quote = "ALS presents with optic neuritis in a few of these patients"
    assert text[ctx["start"] : ctx["end"]] == quote
    assert ctx["paragraph"].strip() == f"• {quote} 1."
    assert e["references"][0]["title"] == "A small autopsy series in motor neuron disease."
    assert d["labels"] == {
        "MONDO:0004976": "amyotrophic lateral sclerosis",
        "RO:0002200": "has phenotype",
        "HP:0100653": "Optic neuritis",
    }
    assert d["version"] == hashlib.sha256((root / CLAIMS).read_bytes()).hexdigest()
    assert d["files"] == [str(CLAIMS)]
    assert e["rule"] == "cue RO:0002200" and e["claim"]["status"] == "draft"
    shared = get(client, key_of(client, HEADLINE))
    sentences = [x["context"]["paragraph"] for x in shared["entries"]]
    assert "according to a small autopsy series" in sentences[0]
    assert "in the cases examined" in sentences[1]
    assert client.get("/api/curation/drafts/no-such-key", headers=AUTH).status_code == 404


def test_accept_edit_and_reject_change_only_those_entries_and_the_served_graph(
    client: FlaskClient, root: Path, settings: Settings
) -> None:
    before = (root / CLAIMS).read_text(encoding="utf-8")
    seed_before = (root / "data/claims/als-demyelinating-or-axonal.yaml").read_bytes()
    ms_phenotype = "obo:MONDO_0005301 obo:RO_0002200 obo:HP_0007305"
    assert not ask(
        client, f"ASK {{ GRAPH <https://w3id.org/medkg/graph/truthy> {{ {ms_phenotype} }} }}"
    )

    phenotype, shared = key_of(client, PHENOTYPE), key_of(client, HEADLINE)
    accepted = post(client, phenotype, decision="accept", version=get(client, phenotype)["version"])
    assert accepted.status_code == 200, accepted.get_json()
    body = accepted.get_json()
    assert body["served"] is True and body["key"] == phenotype and body["decided"] == [PHENOTYPE]
    stored = body["entries"][0]["claim"]
    assert stored["status"] == "approved" and stored["evidence_code"] == "ECO:0000304"
    assert stored["reviewed_by"] == "Ada Lovelace" and len(stored["reviewed_on"]) == 10
    assert body["status"] == "approved" and body["version"] != get(client, shared)["version"][:0]

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
        client,
        shared,
        decision="edit",
        evidence=SECTION,  # one of the claim's two sentences
        claim=edit,
        version=get(client, shared)["version"],
    )
    assert edited.status_code == 200, edited.get_json()
    moved = edited.get_json()
    assert moved["previous_key"] == shared and moved["key"] != shared  # a new proposition
    assert moved["decided"] == [SECTION] and moved["claim"]["subject"] == "MONDO:0005301"
    assert [e["evidence"] for e in get(client, shared)["entries"]] == [HEADLINE]
    rejected = post(  # no evidence named: every open draft of the claim, the headline's
        client,
        shared,
        decision="reject",
        reason="a small autopsy series does not make ALS demyelinating",
        version=get(client, shared)["version"],
    )
    assert rejected.status_code == 200, rejected.get_json()
    assert rejected.get_json()["decided"] == [HEADLINE]

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
        "reviewed_on": stored["reviewed_on"],
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
    assert [r["claim_key"] for r in rows] == [phenotype, shared, shared]

    # medkg validate is clean, and the next ingest offers none of them again
    report, _ = validate_project(settings)
    assert report.errors == [], report.to_text()
    again = ingest_file(ARTICLE, root, load_lexicon(root))
    assert again.merge.added == []


def test_a_stale_version_is_a_409_that_says_what_changed(client: FlaskClient) -> None:
    phenotype, shared = key_of(client, PHENOTYPE), key_of(client, HEADLINE)
    seen = get(client, phenotype)["version"]
    first = post(
        client,
        shared,
        decision="reject",
        evidence=SECTION,
        reason="duplicate of the headline",
        version=seen,  # the same file: the same version
    )
    assert first.status_code == 200, first.get_json()
    late = post(client, phenotype, decision="accept", version=seen)
    assert late.status_code == 409
    body = late.get_json()
    assert body["current_version"] == first.get_json()["version"]
    assert "claim 'draft-what-the-is-a-demyelinating-disease' changed: " in body["error"]
    assert "reason, reviewed_by, reviewed_on, status" in body["error"]
    assert "Ada Lovelace rejected 'draft-what-the-is-a-demyelinating-disease'" in body["error"]
    assert str(CLAIMS) in body["error"] and body["hint"].startswith("reload the draft")
    retry = post(client, phenotype, decision="accept", version=body["current_version"])
    assert retry.status_code == 200


def test_bad_decisions_are_400_naming_the_fix(client: FlaskClient) -> None:
    phenotype, shared = key_of(client, PHENOTYPE), key_of(client, HEADLINE)
    version = get(client, phenotype)["version"]
    cases = {
        "a rejection needs a reason": {"decision": "reject", "version": version},
        "unknown decision 'maybe'": {"decision": "maybe", "version": version},
        "these fields cannot be edited: status": {
            "decision": "edit",
            "claim": {"status": "approved"},
            "version": version,
        },
        '"version" is required': {"decision": "accept"},
        f"{HEADLINE} is not evidence of claim {phenotype}": {
            "decision": "accept",
            "evidence": HEADLINE,
            "version": version,
        },
        'a restore needs "entries"': {"decision": "restore", "version": version},
        'each of "entries" is an entry': {
            "decision": "restore",
            "entries": {PHENOTYPE: "draft"},
            "version": version,
        },
    }
    for message, body in cases.items():
        response = client.post(f"/api/curation/drafts/{phenotype}", headers=AUTH, json=body)
        assert response.status_code == 400 and message in response.get_json()["error"], message
    two = post(  # whose quote? the claim has two open drafts
        client,
        shared,
        decision="edit",
        claim={"quote": "ALS is a demyelinating disease"},
        version=version,
    )
    assert two.status_code == 400 and "has 2 open drafts" in two.get_json()["error"]
    assert SECTION in two.get_json()["hint"]
    missing = post(client, "no-such-claim", decision="accept", version=version)
    assert missing.status_code == 404


def test_restore_undoes_a_decision_on_every_draft_of_a_claim(
    client: FlaskClient, root: Path
) -> None:
    before = (root / CLAIMS).read_text(encoding="utf-8")
    shared = key_of(client, HEADLINE)
    shown = get(client, shared)
    rejected = post(client, shared, decision="reject", reason="not shown", version=shown["version"])
    assert rejected.status_code == 200, rejected.get_json()
    assert rejected.get_json()["decided"] == [HEADLINE, SECTION]  # both sentences at once
    assert [entry(root, h)["status"] for h in (HEADLINE, SECTION)] == ["deprecated"] * 2
    undone = post(
        client,
        shared,
        decision="restore",
        entries={e["evidence"]: e["claim"] for e in shown["entries"]},
        version=rejected.get_json()["version"],
    )
    assert undone.status_code == 200, undone.get_json()
    assert (root / CLAIMS).read_text(encoding="utf-8") == before
    assert [e["claim"]["status"] for e in get(client, shared)["entries"]] == ["draft"] * 2


def test_a_claim_stated_in_two_files_names_both_versions_and_decides_only_its_open_draft(
    client: FlaskClient, root: Path
) -> None:
    """The headline's draft, made to deny what it states, is the seed's approved claim "ALS is
    NOT a demyelinating disease": one claim key, entries in two files."""
    seed = root / "data/claims/als-demyelinating-or-axonal.yaml"
    doc = parse((root / CLAIMS).read_text(encoding="utf-8"))
    find_entry(doc, HEADLINE.rpartition("/")[2], "test")["negated"] = True
    (root / CLAIMS).write_text(dump(doc), encoding="utf-8")
    key = key_of(client, HEADLINE)
    shown = get(client, key)
    articles = {e["article"] for e in shown["entries"]}
    assert articles == {"draft-demyelinating", "als-demyelinating-or-axonal"}
    assert shown["files"] == sorted([str(CLAIMS), str(seed.relative_to(root))])
    assert shown["version"] == ",".join(
        hashlib.sha256((root / f).read_bytes()).hexdigest() for f in shown["files"]
    )
    assert shown["open"] == 1 and shown["status"] == "approved"

    stale = shown["version"].split(",")
    stale[shown["files"].index(str(seed.relative_to(root)))] = "0" * 64
    late = post(client, key, decision="accept", version=",".join(stale))
    assert late.status_code == 409 and str(seed.relative_to(root)) in late.get_json()["error"]
    too_few = post(client, key, decision="accept", version=stale[0])
    assert too_few.status_code == 409 and "now in 2 file(s), not 1" in too_few.get_json()["error"]

    seed_before = seed.read_bytes()
    done = post(client, key, decision="accept", version=shown["version"])
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["decided"] == [HEADLINE] and done.get_json()["open"] == 0
    assert seed.read_bytes() == seed_before  # only the open draft's file was written
    assert entry(root, HEADLINE)["status"] == "approved"
