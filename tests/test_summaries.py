"""Entity summaries precomputed at build: their counts are the store's, the first pages read from
them equal the plain SPARQL pages, cursors walk every claim once, and every build renews them."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from rdflib import URIRef

from medkg.anchored import anchored_page
from medkg.build import build_into, dataset_version
from medkg.bulk import bulk_build_into
from medkg.config import Settings, load_settings
from medkg.documents import Documents
from medkg.queries import load_queries, to_text
from medkg.store import Store, open_store
from medkg.summaries import FILE_NAME, SummaryIndex, entity_index, open_index
from medkg.synth import read_labels, synthesize
from medkg.vocab import iri_to_curie

from .conftest import ROOT

QUERIES = load_queries(ROOT)
NAMED = QUERIES["claims-about-entity"]
PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX medkg: <https://w3id.org/medkg/>
"""
#: the claims an entity page lists, as plain SPARQL: the entity is their subject or object
ON_PAGE = """{ ?c rdf:subject ?e } UNION { ?c rdf:object ?e }
  ?c a medkg:Claim ; rdf:predicate ?p ; medkg:negated ?neg ; medkg:modality ?mod ."""
GROUP = """BIND(IF(?mod != medkg:Asserted
    || NOT EXISTS { ?c medkg:curationStatus medkg:Approved }, "hypotheses",
    IF(?neg, "negatedClaims", "affirmedClaims")) AS ?g)"""


def project(tmp: Path, store: str) -> Settings:
    return load_settings(env={}, root=str(tmp), store=store)


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, SummaryIndex]:
    """The seed built by the ordinary build into an on-disk store (which writes the index)."""
    tmp = tmp_path_factory.mktemp("seed")
    settings = load_settings(env={}, root=str(ROOT), store=f"oxigraph:{tmp}/store")
    store = open_store(settings.store, ROOT)
    build_into(store, settings)
    index = open_index(store, dataset_version(store, settings))
    assert index is not None
    return store, index


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, SummaryIndex]:
    """A synthetic corpus built by the bulk build (the index goes in before the swap)."""
    out = tmp_path_factory.mktemp("synth")
    synthesize(out, 1500, seed=3, root=ROOT, labels=read_labels(ROOT))
    settings = project(out, "oxigraph:.medkg/store")
    store = open_store(settings.store, out)
    bulk_build_into(store, settings)
    index = open_index(store, dataset_version(store, settings))
    assert index is not None
    return store, index


def entities(store: Store, n: int) -> list[str]:
    """The ``n`` entities most claims are about (subject, object or disease context)."""
    rows = store.query(
        PREFIXES + "SELECT ?e (COUNT(DISTINCT ?c) AS ?n) WHERE { { ?c rdf:subject ?e } UNION "
        "{ ?c rdf:object ?e } UNION { ?c medkg:diseaseContext ?e } } GROUP BY ?e "
        f"ORDER BY DESC(?n) ?e LIMIT {n}"
    ).rows
    return [str(r[0]) for r in rows]


def counts(store: Store, entity: str, by: str) -> Counter[tuple[str, str]]:
    """Claims on the entity's page counted by SPARQL, by (value of ``by``, group)."""
    text = (
        f"SELECT ?v ?g (COUNT(DISTINCT ?c) AS ?n) WHERE {{ VALUES ?e {{ <{entity}> }} {ON_PAGE}"
        f" {GROUP} {by} }} GROUP BY ?v ?g"
    )
    out: Counter[tuple[str, str]] = Counter()
    for v, g, n in store.query(PREFIXES + text).rows:
        out[(str(v) if v is not None else "", str(g))] += int(str(n))
    return out


