"""The founding page and the founding query at scale: each part timed, then side by side.

Opens the store read-only (``OxigraphStore.open_read_only``; a running server or another bench
may hold it) in an app with query workers, uncached (``result_cache_mb`` 0), and asks
``/founding-question`` and the founding query's first page (``/api/queries/...``) in turn,
``--runs`` times each (``--cache-mb N`` with the result cache on, as by default): wall time, the web process's CPU and the workers' (from /proc). Then the
CLI (``medkg query``, process start, imports and store opening included) beside them, while
this process holds the store's lock so that the CLI reads it read-only as beside a server.

    flock /tmp/medkg-bench.lock python -m bench.founding --root /tmp/head-1m \
        --store /tmp/fp-1m/store --runs 7
"""

from __future__ import annotations

import argparse
import fcntl
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from medkg.config import load_settings
from medkg.store.oxigraph import OxigraphStore
from medkg.web import create_app

TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes ``pids`` have used so far."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def measure(ask: Callable[[], None], workers: Callable[[], list[int]]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process and the query workers) of one ask."""
    pids = workers()
    cpu0, w0, t0 = time.process_time(), proc_cpu(pids), time.perf_counter()
    ask()
    wall = time.perf_counter() - t0
    return wall, time.process_time() - cpu0 + proc_cpu(pids) - w0


def cli_run(args: argparse.Namespace) -> tuple[float, float]:
    """Wall and CPU seconds of one ``medkg query`` of the founding query by the CLI."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    command = [str(Path(sys.executable).with_name("medkg")), "--root", str(args.root), "--store",
               f"oxigraph:{args.store}", "query", "als-demyelinating-or-axonal", "--param",
               f"disease={args.disease}"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"the CLI failed: {done.stderr[-2000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def time_parts() -> dict[str, list[float]]:
    """Wrap the founding page's parts with timers (wall seconds, per call)."""
    from medkg.web import founding_page

    parts: dict[str, list[float]] = {}

    def timed(name: str, fn: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*a: object, **kw: object) -> object:
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                parts.setdefault(name, []).append(time.perf_counter() - t0)

        return wrapper

    for name in ("tally", "page_of", "run", "paged_answer"):
        setattr(founding_page, name, timed(name, getattr(founding_page, name)))
    workers_query = founding_page.Workers.query
    founding_page.Workers.query = timed("a worker query", workers_query)  # type: ignore[method-assign]
    return parts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--disease", default="MONDO:0004976")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-cli", action="store_true")
    parser.add_argument("--cache-mb", type=int, default=0, help="result_cache_mb (0: uncached)")
    args = parser.parse_args(argv)
    parts = time_parts()
    selector = f"oxigraph:{args.store}"
    settings = load_settings(root=str(args.root), store=selector).replace(
        result_cache_mb=args.cache_mb
    )
    store = OxigraphStore.open_read_only(args.store, selector, "a bench reads it")
    app = create_app(settings, store, build=False)
    client = app.test_client()
    workers = lambda: app.extensions["medkg.endpoint"].executor.stats().get("pids", [])  # noqa: E731
    asks = {
        "page": f"/founding-question?disease={args.disease}",
        "api": f"/api/queries/als-demyelinating-or-axonal?disease={args.disease}",
    }

    def ask(path: str) -> Callable[[], None]:
        def run() -> None:
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code} {response.get_data()[:500]!r}")

        return run

    times: dict[str, list[tuple[float, float]]] = {name: [] for name in asks}
    for name, path in asks.items():  # the first of each (workers start, caches fill)
        wall, cpu = measure(ask(path), workers)
        print(f"first {name}: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU", flush=True)
    if not args.no_cli:
        times["cli"] = []
        asks["cli"] = "medkg query"
    lock = os.open(args.store / "LOCK", os.O_RDWR)
    try:
        try:  # the CLI then reads the store read-only, as beside a running server
            fcntl.lockf(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            print("the store's lock is held by another process: the CLI reads it read-only")
        for _ in range(args.runs):
            for name, path in asks.items():
                if name == "cli":
                    times[name].append(cli_run(args))
                else:
                    times[name].append(measure(ask(path), workers))
    finally:
        os.close(lock)
    for name, runs in times.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"{name}: median {statistics.median(walls) * 1000:.0f} ms wall "
              f"(min {min(walls) * 1000:.0f}, max {max(walls) * 1000:.0f}), "
              f"{statistics.median(cpus) * 1000:.0f} ms CPU, {len(runs)} runs")  # fmt: skip
    for name, spent in parts.items():
        print(f"part {name}: median {statistics.median(spent) * 1000:.0f} ms over {len(spent)}")
    app.extensions["medkg.endpoint"].close()
    store.close()


if __name__ == "__main__":
    main()
