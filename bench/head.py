"""The head mix: what users ask, the entities most claims are about, asked most.

    python -m bench.head --corpus DIR --medkg-store DIR --ox-store DIR [--seconds 10]

A Zipf mix (weight 1/rank) over the 200 subjects with the most claims, uncached (medkg's result
and document caches off), 8 clients, for medkg's entity document (JSON-LD), the named query
``claims-about-entity``'s first page and the entity's HTML page, beside ``oxigraph serve``
running what its user would send for that first page (the named query's text, the entity
bound, ``LIMIT 100``: the headline ratio) and, as a secondary row, the text medkg's query path
runs for it without the summaries (anchor bound and cut to the page).
``bench.scale`` prints it as its headline; run alone it serves stores built already.

Each medkg row is served by a server of its own, started for it: the bench's 8 clients share
one address, and medkg's fair share (``client_query_seconds`` of query time per client
address and window, see the README's "Fair under load") would otherwise refuse a row with 429
because an earlier row spent the share (at 1M the named query's row left none for the HTML
row). A row's own errors are counted and printed by kind (``8 (503 x8)``), refusals
included. ``--only NAME`` runs some of the medkg rows; ``--medkg-src LABEL=DIR`` runs them
again with the medkg sources at ``DIR`` (e.g. a ``git archive`` of another commit's
``src``), so two versions are measured side by side in one run.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import requests

from bench.http_load import LoadResult, PeakRss, cpu_seconds, run_gets
from medkg.queries import find_query
from medkg.store.rewrite import bind_values
from medkg.vocab import iri_to_curie

ROOT = Path(__file__).resolve().parents[1]
HEAD = 200
CLIENTS = 8
MOST_CLAIMED = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX medkg: <https://w3id.org/medkg/>
SELECT ?s (COUNT(?c) AS ?n) WHERE { ?c a medkg:Claim ; rdf:subject ?s }
GROUP BY ?s ORDER BY DESC(?n) LIMIT %d"""
#: ``--by any``: the entities with the most claims about them in any role (subject, object or
#: disease context, as ``claims-about-entity`` counts them): for the HPO annotations the head
#: is phenotypes, the objects of thousands of claims
MOST_CLAIMED_ANY = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX medkg: <https://w3id.org/medkg/>
SELECT ?s (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a medkg:Claim
  { ?c rdf:subject ?s } UNION { ?c rdf:object ?s } UNION { ?c medkg:diseaseContext ?s } }
GROUP BY ?s ORDER BY DESC(?n) LIMIT %d"""
JSON = "application/sparql-results+json"


@dataclass(frozen=True)
class Ask:
    """One kind of request of the mix: a path per entity and the Accept header."""

    name: str
    accept: str

    def path(self, curie: str) -> str:
        if self.name == "named query first page":
            return "/api/queries/claims-about-entity?" + urlencode({"entity": curie})
        return f"/entity/{curie}"


ASKS = (
    Ask("entity document", "application/ld+json"),
    Ask("named query first page", JSON),
    Ask("entity page (HTML)", "text/html"),
)
#: what medkg's server needs for an uncached run
UNCACHED = {"MEDKG_RESULT_CACHE_MB": "0", "MEDKG_DOCUMENT_CACHE": "0"}


def most_claimed(query_url: str, n: int = HEAD, by: str = "subject") -> list[tuple[str, int]]:
    """The ``n`` subjects (``by`` "any": entities in any role) with the most claims, asked of
    a SPARQL endpoint."""
    query = (MOST_CLAIMED_ANY if by == "any" else MOST_CLAIMED) % n
    r = requests.get(query_url, params={"query": query}, headers={"Accept": JSON}, timeout=600)
    r.raise_for_status()
    rows = r.json()["results"]["bindings"]
    return [(b["s"]["value"], int(b["n"]["value"])) for b in rows]


def zipf_mix(entities: Sequence[str], n: int = 2000, seed: int = 7) -> list[str]:
    """``n`` draws from ``entities`` with weight 1/rank: the head is asked most."""
    weights = [1 / rank for rank in range(1, len(entities) + 1)]
    return random.Random(seed).choices(list(entities), weights, k=n)


def equivalent_query(curie: str, size: int = 100) -> str:
    """What a user of ``oxigraph serve`` sends for the named query's first page: its text
    (``queries/claims-about-entity.rq``) with the entity bound wherever it is used (outer
    group and anchor subquery) and the page's ``LIMIT``; its own ``ORDER BY`` kept."""
    named = find_query(ROOT, "claims-about-entity")
    bound = named.bindings({"entity": curie})
    return f"{bind_values(named.bound_text(bound), bound)}\nLIMIT {size}"