def tallied(index: SummaryIndex, entity: str, dim: str) -> Counter[tuple[str, str]]:
    return Counter(
        {(t.value, t.group or ""): t.count for t in index.tallies(entity) if t.dim == dim}
    )


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_summary_counts_equal_a_sparql_count_over_the_store(
    which: str, request: pytest.FixtureRequest
) -> None:
    store, index = request.getfixturevalue(which)
    for entity in entities(store, 8):
        by_group = counts(store, entity, 'BIND("" AS ?v)')
        assert tallied(index, entity, "group") == by_group, entity
        assert index.total(entity) == sum(by_group.values())
        assert tallied(index, entity, "predicate") == counts(store, entity, "BIND(?p AS ?v)")
        roles: Counter[tuple[str, str]] = Counter()  # role tallies are over every group
        for (v, _), n in counts(store, entity, "OPTIONAL { ?c medkg:role ?v }").items():
            roles[(v, "")] += n
        assert tallied(index, entity, "role") == roles
        sources = counts(store, entity, "?c medkg:evidence/medkg:source ?v")
        merged: Counter[str] = Counter()
        for (v, _), n in sources.items():
            merged[v] += n
        got = tallied(index, entity, "source")
        assert got and all(merged[v] == n for (v, _), n in got.items())
        assert (
            sorted(got.values(), reverse=True) == sorted(merged.values(), reverse=True)[: len(got)]
        )


def walk(named_page, store: Store, raw: dict[str, str], size: int) -> list[list[tuple]]:  # type: ignore[no-untyped-def,type-arg]
    """Every page of claims-about-entity, following the cursors; ``named_page`` gives a
    page's (text, bindings)."""
    pages, cursor = [], None
    while True:
        result, cursor = NAMED.run_page(store, raw, size, cursor, page=named_page(cursor))
        pages.append([tuple(map(to_text, r)) for r in result.rows])
        if not cursor:
            return pages
        assert len(pages) < 500, "the cursors run in a circle"


@pytest.mark.parametrize("which", ["seed", "synthetic"])
@pytest.mark.parametrize("size", [3, 100])
def test_the_first_page_from_the_summary_equals_the_sparql_page(
    which: str, size: int, request: pytest.FixtureRequest
) -> None:
    store, index = request.getfixturevalue(which)
    for entity in entities(store, 4):
        raw = {"entity": iri_to_curie(entity)}

        def fast(cursor: str | None, raw: dict[str, str] = raw) -> tuple[str, dict]:  # type: ignore[type-arg]
            page = anchored_page(NAMED, raw, size, cursor, index)
            assert page is not None, "the shipped query's anchor is the one the index holds"
            return page

        def plain(cursor: str | None, raw: dict[str, str] = raw) -> tuple[str, dict]:  # type: ignore[type-arg]
            return NAMED.page(raw, size, cursor)

        via_index = walk(fast, store, raw, size)
        via_query = walk(plain, store, raw, size)
        assert via_index == via_query  # same rows, same order, same pages
        rows = [r for page in via_index for r in page]
        whole = sorted(tuple(map(to_text, r)) for r in NAMED.run(store, raw).rows)
        assert sorted(rows) == whole and len(rows) == len(set(rows))  # every row once


def page_claims(docs: Documents, curie: str) -> list[list[str]]:
    """The claims of every page of an entity document, following its next links."""
    pages, after, number = [], None, 1
    while True:
        doc = docs.entity(curie, number, after)
        pages.append(list(doc.claim_groups))
        assert doc.page is not None
        if not doc.page.more:
            return pages
        after, number = doc.page.following, doc.page.number + 1
        assert len(pages) < 500


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_entity_pages_walk_every_claim_once_most_evidence_first(
    which: str, request: pytest.FixtureRequest
) -> None:
    store, index = request.getfixturevalue(which)
    docs = Documents(store, "https://w3id.org/medkg/", page_size=7)
    for entity in entities(store, 3):
        pages = page_claims(docs, entity)
        claims = [c for page in pages for c in page]
        listed = store.query(
            PREFIXES + f"SELECT DISTINCT ?c WHERE {{ VALUES ?e {{ <{entity}> }} {ON_PAGE} }}"
        ).rows
        assert sorted(claims) == sorted(str(r[0]) for r in listed)
        assert len(claims) == len(set(claims)) == index.total(entity)
        assert [c for c, _ in index.page(entity, 0, len(claims))] == claims
        evidence = dict(
            (str(c), int(str(n)))
            for c, n in store.query(
                PREFIXES + f"SELECT ?c (COUNT(DISTINCT ?ev) AS ?n) WHERE {{ VALUES ?e "
                f"{{ <{entity}> }} {ON_PAGE} ?c medkg:evidence ?ev }} GROUP BY ?c"
            ).rows
        )
        ranked = [(index_group(index, entity, c), -evidence[c]) for c in claims]
        assert ranked == sorted(ranked), "within a group, the claims most evidence first"


