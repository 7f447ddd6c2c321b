"""An entity page loads further claims on demand: "Load more claims" appends the next page in
place (and is a plain link to it without JavaScript)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import requests

from ..conftest import Server
from .conftest import Visit

ALS = "/entity/MONDO:0004976"
CARDS = "els => els.map(e => e.id)"


def test_load_more_appends_every_next_page_in_place(chromium: Any, tmp_path: Path) -> None:
    server = Server(tmp_path, {"MEDKG_PAGE_SIZE": "10"})
    page = chromium.new_page()
    try:
        visit = Visit(page, server)
        visit.open(ALS)
        shown = page.eval_on_selector_all(".claim-card", CARDS)
        assert len(shown) == len(set(shown)) > 0
        number = 1
        while page.locator('nav.pages a[rel="next"]').count():
            number += 1
            html = requests.get(
                f"{server.url}{ALS}?page={number}", headers={"Accept": "text/html"}, timeout=60
            ).text
            expected = re.findall(r'class="claim-card"[^>]*id="(claim-[0-9a-f]+)"', html)
            assert expected, f"page {number} has claims"
            page.click('nav.pages a[rel="next"]')
            page.wait_for_function(
                f"document.querySelectorAll('.claim-card').length >= {len(shown) + len(expected)}"
            )
            now = page.eval_on_selector_all(".claim-card", CARDS)
            assert set(now) == set(shown) | set(expected) and len(now) == len(set(now))
            shown = now
            assert page.url.endswith(ALS), "the claims were appended, not navigated to"
        total = re.search(r"What the sources say: (\d+) claims", page.content())
        assert total and len(shown) == int(total.group(1)) and number >= 4
        visit.check()
    finally:
        page.close()
        server.stop()


def test_the_page_opens_with_its_first_claims_and_appends_the_rest_on_demand(
    chromium: Any, tmp_path: Path
) -> None:
    server = Server(tmp_path, {"MEDKG_PAGE_CLAIMS_SHOWN": "5"})
    page = chromium.new_page()
    try:
        visit = Visit(page, server)
        visit.open(ALS)
        first = page.eval_on_selector_all(".claim-card", CARDS)
        whole = requests.get(
            f"{server.url}{ALS}?from=0", headers={"Accept": "text/html"}, timeout=60
        ).text  # the whole first page, drawn at once
        expected = re.findall(r'class="claim-card"[^>]*id="(claim-[0-9a-f]+)"', whole)
        assert 5 <= len(first) < len(expected)
        assert page.locator("#group-hypotheses ~ .claims p.none").count() == 1  # waiting
        page.click('nav.pages a[rel="next"]')
        page.wait_for_function(
            f"document.querySelectorAll('.claim-card').length >= {len(expected)}"
        )
        now = page.eval_on_selector_all(".claim-card", CARDS)
        assert sorted(now) == sorted(expected) and page.url.endswith(ALS)
        assert page.locator("#group-hypotheses ~ .claims p.none").count() == 0
        assert page.locator('nav.pages a[rel="next"]').count() == 0  # the seed's ALS: one page
        visit.check()
    finally:
        page.close()
        server.stop()
