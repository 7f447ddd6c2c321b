"""What ``bench/soak.py`` records (requests, and the machine once a second) and its tables.

The machine is shared, so beside each phase's latency it shows who used the CPU: the server
tree (web process and query workers, reaped ones included), the bench's own client threads,
and the rest of the machine (from ``/proc/stat``), with the load average.
"""

from __future__ import annotations

import os
import statistics
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

#: answers, not errors: 404 is the right answer for a drawn entity no claim is about
ANSWERED = (200, 304, 404)
KINDS = ("sparql", "named", "document", "neighbours")
TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    kind: str
    status: int  # 0: the connection failed or was dropped
    seconds: float
    at: float  # when it was sent, from the start of the run
    error: str = ""  # the error's message, numbers left out, for a non-2xx answer
    runaways: int = 0  # how many runaway clients were active when it was sent


@dataclass
class Tick:
    """The machine at one moment of the run; CPU figures are seconds used so far."""

    at: float
    rss: int  # bytes resident in the server tree
    load: float  # 1-minute load average
    server_cpu: float  # the server tree: its process, live children, reaped children
    bench_cpu: float  # this process (the client threads)
    machine_cpu: float  # every CPU of the machine, busy (not idle, not iowait)


@dataclass
class Run:
    runaways: int
    samples: list[Sample] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def tree(pid: int) -> tuple[int, float]:
    """Resident bytes and CPU seconds of a process and its descendants (from /proc); the CPU
    of reaped children too, which each parent counts."""
    page = os.sysconf("SC_PAGE_SIZE")
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
    children: dict[int, list[int]] = {}
    for p, fields in stats.items():
        children.setdefault(int(fields[1]), []).append(p)
    family, rss, ticks = [pid], 0, 0
    for p in family:  # grows as it goes: breadth first
        family.extend(children.get(p, []))
        if p not in stats:
            continue
        ticks += sum(int(f) for f in stats[p][11:15])  # utime, stime, cutime, cstime
        try:
            rss += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page
        except (OSError, IndexError):
            continue
    return rss, ticks / TICK


def machine_cpu() -> float:
    """Busy CPU seconds of the whole machine since boot (user, nice, system, irq, steal)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq + steal) / TICK


def tick(at: float, pid: int) -> Tick:
    rss, cpu = tree(pid)
    load = float(Path("/proc/loadavg").read_text().split()[0])
    return Tick(at, rss, load, cpu, sum(os.times()[:2]), machine_cpu())


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def quarters(ticks: list[Tick]) -> tuple[float, float]:
    """Mean RSS (MiB) of the first and the last quarter of the run."""
    n = max(1, len(ticks) // 4)
    first = statistics.mean(t.rss for t in ticks[:n]) / 2**20
    last = statistics.mean(t.rss for t in ticks[-n:]) / 2**20
    return first, last


def phases(run: Run, plan: list[int], phase: float) -> None:
    """One row per phase: its cheap requests' p99 and errors beside who used the CPU."""
    print("\n| phase | R | cheap | errors | cheap p99 ms | load avg | CPU cores used: "
          "server / bench clients / rest of the machine |\n|---|---|---|---|---|---|---|")  # fmt: skip
    count = int(max((t.at for t in run.ticks), default=0) // phase) + 1
    for k in range(count):
        lo, hi = k * phase, (k + 1) * phase
        cheap = [s for s in run.samples if lo <= s.at < hi and s.kind != "runaway"]
        ticks = [t for t in run.ticks if lo <= t.at < hi]
        if not cheap or len(ticks) < 2:
            continue
        wall = ticks[-1].at - ticks[0].at
        server = (ticks[-1].server_cpu - ticks[0].server_cpu) / wall
        bench = (ticks[-1].bench_cpu - ticks[0].bench_cpu) / wall
        rest = (ticks[-1].machine_cpu - ticks[0].machine_cpu) / wall - server - bench
        errors = sum(1 for s in cheap if s.status not in ANSWERED)
        p99 = pct([s.seconds * 1000 for s in cheap if s.status in ANSWERED], 99)
        load = statistics.mean(t.load for t in ticks)
        print(f"| {k + 1} | {plan[k % len(plan)]} | {len(cheap)} | {errors} | {p99:.0f} | "
              f"{load:.1f} | {server:.2f} / {bench:.2f} / {max(0.0, rest):.2f} |")  # fmt: skip


def report(run: Run, r: int, seconds: float) -> dict[str, float]:
    mine_all = [s for s in run.samples if s.runaways == r]
    cheap = [s for s in mine_all if s.kind != "runaway"]
    wild = [s for s in mine_all if s.kind == "runaway"]
    ok = [s.seconds for s in cheap if s.status in ANSWERED]
    errors = Counter(s.status for s in cheap if s.status not in ANSWERED)
    print(f"\n## R = {r} runaway clients: {len(cheap)} cheap requests "
          f"({len(cheap) / seconds:.1f}/s), {sum(errors.values())} failed")  # fmt: skip
    print(
        "| kind | requests | not 200, by status (404: no such entity, not an error) | p50 ms | p99 ms |\n|---|---|---|---|---|"
    )
    for kind in KINDS:
        mine = [s for s in cheap if s.kind == kind]
        bad = Counter(s.status for s in mine if s.status not in (200, 304))
        times = [s.seconds * 1000 for s in mine if s.status in ANSWERED]
        shown = ", ".join(f"{k or 'dropped'}: {v}" for k, v in sorted(bad.items())) or "0"
        print(f"| {kind} | {len(mine)} | {shown} | {pct(times, 50):.0f} | {pct(times, 99):.0f} |")
    print(f"| all cheap | {len(cheap)} | {sum(errors.values())} | {pct([t * 1000 for t in ok], 50):.0f} "
          f"| {pct([t * 1000 for t in ok], 99):.0f} |")  # fmt: skip
    if wild:
        by = Counter(s.status for s in wild)
        t503 = [s.seconds for s in wild if s.status == 503]
        print(f"runaways: {len(wild)} answered, by status {dict(sorted(by.items()))}; 503 after "
              f"{pct(t503, 0):.2f}-{pct(t503, 100):.2f} s (median {pct(t503, 50):.2f} s)")  # fmt: skip
    messages = Counter(f"{s.kind}: {s.status} {s.error}" for s in mine_all if s.error)
    for message, count in messages.most_common(8):
        print(f"  {count} x {message}")
    return {
        "cheap": len(cheap), "failed": sum(errors.values()),
        "p50": pct([t * 1000 for t in ok], 50), "p99": pct([t * 1000 for t in ok], 99),
        "runaway_503": sum(1 for s in wild if s.status == 503),
        "runaway_429": sum(1 for s in wild if s.status == 429), "runaways": len(wild),
    }  # fmt: skip
