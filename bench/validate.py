"""Time the curator's loop on the seed: build, the inferred graph, each validate check.

Run: .venv/bin/python -m bench.validate   (prints a table; no assertions, no thresholds)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from medkg.build import build_dataset, shapes_path
from medkg.config import load_settings
from medkg.consistency import check_owl
from medkg.rdf.ontology import read_turtle
from medkg.reasoning import _hermit
from medkg.shacl import check_shapes
from medkg.validate import Inputs, node_locations, read_inputs, validate_project
from medkg.vocab import Minter

ROOT = Path(__file__).resolve().parents[1]


def timed(fn: Callable[[], object], runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    settings = load_settings(env={}, root=str(ROOT), store="memory:")
    built = build_dataset(settings)
    inputs = Inputs(settings)
    list(read_inputs(inputs))
    shapes = read_turtle(shapes_path(ROOT))
    places = node_locations(built, Minter())

    def owl_cold() -> None:
        _hermit.cache_clear()
        list(check_owl(inputs.ontology_files, inputs.ontology, built.claims))

    rows = [
        ("build_dataset (incl. inferred graph)", timed(lambda: build_dataset(settings))),
        ("read + parse inputs", timed(lambda: list(read_inputs(Inputs(settings))))),
        ("SHACL (pySHACL)", timed(lambda: check_shapes(shapes, built.union(), places))),
        ("OWL: HermiT, cold", timed(owl_cold)),
        (
            "OWL: HermiT, cached",
            timed(lambda: list(check_owl(inputs.ontology_files, inputs.ontology, built.claims))),
        ),
        ("validate_project (all checks, cached HermiT)", timed(lambda: validate_project(settings))),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"{'step'.ljust(width)} | seconds")
    print(f"{'-' * width}-+--------")
    for name, secs in rows:
        print(f"{name.ljust(width)} | {secs:7.3f}")
    print(f"\n{built.quad_count()} quads, {len(built.claims)} claims")


if __name__ == "__main__":
    main()
