"""First pages materialized at build: the entity document (JSON-LD) and the named query
``claims-about-entity``'s first page of the most-claimed entities, stored in the summary index.

A head entity's first page is 50 claims with up to three sentences each: thousands of
triples to construct and frame, most of a second of CPU whatever the entity, while its
summary is read in a millisecond. So every build that writes the summaries (``medkg.summaries``)
also writes, into the same file before it is renamed in, the first pages of the entities with
at least ten claims on their first page (fewer cost under ~60 ms of CPU live), in turn the
most claimed and the subjects of the most claims (``SummaryIndex.heads``), ``first_pages`` of
them at most (a setting: it bounds the build's cost). Each is what the live path gives, byte for
byte: the JSON-LD of ``Documents.entity(iri, 1)``, and the named query's first page (default
page size, anchored by the summaries) as the API writes it in SPARQL JSON, with its row count
and next cursor (``StoredQueryPage``). They are keyed by what their bytes depend on besides
the data (``page_key``: the base IRI and page sizes; the query's name, text and bindings and
the page size), so a server with other settings, a later page or another query misses them
and answers live; they go with the summaries when the store is written.

A bulk build leaves them out (``first_pages=False``): on a store fresh from the loader they
cost a minute of the HPO import, more than the summaries and the swap together, and the
build's data is complete without them. The summaries then say ``first_pages: deferred``, and
the server adds them in the background (``add_first_pages``, from ``medkg.web.warm``): worker
processes at low priority build them over the store opened read-only into a copy of the file,
which replaces the file only if no write or build has replaced it meanwhile. Until then those
pages are answered live.

    write_side_index(store, settings, version)          # what builds call
    add_first_pages(store, settings, version)           # what a server does after a bulk build
    stored_document(documents, iri)     # the JSON-LD framed at build, or None (web layer)
    stored_query_page(store, named, bound, size, version)   # the query's page, or None
"""

from __future__ import annotations

import io
import json
import logging
import multiprocessing
import os
import re
import resource
import shutil
import sqlite3
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import msgspec
import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from medkg.anchored import anchored, paired_text
from medkg.config import Settings
from medkg.documents import Document, Documents
from medkg.endpoint.job import Job, run_job
from medkg.endpoint.writers import write_json
from medkg.errors import MedkgError
from medkg.formats import Format, by_name
from medkg.queries import NamedQuery, load_queries
from medkg.store.base import Row, Store
from medkg.store.oxigraph import OxigraphStore, open_read_only
from medkg.summaries import (
    FILE_NAME,
    SummaryIndex,
    index_path,
    open_index,
    page_key,
    stored_version,
    write_summaries,
)
from medkg.vocab import iri_to_curie

log = logging.getLogger(__name__)

#: the named query whose first pages are materialized (its anchor is the summaries')
QUERY = "claims-about-entity"
#: claims an entity's first page holds at least to be materialized: built live, a page of 10
#: claims costs ~60 ms of CPU, 20 ~140 ms, 45 ~250 ms, the head's ~850 ms (JSON-LD, at 100k)
MIN_CLAIMS = 10
#: entities per worker process at least (a process takes a second or two to start)
PER_WORKER = 4
#: the worker processes' niceness when a server adds the pages (its requests come first)
WARM_NICENESS = 10
#: the summaries' ``first_pages`` entry: written with them, or left for the server to add
BUILT, DEFERRED = "built", "deferred"
_MARK = "INSERT OR REPLACE INTO meta VALUES ('first_pages', ?)"
_DECODER = msgspec.json.Decoder()
#: an IRI reference that is not absolute: its meaning depends on the request's base IRI
RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.-]*:)[^<>\s\"{}|^`\\]*>")


def write_side_index(
    store: Store,
    settings: Settings,
    version: str | None,
    computed: Path | None = None,
    first_pages: bool = True,
) -> Path | None:
    """Write the store's summaries (``computed`` already, if given: see
    ``medkg.summaries.stage``) and, into the same file, its first pages (see above), or
    without ``first_pages`` the note that they are left for the server to add."""

    def extra(path: Path) -> None:
        if first_pages:
            write_first_pages(store, settings, path)
        else:
            _mark(path, DEFERRED)

    return write_summaries(store, version, extra, computed)


