"""CPU per live entity document (first page, JSON-LD), this code beside an earlier one, one run.

    git show main:src/medkg/documents.py > /tmp/documents_before.py
    python -m bench.entity_document --store CORPUS/.medkg/store --before /tmp/documents_before.py \
        --entity MONDO:0004976 --entity rank:100 --entity rank:500

Opens the store read-only (a server may hold it) and builds each entity's first page as the
server does when it was not materialized at build (``Documents.entity`` and its JSON text),
``--repeat`` times after one warm-up, alternating the two codes; prints medians of CPU and
wall time, the page's triples and bytes, and whether both wrote the same claims. ``rank:N``
is the N-th most claimed entity of the summaries. An index written before the claims'
predicates were listed (``SummaryIndex.claim_predicates``) is copied to a temporary folder
and completed there (the store's own file is never written); the time that takes is printed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from rdflib import URIRef

from medkg.documents import Documents
from medkg.rdf import jsonld
from medkg.store.oxigraph import OxigraphStore
from medkg.summaries import SummaryIndex, index_path, open_index, stored_version
from medkg.summaries.compute import PREDICATES, PREFIXES, iter_values

BASE = "https://w3id.org/medkg/"


def load_before(path: Path) -> ModuleType:
    """An earlier ``medkg/documents.py`` as a module of its own (it imports today's medkg)."""
    spec = importlib.util.spec_from_file_location("documents_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def completed_index(store: OxigraphStore, folder: Path) -> Path:
    """The store's summary file, or a copy of it in ``folder`` with the claims' predicates."""
    path = index_path(store)
    assert path is not None and path.is_file(), "the store has no summary index"
    index = open_index(store, stored_version(store, BASE))
    assert index is not None, "the summary index is not the store's version"
    listed = index.claim_predicates() is not None
    index.close()
    if listed:
        return path
    copy = folder / path.name
    shutil.copyfile(path, copy)
    started, cpu = time.perf_counter(), time.process_time()
    found = store.query(PREFIXES + PREDICATES % "")
    predicates = sorted(p for (p,) in iter_values(found) if p is not None)
    print(
        f"claim predicates: {len(predicates)} in {time.process_time() - cpu:.1f} s CPU, "
        f"{time.perf_counter() - started:.1f} s wall (an index copy completed)"
    )
    db = sqlite3.connect(copy)
    db.execute("INSERT INTO meta VALUES ('claim_predicates', ?)", (json.dumps(predicates),))
    db.commit()
    db.close()
    return copy


def documents(cls: type[Documents], store: OxigraphStore, index: Path) -> Documents:
    """``cls`` reading the summaries at ``index`` (a copy, or the store's own)."""

    class Reading(cls):  # type: ignore[misc,valid-type]
        def summaries(self, iri: URIRef) -> SummaryIndex:
            db = sqlite3.connect(f"file:{index}?mode=ro", uri=True, check_same_thread=False)
            return SummaryIndex(db)

    return Reading(store, BASE, page_size=50, page_bytes=1_000_000)


def once(docs: Documents, ident: str) -> tuple[float, float, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    doc = docs.entity(ident)
    body = jsonld.dumps(doc.data)
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000, (doc, body)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True, help="an oxigraph store folder")
    ap.add_argument("--before", type=Path, required=True, help="an earlier documents.py")
    ap.add_argument("--entity", action="append", help="CURIE or rank:N (default: ALS)")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    store = OxigraphStore.open_read_only(args.store, f"oxigraph:{args.store}", "a bench reads it")
    with tempfile.TemporaryDirectory(prefix="medkg-entity-document-") as tmp:
        index = completed_index(store, Path(tmp))
        before = documents(load_before(args.before).Documents, store, index)
        after = documents(Documents, store, index)
        print(
            "| entity | claims | evidence of the page's claims | triples before / after "
            "| KB before / after | CPU ms before / after | wall ms before / after | same claims |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for ident in args.entity or ["MONDO:0004976"]:
            print(row(before, after, resolve(after, ident, index), args.repeat), flush=True)
    store.close()


def resolve(docs: Documents, ident: str, index: Path) -> str:
    if not ident.startswith("rank:"):
        return ident
    db = SummaryIndex(sqlite3.connect(f"file:{index}?mode=ro", uri=True))
    try:
        return db.heads(1, int(ident[5:]))[-1]
    finally:
        db.close()


def row(before: Documents, after: Documents, ident: str, repeat: int) -> str:
    runs: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
    made: dict[str, Any] = {}
    for name, docs in (("before", before), ("after", after)):
        made[name] = once(docs, ident)[2]  # warm-up: the store's blocks, the writer's IRIs
    for _ in range(repeat):
        for name, docs in (("before", before), ("after", after)):
            cpu, wall, _ = once(docs, ident)
            runs[name].append((cpu, wall))
    med: Callable[[str, int], float] = lambda n, i: statistics.median(r[i] for r in runs[n])  # noqa: E731
    (doc_b, body_b), (doc_a, body_a) = made["before"], made["after"]
    iri = str(after.resolve(ident))
    evidence = sum(n for n, _ in _shown(after, iri, list(doc_a.claim_groups)).values())
    total = doc_a.page.total if doc_a.page else 0
    return (
        f"| {ident} | {total:,} | {evidence:,} | {len(doc_b.triples):,} / {len(doc_a.triples):,} "
        f"| {len(body_b) // 1024} / {len(body_a) // 1024} "
        f"| {med('before', 0):.0f} / {med('after', 0):.0f} ({med('after', 0) / med('before', 0):.2f}x) "
        f"| {med('before', 1):.0f} / {med('after', 1):.0f} "
        f"| {list(doc_b.claim_groups) == list(doc_a.claim_groups)} |"
    )


def _shown(docs: Documents, iri: str, claims: list[str]) -> dict[str, tuple[int, list[str]]]:
    index = docs.summaries(URIRef(iri))
    try:
        return index.shown(claims)
    finally:
        index.close()


if __name__ == "__main__":
    main()
