"""Finding entities by name: /api/search, /search and /entity/<label or synonym>."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from medkg.build import build_into
from medkg.config import Settings
from medkg.search import Entry, SearchIndex
from medkg.store import open_store
from medkg.web import create_app

ALS = "MONDO:0004976"


def names(hits: list[Any]) -> list[str]:
    return [h.entry.curie for h in hits]


def test_search_finds_als_by_the_start_of_a_synonym(client: Any) -> None:
    body = client.get("/api/search?q=lou geh").get_json()
    first = body["results"][0]
    assert first["curie"] == ALS
    assert first["label"] == "amyotrophic lateral sclerosis"
    assert first["matched"].startswith("Lou Gehrig")
    assert first["url"] == f"/entity/{ALS}"
    assert first["claims"] > 10  # the seed's most-claimed entity


def test_search_by_curie_abbreviation_and_misspelling(client: Any) -> None:
    for q, kind in ((ALS, "curie"), ("als", "synonym"), ("multiple sclerosys", "fuzzy")):
        first = client.get("/api/search", query_string={"q": q}).get_json()["results"][0]
        assert first["match"] == kind, q
    ms = client.get("/api/search?q=multiple sclerosys").get_json()["results"][0]
    assert ms["curie"] == "MONDO:0005301"


def test_search_ranks_exact_label_before_prefix_and_word_matches(client: Any) -> None:
    results = client.get("/api/search?q=axon").get_json()["results"]
    assert results[0]["curie"] == "GO:0030424"  # "axon" itself
    assert [r["match"] for r in results] == sorted(
        (r["match"] for r in results),
        key=("curie", "label", "synonym", "prefix", "words", "fuzzy").index,
    )


def test_search_by_type_keeps_only_that_type(client: Any) -> None:
    results = client.get("/api/search?q=demyelin&type=owl:Class&limit=50").get_json()["results"]
    assert results and all("owl:Class" in r["types"] for r in results)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [("", "pass ?q="), ("q=x&limit=0", "limit must be"), ("q=" + "a" * 201, "at most 200")],
)
def test_search_refuses_bad_parameters_with_the_error_shape(
    client: Any, query: str, fragment: str
) -> None:
    response = client.get("/api/search?" + query)
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]


def test_entity_by_synonym_is_a_303_to_its_curie(client: Any) -> None:
    for name in ("als", "Lou Gehrig disease", "amyotrophic lateral sclerosis"):
        response = client.get(f"/entity/{name}")
        assert response.status_code == 303, name
        assert response.headers["Location"] == f"/entity/{ALS}"


def test_unknown_name_is_a_404_that_suggests_the_nearest(client: Any) -> None:
    body = client.get("/entity/multiple sclerosys").get_json()
    assert body["status"] == 404
    assert body["error"] == "no entity is called 'multiple sclerosys'"
    assert "multiple sclerosis (MONDO:0005301)" in body["hint"]


def test_error_pages_for_browsers_have_the_site_navigation(client: Any) -> None:
    response = client.get("/entity/nothing-at-all", headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'role="search"' in page and "medkg.css" in page
    assert "no entity is called" in page


def test_search_page_goes_straight_to_an_unambiguous_entity(client: Any) -> None:
    response = client.get("/search?q=lou geh")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/entity/{ALS}"
    page = client.get("/search?q=demyelin").get_data(as_text=True)
    assert "CNS demyelination" in page and "demyelinating disease" in page


@pytest.fixture
def shared_name_app(settings: Settings) -> Any:
    """The seed plus a second entity also called "ALS" (advanced life support)."""
    store = open_store("oxigraph:", settings.root_path)
    build_into(store, settings)
    store.update(
        "INSERT DATA { GRAPH <https://w3id.org/medkg/graph/test> { "
        "<http://example.org/advanced-life-support> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "advanced life support" ; '
        '<http://www.geneontology.org/formats/oboInOwl#hasExactSynonym> "ALS" } }'
    )
    return create_app(settings, store)


def test_a_name_two_entities_share_answers_300_with_both(shared_name_app: Any) -> None:
    client = shared_name_app.test_client()
    response = client.get("/entity/ALS", headers={"Accept": "application/json"})
    assert response.status_code == 300
    choices = {c["curie"] for c in response.get_json()["choices"]}
    assert ALS in choices and "http://example.org/advanced-life-support" in choices
    page = client.get("/entity/ALS", headers={"Accept": "text/html"})
    assert page.status_code == 300 and "advanced life support" in page.get_data(as_text=True)


def test_the_index_follows_an_update(settings: Settings) -> None:
    store = open_store("oxigraph:", settings.root_path)
    build_into(store, settings)
    client = create_app(replace(settings, update_token="t"), store).test_client()
    assert client.get("/api/search?q=zzyzx").get_json()["results"] == []
    update = (
        "INSERT DATA { GRAPH <https://w3id.org/medkg/graph/test> { <http://example.org/z> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "zzyzx" } }'
    )
    response = client.post(
        "/sparql", data={"update": update}, headers={"Authorization": "Bearer t"}
    )
    assert response.status_code == 204
    assert client.get("/api/search?q=zzyzx").get_json()["results"][0]["label"] == "zzyzx"


def test_index_orders_ties_by_claim_count() -> None:
    index = SearchIndex(
        [
            Entry("http://e/a", "e:a", "fever", claims=1),
            Entry("http://e/b", "e:b", "fever", claims=9),
            Entry("http://e/c", "e:c", "feverish", claims=50),
        ]
    )
    assert names(index.search("fever")) == ["e:b", "e:a", "e:c"]
    assert names(index.search("fev")) == ["e:c", "e:b", "e:a"]
