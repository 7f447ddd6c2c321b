"""The founding question answered in plain language, as a reader sees it in the browser."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.server, pytest.mark.browser]


def test_founding_page_shows_the_verdict_and_references_1_and_2(visit: Any) -> None:
    visit.open("/founding-question")
    page = visit.page
    verdict = page.locator("#verdict")
    assert "not a demyelinating disease" in verdict.inner_text()
    assert "primarily affects axons" in verdict.inner_text()
    for n, title in (
        (1, "Guideline Directed Topic Overview"),
        (2, "Amyotrophic Lateral Sclerosis (ALS) Diagnosis and Management"),
    ):
        ref = page.locator(f"#ref-{n}")
        assert ref.is_visible()
        assert title in ref.inner_text()
    negated = page.locator("li.claim.negated").first
    assert "NOT" in negated.inner_text()
    page.locator("#stance-refutes ~ ol a.cite[href='#ref-2']").first.click()
    assert page.evaluate("location.hash") == "#ref-2"
    assert page.locator(".cite.dangling").first.inner_text().startswith("[6")
    visit.shot("founding-question")
    visit.check()


def test_founding_page_is_keyboard_navigable_from_the_skip_link(visit: Any) -> None:
    visit.open("/founding-question")
    page = visit.page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    visit.check()


def test_founding_page_on_a_phone(phone: Any) -> None:
    phone.open("/founding-question")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    phone.shot("founding-question-phone")
    phone.check()