def index_group(index: SummaryIndex, entity: str, claim: str) -> int:
    at = index.position(entity, claim)
    assert at is not None
    ((_, group),) = index.page(entity, at, 1)
    return ["affirmedClaims", "negatedClaims", "hypotheses"].index(group)


def test_a_store_with_no_index_computes_the_same_summary(seed: tuple[Store, SummaryIndex]) -> None:
    store, index = seed
    for entity in entities(store, 5):
        one = entity_index(store, URIRef(entity), index.version)
        assert one.tallies(entity) == index.tallies(entity)
        assert one.page(entity, 0, 1000) == index.page(entity, 0, 1000)
        assert one.about(entity, None, 1000) == index.about(entity, None, 1000)


def test_a_rebuild_after_an_edit_renews_the_counts(tmp_path: Path) -> None:
    for sub in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / sub, tmp_path / sub)
    (tmp_path / "data" / "sources.yaml").unlink(missing_ok=True)
    settings = project(tmp_path, "oxigraph:.medkg/store")
    store = open_store(settings.store, tmp_path)
    build_into(store, settings)
    before = open_index(store, dataset_version(store, settings))
    assert before is not None
    top = entities(store, 6)
    groups = {e: tallied(before, e, "group") for e in top}
    claims = tmp_path / "data" / "claims" / "als-demyelinating-or-axonal.yaml"
    text = claims.read_text()
    assert "negated: false" in text
    claims.write_text(text.replace("negated: false", "negated: true", 1))
    build_into(store, settings)
    after = open_index(store, dataset_version(store, settings))
    assert after is not None and after.version != before.version
    assert any(tallied(after, e, "group") != groups[e] for e in top)
    for e in top:
        assert tallied(after, e, "group") == counts(store, e, 'BIND("" AS ?v)')
    assert open_index(store, before.version) is None  # the old version's is gone


def test_a_write_to_the_store_removes_the_index(tmp_path: Path) -> None:
    settings = load_settings(env={}, root=str(ROOT), store=f"oxigraph:{tmp_path}/store")
    store = open_store(settings.store, ROOT)
    build_into(store, settings)
    folder = store.side_folder()
    assert folder is not None and (folder / FILE_NAME).is_file()
    store.update("INSERT DATA { GRAPH <http://example.org/g> { <http://x/a> <http://x/b> 1 } }")
    assert not (folder / FILE_NAME).exists()
    assert open_index(store, dataset_version(store, settings)) is None
    docs = Documents(store, settings.base_iri, page_size=5)
    assert docs.entity("MONDO:0004976").page is not None  # answered from the store instead


def test_a_sparql_store_answers_from_the_store(oxigraph_server, seed) -> None:  # type: ignore[no-untyped-def]
    oxigraph_server.clear()
    settings = load_settings(env={}, root=str(ROOT), store=oxigraph_server.selector)
    remote = open_store(settings.store, ROOT)
    build_into(remote, settings)
    assert remote.side_folder() is None
    local, _ = seed
    for entity in entities(local, 3):
        docs = [Documents(s, settings.base_iri, page_size=4) for s in (remote, local)]
        a, b = (page_claims(d, entity) for d in docs)
        assert a == b and a


