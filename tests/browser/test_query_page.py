"""The query page: a real SPARQL editor, served with no outside requests, that runs queries."""

from __future__ import annotations

from typing import Any

import pytest
import requests

pytestmark = [pytest.mark.server, pytest.mark.browser]

QUERY = (
    "SELECT ?n ?title WHERE { ?ref <https://w3id.org/medkg/referenceNumber> ?n ; "
    "<http://purl.org/dc/terms/title> ?title } ORDER BY ?n"
)


def test_typed_query_runs_and_fills_the_result_table(visit: Any) -> None:
    visit.open("/")
    page = visit.page
    editor = page.locator(".CodeMirror")
    editor.wait_for()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(QUERY)
    text = page.evaluate("window.medkg.yasqe.getValue()")
    assert "referenceNumber" in text
    page.keyboard.press("Control+Enter")
    rows = page.locator("#yasr table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 5
    assert "Guideline Directed Topic Overview" in rows.nth(0).inner_text()
    assert "Internal medicine" not in rows.nth(4).inner_text()  # titles only, no journal
    assert "demyelinating neuropathy" in rows.nth(4).inner_text()
    visit.shot("query-page-typed-query")
    visit.check()


def test_download_links_cover_every_result_format(visit: Any) -> None:
    visit.open("/")
    page = visit.page
    page.locator(".CodeMirror").wait_for()
    page.evaluate(f"window.medkg.yasqe.setValue({QUERY!r})")
    links = page.locator("#downloads a.download")
    page.wait_for_function("document.querySelector('#downloads a.download[data-format=tsv]')")
    formats = {
        links.nth(i).get_attribute("data-format"): links.nth(i) for i in range(links.count())
    }
    assert set(formats) == {"json", "xml", "csv", "tsv"}
    csv = requests.get(str(formats["csv"].get_attribute("href")), timeout=30)
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert "Guideline Directed Topic Overview" in csv.text
    for name, link in formats.items():
        response = requests.get(str(link.get_attribute("href")), timeout=30)
        assert response.status_code == 200, name
        assert link.get_attribute("download", timeout=1000) or "", name
    page.evaluate("window.medkg.yasqe.setValue('CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3')")
    page.wait_for_function("document.querySelector('#downloads a.download[data-format=ttl]')")
    graph_formats = page.eval_on_selector_all(
        "#downloads a.download", "els => els.map(e => e.dataset.format)"
    )
    assert graph_formats == ["ttl", "nt", "rdfxml", "jsonld"]
    visit.check()


def test_named_query_example_runs_from_its_button(visit: Any) -> None:
    visit.open("/")
    page = visit.page
    page.locator(".CodeMirror").wait_for()
    page.get_by_role("button", name="als-demyelinating-or-axonal").click()
    rows = page.locator("#yasr table tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 10
    assert "ALS is NOT a Demyelinating Disease" in page.locator("#yasr table").inner_text()
    visit.shot("query-page-example")
    visit.check()


def test_query_page_on_a_phone(phone: Any) -> None:
    phone.open("/")
    page = phone.page
    page.locator(".CodeMirror").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    phone.shot("query-page-phone")
    phone.check()


def test_tab_moves_the_focus_out_of_the_editor(visit: Any) -> None:
    visit.open("/")
    page = visit.page
    page.locator(".CodeMirror").click()
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label == "SPARQL query"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") != "SPARQL query"
    assert "\t" not in page.evaluate("window.medkg.yasqe.getValue()")
    visit.check()


def test_prefix_completion_offers_medkg_prefixes(visit: Any) -> None:
    visit.open("/")
    page = visit.page
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type("PREFIX MON")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    assert "MONDO: <http://purl.obolibrary.org/obo/MONDO_>" in hints.all_inner_texts()
    page.keyboard.press("Enter")
    assert page.evaluate("window.medkg.yasqe.getValue()").startswith(
        "PREFIX MONDO: <http://purl.obolibrary.org/obo/MONDO_>"
    )
    visit.check()