def add_first_pages(store: Store, settings: Settings, version: str | None) -> int | None:
    """Add the first pages a bulk build left out to the store's summaries of ``version``
    (see above); the number of pages added, or None if none were to be added or the store
    was written meanwhile (its pages are then the next build's). Worker processes build
    them at low priority over the store opened read-only, so a server keeps answering."""
    path = index_path(store)
    if not isinstance(store, OxigraphStore) or path is None:
        return None
    try:  # before the state is read: a file replaced after this is not the one replaced below
        seen = path.stat()
    except FileNotFoundError:
        return None
    if pending_first_pages(store, version) is not None:
        return None
    # a side file: a write to the store removes it with the summaries (see below)
    copy = path.with_name(f"{FILE_NAME}.pages-{os.getpid()}")
    try:
        shutil.copyfile(path, copy)
        added = write_first_pages(store, settings, copy, max(1, settings.first_page_workers))
        with copy.open("rb") as f:
            os.fsync(f.fileno())
        moved = store.replace_side_file(copy, path, seen)
    except FileNotFoundError:  # the summaries or the copy, removed by a write
        moved = False
    finally:
        copy.unlink(missing_ok=True)
    if not moved:
        log.info("first pages of version %s dropped: the store was written meanwhile", version)
        return None
    return added


def pending_first_pages(store: Store, version: str | None) -> str | None:
    """Why the store's summaries of ``version`` have no first pages to add (None: they were
    left out by a bulk build, and ``add_first_pages`` can add them)."""
    if not isinstance(store, OxigraphStore) or index_path(store) is None:
        return f"{store.selector} keeps no summary file beside it"
    if not store.capabilities.supports_update:
        return f"{store.selector} is opened read-only"
    index = open_index(store, version)
    if index is None:
        return f"{store.selector} has no summaries of version {version}"
    try:
        state = index.first_pages
    finally:
        index.close()
    if state == BUILT:
        return f"the first pages of version {version} are in already"
    if state != DEFERRED:
        return f"the summaries of version {version} leave no first pages to add"
    return None


def _mark(path: Path, state: str) -> None:
    db = sqlite3.connect(path)
    db.execute(_MARK, (state,))
    db.commit()
    db.close()


def entity_key(iri: str, base: str, page_size: int, page_bytes: int) -> str:
    return page_key("entity", iri, base, page_size, page_bytes)


def stored_entity(docs: Documents, iri: URIRef) -> bytes | None:
    """The JSON-LD of ``iri``'s first page (as ``docs.entity(iri, 1)`` serialises it), if it
    was materialized for the store as it is now and these settings."""
    index = open_index(docs.store, stored_version(docs.store, docs.base))
    if index is None:
        return None
    try:
        return index.first_page(entity_key(str(iri), docs.base, docs.page_size, docs.page_bytes))
    finally:
        index.close()


@dataclass
class StoredDocument(Document):
    """An entity's first page as framed at build: its JSON-LD bytes, served as they are, and
    their data (parsed) for the HTML page; no graph (the other formats are built live)."""

    body: bytes = b""

    @cached_property
    def data(self) -> dict[str, Any]:
        # msgspec's decoder: the same objects as json.loads' in half its time (a head
        # entity's page is ~300 KB of JSON, parsed for every HTML page drawn from it)
        return cast(dict[str, Any], _DECODER.decode(self.body))

    def serialize(self, fmt: Format) -> bytes:
        if fmt.name != "jsonld":
            raise ValueError(f"a first page materialized at build has no {fmt.name} form")
        return self.body


def stored_document(docs: Documents, iri: URIRef) -> StoredDocument | None:
    """``iri``'s first page as materialized at build, if it was (see ``stored_entity``)."""
    body = stored_entity(docs, iri)
    return None if body is None else StoredDocument("entity", iri, Graph(), docs.base, body=body)


class _Kept(SummaryIndex):
    """The index being written, shared by every page built from it (not closed after each)."""

    def close(self) -> None:
        pass