def test_a_server_writes_the_summaries_a_store_lacks(tmp_path: Path) -> None:
    from medkg.web import create_app

    settings = load_settings(env={}, root=str(ROOT), store=f"oxigraph:{tmp_path}/store")
    store = open_store(settings.store, ROOT)
    build_into(store, settings)
    folder = store.side_folder()
    assert folder is not None
    (folder / FILE_NAME).unlink()  # as a store built by an older medkg
    create_app(settings, store)
    assert open_index(store, dataset_version(store, settings)) is not None


def test_the_entity_page_loads_more_claims_by_a_plain_link(tmp_path: Path) -> None:
    import re

    from medkg.web import create_app

    settings = load_settings(
        env={}, root=str(ROOT), store=f"oxigraph:{tmp_path}/store", page_size=10
    )
    store = open_store(settings.store, ROOT)
    client = create_app(settings, store).test_client()
    index = open_index(store, dataset_version(store, settings))
    assert index is not None
    als = "http://purl.obolibrary.org/obo/MONDO_0004976"
    url: str | None = "/entity/MONDO:0004976"
    seen: list[str] = []
    while url:
        html = client.get(url, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert f"{index.total(als)} claims about" in html  # every page shows the whole summary
        seen += re.findall(r'id="claim-([0-9a-f]+)"', html)
        more = re.search(r'<a rel="next" href="([^"]+)">Load more claims', html)
        url = more.group(1) if more else None
        if url:
            assert "load_more.js" in html  # with JavaScript it appends the next page in place
        assert len(seen) <= 1000
    keys = [c.rsplit("/", 1)[1] for c, _ in index.page(als, 0, 1000)]
    assert sorted(seen) == sorted(keys) and len(seen) == len(set(seen))


def test_the_api_pages_from_the_summaries_as_the_query_pages(tmp_path: Path) -> None:
    from medkg.web import create_app

    settings = load_settings(env={}, root=str(ROOT), store=f"oxigraph:{tmp_path}/store")
    store = open_store(settings.store, ROOT)
    client = create_app(settings, store).test_client()
    pages = {}
    for name in ("summaries", "query"):
        url: str | None = "/api/queries/claims-about-entity?entity=MONDO:0004976&page_size=4"
        rows = []
        while url:
            r = client.get(url, headers={"Accept": "application/sparql-results+json"})
            assert r.status_code == 200 and r.headers["X-Medkg-Anchor"] == name
            rows.append(r.get_json()["results"]["bindings"])
            url = r.get_json().get("next")
        pages[name] = rows
        store.drop_side_files()  # type: ignore[attr-defined]  # the same store, no summaries
    assert pages["summaries"] == pages["query"] and len(pages["query"]) > 3


def test_entity_pages_show_three_sentences_per_claim_and_count_them_all(
    synthetic: tuple[Store, SummaryIndex],
) -> None:
    store, _ = synthetic
    entity = entities(store, 1)[0]
    doc = Documents(store, "https://w3id.org/medkg/", page_size=10).entity(entity)
    nodes = [
        n
        for group in ("affirmedClaims", "negatedClaims", "hypotheses")
        for direction in doc.data.get(group, {}).values()
        for n in direction
    ]
    assert len(nodes) == 10
    counts = {
        str(c): int(str(n))
        for c, n in store.query(
            PREFIXES
            + "SELECT ?c (COUNT(DISTINCT ?ev) AS ?n) WHERE { VALUES ?c { "
            + " ".join(f"<{c}>" for c in doc.claim_groups)
            + " } ?c medkg:evidence ?ev } GROUP BY ?c"
        ).rows
    }
    assert max(counts.values()) > 3  # the head's first claims are restated often
    for node in nodes:
        iri = doc.data["@context"]["medkg"] + node["@id"].removeprefix("medkg:")
        shown = node["evidence"] if isinstance(node["evidence"], list) else [node["evidence"]]
        assert node["evidenceCount"] == counts[iri]
        assert len(shown) == min(3, counts[iri])
