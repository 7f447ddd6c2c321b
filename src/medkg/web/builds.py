"""Builds a running server makes for ``medkg build`` beside it (``web/control.py``).

The server is the only writer of its store, so a build beside it is run by the server: one at a
time, on a thread of its own, by the same functions and with the same report as a standalone
``medkg build`` (``build_lines`` and ``bulk_lines`` are what both print). A build that fails
changes nothing in the store; the server keeps serving the last good dataset and ``/health``
says the curated files do not build.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medkg.build import BuiltDataset, build_into, claim_paths
from medkg.bulk import BulkResult, bulk_build_into
from medkg.errors import MedkgError, TooManyRequests
from medkg.freshness import Freshness
from medkg.sources.registry import read_sources

if TYPE_CHECKING:
    from medkg.web import AppState

log = logging.getLogger(__name__)
#: builds asked for and not yet finished; more are refused (429) until one finishes
MAX_UNFINISHED = 4
#: finished builds whose report can still be fetched
KEPT = 16


def build_lines(built: BuiltDataset) -> list[str]:
    """What ``medkg build`` prints on stdout after a build."""
    return [
        f"built {built.quad_count()} quads in {len(built.graphs)} graphs, "
        f"{len(built.claims)} claims from {len(built.articles)} article(s); "
        f"version {built.version}"
    ]


def bulk_lines(result: BulkResult, nquads: str | None) -> tuple[list[str], list[str]]:
    """What ``medkg build --bulk`` prints after a build: stdout lines, stderr lines."""
    out = [
        f"bulk-built {result.quads} quads, {result.claims} claims from {result.articles} "
        f"article(s) (encode {result.encode_seconds:.1f}s, load {result.load_seconds:.1f}s); "
        f"version {result.version}" + (f"; N-Quads kept at {nquads}" if nquads else "")
    ]
    err: list[str] = []
    for r in result.sources:
        out.append(
            f"source {r.id} (release {r.release}): {r.annotations} of {r.rows} rows as evidence "
            f"of {r.claims} claims ({r.negated} negated), {r.iea_left_out} IEA rows left out, "
            f"{r.duplicates} exact duplicates, {len(r.bad_rows)} bad rows skipped"
            + ("; file unchanged, encoding reused" if r.cached else f" ({r.seconds:.1f}s)")
        )
        err.extend(f"  skipped: {bad}" for bad in r.bad_rows)
    return out, err


@dataclass
class BuildJob:
    """One build asked for: its state (``waiting``, ``running``, ``done``, ``failed``) and, once
    finished, its report and the exit status a standalone ``medkg build`` would have."""

    id: str
    bulk: bool
    nquads: str | None
    state: str = "waiting"
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    error: str | None = None
    exit_code: int | None = None
    version: str | None = None
    seconds: float | None = None
    # a bulk build's progress: articles encoded (of total), claims, bytes loaded
    progress: dict[str, int] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def to_dict(self) -> dict[str, Any]:
        keys = ("id", "bulk", "nquads", "state", "stdout", "stderr", "error", "exit_code")
        return {k: getattr(self, k) for k in keys} | {
            "serving": self.version,
            "seconds": self.seconds,
            "progress": dict(self.progress),
        }


class Builds:
    """The builds of one app; ``secret`` (new at every start) authorises asking for them."""

    def __init__(self, state: AppState):
        self.state = state
        self.secret = secrets.token_urlsafe(32)
        self._jobs: OrderedDict[str, BuildJob] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, bulk: bool, nquads: str | None) -> BuildJob:
        """Queue a build and return at once; it runs after the builds asked for before it."""
        with self._lock:
            if sum(not j.finished for j in self._jobs.values()) >= MAX_UNFINISHED:
                raise TooManyRequests(
                    f"{MAX_UNFINISHED} builds are already waiting or running", retry_after=5
                )
            job = BuildJob(secrets.token_hex(8), bulk, nquads)
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT + MAX_UNFINISHED:
                oldest = next(k for k, j in self._jobs.items() if j.finished)
                del self._jobs[oldest]
        name = f"medkg-build-{job.id}"
        threading.Thread(target=self._run, args=(job,), name=name, daemon=True).start()
        return job

    def get(self, job_id: str) -> BuildJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _run(self, job: BuildJob) -> None:
        state = self.state
        with state.lock:  # one build at a time: watched edits and reviews take it too
            job.state = "running"
            started = time.perf_counter()
            outcome = "done"
            try:
                job.stdout, job.stderr = self._build(job)
                state.freshness = Freshness("current")
                job.exit_code = 0
            except MedkgError as e:  # nothing changed: the last good dataset keeps serving
                job.error, job.exit_code, outcome = str(e), e.exit_code, "failed"
                state.freshness = Freshness("stale", f"the curated files do not build: {e}")
            except Exception as e:  # never let a build take the server down
                log.exception("build %s failed", job.id)
                job.error = f"the build failed in the server ({type(e).__name__}: {e}); see its log"
                job.exit_code, outcome = 2, "failed"
            job.seconds = time.perf_counter() - started
            job.version = self._refresh()
            job.state = outcome  # last: a client that sees it finished sees all of it
        log.info("build %s %s; serving version %s", job.id, job.state, job.version)

    def _refresh(self) -> str | None:
        """The version now served (read from the store again: a failed build may have been
        the store's fault, and the served version must still be reported)."""
        try:
            self.state.refresh_version()
        except Exception:
            log.exception("could not read the dataset version after a build")
        return self.state.version

    def _build(self, job: BuildJob) -> tuple[list[str], list[str]]:
        settings = self.state.settings
        if job.bulk or job.nquads or read_sources(settings.root_path):
            keep = Path(job.nquads) if job.nquads else None
            done = job.progress
            done.update(articles=0, total=len(claim_paths(settings.root_path)), claims=0, loaded=0)

            def encoded(articles: int, claims: int) -> None:
                done["articles"] += articles
                done["claims"] += claims

            def loaded(size: int) -> None:
                done["loaded"] += size

            result = bulk_build_into(self.state.store, settings, keep, encoded, loaded)
            return bulk_lines(result, job.nquads)
        return build_lines(build_into(self.state.store, settings)), []
