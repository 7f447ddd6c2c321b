"""Soak: C clients for D seconds, R of them sending runaway queries, against ``medkg serve``.

    python -m bench.soak --corpus DIR [--clients 64] [--seconds 120] [--runaways 0 4]
                         [--phase 30] [--limit 2] [--set NAME=VALUE ...] [--wsgi granian]

DIR is a synthetic corpus built beforehand (never in the repository)::

    medkg synth --claims 10000 --seed 1 --out DIR
    medkg --root DIR build --bulk          # the store: DIR/.medkg/store

One server (``medkg serve`` on 127.0.0.1, query limit ``--limit`` s, settings from ``--set``
as ``MEDKG_*``) is warmed up, then C - max(R) cheap clients cycle through four kinds of request
(an entity query on /sparql, the named entity query, an entity document as JSON-LD, an
entity's graph neighbours) over a Zipf mix of diseases for the whole run, while phases of
``--phase`` seconds take the runaway counts in turn (0, 4, 0, 4, ... for ``D`` seconds each):
in a phase with R, R clients send a runaway cross join back to back (its LIMIT varies; a
429's Retry-After is honoured). Alternating phases on one server put R = 0 and R = 4 side by
side under the same load from the rest of a shared machine. Each client has a keep-alive
connection from its own loopback address (127.0.0.2, 127.0.0.3, ...), so admission control
sees C clients. It prints errors by status and message, p50/p99 per kind for each R, runaway
answers, /metrics, the server tree's RSS (first vs last quarter of the run), and per phase the
cheap requests' p99 beside the load average and the CPU cores used by the server tree, by the
clients and by the rest of the machine (it is shared: a slow phase shows whose it was). Not
part of CI; run it under ``nice``.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.scale import entity_query, free_port
from bench.soak_report import KINDS, Run, Sample, phases, quarters, report, tick
from medkg.queries import find_query

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[1]
ACCEPT = "application/sparql-results+json"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }} LIMIT {n}"
#: documents and neighbours are built in the web process (an entity document at 10k claims
#: costs 1.5-3 s of CPU the first time, then comes from the document cache), so they are asked
#: for this many entities, warmed up before the clock starts; the queries, run by the workers,
#: for the whole mix
HEAD = 20


def diseases(n: int = 500, seed: int = 7) -> list[str]:
    """CURIEs of diseases drawn as ``synth`` draws them (Zipf over its MONDO pool)."""
    from medkg.synth import pools

    rng, mondo = random.Random(seed), pools()["MONDO"]
    return [mondo.draw(rng) for _ in range(n)]


def cheap_paths(curies: list[str], head: int = HEAD) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(kind, path, headers) of cheap requests, the four kinds in turn, entities at random (for
    documents and neighbours, among the first ``head`` distinct ones: see HEAD)."""
    from rdflib import URIRef

    from medkg.store.rewrite import bind_values
    from medkg.vocab import curie_to_iri

    named = find_query(ROOT, "claims-about-entity")
    rng = random.Random()
    first = list(dict.fromkeys(curies))[:head]
    for i in itertools.count():
        kind = KINDS[i % len(KINDS)]
        curie = rng.choice(curies if kind in ("sparql", "named") else first)
        if kind == "sparql":
            text = bind_values(named.text, {"entity": URIRef(curie_to_iri(curie))})
            yield kind, "/sparql?" + urlencode({"query": text}), {"Accept": ACCEPT}
        elif kind == "named":
            path = "/api/queries/claims-about-entity?" + urlencode({"entity": curie})
            yield kind, path, {"Accept": ACCEPT}
        elif kind == "document":
            yield kind, f"/entity/{quote(curie)}", {"Accept": "application/ld+json"}
        else:
            yield kind, f"/api/graph/neighbours/{quote(curie)}", {"Accept": "application/json"}


def runaway_paths() -> Iterator[tuple[str, str, dict[str, str]]]:
    for n in itertools.count(1):
        text = RUNAWAY.format(n=n % 97 + 1)
        yield "runaway", "/sparql?" + urlencode({"query": text}), {"Accept": ACCEPT}


