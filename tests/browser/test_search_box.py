"""The search box every page carries: type part of a name, reach the entity."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.server, pytest.mark.browser]


def test_typing_lou_geh_in_the_search_box_reaches_als(visit: Any) -> None:
    visit.open("/founding-question")
    box = visit.page.get_by_label("Find an entity by name or CURIE")
    box.fill("lou geh")
    # suggestions arrive from /api/search as you type
    visit.page.wait_for_function(
        "document.querySelectorAll('#site-search-options option').length > 0"
    )
    labels = visit.page.eval_on_selector_all(
        "#site-search-options option", "options => options.map(o => o.label)"
    )
    assert any(
        label.startswith("amyotrophic lateral sclerosis (MONDO:0004976)") for label in labels
    )
    with visit.page.expect_navigation():
        box.press("Enter")
    assert visit.page.url.endswith("/entity/MONDO:0004976")
    assert visit.page.locator("h1").inner_text().startswith("amyotrophic lateral sclerosis")
    visit.check()


def test_an_unknown_name_shows_a_styled_page_with_the_search_box(visit: Any) -> None:
    response = visit.page.goto(visit.server.url + "/entity/no-such-disease-at-all")
    assert response is not None and response.status == 404
    assert visit.page.get_by_label("Find an entity by name or CURIE").count() == 1
    assert "no entity is called" in visit.page.locator("h1").inner_text()
    visit.errors.clear()  # the browser logs the 404 of the page itself
    visit.check()


def test_docs_page_shows_every_route_of_the_openapi_spec(visit: Any) -> None:
    visit.open("/docs")
    page = visit.page
    page.wait_for_selector(".opblock-summary-path")
    paths = set(
        page.eval_on_selector_all(".opblock-summary-path", "els => els.map(e => e.dataset.path)")
    )
    spec = visit.page.request.get(visit.server.url + "/openapi.json").json()
    assert {"/sparql", "/api/search", "/entity/{ident}"} <= paths
    assert len(paths) == len(spec["paths"])
    visit.check()
