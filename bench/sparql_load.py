"""Load /sparql with a named entity query and compare with ``oxigraph serve`` on the same data.

Bounded and loopback only: both servers listen on 127.0.0.1, each level sends at most
``--requests`` requests or runs ``--seconds`` seconds, and everything started is stopped.

    .venv/bin/python -m bench.sparql_load [--requests 400] [--seconds 15] [--clients 1,8,32]

Prints requests/s, p50 and p99 per concurrency level for both servers and medkg's ratio to
Oxigraph (throughput ratio above 1 and latency ratio below 1 mean medkg is faster).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.http_load import LoadResult, run_load

ROOT = Path(__file__).resolve().parents[1]
ENTITY = "MONDO:0004976"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def queries() -> dict[str, str]:
    """The founding named query bound to one entity (the way the API binds it), and a light
    lookup of the entity's own triples (shows the fixed cost per request)."""
    from medkg.queries import find_query
    from medkg.vocab import curie_to_iri

    iri = curie_to_iri(ENTITY)
    founding = find_query(ROOT, "als-demyelinating-or-axonal").text
    return {
        "founding": founding + f"\nVALUES ?disease {{ <{iri}> }}\n",
        "entity": f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}",
    }


def row_count(port: int, path: str, query: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", path, body=urllib.parse.urlencode({"query": query}),
                 headers={"Content-Type": "application/x-www-form-urlencoded",
                          "Accept": "application/sparql-results+json"})  # fmt: skip
    return len(json.loads(conn.getresponse().read())["results"]["bindings"])


def prepare(work: Path) -> tuple[Path, Path]:
    """Build the seed into a medkg store, and load the same quads into an Oxigraph store."""
    from medkg.build import build_into
    from medkg.config import load_settings
    from medkg.store.oxigraph import OxigraphStore

    settings = load_settings(env={}, root=str(ROOT))
    medkg_dir, oxigraph_dir, dump = work / "medkg", work / "oxigraph", work / "data.nq"
    store = OxigraphStore.open(str(medkg_dir), root=work, selector=f"oxigraph:{medkg_dir}")
    build_into(store, settings)
    store.ox.dump(str(dump), format=__import__("pyoxigraph").RdfFormat.N_QUADS)
    store.close()
    del store
    oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    subprocess.run(
        [oxigraph, "load", "--location", str(oxigraph_dir), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    return medkg_dir, oxigraph_dir


def wait_ready(port: int, path: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on {port} exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on {port} did not start")


def start_medkg(store: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "MEDKG_ROOT": str(ROOT), "MEDKG_STORE": f"oxigraph:{store}",
           "MEDKG_LOG_LEVEL": "WARNING"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "medkg", "serve", "--port", str(port)],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_ready(port, "/health", proc)
    return proc


def start_oxigraph(store: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
    proc = subprocess.Popen(
        # the dump holds medkg's stored union as the default graph: no --union-default-graph
        [oxigraph, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_ready(port, "/", proc)
    return proc


def load(port: int, path: str, query: str, clients: int, total: int, seconds: float) -> LoadResult:
    """``clients`` keep-alive connections send the query until ``total`` or ``seconds``."""
    return run_load(f"http://127.0.0.1:{port}{path}", query, clients, seconds, max_requests=total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per level, at most")
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds per level, at most")
    parser.add_argument("--clients", default="1,8,32", help="concurrency levels")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    work = Path(tempfile.mkdtemp(prefix="medkg-bench-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        medkg_dir, oxigraph_dir = prepare(work)
        medkg_port, oxigraph_port = free_port(), free_port()
        procs.append(start_medkg(medkg_dir, medkg_port, work / "medkg.log"))
        procs.append(start_oxigraph(oxigraph_dir, oxigraph_port, work / "oxigraph.log"))
        targets = [("medkg", medkg_port, "/sparql"), ("oxigraph", oxigraph_port, "/query")]
        for label, query in queries().items():
            counts = {name: row_count(port, path, query) for name, port, path in targets}
            if len(set(counts.values())) != 1:
                raise SystemExit(f"the servers disagree on {label}: {counts}")
            for _name, port, path in targets:  # warm up (workers, caches)
                load(port, path, query, 2, 20, 30)
            results: dict[tuple[str, int], LoadResult] = {}
            for clients in levels:
                for name, port, path in targets:
                    results[name, clients] = load(
                        port, path, query, clients, args.requests, args.seconds
                    )
            print_table(f"{label} query, {counts['medkg']} rows", results, levels)
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)


def print_table(title: str, results: dict[tuple[str, int], LoadResult], levels: list[int]) -> None:
    print(f"\n{title} ({ENTITY}), GET, JSON results, loopback")
    print(f"{'server':<9} {'clients':>7} {'requests':>8} {'errors':>6} {'req/s':>8} "
          f"{'p50 ms':>8} {'p99 ms':>8}")  # fmt: skip
    for clients in levels:
        for name in ("medkg", "oxigraph"):
            r = results[name, clients]
            print(f"{name:<9} {clients:>7} {r.requests:>8} {r.errors:>6} {r.rate:>8.1f} "
                  f"{r.percentile(50) * 1000:>8.2f} {r.percentile(99) * 1000:>8.2f}")  # fmt: skip
    print("\nmedkg / oxigraph")
    print(f"{'clients':>7} {'req/s ratio':>12} {'p50 ratio':>10} {'p99 ratio':>10}")
    for clients in levels:
        m, o = results["medkg", clients], results["oxigraph", clients]
        rps = m.rate / o.rate if o.rate else float("nan")
        p50 = m.percentile(50) / o.percentile(50)
        p99 = m.percentile(99) / o.percentile(99)
        print(f"{clients:>7} {rps:>12.2f} {p50:>10.2f} {p99:>10.2f}")


if __name__ == "__main__":
    main()
