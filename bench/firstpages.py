"""What the summaries and the first pages cost a build: recompute them for an existing store.

    python -m bench.firstpages --corpus DIR --store DIR/.medkg/store --copy-to /tmp/fp-copy \
        [--first-pages N] [--workers N] [--build-log LOG]

Copies the store's folder (its files are only read, the copy gets the new side index), then
times the summaries alone and the summaries with the first pages (``medkg.firstpages``, the
same calls a build makes, its worker processes included), CPU beside wall, and prints the file's
size against the store's. ``--build-log`` reads the build's own ``/usr/bin/time -v`` output
(wall clock, user + system) to print the ratios; the build it logged already included the
summaries, so the first pages' share is the one that adds. The copy is left for ``bench.head``
(``--medkg-store COPY/store``): it then serves the first pages.
"""

from __future__ import annotations

import argparse
import logging
import re
import resource
import shutil
import sqlite3
import time
from pathlib import Path

from medkg.build import dataset_version
from medkg.config import load_settings
from medkg.firstpages import write_side_index
from medkg.store import open_store
from medkg.summaries import FILE_NAME, write_summaries


def copy_store(store: Path, into: Path) -> Path:
    """A copy of the store's versioned folder under ``into``, linked as ``into/store``."""
    folder = store.resolve()
    into.mkdir(parents=True, exist_ok=True)
    target = into / folder.name
    if not target.exists():
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns("LOCK"))
    link = into / "store"
    link.unlink(missing_ok=True)
    link.symlink_to(folder.name)
    return link


def cpu_seconds() -> float:
    """CPU time of this process and of its children that ended (the first pages' workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def timed(step: str, run: object) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    assert callable(run)
    run()
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    print(f"{step}: {wall:,.1f} s wall, {cpu:,.1f} s CPU", flush=True)
    return wall, cpu


def build_cost(log: Path) -> tuple[float, float] | None:
    """Wall and CPU seconds of a build from its ``/usr/bin/time -v`` report."""
    text = log.read_text(errors="replace")[-20_000:]
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    if not (user and system and wall):
        return None
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return seconds, float(user.group(1)) + float(system.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the project the store holds")
    parser.add_argument("--store", type=Path, required=True, help="the store (its link)")
    parser.add_argument("--copy-to", type=Path, required=True, help="where to copy it")
    parser.add_argument("--first-pages", type=int, default=None, help="the setting (default: its)")
    parser.add_argument("--workers", type=int, default=None, help="first_page_workers")
    parser.add_argument("--build-log", type=Path, default=None, help="the build's time -v log")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    logging.getLogger("medkg.firstpages").setLevel(logging.INFO)  # pages, CPU, processes
    link = copy_store(args.store, args.copy_to)
    changes = {} if args.first_pages is None else {"first_pages": args.first_pages}
    if args.workers is not None:
        changes["first_page_workers"] = args.workers
    settings = load_settings(env={}, root=str(args.corpus), store=f"oxigraph:{link}", **changes)
    store = open_store(settings.store, settings.root_path)
    version = dataset_version(store, settings)
    folder = store.side_folder()
    assert folder is not None and version is not None, "an Oxigraph store built by medkg"
    side = folder / FILE_NAME
    data = sum(f.stat().st_size for f in folder.iterdir() if not f.name.startswith("medkg-side"))
    alone = timed("summaries", lambda: write_summaries(store, version))
    plain = side.stat().st_size
    both = timed("summaries + first pages", lambda: write_side_index(store, settings, version))
    size = side.stat().st_size
    db = sqlite3.connect(f"file:{side}?mode=ro", uri=True)
    pages, stored = db.execute("SELECT COUNT(*), SUM(LENGTH(body)) FROM first_page").fetchone()
    db.close()
    mib = 1 << 20
    print(f"first pages: {pages:,} ({stored or 0:,} bytes compressed), first_pages = "
          f"{settings.first_pages}, page_size = {settings.page_size}")  # fmt: skip
    print(f"first pages alone: {both[0] - alone[0]:,.1f} s wall, {both[1] - alone[1]:,.1f} s CPU")
    print(f"store {data / mib:,.0f} MiB; summaries {plain / mib:,.1f} MiB "
          f"(+{plain / data:.1%}); with first pages {size / mib:,.1f} MiB "
          f"(+{size / data:.1%})")  # fmt: skip
    if args.build_log is not None:
        cost = build_cost(args.build_log)
        if cost is None:
            print(f"{args.build_log}: no /usr/bin/time -v report found")
            return
        wall, cpu = cost
        print(f"build {wall:,.0f} s wall, {cpu:,.0f} s CPU (its summaries included); "
              f"summaries +{alone[0] / wall:.1%} wall, +{alone[1] / cpu:.1%} CPU; "
              f"first pages +{(both[0] - alone[0]) / wall:.1%} wall, "
              f"+{(both[1] - alone[1]) / cpu:.1%} CPU")  # fmt: skip


if __name__ == "__main__":
    main()
