"""Scale bench: load rate and HTTP throughput of medkg vs ``oxigraph`` vs rdflib-endpoint.

Its headline is ``bench.head``: a Zipf mix over the 200 most-claimed subjects, uncached, 8
clients, for the entity document, the named query's first page and the entity page, beside
``oxigraph serve`` running the equivalent query; the rank-50 entity query, the mix of 2,000
diseases and the founding query (bound to ALS, the head disease) follow as secondary rows.

    python -m bench.scale --claims 10000 [100000 1000000] [--seconds 5] [--workdir DIR]

For each corpus size it synthesises a corpus (``medkg synth``), bulk-builds it (``medkg build
--bulk``, keeping the N-Quads), loads the same N-Quads file with ``oxigraph load``, then serves
the data with ``medkg serve``, ``oxigraph serve-read-only`` and (when its memory allows)
``rdflib-endpoint serve``, and drives each with 1, 8 and 32 clients sending the named entity
query (for one entity, then for a Zipf mix of 2,000 that caches cannot answer from memory) and
the founding query. It prints one table per size and the target ratios. Everything
listens on 127.0.0.1 and is stopped at the end. Run it under ``nice``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from rdflib import URIRef

from bench.head import head_mix
from bench.http_load import ACCEPT, PeakRss, run_load
from medkg.queries import find_query
from medkg.store.rewrite import bind_values
from medkg.summaries import FILE_NAME

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ALS = "http://purl.obolibrary.org/obo/MONDO_0004976"
#: the entity of the entity query: rank 50 of the synthetic MONDO Zipf pool (``synth.pools``),
#: so about 0.2% of claims (17 at 10k, 1.7k at 1M); ALS, rank 1, is in about 15% of them
ENTITY = "http://purl.obolibrary.org/obo/MONDO_9000044"
#: rdflib-endpoint took over 3 minutes to load the 10k corpus (0.3M quads, 0.6M lines with the
#: stored union) and ~1.7 KiB per quad; past this many quads it is not started
RDFLIB_MAX_QUADS = 1_000_000
CLIENTS = (1, 8, 32)
PATHS = ("corpus", "nq", "medkg_store", "ox_store")
#: a query whose single request takes longer on `oxigraph serve` is not load-tested anywhere
PROBE_SECONDS = 20


def founding_query() -> str:
    named = find_query(ROOT, "als-demyelinating-or-axonal")
    bound = {"disease": URIRef(ALS)}
    return bind_values(named.bound_text(bound), bound)


def entity_query() -> str:
    """The named query ``claims-about-entity``, bound the way every server can take it."""
    named = find_query(ROOT, "claims-about-entity")
    bound = {"entity": URIRef(ENTITY)}
    return bind_values(named.bound_text(bound), bound)


def entity_mix(n: int = 2000, seed: int = 7) -> list[str]:
    """The entity query for ``n`` diseases drawn as the corpus draws them (Zipf over the MONDO
    pool), so requests rarely repeat one another back to back: what result caches, RocksDB's
    block cache and the page cache give a repeated query, a mix of entities mostly does not get.
    """
    import random

    from medkg.synth import pools
    from medkg.vocab import curie_to_iri

    rng, mondo = random.Random(seed), pools()["MONDO"]
    named = find_query(ROOT, "claims-about-entity")
    bound = [{"entity": curie_to_iri(mondo.draw(rng))} for _ in range(n)]
    return [bind_values(named.bound_text(b), b) for b in bound]


def probe_failure(url: str, query: str) -> str:
    """Why one request fails: its status and the first line of its body (or the timeout)."""
    try:
        r = requests.get(
            url, params={"query": query}, headers={"Accept": ACCEPT}, timeout=PROBE_SECONDS
        )
    except requests.Timeout:
        return f"one request did not finish in {PROBE_SECONDS}s"
    except requests.RequestException as e:
        return f"one request failed: {e}"
    if r.ok:
        return f"one request took over {PROBE_SECONDS}s"
    return f"{r.status_code}: {r.text.strip().splitlines()[0][:160] if r.text.strip() else ''}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(cmd: list[str], **kwargs: object) -> tuple[float, int, str]:
    """Run a command; return its wall time, peak RSS and output."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs
    )  # type: ignore[call-overload]
    rss = PeakRss(proc.pid)
    out, _ = proc.communicate()
    peak = rss.stop()
    if proc.returncode:
        raise RuntimeError(f"{cmd[:3]} failed:\n{out[-2000:]}")
    return time.perf_counter() - started, peak, out


