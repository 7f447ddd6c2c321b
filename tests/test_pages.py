"""Pages for people, in process: the query page's examples and assets, the founding answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from medkg.answer import Claim, answer, stance, tell
from medkg.queries import find_query
from medkg.store import Store
from medkg.web.pages import example_text

from .conftest import ROOT

ASSET = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"')


def test_query_page_offers_every_named_query_as_an_example(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    for rq in sorted((ROOT / "queries").glob("*.rq")):
        assert f'data-name="{rq.stem}"' in page


def test_pages_load_scripts_and_styles_only_from_medkg(client: FlaskClient) -> None:
    for path in ("/", "/founding-question"):
        assets = ASSET.findall(client.get(path).get_data(as_text=True))
        assert assets, path
        assert all(a.startswith("/static/") or a.startswith("data:") for a in assets), assets


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "queries").glob("*.rq")))
def test_example_in_the_editor_gives_the_rows_the_api_gives(built_store: Store, name: str) -> None:
    query = find_query(ROOT, name)
    raw = {p.name: p.example or p.default for p in query.params if p.example or p.default}
    typed = built_store.query(example_text(query))
    named = query.run(built_store, raw)
    assert typed.kind == named.kind
    if typed.kind == "bindings":
        assert sorted(map(str, typed.to_dicts())) == sorted(map(str, named.to_dicts()))


def test_example_binds_parameters_in_a_values_block() -> None:
    text = example_text(find_query(ROOT, "als-demyelinating-or-axonal"))
    assert "VALUES (?disease) { (<http://purl.obolibrary.org/obo/MONDO_0004976>) }" in text


def test_query_page_says_how_to_install_missing_editor_files(app: Flask, tmp_path: Path) -> None:
    app.static_folder = str(tmp_path)
    page = app.test_client().get("/").get_data(as_text=True)
    assert "make assets" in page
    assert "yasgui.min.js" in page and "/static/vendor/" not in page  # no script that 404s


def test_founding_answer_says_not_demyelinating_citing_references_1_and_2(
    built_store: Store,
) -> None:
    result = answer(find_query(ROOT, "als-demyelinating-or-axonal"), built_store)
    assert result.verdict.startswith("No: amyotrophic lateral sclerosis is not a demyelinating")
    refutes = result.chain["refutes"]
    is_a = next(c for c in refutes if c.object == "demyelinating disease")
    assert is_a.negated and is_a.stance == "refutes"
    cited = next(e for e in is_a.evidence if e.citations == [1, 2])
    assert sorted(cited.references) == [1, 2]
    assert [r.number for r in result.references][:2] == [1, 2]
    assert result.dangling == [6]
    assert result.strength in ("weak", "moderate", "strong")


def claim(subject: str, obj: str, negated: bool = False, role: str = "", **kw: str) -> Claim:
    return Claim(
        "https://w3id.org/medkg/claim/x", subject, "p", obj, negated, "asserted", role, "", **kw
    )


def test_stance_follows_polarity_role_and_the_sides_of_the_terms() -> None:
    assert stance(claim("ALS", "demyelinating disease", negated=True)) == "refutes"
    assert stance(claim("ALS", "CNS demyelination", role="primary")) == "demyelinating"
    assert stance(claim("ALS", "CNS demyelination", role="secondary")) == "secondary"
    assert stance(claim("ALS", "Axonal degeneration", role="primary")) == "axonal"
    assert stance(claim("ALS", "Axonal degeneration")) == "context"
    assert stance(claim("ALS", "motor neuron")) == "context"


def test_verdict_is_contested_when_claims_point_both_ways() -> None:
    chain = {
        "demyelinating": [claim("X", "CNS demyelination", role="primary")],
        "refutes": [claim("X", "demyelinating disease", negated=True)],
    }
    assert tell("X", chain)[0].startswith("Contested")
    assert tell("X", {"demyelinating": chain["demyelinating"]})[0].startswith("Yes")
    assert tell("X", {})[0].startswith("The graph holds no claim")


def test_founding_page_shows_verdict_strength_and_dangling_citation(client: FlaskClient) -> None:
    page = client.get("/founding-question").get_data(as_text=True)
    assert "is not a demyelinating disease" in page
    assert 'id="ref-1"' in page and 'id="ref-2"' in page
    assert 'class="cite dangling"' in page
    assert "Strength of evidence" in page


def test_editor_completes_the_prefixes_medkg_knows(client: FlaskClient) -> None:
    from medkg.vocab import PREFIXES

    assert client.get("/prefixes.json").get_json() == PREFIXES
    assert '"prefixesUrl": "/prefixes.json"' in client.get("/").get_data(as_text=True)


def test_founding_answer_follows_the_data_for_another_disease(built_store: Store) -> None:
    query = find_query(ROOT, "als-demyelinating-or-axonal")
    result = answer(query, built_store, {"disease": "MONDO:0005301"})
    assert result.verdict == "Yes: multiple sclerosis is stated to be a demyelinating disease."
    assert result.question.endswith("(asked of multiple sclerosis)")
    assert "refutes" not in result.chain


def test_example_shows_the_summary_not_the_metadata_header() -> None:
    query = find_query(ROOT, "als-demyelinating-or-axonal")
    text = example_text(query)
    assert text.startswith(f"# {query.summary}\n")
    assert "#+" not in text


def test_founding_question_of_an_unknown_disease_is_a_404_that_says_how_to_find_one(
    client: FlaskClient,
) -> None:
    response = client.get("/founding-question?disease=MONDO:9999999")
    assert response.status_code == 404
    body = response.get_json()
    assert "knows nothing about MONDO:9999999" in body["error"]
    assert "/search?q=" in body["hint"]


def test_founding_page_explains_how_strength_is_rated(client: FlaskClient) -> None:
    page = client.get("/founding-question").get_data(as_text=True)
    assert "How it is rated: strong when the decisive claims" in page


def test_named_queries_have_pages_with_a_field_per_parameter(client: FlaskClient) -> None:
    listing = client.get("/queries").get_data(as_text=True)
    for name in ("claims-about-entity", "compare-diseases", "negated-claims"):
        assert f'href="/queries/{name}"' in listing
    page = client.get("/queries/compare-diseases").get_data(as_text=True)
    assert 'name="disease"' in page and 'name="other"' in page
    assert 'value="MONDO:0004976"' in page  # the example, ready to run
    assert 'data-api="/api/queries/compare-diseases"' in page
    assert client.get("/queries/no-such-query").status_code == 404
