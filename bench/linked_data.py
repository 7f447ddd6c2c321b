"""Time linked-data documents and dumps in process: one row per resource and format.

Run: .venv/bin/python -m bench.linked_data
"""

from __future__ import annotations

import time
from pathlib import Path

from medkg.config import load_settings
from medkg.model import Claim
from medkg.web import create_app

ROOT = Path(__file__).resolve().parents[1]
CLAIM = Claim("MONDO:0004976", "rdfs:subClassOf", "MONDO:0002562", negated=True).key
PATHS = {
    "entity ALS": "/entity/MONDO:0004976",
    "claim": f"/claim/{CLAIM}",
    "article": "/article/als-demyelinating-or-axonal",
    "reference": "/reference/als-demyelinating-or-axonal-1",
    "nanopubs": "/article/als-demyelinating-or-axonal/nanopubs",
}
FORMATS = ("jsonld", "ttl", "nt", "rdfxml", "html")


def timed(client, path: str, repeat: int = 5) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """First (cold: built and framed) and best later (warm: the response cache) times in ms."""
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(client.get(path).data)  # a streamed body is read here
        times.append((time.perf_counter() - start) * 1000)
    return times[0], min(times[1:]), size


def main() -> None:
    settings = load_settings(env={}, root=str(ROOT), store="oxigraph:")
    client = create_app(settings).test_client()
    print(f"{'resource':<12} {'format':<7} {'cold ms':>8} {'warm ms':>8} {'bytes':>9}")
    for name, path in PATHS.items():
        fmts = ("trig", "nq", "jsonld") if name == "nanopubs" else FORMATS
        for fmt in fmts:
            cold, warm, size = timed(client, f"{path}?format={fmt}")
            print(f"{name:<12} {fmt:<7} {cold:>8.1f} {warm:>8.1f} {size:>9}")
    for fmt in ("nq", "trig", "jsonld", "ttl", "nt"):
        cold, warm, size = timed(client, f"/dump?format={fmt}", repeat=3)
        print(f"{'dump':<12} {fmt:<7} {cold:>8.1f} {warm:>8.1f} {size:>9}")


if __name__ == "__main__":
    main()