def client(
    port: int, address: str, requests: Iterator[tuple[str, str, dict[str, str]]], run: Run,
    start: float, deadline: float, active: Callable[[float], int],
    rank: int | None = None,
) -> None:  # fmt: skip
    """One keep-alive connection from ``address``, requests back to back until ``deadline``;
    a runaway client (``rank`` r) sends only while ``active(at)`` says more than r are on."""

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(
            "127.0.0.1", port, timeout=120, source_address=(address, 0)
        )

    conn = connect()
    try:
        for kind, path, headers in requests:
            while rank is not None and active(time.monotonic() - start) <= rank:
                if time.monotonic() >= deadline:
                    return
                time.sleep(0.1)
            if time.monotonic() >= deadline:
                return
            t0 = time.monotonic()
            retry_after = 0.0
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                status = response.status
                error = "" if status < 300 else error_text(body)
                if status == 429:
                    retry_after = float(response.getheader("Retry-After") or 1)
            except (OSError, http.client.HTTPException) as e:
                status, error = 0, type(e).__name__
                conn.close()
                conn = connect()
            at = t0 - start
            run.add(Sample(kind, status, time.monotonic() - t0, at, error, active(at)))
            if retry_after:
                time.sleep(max(0.0, min(retry_after, deadline - time.monotonic())))
    finally:
        conn.close()


def error_text(body: bytes) -> str:
    """The ``error`` of a JSON error body, with numbers as N (to count errors by kind)."""
    import json
    import re

    try:
        message = str(json.loads(body).get("error", ""))
    except (ValueError, AttributeError):
        message = body[:80].decode("utf-8", "replace")
    return re.sub(r"[0-9.]+", "N", message)[:90]


@contextmanager
def server(
    corpus: Path, limit: float, settings: dict[str, str], wsgi: str = "waitress"
) -> Iterator[tuple[int, int]]:
    """``medkg serve`` (waitress) over the corpus on a free port, or the same app under
    granian (``wsgi``); yields (port, pid), stops it after."""
    port = free_port()
    env = {
        **os.environ,
        "MEDKG_ROOT": str(corpus),
        "MEDKG_STORE": f"oxigraph:{corpus / '.medkg' / 'store'}",
        "MEDKG_QUERY_TIMEOUT": str(limit),
        "MEDKG_LOG_LEVEL": "WARNING",
        **{f"MEDKG_{k.upper()}": v for k, v in settings.items()},
    }
    log = (corpus / f"soak-server-{port}.log").open("w")
    command = [str(BIN / "medkg"), "serve", "--port", str(port)]
    if wsgi == "granian":  # one process (it opens the store), the app's settings from MEDKG_*
        threads = settings.get("threads", "16")
        command = [str(BIN / "granian"), "--interface", "wsgi", "--factory", "--workers", "1",
                   "--blocking-threads", threads, "--host", "127.0.0.1", "--port", str(port),
                   "--log-level", "warning", "medkg.web:create_app"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=log, stderr=log, env=env)
    try:
        deadline = time.monotonic() + 300
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"medkg serve did not start; see {log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)
        log.close()


