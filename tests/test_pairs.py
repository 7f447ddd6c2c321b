"""Pages bound to their (claim, evidence) pairs (``medkg.pairs``): the same rows, order and
cursors as the query's own paged text, on a corpus whose claims have more evidence than a page
(cursors land mid-claim), from the summaries' anchor and from the query's own; and the keyset
is refused where leaving the OPTIONALs out would change the pairs."""

from __future__ import annotations

import pytest

from medkg import narrowed
from medkg.anchored import page_of
from medkg.build import build_into, dataset_version
from medkg.bulk import bulk_build_into
from medkg.config import Settings, load_settings
from medkg.pairs import pair_keyset
from medkg.queries import NamedQuery, load_queries, to_text
from medkg.store import Store, open_store
from medkg.store.rewrite import iter_tokens
from medkg.summaries import open_index
from medkg.synth import read_labels, synthesize
from medkg.vocab import iri_to_curie

from .conftest import ROOT

QUERIES = load_queries(ROOT)
PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX medkg: <https://w3id.org/medkg/>
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Store]:
    """A synthetic corpus (restated claims: many have several evidence), bulk-built with its
    summary index."""
    out = tmp_path_factory.mktemp("pairs")
    synthesize(out, 1500, seed=5, root=ROOT, labels=read_labels(ROOT))
    settings = load_settings(env={}, root=str(out), store="oxigraph:.medkg/store")
    store = open_store(settings.store, out)
    bulk_build_into(store, settings)
    assert open_index(store, dataset_version(store, settings)) is not None
    return settings, store


def walk(store: Store, named: NamedQuery, raw: dict[str, str], size: int, fast: bool) -> list:  # type: ignore[type-arg]
    """Every page as (rows, next cursor), following the cursors; ``fast``: through ``page_of``
    (pairs), else the query's own paged text."""
    pages, cursor = [], None
    while True:
        page = page_of(
            named, {**raw, "cursor": cursor or ""}, size, store, "https://w3id.org/medkg/"
        )
        text, bound = (page.text, page.bound) if fast else named.page(raw, size, cursor)
        if fast:
            assert page.text.count("VALUES (?claim ?evidence)") == 1, "not bound to its pairs"
        result, cursor = named.run_page(store, raw, size, cursor, page=(text, bound))
        pages.append(([tuple(map(to_text, r)) for r in result.rows], cursor))
        if not cursor:
            return pages
        assert len(pages) < 300, "the cursors run in a circle"


def restated(store: Store, about: str, at_least: int) -> list[str]:
    """Entities (as ``about``: subject, object) with a claim of at least ``at_least`` evidence."""
    rows = store.query(
        PREFIXES + f"SELECT ?e (COUNT(?ev) AS ?n) WHERE {{ ?c rdf:{about} ?e ; "
        f"medkg:evidence ?ev }} GROUP BY ?c ?e HAVING (COUNT(?ev) >= {at_least}) "
        "ORDER BY DESC(?n) ?e LIMIT 40"
    ).rows
    return list(dict.fromkeys(str(r[0]) for r in rows))


@pytest.mark.parametrize("size", [1, 2, 3])
def test_pages_bound_to_their_pairs_equal_the_querys_own_pages(
    corpus: tuple[Settings, Store], size: int
) -> None:
    _, store = corpus
    named = QUERIES["claims-about-entity"]
    entities = restated(store, "subject", size + 1)
    assert len(entities) >= 3, "the corpus must have claims with more evidence than a page"
    mid_claim = 0
    for entity in entities[:3] + entities[-2:]:
        raw = {"entity": iri_to_curie(entity)}
        fast, plain = walk(store, named, raw, size, True), walk(store, named, raw, size, False)
        assert fast == plain  # same rows, same order, same cursors, the last page included
        rows = [r for page, _ in fast for r in page]
        whole = sorted(tuple(map(to_text, r)) for r in named.run(store, raw).rows)
        assert sorted(rows) == whole and len(rows) == len(set(rows))
        assert all(len(page) == size for page, _ in fast[:-1]) and 1 <= len(fast[-1][0]) <= size
        claims = [r[1] for r in rows]
        mid_claim += sum(claims[i - 1] == claims[i] for i in range(size, len(claims), size))
    assert mid_claim > 0, "no cursor landed between two evidence of one claim"


