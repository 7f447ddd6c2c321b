"""CPU per entity document in process: the direct writer beside the path it replaced (one run).

    python -m bench.framing [--store CORPUS/.medkg/store] [--entity MONDO:0004976] [--repeat 7]

Opens the store read-only (a server may hold it); without ``--store``, the seed built in
memory. For each page, medians of ``--repeat`` runs of CPU time, old path / new path side by
side: building the page's graph (the old path: each query's triples as rdflib terms added to
an rdflib graph; the new: pyoxigraph's terms read into ``Triples``; both run the same
queries), framing it (pyld made cheaper by ``rdf.framing`` / the direct writer, and in
parentheses the writer seeing the page's IRIs for the first time; ``--plain`` adds pyld's
plain path: N-Triples text, the whole graph to every frame) and the whole
document (graph, framing, JSON text), with the new path's wall time. The paths must write the
same bytes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from pyld import jsonld as pyld
from pyld.nquads import parse_nquads
from rdflib import Graph

from medkg.build import build_into
from medkg.config import load_settings
from medkg.documents import Document, Documents
from medkg.rdf import compaction, frames, jsonld
from medkg.rdf.framing import Expanded
from medkg.rdf.triples import Triples
from medkg.store import Store, open_store
from medkg.store.oxigraph import OxigraphStore


class _Whole(Expanded):
    def reachable(self, roots: Any) -> Expanded:
        return self

    def only(self, ids: Any) -> Expanded:
        return self


def plain_expanded(graph: Graph) -> Expanded:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    triples: list[dict[str, Any]] = []
    for line in sorted({line for line in lines if line.strip()}):
        triples += parse_nquads(line + "\n").get("@default", [])
    dataset = {"@default": triples} if triples else {}
    return _Whole(pyld.from_rdf(dataset, {**jsonld.OPTIONS, "useNativeTypes": True}))


class _PlainFramer(pyld.JsonLdProcessor):
    def expand(self, input_: Any, options: dict[str, Any]) -> Any:
        if isinstance(input_, Expanded):
            return json.loads(json.dumps(input_))
        return super().expand(input_, options)


def plain_frame(
    expanded: list[dict[str, Any]], shape: dict[str, Any], base: str, framer: Any = None
) -> list[dict[str, Any]]:
    framed = _PlainFramer().frame(
        expanded,
        {"@context": jsonld.context(base), **shape},
        {**jsonld.OPTIONS, "omitDefault": True, "omitGraph": False,
         "pruneBlankNodeIdentifiers": True},
    )  # fmt: skip
    return list(framed.get("@graph", []))


def assemble(doc: Document) -> dict[str, Any]:
    """The document framed by pyld (made cheaper) from its rdflib graph: the old path."""
    return frames.assemble(doc.graph, doc.iri, doc.kind, doc.base, doc.claim_groups)


def plain_assemble(doc: Document) -> dict[str, Any]:
    with (
        mock.patch.object(jsonld, "to_expanded", plain_expanded),
        mock.patch.object(jsonld, "frame", plain_frame),
    ):
        return assemble(doc)


def cpu_ms(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median CPU milliseconds of ``work`` over ``repeat`` runs, and its last result."""
    runs, out = [], None
    for _ in range(repeat):
        start = time.process_time()
        out = work()
        runs.append((time.process_time() - start) * 1000)
    return statistics.median(runs), out