def warm_up(port: int, curies: list[str]) -> float:
    """Start the workers, build the graph projection, ask for the document and the
    neighbours of each entity of the head once, and the two queries of every entity of the
    mix: the run measures the steady state, not the first build of each document or the
    first answer of each query (which fell in the first phase, always one without runaways).
    Returns the seconds it took."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request(
        "GET", "/sparql?" + urlencode({"query": entity_query()}), headers={"Accept": ACCEPT}
    )
    conn.getresponse().read()
    for i, curie in enumerate(dict.fromkeys(curies)):
        for kind, path, headers in itertools.islice(cheap_paths([curie]), len(KINDS)):
            if kind in ("sparql", "named") or i < HEAD:
                conn.request("GET", path, headers=headers)
                conn.getresponse().read()
    conn.close()
    return time.monotonic() - started


def soak(corpus: Path, clients: int, seconds: float, plan: list[int], phase: float,
         limit: float, settings: dict[str, str], wsgi: str = "waitress") -> Run:  # fmt: skip
    """One server; phases of ``phase`` seconds take the runaway counts of ``plan`` in turn
    (``seconds`` for each count in all), with C - max(plan) cheap clients all along."""
    curies = diseases()
    run = Run(max(plan))
    rounds = max(1, round(seconds / phase))
    total = phase * rounds * len(plan)

    def active(at: float) -> int:
        return plan[int(at // phase) % len(plan)] if at < total else 0

    with server(corpus, limit, settings, wsgi) as (port, pid):
        print(f"warm-up: {warm_up(port, curies):.0f} s", flush=True)
        start = time.monotonic()
        deadline = start + total
        threads = []
        for i in range(clients):
            address = f"127.0.{(i + 2) // 256}.{(i + 2) % 256}"
            wild = i < max(plan)
            requests = runaway_paths() if wild else cheap_paths(curies)
            args = (port, address, requests, run, start, deadline, active, i if wild else None)
            threads.append(threading.Thread(target=client, args=args, daemon=True))
        for t in threads:
            t.start()
        while time.monotonic() < deadline:
            run.ticks.append(tick(time.monotonic() - start, pid))
            time.sleep(1.0)
        for t in threads:
            t.join(timeout=limit + 130)
        run.metrics = server_metrics(port)
    return run


def server_metrics(port: int) -> list[str]:
    """The lines of /metrics about lanes, workers, admission and the result cache."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode("utf-8")
    keep = (
        "medkg_query_",
        "medkg_admission",
        "medkg_result_cache_hits",
        "medkg_result_cache_misses",
    )
    return [line for line in text.splitlines() if line.startswith(keep)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--runaways", type=int, nargs="+", default=[0, 4])
    ap.add_argument("--limit", type=float, default=2.0, help="query_timeout of the server")
    ap.add_argument("--phase", type=float, default=30.0,
                    help="seconds of each phase; the phases take the runaway counts in turn")  # fmt: skip
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a setting of the server, e.g. threads=16")  # fmt: skip
    ap.add_argument("--wsgi", choices=["waitress", "granian"], default="waitress",
                    help="the HTTP server: medkg serve's waitress, or granian (pip install "
                    "medkg[bench]) running the same app")  # fmt: skip
    args = ap.parse_args()
    settings = dict(s.split("=", 1) for s in args.set)
    print(f"soak: {args.clients} clients, {args.seconds:g} s per runaway count in phases of "
          f"{args.phase:g} s, query limit {args.limit:g} s, "
          f"settings {settings or 'default'}, {args.wsgi}, on {args.corpus}")  # fmt: skip
    run = soak(args.corpus, args.clients, args.seconds, args.runaways, args.phase, args.limit,
               settings, args.wsgi)  # fmt: skip
    rows = [(r, report(run, r, args.seconds)) for r in args.runaways]
    print("\n/metrics at the end:")
    for line in run.metrics:
        print(f"  {line}")
    first, last = quarters(run.ticks)
    print(f"server tree RSS: first quarter {first:.0f} MiB, last quarter {last:.0f} MiB "
          f"({last / first:.2f}x), peak {max(t.rss for t in run.ticks) / 2**20:.0f} MiB")  # fmt: skip
    phases(run, args.runaways, args.phase)
    print("\n| runaways | cheap requests | cheap errors | cheap p50 ms | cheap p99 ms | "
          "runaways: 503 / 429 / all |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for r, m in rows:
        print(f"| {r} | {m['cheap']:.0f} | {m['failed']:.0f} | {m['p50']:.0f} | {m['p99']:.0f} | "
              f"{m['runaway_503']:.0f} / {m['runaway_429']:.0f} / {m['runaways']:.0f} |")  # fmt: skip
    if len(rows) > 1 and rows[0][1]["p99"] > 0:
        print(f"cheap p99 ratio R={rows[-1][0]} / R={rows[0][0]}: "
              f"{rows[-1][1]['p99'] / rows[0][1]['p99']:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
