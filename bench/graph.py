"""How the claim-graph projection and its questions scale: the seed copied K times.

Each copy renames every entity, claim and evidence IRI except ALS, so the copies meet at one hub
(the hardest case for paths). Prints a table; run with ``.venv/bin/python -m bench.graph``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from medkg import graph
from medkg.build import build_dataset
from medkg.config import load_settings
from medkg.store import open_store
from medkg.vocab import OBO

ROOT = Path(__file__).resolve().parents[1]
HUB = OBO + "MONDO_0004976"
RENAMED = (OBO, "https://w3id.org/medkg/claim/", "https://w3id.org/medkg/evidence/")


def renamer(i: int) -> Callable[[Node], Node]:
    def rename(term: Node) -> Node:
        text = str(term)
        if i and isinstance(term, URIRef) and text.startswith(RENAMED) and text != HUB:
            base, sep, frag = text.partition("#")
            return URIRef(f"{base}-{i}{sep}{frag}")
        return term

    return rename


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000, out


def main(copies: list[int]) -> None:
    settings = load_settings(env={}, root=str(ROOT), store="oxigraph:")
    built = build_dataset(settings)
    print(f"{'copies':>6} {'claims':>7} {'quads':>8} {'project ms':>11} {'path ms':>8} "
          f"{'neigh ms':>9} {'central ms':>11}")  # fmt: skip
    for k in copies:
        store = open_store("oxigraph:", ROOT)
        graphs = {}
        for g, quads in built.graphs.items():
            reps = range(k) if "/graph/source/" in str(g) or str(g).endswith("qc") else [0]
            graphs[g] = [
                (r(s), r(p), r(o), g) for i in reps for r in [renamer(i)] for s, p, o, _ in quads
            ]
        store.replace_graphs(graphs)
        project_ms, cg = timed(lambda s=store: graph.ClaimGraph.from_store(s))
        path_ms, _ = timed(lambda c=cg: graph.paths(c, "MONDO:0004976", "HP:0007305", 5))
        neigh_ms, _ = timed(lambda c=cg: graph.neighbours(c, "MONDO:0004976", 2))
        central_ms, _ = timed(lambda c=cg: graph.central(c, 10))
        print(f"{k:>6} {cg.graph.number_of_edges():>7} {store.count():>8} {project_ms:>11.1f} "
              f"{path_ms:>8.1f} {neigh_ms:>9.1f} {central_ms:>11.1f}")  # fmt: skip


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1, 10, 100])