class _BuildDocuments(Documents):
    """Documents that read the summaries being written (not yet at the store's index path)."""

    def __init__(self, store: Store, settings: Settings, index: SummaryIndex):
        super().__init__(store, settings.base_iri, settings.page_size, settings.page_bytes)
        self.index = index

    def summaries(self, iri: URIRef) -> SummaryIndex:
        return self.index


def write_first_pages(
    store: Store, settings: Settings, path: Path, processes: int | None = None
) -> int:
    """Add the first pages of the head entities to the summary file at ``path`` (complete,
    not yet renamed in); the number of pages written. With ``first_page_workers`` above 1
    and an Oxigraph store on disk, worker processes build them, each over the store opened
    read-only (the framing is Python: one process uses one core); ``processes``: that many
    (at least one), at low priority (a server adding them: see ``add_first_pages``)."""
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS first_page (key TEXT PRIMARY KEY, body BLOB NOT NULL)")
    entities = SummaryIndex(db).heads(min(MIN_CLAIMS, settings.page_size), settings.first_pages)
    folder = store.side_folder()
    wanted = settings.first_page_workers if processes is None else processes
    workers = max(1, min(wanted, len(entities) // PER_WORKER))
    nice, budget = 0, settings.first_pages_seconds
    if processes is not None:  # a server adding them in the background
        nice, budget = WARM_NICENESS, settings.first_pages_warm_seconds
    deadline = time.time() + budget  # wall clock: shared by processes
    if entities and (workers > 1 or processes) and isinstance(store, OxigraphStore) and folder:
        jobs = [
            (folder, path, settings, entities[i::workers], deadline, nice) for i in range(workers)
        ]
        spawn = multiprocessing.get_context("spawn")  # not fork: the store's threads
        # a Pool's processes are daemons, ended when this process exits: a server stopped
        # while it adds pages does not wait for them (an executor's would be waited for)
        with spawn.Pool(workers) as pool:
            rows = [row for part in pool.map(_pages_read_only, jobs) for row in part]
    else:
        rows, workers = list(pages(store, settings, _Kept(db), entities, deadline)), 1
    db.executemany("INSERT OR REPLACE INTO first_page VALUES (?, ?)", rows)
    db.execute(_MARK, (BUILT,))
    db.commit()
    db.close()
    log.info(
        "materialized %d first pages of %d entities in %.1fs (%.1fs of CPU, %d processes)",
        len(rows), len(entities), time.perf_counter() - started,
        time.process_time() - cpu + _children_cpu() - children, workers,
    )  # fmt: skip
    return len(rows)


def pages(
    store: Store,
    settings: Settings,
    index: SummaryIndex,
    entities: list[str],
    deadline: float = float("inf"),
) -> Iterator[tuple[str, bytes]]:
    """The keys and compressed bytes of the first pages of ``entities``, in order, none
    started past ``deadline`` (``time.time()``)."""
    docs = _BuildDocuments(store, settings, index)
    named = load_queries(settings.root_path).get(QUERY)
    size = min(settings.query_page_size, settings.max_rows)
    jsonld = by_name("jsonld")
    for at, iri in enumerate(entities):
        if time.time() > deadline:
            log.warning(
                "the first pages' time budget is spent (first_pages_seconds at a build, "
                "first_pages_warm_seconds in a server): %d of %d entities' first pages left "
                "to be built when asked", len(entities) - at, len(entities),
            )  # fmt: skip
            return
        try:
            body = docs.entity(iri, 1).serialize(jsonld)
        except MedkgError as e:  # not an entity with a page (a literal object): asked live
            log.info("no materialized first page for %s: %s", iri, e)
            continue
        yield entity_key(iri, docs.base, docs.page_size, docs.page_bytes), zlib.compress(body)
        page = query_page(store, named, index, iri, size) if named is not None else None
        if page is not None:
            yield page[0], zlib.compress(page[1])


def _pages_read_only(
    job: tuple[Path, Path, Settings, list[str], float, int],
) -> list[tuple[str, bytes]]:
    """``pages`` in a worker process (at ``nice`` niceness): the store and the summaries
    opened read-only."""
    folder, path, settings, entities, deadline, nice = job
    if nice:
        os.nice(nice)
    store = open_read_only(folder)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(pages(store, settings, _Kept(db), entities, deadline))
    finally:
        db.close()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def query_page(
    store: Store, named: NamedQuery, index: SummaryIndex, iri: str, size: int
) -> tuple[str, bytes] | None:
    """The key (``query_key``) and bytes (``StoredQueryPage.encode``) of the named query's
    first page about ``iri`` as the API runs it (anchored by the summaries, ``size + 1`` rows,
    bound to its (claim, evidence) pairs when it pages on them: see ``medkg.pairs``), or None
    if it cannot be materialized: its anchor is not the summaries', or its text depends on
    the request's base IRI."""
    params = [p.name for p in named.params if re.search(rf"\?{p.name}\b", index.anchor or "")]
    if len(params) != 1:
        return None
    raw = {params[0]: iri_to_curie(iri)}
    try:
        page = anchored(named, raw, size, None, index)
    except MedkgError as e:  # an entity the parameter cannot name: the live path says why
        log.warning("no materialized %s page for %s: %s", named.name, iri, e)
        return None
    if page is None or RELATIVE_IRI.search(page.text):
        return None
    rows = run_rows(store, paired_text(store, named, page, size), page.bound, size + 1)
    return query_key(named, named.bindings(raw), size), stored_bytes(named, rows, size)


def query_key(named: NamedQuery, bound: dict[str, Node], size: int) -> str:
    """The key of a named query's materialized first page: what its rows depend on besides
    the data and the summaries (the query's name and text, its parameters' terms, the page
    size), so a request finds it without making the page's text."""
    return page_key("query", named.name, named.text, sorted((k, v.n3()) for k, v in bound.items()),
                    size)  # fmt: skip


@dataclass(frozen=True)
class StoredQueryPage:
    """A named query's first page as materialized at build: its ``rows`` rows as SPARQL JSON
    written by the API's own writer (``body``, served as it is), and the next page's cursor.
    Stored as a line of JSON (rows, cursor) then the body."""

    rows: int
    cursor: str | None
    body: bytes

    @classmethod
    def decode(cls, stored: bytes) -> StoredQueryPage:
        head, _, body = stored.partition(b"\n")
        fields = json.loads(head)
        return cls(int(fields["rows"]), fields["cursor"], body)


def stored_bytes(named: NamedQuery, results: bytes, size: int) -> bytes:
    """What ``StoredQueryPage.decode`` reads: a page from its results (SPARQL JSON, ``size +
    1`` rows), cut to ``size`` rows, with the next page's cursor."""
    variables, rows = solutions(results)
    out = io.BytesIO()
    write_json(variables, rows[:size], out)
    head = {"rows": min(len(rows), size), "cursor": named.next_cursor(variables, rows, size)}
    return json.dumps(head).encode() + b"\n" + out.getvalue()


def solutions(results: bytes) -> tuple[list[str], list[Row]]:
    """The variables and rows (pyoxigraph terms) of SPARQL JSON results."""
    parsed = ox.parse_query_results(results, ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QuerySolutions)
    variables = [v.value for v in parsed.variables]
    return variables, [tuple(sol[v] for v in variables) for sol in parsed]


def stored_query_page(
    store: Store, named: NamedQuery, bound: dict[str, Node], size: int, version: str | None
) -> StoredQueryPage | None:
    """The named query's first page as materialized at build for these bindings and page
    size, if the store's index (of dataset ``version``) holds it: no text made, no query
    parsed or run. Only ``QUERY``'s pages are stored: another query's index is not opened."""
    index = open_index(store, version) if named.name == QUERY else None
    if index is None:
        return None
    try:
        stored = index.first_page(query_key(named, bound, size))
    finally:
        index.close()
    return None if stored is None else StoredQueryPage.decode(stored)


def run_rows(store: Store, text: str, bound: dict[str, Node], rows: int) -> bytes:
    """The query's rows as SPARQL JSON, as the endpoint's workers write them."""
    out = io.BytesIO()
    run_job(
        store, Job(text, formats={"results": by_name("json")}, max_rows=rows, bindings=bound), out
    )
    return out.getvalue()