def optimize(ox_store: Path) -> float:
    """Compact the store ``oxigraph load`` made, outside the timed load: uncompacted, it
    answered the entity query at 100k claims in 64 ms against 21 ms after `oxigraph optimize`
    (medkg's store answered in 22 ms), which would flatter medkg."""
    seconds, _, _ = timed([str(BIN / "oxigraph"), "optimize", "--location", str(ox_store)])
    return seconds


def prepare(n: int, workdir: Path, reuse: bool = False) -> dict[str, object]:
    """Synthesise, bulk-build with medkg, and load the same N-Quads with ``oxigraph load``.

    With ``reuse``, the stores and timings of an earlier run of the same size are taken as they
    are (to repeat only the HTTP part)."""
    corpus = workdir / f"corpus-{n}"
    saved = corpus / "prepare.json"
    if reuse and saved.exists():
        shutil.copytree(ROOT / "queries", corpus / "queries", dirs_exist_ok=True)  # the CLI's
        prep: dict[str, object] = json.loads(saved.read_text())
        prep = {k: Path(v) if k in PATHS else v for k, v in prep.items()}
        if "ox_optimize_s" not in prep:  # stores of a run from before the bench optimised them
            prep["ox_optimize_s"] = optimize(Path(str(prep["ox_store"])))
            saved.write_text(json.dumps({k: str(v) if k in PATHS else v for k, v in prep.items()}))
        return prep
    if not (corpus / "data" / "claims").is_dir():
        timed(
            [str(BIN / "medkg"), "synth", "--claims", str(n), "--seed", "1", "--out", str(corpus)]
        )
    shutil.copytree(ROOT / "queries", corpus / "queries", dirs_exist_ok=True)  # the CLI's
    nq, medkg_store, ox_store = corpus / "dataset.nq", corpus / "medkg-store", corpus / "ox-store"
    for d in (medkg_store, ox_store):
        shutil.rmtree(d.resolve(), ignore_errors=True)  # medkg's store is a link to its version
        for beside in (d, *d.parent.glob(d.name + ".*")):
            if beside.is_symlink():
                beside.unlink()
            else:
                shutil.rmtree(beside, ignore_errors=True)
    build_s, build_rss, out = timed(
        [
            str(BIN / "medkg"),
            "--root",
            str(corpus),
            "--store",
            f"oxigraph:{medkg_store}",
            "build",
            "--bulk",
            "--nquads",
            str(nq),
        ]
    )
    line = next(x for x in out.splitlines() if x.startswith("bulk-built"))
    summaries_s = first_pages_s = 0.0
    for said in out.replace("\r", "\n").splitlines():  # where the load's time goes
        if "INFO medkg.store.oxigraph: " in said:
            print(f"medkg build: {said.partition('INFO medkg.store.oxigraph: ')[2]}", flush=True)
        if "wrote the entity summaries in " in said:  # the first pages included
            summaries_s = float(said.split("summaries in ")[1].split("s")[0])
        if "first pages of " in said and "materialized " in said:
            first_pages_s = float(said.split(" entities in ")[1].split("s")[0])
            print(f"medkg build: {said.partition('materialized ')[2]}", flush=True)
    quads = int(line.split()[1])
    encode_s = float(line.split("encode ")[1].split("s")[0])
    load_s = float(line.split("load ")[1].split("s")[0])
    ox_s, ox_rss, _ = timed(
        [str(BIN / "oxigraph"), "load", "--location", str(ox_store), "--file", str(nq)]
    )
    prep = {
        "ox_optimize_s": optimize(ox_store),
        "corpus": corpus,
        "nq": nq,
        "quads": quads,
        "medkg_store": medkg_store,
        "ox_store": ox_store,
        "build_s": build_s,
        "summaries_s": summaries_s,
        "first_pages_s": first_pages_s,
        "build_rss": build_rss,
        "encode_s": encode_s,
        "load_s": load_s,
        "ox_load_s": ox_s,
        "ox_load_rss": ox_rss,
    }
    saved.write_text(json.dumps({k: str(v) if k in PATHS else v for k, v in prep.items()}))
    return prep


