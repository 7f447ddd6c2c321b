"""First pages materialized at build: served byte for byte as the live path makes them, only for
exactly the first page with the settings they were made with, and never once the store changed."""

from __future__ import annotations

import itertools
import json
import logging
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from medkg.build import build_into, dataset_version
from medkg.bulk import bulk_build_into
from medkg.config import Settings, load_settings
from medkg.firstpages import DEFERRED, MIN_CLAIMS, add_first_pages
from medkg.store import Store, open_store
from medkg.summaries import FILE_NAME, SummaryIndex, open_index
from medkg.synth import read_labels, synthesize
from medkg.vocab import iri_to_curie

from .conftest import ROOT

#: small pages, so the seed has entities with a full first page; no caches (they would
#: answer the second request of a comparison with the first one's bytes)
SMALL = {"page_size": 4, "query_page_size": 6, "document_cache": 0, "result_cache_mb": 0}
ACCEPT = {
    "jsonld": "application/ld+json",
    "html": "text/html",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
QUERY = "/api/queries/claims-about-entity?entity="


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Store]:
    """The seed built in place (the first pages are written after the swap), its first
    pages built in the building process."""
    tmp = tmp_path_factory.mktemp("seed")
    settings = load_settings(env={}, root=str(ROOT), store=f"oxigraph:{tmp}/store",
                             **{**SMALL, "first_page_workers": 1})  # fmt: skip
    store = open_store(settings.store, ROOT)
    build_into(store, settings)
    return settings, store


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Store]:
    """A synthetic corpus built by the bulk build, which leaves the first pages out; then
    added as a server adds them, by two worker processes over the store opened read-only."""
    out = tmp_path_factory.mktemp("synth")
    synthesize(out, 1500, seed=3, root=ROOT, labels=read_labels(ROOT))
    settings = load_settings(env={}, root=str(out), store="oxigraph:.medkg/store",
                             **{**SMALL, "page_size": 10, "first_pages": 8,
                                "first_page_workers": 2})  # fmt: skip
    store = open_store(settings.store, out)
    bulk_build_into(store, settings)
    version = dataset_version(store, settings)
    index = open_index(store, version)
    assert index is not None and index.first_pages == DEFERRED
    assert index.db.execute("SELECT COUNT(*) FROM first_page").fetchone()[0] == 0
    index.close()
    added = add_first_pages(store, settings, version)
    assert added == 2 * len(materialized(settings, store)) > 0
    assert add_first_pages(store, settings, version) is None  # added once
    return settings, store


@contextmanager
def client(settings: Settings, store: Store) -> Iterator[Any]:
    from medkg.web import create_app

    app = create_app(settings, store)
    try:
        yield app.test_client()
    finally:
        app.extensions["medkg.endpoint"].close()


def index_file(store: Store) -> Path:
    folder = store.side_folder()
    assert folder is not None
    return folder / FILE_NAME


def materialized(settings: Settings, store: Store) -> list[str]:
    index = open_index(store, dataset_version(store, settings))
    assert index is not None
    try:
        return index.heads(min(MIN_CLAIMS, settings.page_size), settings.first_pages)
    finally:
        index.close()


@contextmanager
def first_pages_removed(store: Store) -> Iterator[None]:
    """The store's index without its first pages (the same version and summaries), restored
    after the block."""
    path = index_file(store)
    kept = path.read_bytes()
    db = sqlite3.connect(path)
    db.execute("DELETE FROM first_page")
    db.commit()
    db.close()
    try:
        yield
    finally:
        path.write_bytes(kept)