def paged_query(curie: str, size: int = 100) -> str:
    """The text medkg's query path runs for that page without its summaries: the anchor
    bound and cut to the page's claims (``paging.paged_text``), one row more than the page."""
    named = find_query(ROOT, "claims-about-entity")
    text, bound = named.page({"entity": curie}, size, None)
    return bind_values(text, bound)


#: what ``oxigraph serve`` runs: the headline (what its user would send), then medkg's paged text
OX_ROWS = (
    ("oxigraph", "the named query, entity bound, LIMIT 100 (its user's first page)",
     equivalent_query),
    ("oxigraph paged", "medkg's paged text of that page, no summaries (secondary)", paged_query),
)  # fmt: skip


def run_medkg(base: str, mix: Sequence[str], ask: Ask, seconds: float) -> LoadResult:
    return run_gets(base, [ask.path(c) for c in mix], CLIENTS, seconds, ask.accept)


def run_oxigraph(
    query_url: str, mix: Sequence[str], seconds: float, query: Callable[[str], str]
) -> LoadResult:
    texts = {c: query(c) for c in set(mix)}
    path = query_url.split("//", 1)[1].partition("/")[2]
    paths = [f"/{path}?{urlencode({'query': texts[c]})}" for c in mix]
    return run_gets(query_url, paths, CLIENTS, seconds, JSON)


def row(server: str, what: str, r: LoadResult, cpu: float) -> str:
    per = cpu / max(1, len(r.latencies) + r.errors) * 1000
    return (
        f"| {server} | {what} | {r.rate:,.1f} | {r.p50 * 1000:,.1f} | "
        f"{r.percentile(99) * 1000:,.1f} | {errors(r)} | {cpu:,.1f} s ({per:,.1f} ms/req) |"
    )


def errors(r: LoadResult) -> str:
    """The row's errors and what they were: ``0``, ``8 (503 x8)``, ``3 (429 x2, TimeoutError x1)``."""
    kinds = ", ".join(f"{k} x{n}" for k, n in sorted(r.failures.items()))
    return f"{r.errors} ({kinds})" if kinds else str(r.errors)


HEADER = (
    "| server | request (Zipf over the 200 most-claimed subjects, 8 clients, uncached) | "
    "req/s | p50 ms | p99 ms | errors | server CPU |\n|---|---|---|---|---|---|---|"
)


@contextmanager
def cpu_of(rss: PeakRss) -> Iterator[list[float]]:
    """The CPU seconds the served process tree spends inside the block (in ``out[0]``)."""
    out = [0.0]
    before = cpu_seconds(rss.proc)
    yield out
    out[0] = cpu_seconds(rss.proc) - before


def medkg_row(
    corpus: Path, store: Path, mix: Sequence[str], ask: Ask, seconds: float, src: str | None
) -> tuple[LoadResult, float]:
    """One medkg row, on a server started for it (a fresh fair share; see the docstring),
    with the medkg sources at ``src`` if given; the result and the server's CPU seconds."""
    from bench.scale import BIN, free_port, serving  # scale imports this module

    env = {"MEDKG_ROOT": str(corpus), "MEDKG_STORE": f"oxigraph:{store}", **UNCACHED}
    if src is not None:
        env["PYTHONPATH"] = src
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(BIN / "medkg"), "serve", "--port", str(port)]
    with serving(command, base + "/health", env) as rss, cpu_of(rss) as cpu:
        result = run_medkg(base, mix, ask, seconds)
    return result, cpu[0]