def wall_ms(work: Callable[[], Any], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


class Recorded(Documents):
    """Documents that note the CONSTRUCT queries a page runs, to run them the old way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queries: list[tuple[str, list[str] | None]] = []

    def construct_triples(self, query: str, default_graphs: list[str] | None = None) -> Triples:
        self.queries.append((query, default_graphs))
        return super().construct_triples(query, default_graphs)


def old_graph(docs: Recorded, queries: list[tuple[str, list[str] | None]]) -> Graph:
    """The page's queries into rdflib graphs added together, as the page was built before
    the direct writer (``Documents.construct``: rdflib terms, one add per triple)."""
    g = Graph()
    for query, graphs in queries:
        g += docs.construct(query, graphs)
    return g


def old_document(docs: Recorded, queries: list[tuple[str, list[str] | None]], doc: Document) -> str:
    """The document the old way: the rdflib graph of its queries, framed by pyld (made
    cheaper, ``rdf.framing``) from the document's graph, and its JSON text."""
    old_graph(docs, queries)
    return jsonld.dumps(assemble(doc))


def new_document(docs: Recorded, curie: str, page: int) -> str:
    return jsonld.dumps(docs.entity(curie, page).data)


def measure(docs: Recorded, curie: str, page: int, repeat: int, plain: bool) -> str:
    """One row: CPU (median of ``repeat``) of the graph, the framing and the whole document,
    old path and new side by side, and whether they wrote the same bytes."""
    docs.queries = []
    doc = docs.entity(curie, page)
    queries = list(docs.queries)
    graph_new, _ = cpu_ms(lambda: docs.entity(curie, page), repeat)
    graph_old, _ = cpu_ms(lambda: old_graph(docs, queries), repeat)
    frame_new, new = cpu_ms(lambda: Document.data.func(doc), repeat)  # type: ignore[attr-defined]
    frame_cold, _ = cpu_ms(lambda: cold(doc), repeat)
    frame_old, old = cpu_ms(lambda: assemble(doc), repeat)
    same = json.dumps(new) == json.dumps(old)
    if plain:
        frame_plain, slow = cpu_ms(lambda: plain_assemble(doc), max(1, repeat // 2))
        same = same and json.dumps(slow) == json.dumps(new)
    total_old, _ = cpu_ms(lambda: old_document(docs, queries, doc), repeat)
    total_new, _ = cpu_ms(lambda: new_document(docs, curie, page), repeat)
    wall_new = wall_ms(lambda: new_document(docs, curie, page), repeat)
    plain_text = f" ({frame_plain:.0f})" if plain else ""
    return (
        f"| {curie} | {page} | {len(doc.triples):,} | {graph_old:.0f} / {graph_new:.0f} | "
        f"{frame_old:.0f}{plain_text} / {frame_new:.0f} ({frame_cold:.0f}) | "
        f"{total_old:.0f} / {total_new:.0f} "
        f"({total_new / total_old:.2f}x) | {wall_new:.0f} | {same} |"
    )


def cold(doc: Document) -> dict[str, Any]:
    """The document written by a writer that has seen none of its IRIs (a page nobody has
    asked for since the server started: its claims' and evidence's IRIs are new)."""
    remembered = compaction.compactor(doc.base)
    for memo in (remembered.ids, remembered.vocabs, remembered.refs):
        memo.clear()
    return Document.data.func(doc)  # type: ignore[attr-defined,no-any-return]


def seed_store() -> Store:
    """The seed project built in memory (the repository's own data)."""
    root = Path(__file__).resolve().parents[1]
    store = open_store("oxigraph:", root)
    build_into(store, load_settings(env={}, root=str(root), store="oxigraph:"))
    return store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="an oxigraph store folder (default: the seed)")
    ap.add_argument("--entity", action="append", help="CURIE (default: ALS, MONDO:0004976)")
    ap.add_argument("--pages", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--plain", action="store_true", help="also time pyld's plain path")
    args = ap.parse_args()
    if args.store:
        store: Store = OxigraphStore.open_read_only(
            args.store, f"oxigraph:{args.store}", "a bench reads it"
        )
    else:
        store = seed_store()
    docs = Recorded(store, "https://w3id.org/medkg/", page_size=50, page_bytes=1_000_000)
    print(
        "| entity | page | triples | graph ms old / new | frame ms old (plain pyld) / new (new IRIs) "
        "| document ms old / new | wall ms new | same bytes |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for curie in args.entity or ["MONDO:0004976"]:
        last = docs.entity(curie).page
        for page in range(1, min(args.pages, last.last if last else 1) + 1):
            print(measure(docs, curie, page, args.repeat, args.plain), flush=True)
    store.close()


if __name__ == "__main__":
    main()