def fetch(c: Any, curie: str) -> dict[str, tuple[bytes, str | None]]:
    """Every form of the entity's first page (document, HTML, the query's first page in each
    results format): body and where it came from."""
    out = {}
    for name in ("jsonld", "html"):
        r = c.get(f"/entity/{curie}", headers={"Accept": ACCEPT[name]})
        assert r.status_code == 200, r.get_data(as_text=True)
        out[name] = (r.data, r.headers.get("X-Medkg-First-Page"))
    for name in ("json", "xml", "csv", "tsv"):
        r = c.get(QUERY + curie, headers={"Accept": ACCEPT[name]})
        assert r.status_code == 200, r.get_data(as_text=True)
        out[name] = (r.data, r.headers.get("X-Medkg-Anchor"))
    return out


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_every_materialized_first_page_is_byte_identical_to_the_live_one(
    which: str, request: pytest.FixtureRequest
) -> None:
    settings, store = request.getfixturevalue(which)
    heads = materialized(settings, store)
    assert len(heads) >= 5
    with client(settings, store) as c:
        stored = {e: fetch(c, iri_to_curie(e)) for e in heads}
        with first_pages_removed(store):
            live = {e: fetch(c, iri_to_curie(e)) for e in heads}
    for e in heads:
        for name in ("jsonld", "html"):
            assert stored[e][name][1] == "build" and live[e][name][1] is None, (e, name)
            assert stored[e][name][0] == live[e][name][0], (e, name)
        for name in ("json", "xml", "csv", "tsv"):
            assert (stored[e][name][1], live[e][name][1]) == ("build", "summaries"), (e, name)
            assert stored[e][name][0] == live[e][name][0], (e, name)
    # the head's first page is a full page, and its query page links the next one
    page = json.loads(stored[heads[0]]["json"][0])
    assert len(page["results"]["bindings"]) == settings.query_page_size and page["next"]


def test_the_most_claimed_entities_are_materialized_up_to_the_setting(
    seed: tuple[Settings, Store], tmp_path: Path
) -> None:
    settings, store = seed
    rows = store.query(
        """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?e (COUNT(DISTINCT ?c) AS ?n) WHERE {
          ?c a <https://w3id.org/medkg/Claim> { ?c rdf:subject ?e } UNION { ?c rdf:object ?e } }
        GROUP BY ?e"""
    ).to_dicts()
    counts = {str(r["e"]): int(r["n"]) for r in rows}
    rows = store.query(
        """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?e (COUNT(DISTINCT ?c) AS ?n) WHERE {
          ?c a <https://w3id.org/medkg/Claim> ; rdf:subject ?e FILTER NOT EXISTS { ?c rdf:object ?e } }
        GROUP BY ?e"""
    ).to_dicts()
    as_subject = {str(r["e"]): int(r["n"]) for r in rows}
    least = min(MIN_CLAIMS, settings.page_size)
    heads = materialized(settings, store)
    assert set(heads) == {e for e, n in counts.items() if n >= least}
    # in turn: the most claimed in any role, the subjects of the most claims (each by IRI next)
    by_any = sorted((e for e in counts if counts[e] >= least), key=lambda e: (-counts[e], e))
    by_subject = sorted(
        (e for e in as_subject if counts[e] >= least), key=lambda e: (-as_subject[e], e)
    )
    expected: dict[str, None] = {}
    for pair in itertools.zip_longest(by_any, by_subject):
        expected.update((e, None) for e in pair if e is not None)
    assert heads == list(expected)[: settings.first_pages]
    db = sqlite3.connect(index_file(store))
    assert db.execute("SELECT COUNT(*) FROM first_page").fetchone()[0] == 2 * len(heads)
    db.close()
    # at most first_pages of them: the most claimed
    capped = settings.replace(store=f"oxigraph:{tmp_path}/store", first_pages=2)
    other = open_store(capped.store, ROOT)
    build_into(other, capped)
    with client(capped, other) as c:
        for e in heads:
            r = c.get(f"/entity/{iri_to_curie(e)}", headers={"Accept": ACCEPT["jsonld"]})
            built = r.headers.get("X-Medkg-First-Page") == "build"
            assert built == (e in heads[:2]), e


