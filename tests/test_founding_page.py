"""The founding page is bounded: its verdict counts every claim (one aggregate query), its chain
of claims is one keyset page of the founding query at a time, with a link to the next, and its
queries run through the query workers under ``query_timeout``."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from medkg.answer import FOUNDING_QUERY, answer
from medkg.config import Settings
from medkg.founding import tally, tally_text
from medkg.queries import NamedQuery, find_query
from medkg.store import Store

from .conftest import ROOT, app_on_disk

MS = "MONDO:0005301"


def counts_of_the_whole_answer(store: Store, params: dict[str, str], drafts: bool) -> dict:
    """Claims per stance as the unpaged answer (every row of the founding query) tells them."""
    whole = answer(find_query(ROOT, FOUNDING_QUERY), store, params, drafts=drafts)
    return {k: len(v) for k, v in whole.chain.items()}


@pytest.mark.parametrize("params", [{}, {"disease": MS}])
@pytest.mark.parametrize("drafts", [False, True])
def test_tally_counts_every_claim_as_the_whole_answer_does(
    built_store: Store, params: dict[str, str], drafts: bool
) -> None:
    query = find_query(ROOT, FOUNDING_QUERY)
    counted = tally(query, built_store, query.bindings(params), drafts)
    assert counted.counts == counts_of_the_whole_answer(built_store, params, drafts)
    assert counted.total > 0


def test_tally_reads_the_named_querys_own_anchor() -> None:
    query = find_query(ROOT, FOUNDING_QUERY)
    text = tally_text(query, query.bindings({}))
    assert "obo:MONDO_0002562" in text  # the topics come from the .rq file, not from Python
    assert (
        "COUNT(DISTINCT ?claim)" in text
        and "<http://purl.obolibrary.org/obo/MONDO_0004976>" in text
    )


def shown_claims(page: str) -> list[str]:
    return re.findall(r'<li class="claim [a-z]+" id="claim-([0-9a-f]+)"', page)


def next_link(page: str) -> str | None:
    found = re.search(r'<a rel="next" href="([^"]+)">', page)
    return html.unescape(found.group(1)) if found else None


def test_founding_page_shows_the_chain_a_page_at_a_time_with_the_whole_tally(
    client: FlaskClient, built_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def whole(*args: object, **kwargs: object) -> None:
        raise AssertionError("the founding page ran the founding query unpaged")

    whole_answer = answer(find_query(ROOT, FOUNDING_QUERY), built_store)
    everything = {c.key for claims in whole_answer.chain.values() for c in claims}
    counts = {k: len(v) for k, v in whole_answer.chain.items()}
    monkeypatch.setattr(NamedQuery, "run", whole)
    url: str | None = "/founding-question?page_size=4"
    seen: list[str] = []
    pages = 0
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        page = response.get_data(as_text=True)
        assert page.count("<blockquote>") <= 4  # at most a page of rows: sentences
        assert whole_answer.verdict in html.unescape(page)  # told from every claim
        total = sum(counts.values())
        assert f"The verdict counts every claim: {total} in all" in page
        url = next_link(page)
        if url is not None:
            assert "cursor=" in url and "page_size=4" in url
            assert 'href="/api/queries/als-demyelinating-or-axonal?' in page
        seen += shown_claims(page)
        pages += 1
    assert pages >= 5  # 30 rows, 4 a page
    assert set(seen) == everything  # every claim is on some page, none is lost between them


def test_founding_page_says_how_many_of_a_stance_are_on_the_page(client: FlaskClient) -> None:
    page = client.get("/founding-question?page_size=2").get_data(as_text=True)
    assert re.search(r"\(\d+ on this page of \d+\)", page)
    assert "Weighed from the sentences on this page" in page


def test_founding_page_of_one_page_is_unchanged(client: FlaskClient) -> None:
    page = client.get("/founding-question").get_data(as_text=True)
    assert next_link(page) is None and "on this page of" not in page
    assert "Weighed from the sentences on this page" not in page


def test_founding_page_refuses_a_page_size_over_the_maximum(client: FlaskClient) -> None:
    response = client.get("/founding-question?page_size=100000")
    assert response.status_code == 400
    assert "page_size" in response.get_json()["error"]


def test_founding_page_answers_503_when_its_queries_run_out_of_time(
    settings: Settings, tmp_path: Path
) -> None:
    with app_on_disk(settings, tmp_path, query_workers=1, query_timeout=0.001) as app:
        response = app.test_client().get(
            "/founding-question", headers={"Accept": "application/json"}
        )
    assert response.status_code in (503, 504)
    assert "query_timeout" in (response.get_json()["error"] + response.get_json()["hint"])


def test_founding_page_runs_in_query_workers_started_by_its_first_request(
    settings: Settings, tmp_path: Path
) -> None:
    """The workers the page's first request starts outlive it (a worker dies with the thread
    that started it: the page must not start them from a thread of its own)."""
    with app_on_disk(settings, tmp_path, query_workers=1) as app:
        client = app.test_client()
        first, second = client.get("/founding-question"), client.get("/founding-question")
        assert app.extensions["medkg.endpoint"].executor.stats()["workers"] >= 1
    assert first.status_code == 200 and second.status_code == 200, second.get_data()[:300]
    assert "is not a demyelinating disease" in second.get_data(as_text=True)


def test_cli_query_of_a_built_store_imports_neither_the_build_nor_pyld(tmp_path: Path) -> None:
    """``medkg query`` stays quick to start: it does not load the build, pyld or requests."""
    import subprocess
    import sys

    store = f"oxigraph:{tmp_path / 'store'}"
    base = [sys.executable, "-c", "import sys; from medkg.cli import main; main(sys.argv[1:])"]
    built = subprocess.run([*base, "--root", str(ROOT), "--store", store, "build"],
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    probe = (
        "import sys; from medkg.cli import main\n"
        "try:\n    main(sys.argv[1:])\nfinally:\n"
        "    print('loaded:', sorted(m for m in ('medkg.build', 'pyld', 'requests') "
        "if m in sys.modules), file=sys.stderr)"
    )
    asked = subprocess.run(
        [sys.executable, "-c", probe, "--root", str(ROOT), "--store", store, "query",
         FOUNDING_QUERY, "--param", "disease=MONDO:0004976"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert "ALS is fundamentally a disease of axonal degeneration" in asked.stdout
    assert "loaded: []" in asked.stderr
