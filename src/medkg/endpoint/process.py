"""A query worker process as the pool sees it, and what the pool reads of processes in /proc.

``Worker.wait_message`` waits for the worker's next message while watching its memory;
``cpu_seconds`` tells a dear query from one that waits for a core; ``renice`` lowers the
priority of the slow lane's workers.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medkg.endpoint.worker import receive

log = logging.getLogger(__name__)
MEMORY_POLL = 0.05
OVER_MEMORY = "over-memory"


def rss_bytes(pid: int | str = "self") -> int:
    """Resident memory of a process, from /proc (0 where that is not available)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used, from /proc (0 where not available)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def renice(pid: int, increment: int) -> None:
    """Lower a process's CPU priority by ``increment`` over this process's (at most 19).

    Raising a niceness needs no privilege; lowering it again would, so it is one-way.
    """
    target = min(19, os.getpriority(os.PRIO_PROCESS, 0) + increment)
    try:
        os.setpriority(os.PRIO_PROCESS, pid, target)
    except OSError as e:  # the process is gone, or a sandbox forbids it: run at full priority
        log.warning("cannot lower the priority of query worker %s: %s", pid, e)


@dataclass(eq=False)
class Worker:
    proc: subprocess.Popen[bytes]
    snapshot: Path | None = None
    jobs: int = 0
    demoted: bool = False

    def wait_message(self, deadline: float, memory_limit: int = 0) -> Any:
        """The worker's next message; None when the deadline passes first, OVER_MEMORY when
        its resident memory goes over ``memory_limit`` bytes (checked every 50 ms)."""
        assert self.proc.stdout is not None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            wait = min(remaining, MEMORY_POLL) if memory_limit else remaining
            ready, _, _ = select.select([self.proc.stdout], [], [], wait)
            if ready:
                return receive(self.proc.stdout)
            if memory_limit and rss_bytes(self.proc.pid) > memory_limit:
                return OVER_MEMORY

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        self.proc.wait(timeout=10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
