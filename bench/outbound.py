"""What the two outbound walls cost: the pre-filter, the engine's reading of SERVICE / LOAD, the
seccomp filter, and a query handed to a sandboxed thread. Prints a table; run with
``.venv/bin/python -m bench.outbound``.
"""

from __future__ import annotations

import io
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

from medkg.build import build_into
from medkg.config import load_settings
from medkg.endpoint.algebra import rdflib_targets
from medkg.endpoint.explain import oxigraph_services
from medkg.endpoint.job import Job, run_job
from medkg.endpoint.outbound import might_reach_out
from medkg.endpoint.sandbox import deny_network, run_sandboxed
from medkg.formats import by_name
from medkg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
PLAIN = (ROOT / "queries" / "als-demyelinating-or-axonal.rq").read_text()
WITH_SERVICE = "PREFIX : <http://127.0.0.1:9/> SELECT * { ?s ?p ?o SERVICE:x { ?s ?p ?o } }"
ENTITY = "SELECT * { <http://purl.obolibrary.org/obo/MONDO_0004976> ?p ?o }"


def per_call(fn: Callable[[], object], runs: int) -> float:
    """Median seconds of one call, over ``runs`` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def start_join(target: Callable[[], object]) -> None:
    t = threading.Thread(target=target)
    t.start()
    t.join()


def filter_load() -> None:
    start_join(deny_network)


def main() -> None:
    store = open_store("oxigraph:", ROOT)
    build_into(store, load_settings(env={}, root=str(ROOT), store="oxigraph:"))
    job = Job(ENTITY, formats={"results": by_name("json")})

    def query() -> object:
        return run_job(store, job, io.BytesIO())

    rows = [
        ("pre-filter, a named query (no keyword)", per_call(lambda: might_reach_out(PLAIN, False), 2000)),
        ("Oxigraph's plan (oxigraph query --explain-file)", per_call(lambda: run_sandboxed(oxigraph_services.__wrapped__, WITH_SERVICE), 30)),
        ("the same text again (cached)", per_call(lambda: run_sandboxed(oxigraph_services, WITH_SERVICE), 30)),
        ("rdflib's algebra", per_call(lambda: rdflib_targets(WITH_SERVICE, False), 100)),
        ("a new thread loading the filter (start to join)", per_call(filter_load, 200)),
        ("a new thread doing nothing (start to join)", per_call(lambda: start_join(int), 200)),
        ("an entity query, in the request thread", per_call(query, 300)),
        ("the same, on a sandboxed thread", per_call(lambda: run_sandboxed(query), 300)),
        ("an empty call on a sandboxed thread", per_call(lambda: run_sandboxed(int), 2000)),
    ]  # fmt: skip
    for name, seconds in rows:
        print(f"{name:<50} {seconds * 1000:9.3f} ms")


if __name__ == "__main__":
    main()
