"""Accessibility: axe-core (an npm dev dependency in frontend/) finds no WCAG 2 A/AA violation."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from .conftest import ROOT

pytestmark = [pytest.mark.server, pytest.mark.browser]

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/",
    "/founding-question",
    "/entity/MONDO:0004976",
    "/claim/fe8bda120e032f81daa9",
    "/article/als-demyelinating-or-axonal",
    "/reference/als-demyelinating-or-axonal-1",
    "/evidence/",  # the first evidence of the claim above
]


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_a_or_aa_violations(visit: Any, path: str) -> None:
    if path == "/evidence/":
        claim = requests.get(visit.server.url + PAGES[3] + "?format=jsonld", timeout=30).json()
        path += claim["evidence"][0]["@id"].rsplit("/", 1)[-1]
    visit.open(path)
    assert_accessible(visit)
    visit.shot("page-" + (path.strip("/").split("/")[0] or "query"))


def test_query_results_have_no_wcag_a_or_aa_violations(visit: Any) -> None:
    visit.open("/")
    visit.page.get_by_role("button", name="als-demyelinating-or-axonal").click()
    visit.page.locator("#yasr table tbody tr").first.wait_for()
    assert_accessible(visit)


def assert_accessible(visit: Any) -> None:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make assets` (npm ci in frontend/)")
    page = visit.page
    page.add_script_tag(path=str(AXE))
    # CodeMirror scrolls its text by the caret of its own (labelled, focusable) textarea, so its
    # scroll box needs no tab stop of its own: that one rule is left out there, and only there.
    result = page.evaluate(
        """async () => {
          const tags = {type: 'tag', values: ['wcag2a', 'wcag2aa']};
          const editor = document.querySelector('.CodeMirror-scroll');
          const rest = await axe.run(editor ? {exclude: [['.CodeMirror-scroll']]} : document,
                                     {runOnly: tags});
          if (!editor) return rest;
          const inside = await axe.run({include: [['.CodeMirror-scroll']]}, {runOnly: tags,
              rules: {'scrollable-region-focusable': {enabled: false}}});
          return {violations: rest.violations.concat(inside.violations)};
        }"""
    )
    problems = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']}: "
        f"{v['nodes'][0]['failureSummary']})"
        for v in result["violations"]
    ]
    assert not problems, "\n".join(problems)
    visit.check()
