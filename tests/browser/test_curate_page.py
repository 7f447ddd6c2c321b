"""The review queue in Chromium, with the keyboard only: reject one draft, correct one, accept
one; then the YAML diff, ``medkg validate`` and the served graph."""

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
    page, keys = curating.page, curating.page.keyboard
    curating.open("/curate")
    page.get_by_label("Curation token").fill(TOKEN)
    keys.press("Enter")
    wait_for_key(curating, "draft-demyelinating/draft-headline-is-a-demyelinating-disease")
    assert "ALS is a demyelinating disease" in page.locator("#d-text mark").inner_text()
    assert "A small autopsy series" in page.locator("#d-refs").inner_text()
    assert page.locator("#login").is_hidden()
    assert_accessible(curating)  # axe: no WCAG 2 A/AA violation with a draft shown
    curating.shot("curate-draft")

    keys.press("r")  # reject: the reason field takes the keys, Enter decides
    keys.type("one small autopsy series")
    keys.press("Enter")
    wait_for_status(curating, "rejected draft-demyelinating/draft-headline")
    wait_for_key(curating, "draft-demyelinating/draft-what-the-is-a-demyelinating-disease")

    keys.press("e")  # edit: subject, predicate, object with Tab between them
    for value in ("MONDO:0005301", "RO:0002200", "HP:0007305"):
        keys.press("Control+A")
        keys.type(value)
        keys.press("Tab")
    keys.press("Enter")
    wait_for_status(curating, "edited draft-demyelinating/draft-what-the")
    wait_for_key(curating, "draft-demyelinating/draft-what-the-phenotype-optic-neuritis")

    page.locator("body").focus()
    keys.press("a")
    wait_for_status(curating, "accepted draft-demyelinating/draft-what-the-phenotype")
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