def test_other_pages_and_other_settings_are_answered_live(seed: tuple[Settings, Store]) -> None:
    settings, store = seed
    curie = iri_to_curie(materialized(settings, store)[0])
    with client(settings, store) as c:
        html = c.get(f"/entity/{curie}", headers={"Accept": ACCEPT["html"]}).get_data(True)
        claim = re.search(r'id="claim-([0-9a-f]+)"', html)
        assert claim is not None
        for url, accept in [
            (f"/entity/{curie}?page=2", ACCEPT["jsonld"]),
            (f"/entity/{curie}?after={claim.group(1)}", ACCEPT["html"]),
            (f"/entity/{curie}?format=ttl", "text/turtle"),
            (f"{QUERY}{curie}&page_size=5", ACCEPT["json"]),
        ]:
            r = c.get(url, headers={"Accept": accept})
            assert r.status_code == 200
            assert r.headers.get("X-Medkg-Anchor") != "build"
            assert "X-Medkg-First-Page" not in r.headers
        following = c.get(QUERY + curie, headers={"Accept": ACCEPT["json"]}).get_json()["next"]
        r = c.get(following, headers={"Accept": ACCEPT["json"]})
        assert r.status_code == 200 and r.headers["X-Medkg-Anchor"] == "summaries"
    # a server whose pages are another size than the build's: every page is live
    with client(settings.replace(page_size=5, query_page_size=7), store) as c:
        r = c.get(f"/entity/{curie}", headers={"Accept": ACCEPT["html"]})
        assert r.status_code == 200 and "X-Medkg-First-Page" not in r.headers
        r = c.get(QUERY + curie, headers={"Accept": ACCEPT["csv"]})
        assert r.status_code == 200 and r.headers["X-Medkg-Anchor"] == "summaries"


def test_a_stale_index_is_not_served(seed: tuple[Settings, Store]) -> None:
    settings, store = seed
    curie = iri_to_curie(materialized(settings, store)[0])
    path = index_file(store)
    kept = path.read_bytes()
    try:
        with client(settings, store) as c:  # (a server starting would write a current one)
            db = sqlite3.connect(path)
            db.execute("UPDATE meta SET value = 'another-version' WHERE key = 'version'")
            db.commit()
            db.close()
            r = c.get(f"/entity/{curie}", headers={"Accept": ACCEPT["jsonld"]})
            assert r.status_code == 200 and "X-Medkg-First-Page" not in r.headers
            r = c.get(QUERY + curie, headers={"Accept": ACCEPT["json"]})
            assert r.status_code == 200 and r.headers["X-Medkg-Anchor"] == "query"
    finally:
        path.write_bytes(kept)


def test_a_write_to_the_store_removes_the_first_pages(tmp_path: Path) -> None:
    settings = load_settings(env={}, root=str(ROOT), store=f"oxigraph:{tmp_path}/store", **SMALL)
    store = open_store(settings.store, ROOT)
    build_into(store, settings)
    curie = iri_to_curie(materialized(settings, store)[0])
    with client(settings, store) as c:
        r = c.get(f"/entity/{curie}", headers={"Accept": ACCEPT["jsonld"]})
        assert r.headers.get("X-Medkg-First-Page") == "build"
        store.update("INSERT DATA { GRAPH <http://example.org/g> { <http://x/a> <http://x/b> 1 } }")
        assert not index_file(store).exists()
        r = c.get(f"/entity/{curie}", headers={"Accept": ACCEPT["jsonld"]})
        assert r.status_code == 200 and "X-Medkg-First-Page" not in r.headers
        r = c.get(QUERY + curie, headers={"Accept": ACCEPT["json"]})
        assert r.status_code == 200 and r.headers["X-Medkg-Anchor"] == "query"


def test_no_first_pages_when_the_setting_is_zero(tmp_path: Path) -> None:
    settings = load_settings(env={}, root=str(ROOT), store=f"oxigraph:{tmp_path}/store",
                             **{**SMALL, "first_pages": 0})  # fmt: skip
    store = open_store(settings.store, ROOT)
    build_into(store, settings)
    db = sqlite3.connect(index_file(store))
    assert db.execute("SELECT COUNT(*) FROM first_page").fetchone()[0] == 0
    db.close()