@pytest.mark.parametrize("batch", [2, 512])
def test_a_query_anchored_by_itself_pages_on_its_pairs(
    corpus: tuple[Settings, Store], batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The founding query's anchor is its own, narrower than the summaries': its values are
    found among the index's claims about the disease (in batches), then its pairs."""
    _, store = corpus
    monkeypatch.setattr(narrowed, "FIRST_BATCH", batch)  # 2: many batches, most without a value
    named = QUERIES["als-demyelinating-or-axonal"]
    raw = {"disease": "MONDO:0004976"}
    settings, _ = corpus
    page = page_of(named, raw, 4, store, settings.base_iri)
    assert page.anchored, "its anchor's values are found among the index's claims"
    fast, plain = walk(store, named, raw, 4, True), walk(store, named, raw, 4, False)
    assert fast == plain and len(fast) >= 3
    whole = sorted(tuple(map(to_text, r)) for r in named.run(store, raw).rows)
    assert sorted(r for page, _ in fast for r in page) == whole


HEAD = """PREFIX medkg: <https://w3id.org/medkg/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?claim ?evidence ?x WHERE {
  { SELECT DISTINCT ?claim WHERE { ?claim rdf:subject ?e } }
"""


@pytest.mark.parametrize(
    ("body", "paired"),
    [
        ("?claim medkg:evidence ?evidence OPTIONAL { ?evidence medkg:source ?x } }", True),
        # a FILTER on what only an OPTIONAL binds: the pairs without it would not be the rows'
        (
            "?claim medkg:evidence ?evidence OPTIONAL { ?evidence medkg:source ?x } "
            "FILTER(BOUND(?x)) }",
            False,
        ),
        # the link inside an OPTIONAL: claims without evidence are rows too
        ("?claim a medkg:Claim OPTIONAL { ?claim medkg:evidence ?evidence } }", False),
        # a link other than the DESIGN's
        ("?claim medkg:other ?evidence OPTIONAL { ?evidence medkg:source ?x } }", False),
        ("?claim medkg:evidence ?evidence } GROUP BY ?claim ?evidence ?x HAVING(?x > 1)", False),
    ],
)
def test_the_pair_keyset_is_used_only_where_it_gives_the_same_pairs(
    body: str, paired: bool
) -> None:
    text = HEAD + body
    assert (pair_keyset(text, ("claim", "evidence")) is not None) is paired
    assert pair_keyset(text, ("claim",)) is None


def test_the_shipped_queries_that_page_on_claims_and_evidence_use_pairs() -> None:
    for name in ("claims-about-entity", "als-demyelinating-or-axonal"):
        named = QUERIES[name]
        keyset = pair_keyset(named.text, named.order)
        assert keyset is not None, name
        assert "OPTIONAL" not in [t.text.upper() for t in iter_tokens(keyset.finder)]


def test_without_an_index_the_anchor_is_computed_then_paired() -> None:
    """A store without summaries (in memory): the page's claims come from its own anchor, and
    the page (as the CLI and the API run it) is still bound to its pairs."""
    settings = load_settings(env={}, root=str(ROOT), store="memory:")
    store = open_store(settings.store, ROOT)
    build_into(store, settings)
    named = QUERIES["claims-about-entity"]
    raw = {"entity": "MONDO:0004976"}
    page = page_of(named, raw, 2, store, settings.base_iri)
    assert not page.anchored and "VALUES (?claim ?evidence)" in page.text
    fast, plain = walk(store, named, raw, 2, True), walk(store, named, raw, 2, False)
    assert fast == plain and len(fast) >= 3


@pytest.mark.parametrize(
    ("anchor", "params"),
    [
        (
            "{ ?claim rdf:subject ?d } UNION { ?claim medkg:diseaseContext ?d } ?claim rdf:object ?o",
            {"d", "o"},  # and about their object
        ),
        ("?claim rdf:object ?d ; rdf:predicate ?p", {"d"}),
        # one branch relates the claim otherwise: claims the index does not relate to ?d
        ("{ ?claim rdf:subject ?d } UNION { ?claim medkg:other ?d }", set()),
        # ?d is the object of the claim's subject, not of the claim
        ("?claim rdf:subject ?x . ?x rdf:object ?d", {"x"}),
        ("OPTIONAL { ?claim rdf:subject ?d } ?claim a medkg:Claim", set()),
    ],
)
def test_an_anchor_is_narrowed_by_the_index_only_where_it_keeps_claims_about_a_parameter(
    anchor: str, params: set[str]
) -> None:
    text = PREFIXES + f"SELECT * {{ {{ SELECT DISTINCT ?claim WHERE {{ {anchor} }} }} }}"
    assert narrowed.within_index(text, "claim") == params
