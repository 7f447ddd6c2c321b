"""Time one review decision on a copy of the seed with the ``draft-demyelinating`` drafts:
the checks before writing (focused SHACL beside the unfocused run ``medkg validate`` does), and
the whole POST (checks, write, log, rebuild and swap) through the app, accept then undo.

Run: .venv/bin/python -m bench.review_decision [RUNS]   (medians of wall and CPU seconds)
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from medkg.build import shapes_path
from medkg.config import load_settings
from medkg.curation.review import Decision, apply_decision, dump, find_entry, parse, plain
from medkg.ingest import ingest_file, load_lexicon
from medkg.rdf.ontology import read_turtle
from medkg.review.check import check_candidates
from medkg.shacl import check_shapes
from medkg.store import open_store
from medkg.validate import Inputs, encode_dataset, node_locations, read_inputs
from medkg.vocab import Minter
from medkg.web import create_app

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "tests" / "fixtures" / "articles" / "draft-demyelinating.txt"
HANDLE = "draft-what-the-phenotype-optic-neuritis"
AUTH = {"Authorization": "Bearer bench"}


def median(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def main(runs: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="medkg-review-bench-"))
    try:
        for folder in ("ontology", "data", "queries"):
            shutil.copytree(ROOT / folder, root / folder)
        ingest_file(ARTICLE, root, load_lexicon(root))
        rows = measure(root, runs)
    finally:
        shutil.rmtree(root)
    head = f"step (median of {runs})"
    width = max(len(head), *(len(name) for name, _ in rows))
    print(f"{head.ljust(width)} | wall s | CPU s")
    for name, (wall, cpu) in rows:
        print(f"{name.ljust(width)} | {wall:6.3f} | {cpu:5.3f}")


def measure(root: Path, runs: int) -> list[tuple[str, tuple[float, float]]]:
    settings = load_settings(
        env={}, root=str(root), store="oxigraph:", curation_token="bench", curator_name="Bench"
    )
    path = root / "data" / "claims" / "draft-demyelinating.yaml"
    doc = parse(path.read_text("utf-8"))
    entry = find_entry(doc, HANDLE, "bench")
    before = plain(entry)
    apply_decision(entry, Decision("accept", HANDLE, "Bench", date.today()))
    texts, touched = {path: dump(doc)}, [before, plain(entry)]
    inputs = Inputs(settings)
    list(read_inputs(inputs))
    built = encode_dataset(settings, inputs.ontology, inputs.claim_files)
    shapes = read_turtle(shapes_path(root))
    places = node_locations(built, Minter(settings.base_iri))

    client = create_app(settings, open_store("oxigraph:", root)).test_client()
    items = client.get("/api/curation/drafts?rule=cue+RO:0002200", headers=AUTH).get_json()
    key = items["items"][0]["key"]

    def decide_and_undo() -> None:
        shown = client.get(f"/api/curation/drafts/{key}", headers=AUTH).get_json()
        done = client.post(
            f"/api/curation/drafts/{key}",
            headers=AUTH,
            json={"decision": "accept", "version": shown["version"]},
        ).get_json()
        client.post(
            f"/api/curation/drafts/{key}",
            headers=AUTH,
            json={
                "decision": "restore",
                "entries": {e["evidence"]: e["claim"] for e in shown["entries"]},
                "version": done["version"],
            },
        )

    return [
        (
            "checks before writing (focused SHACL)",
            median(lambda: check_candidates(settings, texts, touched), runs),
        ),
        (
            "SHACL focused on the decided claim",
            median(lambda: check_candidates_shacl_only(settings, shapes, built, touched), runs),
        ),
        (
            "SHACL unfocused (as medkg validate)",
            median(lambda: check_shapes(shapes, built.union(), places), runs),
        ),
        ("POST accept + POST restore (2 decisions)", median(decide_and_undo, runs)),
    ]


def check_candidates_shacl_only(settings, shapes, built, touched):  # type: ignore[no-untyped-def]
    from medkg.review.check import focused_shapes, triples

    return focused_shapes(settings, shapes, built, triples(touched))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
