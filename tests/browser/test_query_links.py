"""The query page keeps the query in the address and keeps the reader on medkg."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = [pytest.mark.server, pytest.mark.browser]

ALS_QUERY = "SELECT ?d WHERE { VALUES ?d { <http://purl.obolibrary.org/obo/MONDO_0004976> } }"


def run(page: Any, query: str) -> None:
    page.locator(".CodeMirror").wait_for()
    page.evaluate(f"window.medkg.yasqe.setValue({query!r})")
    page.evaluate("window.medkg.yasqe.query()")
    page.locator("#yasr table tbody tr").first.wait_for()


def test_a_run_query_is_in_the_address_and_comes_back_on_reload(visit: Any) -> None:
    visit.open("/")
    run(visit.page, ALS_QUERY)
    visit.page.wait_for_function("location.search.startsWith('?query=')")
    assert parse_qs(urlsplit(visit.page.url).query)["query"] == [ALS_QUERY]
    visit.page.reload(wait_until="load")
    visit.page.locator("#yasr table tbody tr").first.wait_for()  # run again from the address
    assert visit.page.evaluate("window.medkg.yasqe.getValue()") == ALS_QUERY
    visit.check()


def test_a_result_iri_opens_medkgs_entity_page_and_shows_its_label(visit: Any) -> None:
    visit.open("/")
    run(visit.page, ALS_QUERY)
    link = visit.page.locator("#yasr a.iri").first
    visit.page.wait_for_selector("#yasr .iri-label")
    assert visit.page.locator("#yasr .iri-label").first.inner_text() == (
        "amyotrophic lateral sclerosis"
    )
    with visit.page.expect_navigation():
        link.click()
    assert visit.page.url == visit.server.url + "/entity/MONDO:0004976"
    assert visit.page.locator("h1").inner_text().startswith("amyotrophic lateral sclerosis")
    visit.check()


def test_a_bare_word_in_the_editor_completes_to_an_entity_iri(visit: Any) -> None:
    visit.open("/")
    page = visit.page
    page.locator(".CodeMirror").wait_for()
    page.evaluate("window.medkg.yasqe.setValue('SELECT * WHERE { ?s ?p ')")
    page.evaluate("window.medkg.yasqe.getDoc().setCursor({line: 0, ch: 100})")
    page.locator(".CodeMirror textarea").focus()
    page.keyboard.type("gehrig")
    hint = page.locator(".CodeMirror-hint").first
    hint.wait_for()
    assert hint.inner_text().startswith("amyotrophic lateral sclerosis (MONDO:0004976)")
    page.keyboard.press("Enter")
    text = page.evaluate("window.medkg.yasqe.getValue()")
    assert text.endswith("?p <http://purl.obolibrary.org/obo/MONDO_0004976>")
    visit.check()


def test_a_named_query_page_runs_with_its_example_and_links_to_medkg(visit: Any) -> None:
    visit.open("/queries/claims-about-entity")
    page = visit.page
    example = page.locator("#param-entity").input_value()
    assert example  # the example is filled in, ready to run
    page.get_by_role("button", name="Run").click()
    page.wait_for_selector("#rows tbody tr")
    rows = page.locator("#rows tbody tr").count()
    assert rows > 0 and f"{rows} row" in page.locator("#rows-status").inner_text()
    assert "entity=" + example.replace(":", "%3A") in page.url  # shareable
    link = page.locator("#rows tbody a").first
    assert (link.get_attribute("href") or "").startswith("/entity/?iri=")
    visit.check()