def head_mix(
    corpus: Path,
    medkg_store: Path,
    ox_store: Path,
    seconds: float,
    only: Sequence[str] = (),
    sources: Sequence[tuple[str, str]] = (),
    by: str = "subject",
) -> dict[str, LoadResult]:
    """Serve both stores in turn and run the mix; print the headline table. ``only`` names
    the medkg rows to run (all by default), ``sources`` other medkg sources (label, folder)
    to run them with too; ``by`` picks the head (``most_claimed``)."""
    from bench.scale import BIN, free_port, serving  # scale imports this module

    port = free_port()
    ox = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(ox_store),
          "--bind", f"127.0.0.1:{port}"]  # fmt: skip
    url = f"http://127.0.0.1:{port}/query"
    results: dict[str, LoadResult] = {}
    with serving(ox, url + "?query=ASK%7B%7D") as rss:
        head = most_claimed(url, by=by)
        mix = zipf_mix([iri_to_curie(s) for s, _ in head])
        print(f"\nhead: {iri_to_curie(head[0][0])} is the subject of {head[0][1]:,} claims; "
              f"rank {len(head)}: {head[-1][1]:,}")  # fmt: skip
        print(HEADER)
        for name, what, query in OX_ROWS:
            with cpu_of(rss) as cpu:
                results[name] = run_oxigraph(url, mix, seconds, query)
            print(row("oxigraph serve", what, results[name], cpu[0]), flush=True)
    asks = [a for a in ASKS if not only or a.name in only]
    for label, src in [("medkg", None), *((f"medkg ({k})", v) for k, v in sources)]:
        for ask in asks:
            name = ask.name if src is None else f"{ask.name} ({label})"
            results[name], cpu = medkg_row(corpus, medkg_store, mix, ask, seconds, src)
            print(row(label, ask.name, results[name], cpu), flush=True)
    ox_rate, paged_rate = results["oxigraph"].rate, results["oxigraph paged"].rate
    for name, r in results.items():
        if name.startswith("oxigraph"):
            continue
        times = f"{r.rate / ox_rate:,.1f}x" if ox_rate else "oxigraph answered none"
        paged = f"{r.rate / paged_rate:,.1f}x" if paged_rate else "none"
        print(f"target {name}: p50 {r.p50 * 1000:,.1f} ms (< 100), p99 "
              f"{r.percentile(99) * 1000:,.1f} ms (< 1000), {errors(r)} errors, "
              f"{times} oxigraph serve's req/s (>= 50x; {paged} its req/s on medkg's "
              "paged text)")  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--medkg-store", type=Path, required=True)
    parser.add_argument("--ox-store", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--only", action="append", default=[], choices=[a.name for a in ASKS],
        help="a medkg row to run (repeat for several; default: all)",
    )  # fmt: skip
    parser.add_argument(
        "--medkg-src", action="append", default=[], metavar="LABEL=DIR",
        help="run the medkg rows again with the medkg sources at DIR, labelled LABEL",
    )  # fmt: skip
    parser.add_argument(
        "--by", choices=("subject", "any"), default="subject",
        help="the head: most-claimed subjects, or entities in any role (HPO: phenotypes)",
    )  # fmt: skip
    args = parser.parse_args()
    sources = []
    for spec in args.medkg_src:
        label, sep, folder = spec.partition("=")
        if not sep or not (Path(folder) / "medkg" / "__init__.py").is_file():
            parser.error(f"--medkg-src {spec!r}: give LABEL=DIR, DIR holding medkg/__init__.py")
        sources.append((label, folder))
    head_mix(
        args.corpus, args.medkg_store, args.ox_store, args.seconds, args.only, sources, args.by
    )


if __name__ == "__main__":
    main()