def test_no_first_page_is_started_past_the_time_budget(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """At a million claims one named-query page took 20 s: the build stops starting pages
    once ``first_pages_seconds`` is spent, says so, and the rest are answered live."""
    settings = load_settings(env={}, root=str(ROOT), store=f"oxigraph:{tmp_path}/store",
                             **{**SMALL, "first_page_workers": 1,
                                "first_pages_seconds": 0})  # fmt: skip
    store = open_store(settings.store, ROOT)
    with caplog.at_level(logging.WARNING, logger="medkg.firstpages"):
        build_into(store, settings)
    db = sqlite3.connect(index_file(store))
    assert db.execute("SELECT COUNT(*) FROM first_page").fetchone()[0] == 0
    heads = SummaryIndex(db).heads(min(MIN_CLAIMS, settings.page_size), settings.first_pages)
    db.close()
    assert heads, "the seed has entities whose first pages would be materialized"
    assert f"{len(heads)} of {len(heads)} entities' first pages left" in caplog.text
    with client(settings, store) as c:
        r = c.get(f"/entity/{iri_to_curie(heads[0])}", headers={"Accept": ACCEPT["jsonld"]})
        assert r.status_code == 200 and "X-Medkg-First-Page" not in r.headers


def test_pages_stored_by_other_code_are_not_served(
    seed: tuple[Settings, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A medkg whose documents would differ (an upgrade, an edit) misses an older one's pages."""
    from medkg.summaries import index

    settings, store = seed
    curie = iri_to_curie(materialized(settings, store)[0])
    with client(settings, store) as c:
        r = c.get(f"/entity/{curie}", headers={"Accept": ACCEPT["jsonld"]})
        assert r.headers.get("X-Medkg-First-Page") == "build"
        monkeypatch.setattr(index, "code_fingerprint", lambda: "another-medkg")
        r = c.get(f"/entity/{curie}", headers={"Accept": ACCEPT["jsonld"]})
        assert r.status_code == 200 and "X-Medkg-First-Page" not in r.headers
        r = c.get(QUERY + curie, headers={"Accept": ACCEPT["json"]})
        assert r.status_code == 200 and r.headers["X-Medkg-Anchor"] == "summaries"


def test_a_materialized_query_page_is_served_without_making_or_running_its_text(
    seed: tuple[Settings, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The named query's materialized first page is found by the query, its bindings and the
    page size: no page text is made (no anchor, no pairs), screened, parsed or run, and the
    store is asked only for its version; as JSON the stored bytes are the body. The next page
    (a cursor) takes the live path, through the same spies."""
    import rdflib.plugins.sparql.parser as rdflib_parser

    from medkg import algebra
    from medkg.web import query_pages

    settings, store = seed
    curie = iri_to_curie(materialized(settings, store)[0])
    calls: list[str] = []
    asked: list[str] = []

    def spy(name: str, real: Any) -> Any:
        def called(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            return real(*args, **kwargs)

        return called

    for name in ("page_of", "run"):
        monkeypatch.setattr(query_pages, name, spy(name, getattr(query_pages, name)))
    sparql = query_pages.sparql
    monkeypatch.setattr(sparql, "screened_text", spy("screened", sparql.screened_text))
    for name in ("parseQuery", "parseUpdate"):
        monkeypatch.setattr(rdflib_parser, name, spy(name, getattr(rdflib_parser, name)))
    monkeypatch.setattr(algebra, "parseQuery", spy("parseQuery", algebra.parseQuery))
    query = store.query
    monkeypatch.setattr(
        store, "query", lambda text, *a, **k: asked.append(text) or query(text, *a, **k)
    )
    with client(settings, store) as c:
        del calls[:], asked[:]  # the app's start (named queries read once)
        for name in ("json", "csv"):
            r = c.get(QUERY + curie, headers={"Accept": ACCEPT[name]})
            assert r.status_code == 200 and r.headers["X-Medkg-Anchor"] == "build", name
            assert calls == [], (name, calls)
        assert asked and all("https://w3id.org/medkg/version" in t for t in asked), asked
        page = c.get(QUERY + curie, headers={"Accept": ACCEPT["json"]}).get_json()
        assert len(page["results"]["bindings"]) == settings.query_page_size
        r = c.get(page["next"], headers={"Accept": ACCEPT["json"]})
        assert r.status_code == 200 and r.headers["X-Medkg-Anchor"] == "summaries"
        assert {"page_of", "screened", "run"} <= set(calls), calls
    algebra.algebra_of("SELECT ?unseen WHERE { ?unseen ?p ?o }")  # the parser's spy sees a parse
    assert "parseQuery" in calls, calls


def test_pages_added_while_the_store_is_written_are_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write while the server adds a bulk build's first pages removes the summaries; the
    pages, made from the data before it, are not moved in after it."""
    from medkg import firstpages

    settings = load_settings(env={}, root=str(ROOT), store=f"oxigraph:{tmp_path}/store", **SMALL)
    store = open_store(settings.store, ROOT)
    bulk_build_into(store, settings)
    version = dataset_version(store, settings)
    write = firstpages.write_first_pages

    def written_meanwhile(*args: Any, **kwargs: Any) -> int:
        n = write(*args, **kwargs)
        store.update("INSERT DATA { GRAPH <http://example.org/g> { <http://x/a> <http://x/b> 1 } }")
        return n

    monkeypatch.setattr(firstpages, "write_first_pages", written_meanwhile)
    assert add_first_pages(store, settings, version) is None
    assert not index_file(store).exists()
    assert not list(index_file(store).parent.glob(FILE_NAME + ".*"))  # no copy left behind


def test_a_server_adds_the_first_pages_a_bulk_build_left_out(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """``medkg serve`` on a bulk-built store (no first pages) adds them in the background and
    then serves a head entity from them (bounded wait; live until they are in)."""
    import requests

    from .conftest import Server

    tmp = tmp_path_factory.mktemp("warm-server")
    built = load_settings(env={}, root=str(ROOT), store=f"oxigraph:{tmp / 'store'}", **SMALL)
    store = open_store(built.store, ROOT)
    bulk_build_into(store, built)  # the seed, built by the bulk path: its curated files' build
    head = iri_to_curie(materialized(built, store)[0])
    store.close()
    env = {"MEDKG_PAGE_SIZE": str(SMALL["page_size"]), "MEDKG_DOCUMENT_CACHE": "0"}
    server = Server(tmp, env=env)  # the seed's root
    try:
        url = f"{server.url}/entity/{head}"
        deadline, source = time.monotonic() + 120, None
        while time.monotonic() < deadline and source != "build":
            r = requests.get(url, headers={"Accept": ACCEPT["jsonld"]}, timeout=30)
            assert r.status_code == 200
            source = r.headers.get("X-Medkg-First-Page")
            time.sleep(0.5)
        assert source == "build", "the server did not add the first pages within 120 s"
        for _ in range(50):  # the pages are in: the status follows in a moment
            status = requests.get(f"{server.url}/health", timeout=30).json()["first_pages"]
            if status["state"] != "adding":
                break
            time.sleep(0.2)
        assert status["state"] == "idle" and status["added"] > 0, status
    finally:
        server.stop()
    assert re.search(r"added [1-9]\d* first pages of version", (tmp / "server.log").read_text())


def test_the_first_pages_command_adds_what_a_bulk_build_left_out(tmp_path: Path) -> None:
    """`medkg first-pages`, for a store that will be served read-only (its server cannot add
    them): the pages a bulk build left out are in after it, served from the store, and a
    second run says there is nothing left to add."""
    from click.testing import CliRunner

    from medkg.cli import cli

    selector = f"oxigraph:{tmp_path / 'store'}"
    settings = load_settings(env={}, root=str(ROOT), store=selector)
    store = open_store(settings.store, ROOT)
    bulk_build_into(store, settings)
    version = dataset_version(store, settings)
    heads = materialized(settings, store)
    store.close()
    args = ["--root", str(ROOT), "--store", selector, "first-pages"]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert re.fullmatch(rf"added {2 * len(heads)} first pages of version {version} in [\d.]+s\n",
                        done.stdout), done.output  # fmt: skip
    store = open_store(settings.store, ROOT)
    try:
        index = open_index(store, version)
        assert index is not None and index.first_pages == "built"
        index.close()
        with client(settings, store) as c:
            r = c.get(f"/entity/{iri_to_curie(heads[0])}", headers={"Accept": ACCEPT["jsonld"]})
            assert r.status_code == 200 and r.headers.get("X-Medkg-First-Page") == "build"
    finally:
        store.close()
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0, again.output
    assert (
        again.stdout
        == f"no first pages to add: the first pages of version {version} are in already\n"
    )
