"""CPU per entity document in process, beside the plain pyld path it replaced (same run).

    python -m bench.framing --store CORPUS/.medkg/store [--entity MONDO:0004976] [--repeat 5]

Opens the store read-only (a server may hold it). For each page: the CPU of building the
graph (SPARQL and the summary index), of framing it (medkg's path, then pyld's plain path:
N-Triples text, the whole graph to every frame, no remembered IRIs) and of the JSON text;
the two framings must give the same text.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from pyld import jsonld as pyld
from pyld.nquads import parse_nquads
from rdflib import Graph

from medkg.documents import Document, Documents
from medkg.rdf import frames, jsonld
from medkg.rdf.framing import Expanded
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
    return frames.assemble(doc.graph, doc.iri, doc.kind, doc.base, doc.claim_groups)


def plain_assemble(doc: Document) -> dict[str, Any]:
    with (
        mock.patch.object(jsonld, "to_expanded", plain_expanded),
        mock.patch.object(jsonld, "frame", plain_frame),
    ):
        return assemble(doc)


def cpu_ms(work: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Mean CPU milliseconds of ``work`` over ``repeat`` runs, and its last result."""
    start, out = time.process_time(), None
    for _ in range(repeat):
        out = work()
    return (time.process_time() - start) / repeat * 1000, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True, help="an oxigraph store folder")
    ap.add_argument("--entity", action="append", help="CURIE (default: ALS, MONDO:0004976)")
    ap.add_argument("--pages", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    store = OxigraphStore.open_read_only(args.store, f"oxigraph:{args.store}", "a bench reads it")
    docs = Documents(store, "https://w3id.org/medkg/", page_size=50, page_bytes=1_000_000)
    print("| entity | page | triples | graph ms | frame ms (plain pyld) | JSON ms | same |")
    print("|---|---|---|---|---|---|---|")
    for curie in args.entity or ["MONDO:0004976"]:
        for page in range(1, args.pages + 1):
            graph_ms, doc = cpu_ms(lambda: docs.entity(curie, page), args.repeat)  # noqa: B023
            fast_ms, fast = cpu_ms(lambda: assemble(doc), args.repeat)  # noqa: B023
            plain_ms, plain = cpu_ms(lambda: plain_assemble(doc), args.repeat)  # noqa: B023
            json_ms, _ = cpu_ms(lambda: jsonld.dumps(fast), args.repeat)  # noqa: B023
            same = json.dumps(fast) == json.dumps(plain)
            print(
                f"| {curie} | {page} | {len(doc.graph):,} | {graph_ms:.0f} | "
                f"{fast_ms:.0f} ({plain_ms:.0f}) | {json_ms:.0f} | {same} |"
            )
    store.close()


if __name__ == "__main__":
    main()
