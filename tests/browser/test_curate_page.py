"""The review queue in Chromium, with the keyboard only: on the claim two sentences state, reject
one sentence's draft and correct the other's; accept the next claim; then the YAML diff,
``medkg validate`` and the served graph."""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from medkg.config import load_settings
from medkg.curation.load import read_yaml
from medkg.curation.review import parse, plain
from medkg.ingest import ingest_file, load_lexicon
from medkg.validate import validate_project

from ..conftest import ROOT, Server
from .conftest import Visit
from .test_accessibility import assert_accessible

pytestmark = [pytest.mark.server, pytest.mark.browser]
ARTICLE = ROOT / "tests" / "fixtures" / "articles" / "draft-demyelinating.txt"
CLAIMS = Path("data") / "claims" / "draft-demyelinating.yaml"
TOKEN = "browser-token"
HEADLINE = "draft-demyelinating/draft-headline-is-a-demyelinating-disease"
SECTION = "draft-demyelinating/draft-what-the-is-a-demyelinating-disease"
PHENOTYPE = "draft-demyelinating/draft-what-the-phenotype-optic-neuritis"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    ingest_file(ARTICLE, root, load_lexicon(root))
    return root


@pytest.fixture
def curating(project: Path, tmp_path: Path, chromium: Any) -> Iterator[Visit]:
    env = {
        "MEDKG_ROOT": str(project),
        "MEDKG_CURATION_TOKEN": TOKEN,
        "MEDKG_CURATOR_NAME": "Grace Hopper",
    }
    server = Server(tmp_path, env)
    page = chromium.new_page()
    try:
        yield Visit(page, server)
    finally:
        page.close()
        server.stop()


def wait_for_key(visit: Visit, key: str) -> None:
    visit.page.wait_for_function(
        "key => document.getElementById('d-key').textContent === key", arg=key, timeout=60_000
    )


def claim_keys(server_url: str) -> dict[str, str]:
    """Evidence id -> the key of the claim it states, from the API."""
    body = requests.get(
        server_url + "/api/curation/drafts?status=any&limit=200",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    ).json()
    return {e["evidence"]: item["key"] for item in body["items"] for e in item["entries"]}


def wait_for_status(visit: Visit, text: str) -> None:
    try:
        visit.page.wait_for_function(
            "text => document.getElementById('status').textContent.includes(text)",
            arg=text,
            timeout=60_000,
        )
    except Exception as e:  # say what the page said instead
        said = visit.page.locator("#status").inner_text()
        raise AssertionError(f"waited for {text!r}; the page says {said!r}; {visit.errors}") from e


def test_a_curator_reviews_a_page_of_drafts_with_the_keyboard(
    curating: Visit, project: Path
) -> None:
    before = (project / CLAIMS).read_text(encoding="utf-8")
    keys_of = claim_keys(curating.server.url)
    shared, phenotype = keys_of[HEADLINE], keys_of[PHENOTYPE]
    assert keys_of[SECTION] == shared  # one claim, stated by two sentences
    page, keys = curating.page, curating.page.keyboard
    curating.open("/curate")
    page.get_by_label("Curation token").fill(TOKEN)
    keys.press("Enter")
    wait_for_key(curating, shared)
    marks = page.locator("#d-text mark").all_inner_texts()
    assert marks == [
        "ALS is a demyelinating disease according to a small autopsy series",
        "ALS is a demyelinating disease in the cases examined",
    ]
    assert "A small autopsy series" in page.locator("#d-text").inner_text()
    assert page.locator("#login").is_hidden()
    assert_accessible(curating)  # axe: no WCAG 2 A/AA violation with a claim shown
    curating.shot("curate-draft")

    page.select_option("#f-confidence", "max:0.5")  # the filters: no draft is that doubtful
    page.wait_for_selector("#empty:not([hidden])")
    page.select_option("#f-confidence", "min:0.7")  # the "is a" drafts (0.8), not the cue's (0.6)
    page.wait_for_function("() => document.querySelectorAll('#items li').length === 1")
    wait_for_key(curating, shared)
    page.select_option("#f-confidence", index=0)  # any confidence
    page.wait_for_function("() => document.querySelectorAll('#items li').length === 2")
    wait_for_key(curating, shared)
    page.locator("#draft-h").focus()  # the keys act on the claim again, not on the filter

    keys.press("v")  # the evidence decided: every open draft -> the headline's
    wait_for_status(curating, f"Evidence decided: {HEADLINE}")
    keys.press("r")  # reject: the reason field takes the keys, Enter decides
    keys.type("one small autopsy series")
    keys.press("Enter")
    wait_for_status(curating, f"rejected {HEADLINE} (claim {shared})")
    page.wait_for_function(
        "() => document.getElementById('d-status').textContent === 'draft, 1 open of 2'",
        timeout=60_000,
    )

    keys.press("e")  # edit the open draft left: subject, predicate, object with Tab
    for value in ("MONDO:0005301", "RO:0002200", "HP:0007305"):
        keys.press("Control+A")
        keys.type(value)
        keys.press("Tab")
    # grounding candidates came from the ontology index as the object was typed
    page.wait_for_selector("#cands option[value='HP:0007305']", state="attached")
    for _ in range(4):  # negated, modality, role, frequency: on to the count of cases
        keys.press("Tab")
    assert page.evaluate("document.activeElement.id") == "c-count"
    keys.type("3")
    keys.press("Enter")
    wait_for_status(curating, f"edited {SECTION} (claim {shared})")
    wait_for_key(curating, phenotype)

    page.locator("body").focus()
    keys.press("a")
    wait_for_status(curating, f"accepted {PHENOTYPE} (claim {phenotype})")
    page.wait_for_selector("#empty:not([hidden])")
    assert "0 remaining" in page.locator("#progress").inner_text()
    curating.shot("curate-done")
    curating.check()

    after = (project / CLAIMS).read_text(encoding="utf-8")
    assert after.startswith(before[: before.index("article:")])  # comments kept
    old = {c["id"]: plain(c) for c in plain(parse(before))["claims"]}
    new = {c["id"]: plain(c) for c in plain(read_yaml(project / CLAIMS))["claims"]}
    assert new["draft-headline-is-a-demyelinating-disease"]["status"] == "deprecated"
    assert new["draft-what-the-is-a-demyelinating-disease"]["subject"] == "MONDO:0005301"
    assert new["draft-what-the-is-a-demyelinating-disease"]["count"] == 3  # a qualifier control
    assert new["draft-what-the-phenotype-optic-neuritis"]["reviewed_by"] == "Grace Hopper"
    for handle, entry in new.items():
        for field in ("quote", "citations", "rule"):
            assert entry[field] == old[handle][field]
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert all(line[1:].startswith("  ") for line in diff), diff

    report, _ = validate_project(load_settings(env={}, root=str(project), store="oxigraph:"))
    assert report.errors == [], report.to_text()
    ask = (
        "ASK { GRAPH <https://w3id.org/medkg/graph/truthy> { "
        "<http://purl.obolibrary.org/obo/MONDO_0005301> <http://purl.obolibrary.org/obo/RO_0002200> "
        "<http://purl.obolibrary.org/obo/HP_0007305> } }"
    )
    answer = requests.get(
        curating.server.url + "/sparql",
        params={"query": ask},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert answer.json()["boolean"] is True