@contextmanager
def serving(cmd: list[str], ready_url: str, env: dict[str, str] | None = None) -> Iterator[PeakRss]:
    log = open(os.devnull, "w")  # noqa: SIM115
    proc = subprocess.Popen(
        cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    rss = None
    try:
        rss = PeakRss(proc.pid)  # inside: a failure here must still stop the server
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited with {proc.returncode}")
            try:
                if requests.get(ready_url, timeout=60).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            raise RuntimeError(f"{cmd[0]} did not become ready")
        yield rss
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        if rss is not None:
            rss.stop()
        log.close()


def servers(
    prep: dict[str, object], rdflib_endpoint: str | None
) -> Iterator[tuple[str, list[str], str, dict[str, str]]]:
    corpus, nq = prep["corpus"], prep["nq"]
    port = free_port()
    yield (
        "oxigraph serve",
        [
            str(BIN / "oxigraph"),
            "serve-read-only",
            "--location",
            str(prep["ox_store"]),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout-s",
            str(PROBE_SECONDS),
        ],
        f"http://127.0.0.1:{port}/query",
        {},
    )
    env = {"MEDKG_ROOT": str(corpus), "MEDKG_STORE": f"oxigraph:{prep['medkg_store']}"}
    port = free_port()
    yield (
        "medkg",
        [str(BIN / "medkg"), "serve", "--port", str(port)],
        f"http://127.0.0.1:{port}/sparql",
        env,
    )
    # the load repeats one query, so the row above is result-cache hits; this one runs each
    port = free_port()
    yield (
        "medkg (no result cache)",
        [str(BIN / "medkg"), "serve", "--port", str(port)],
        f"http://127.0.0.1:{port}/sparql",
        env | {"MEDKG_RESULT_CACHE_MB": "0"},
    )
    if rdflib_endpoint and int(prep["quads"]) <= RDFLIB_MAX_QUADS:  # type: ignore[call-overload]
        port = free_port()
        yield (
            "rdflib-endpoint",
            [rdflib_endpoint, "serve", str(nq), "--host", "127.0.0.1", "--port", str(port)],
            f"http://127.0.0.1:{port}/",
            {},
        )


def bench_size(
    n: int,
    workdir: Path,
    seconds: float,
    rdflib_endpoint: str | None,
    reuse: bool = False,
    during: bool = True,
) -> dict[str, dict[tuple[str, int], object]]:
    prep = prepare(n, workdir, reuse)
    quads = int(prep["quads"])  # type: ignore[call-overload]
    print(
        f"\n## {n:,} claims: {quads:,} quads, N-Quads {Path(str(prep['nq'])).stat().st_size / 2**20:,.0f} MiB"
    )
    print(
        f"medkg build --bulk: {prep['build_s']:.1f}s in all (encode {prep['encode_s']:.1f}s = "
        f"{quads / float(prep['encode_s']):,.0f} quads/s), peak RSS {mib(prep['build_rss'])}"
    )  # type: ignore[arg-type]
    print("| loader | seconds | quads/s | peak RSS |\n|---|---|---|---|")
    print(
        f"| medkg build: load + compaction | {prep['load_s']:.1f} | {quads / float(prep['load_s']):,.0f} | (in build) |"
    )  # type: ignore[arg-type]
    print(
        f"| oxigraph load | {prep['ox_load_s']:.1f} | {quads / float(prep['ox_load_s']):,.0f} | {mib(prep['ox_load_rss'])} |"
    )  # type: ignore[arg-type]
    summaries(prep)
    alone, compacted = load_ratios(prep)
    print(f"then `oxigraph optimize`: {float(prep['ox_optimize_s']):.1f} s")  # type: ignore[arg-type]
    print(f"load ratio medkg / oxigraph load: {alone:.2f}x")
    print(f"load ratio medkg / (oxigraph load + optimize), both compacted: {compacted:.2f}x")
    # the headline: what users ask (bench.head); the rows below are the secondary ones
    head_mix(Path(str(prep["corpus"])), Path(str(prep["medkg_store"])),
             Path(str(prep["ox_store"])), seconds)  # fmt: skip
    queries: dict[str, str | list[str]] = {
        "entity": entity_query(),
        "entity mix": entity_mix(),
        "founding": founding_query(),
    }
    results: dict[str, dict[tuple[str, int], object]] = {}
    print(
        "\n| server | query | clients | req/s | p50 ms | p99 ms | errors |\n|---|---|---|---|---|---|---|"
    )
    for name, cmd, url, env in servers(prep, rdflib_endpoint):
        ready = url + ("?query=ASK%7B%7D" if "?" not in url else "")
        with serving(cmd, ready, env) as rss:
            for qname, query in list(queries.items()):
                first = query if isinstance(query, str) else query[0]
                settled = warm(url, first)
                if settled is None:
                    why = probe_failure(url, first)
                    print(f"| {name} | {qname} | - | {why}: not load-tested | | | |", flush=True)
                    continue
                for clients in CLIENTS:
                    r = run_load(url, query, clients, seconds)
                    results.setdefault(name, {})[(qname, clients)] = r
                    print(
                        f"| {name} | {qname} | {clients} | {r.rate:,.1f} | {r.p50 * 1000:,.1f} | "
                        f"{r.percentile(99) * 1000:,.1f} | {r.errors} |",
                        flush=True,
                    )
            peak = rss.peak
        results.setdefault(name, {})[("rss", 0)] = peak
    if during:
        during_load(prep, entity_query(), seconds)
    print("\n| server | peak RSS |\n|---|---|")
    for name, r in results.items():
        print(f"| {name} | {mib(r[('rss', 0)])} |")  # type: ignore[arg-type]
    ratios(prep, results)
    return results


def summaries(prep: dict[str, object]) -> None:
    """Build time and store size with and without the entity summaries (``medkg.summaries``)."""
    store = Path(str(prep["medkg_store"])).resolve()
    side = store / FILE_NAME
    if not side.is_file():
        print("the medkg store has no entity summaries (built by an older medkg?)")
        return
    total = sum(f.stat().st_size for f in store.iterdir() if f.is_file())
    built, spent = float(prep["build_s"]), float(prep.get("summaries_s", 0.0))  # type: ignore[arg-type]
    pages = float(prep.get("first_pages_s", 0.0))  # type: ignore[arg-type]
    print(
        f"entity summaries and first pages: {spent:.1f} s (first pages {pages:.1f} s) of the "
        f"{built:.1f} s build "
        f"(+{spent / max(built - spent, 1e-9):.1%} over the build without them); "
        f"{side.stat().st_size / 2**20:,.0f} MiB beside {(total - side.stat().st_size) / 2**20:,.0f}"
        f" MiB of store (+{side.stat().st_size / max(total - side.stat().st_size, 1):.1%})"
    )


def warm(url: str, query: str, limit: float = 120.0) -> float | None:
    """Repeat one request until its latency settles (the store's pages are in the page
    cache), for at most ``limit`` seconds; the settled latency, or None if a request failed
    or took over ``PROBE_SECONDS``. Without it the first server after a load pays for a cold
    cache: at 1M claims `oxigraph serve` took 7.8 s per entity query cold and 0.3 s warm."""
    started, seen = time.monotonic(), []
    while True:
        r = run_load(url, query, 1, PROBE_SECONDS, max_requests=1)
        if r.errors or not r.latencies or r.latencies[0] > PROBE_SECONDS:
            return None
        seen.append(r.latencies[0])
        settled = len(seen) >= 3 and seen[-1] <= 1.2 * min(seen[:-1])
        if settled or time.monotonic() - started > limit:
            return seen[-1]


def cli_seconds(prep: dict[str, object], runs: int = 3) -> list[float]:
    """Wall times of ``medkg query claims-about-entity`` on the ``oxigraph load`` store."""
    cmd = [str(BIN / "medkg"), "--root", str(prep["corpus"]), "--store",
           f"oxigraph:{prep['ox_store']}", "query", "claims-about-entity",
           "-p", "entity=MONDO:" + ENTITY.rpartition("_")[2], "--format", "csv"]  # fmt: skip
    return [timed(cmd)[0] for _ in range(runs)]


def during_load(prep: dict[str, object], query: str, seconds: float) -> None:
    """Web and CLI latency while ``medkg build --bulk`` loads the same corpus beside them."""
    corpus = Path(str(prep["corpus"]))
    env = {"MEDKG_ROOT": str(corpus), "MEDKG_STORE": f"oxigraph:{prep['medkg_store']}",
           "MEDKG_RESULT_CACHE_MB": "0"}  # fmt: skip
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    scratch = corpus / "load-store"
    shutil.rmtree(scratch, ignore_errors=True)
    rows = []
    with serving([str(BIN / "medkg"), "serve", "--port", str(port)], url + "?query=ASK%7B%7D", env):
        run_load(url, query, 1, 1, max_requests=3)  # warm up
        rows.append(("idle", run_load(url, query, 1, seconds), cli_seconds(prep)))
        build = subprocess.Popen(
            [str(BIN / "medkg"), "--root", str(corpus), "--store", f"oxigraph:{scratch}",
             "build", "--bulk"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(1)
            web = run_load(url, query, 1, seconds)
            cli = cli_seconds(prep)
            still = build.poll() is None
        finally:
            build.terminate()  # the measurement is done; the scratch store is thrown away
            build.wait(timeout=60)
            shutil.rmtree(scratch, ignore_errors=True)
        label = "during medkg build --bulk" + ("" if still else " (it ended before the CLI runs)")
        rows.append((label, web, cli))
    print("\n| entity query | web req/s | web p50 ms | web p99 ms | CLI median s |")
    print("|---|---|---|---|---|")
    for name, web, cli in rows:
        print(
            f"| {name} | {web.rate:,.1f} | {web.p50 * 1000:,.1f} | "
            f"{web.percentile(99) * 1000:,.1f} | {sorted(cli)[len(cli) // 2]:.2f} |"
        )


def load_ratios(prep: dict[str, object]) -> tuple[float, float]:
    """medkg's load over `oxigraph load`, and over `oxigraph load` + `oxigraph optimize` (medkg's
    load ends with the compaction its flush waits for)."""
    load, ox_load, ox_opt = (float(prep[k]) for k in ("load_s", "ox_load_s", "ox_optimize_s"))  # type: ignore[arg-type]
    return load / ox_load, load / (ox_load + ox_opt)


def ratios(prep: dict[str, object], results: dict[str, dict[tuple[str, int], object]]) -> None:
    """The issue's targets, as measured ratios."""
    alone, compacted = load_ratios(prep)
    print(
        f"\ntarget load <= 1.3x oxigraph load: {alone:.2f}x "
        f"({compacted:.2f}x of load + optimize: medkg's load ends compacted)"
    )
    ox, rdf = results.get("oxigraph serve", {}), results.get("rdflib-endpoint", {})
    for name in ("medkg", "medkg (no result cache)"):
        medkg = results.get(name, {})
        for query in ("entity", "entity mix"):
            if (query, 8) in medkg and (query, 8) in ox:
                m, o = medkg[(query, 8)], ox[(query, 8)]
                target = "target" if query == "entity" else "(not a target)"
                print(
                    f"{target} {query} p50 @8 {name} <= oxigraph serve: {m.p50 * 1000:.1f} ms "  # type: ignore[attr-defined]
                    f"vs {o.p50 * 1000:.1f} ms ({m.p50 / o.p50:.2f}x)"  # type: ignore[attr-defined]
                )
        if ("entity", 8) in medkg and ("entity", 8) in rdf:
            m, r = medkg[("entity", 8)], rdf[("entity", 8)]
            ratio = m.rate / r.rate if r.rate else float("inf")  # type: ignore[attr-defined]
            print(f"target entity req/s @8 {name} >= 20x rdflib-endpoint: {ratio:.1f}x")
    medkg = results.get("medkg", {})
    if ("rss", 0) in medkg:
        print(f"target medkg server RSS < 2 GiB: {mib(medkg[('rss', 0)])}")  # type: ignore[arg-type]


def mib(n: object) -> str:
    return f"{int(n) / 2**20:,.0f} MiB"  # type: ignore[call-overload]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[10_000])
    parser.add_argument("--seconds", type=float, default=5.0, help="per load run")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".bench")
    parser.add_argument("--reuse", action="store_true", help="reuse the stores of an earlier run")
    parser.add_argument(
        "--no-during-load",
        dest="during",
        action="store_false",
        help="skip the responsiveness run beside a bulk build (at 1M claims, ~11 minutes)",
    )
    parser.add_argument(
        "--rdflib-endpoint",
        default=shutil.which("rdflib-endpoint") or str(BIN / "rdflib-endpoint"),
        help="path of the rdflib-endpoint command",
    )
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    endpoint = args.rdflib_endpoint if Path(args.rdflib_endpoint).exists() else None
    if endpoint is None:
        print("rdflib-endpoint not found: install the bench extra (make bench)")
    for n in args.claims:
        bench_size(n, args.workdir, args.seconds, endpoint, args.reuse, args.during)


if __name__ == "__main__":
    main()
