"""Watch ``ontology/`` and ``data/``: swap in valid edits, keep serving the last good graph.

A background thread polls file sizes and modification times (no extra dependency, works on
every filesystem). When they change and then hold still for one interval, it validates the
project; a clean result is built into the app's store in one atomic replace
(``build_into``) and the app's dataset version is refreshed. A broken edit changes nothing in
the store: it is logged with the report and shown at ``/health``.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medkg.build import build_dataset, build_into
from medkg.bulk import bulk_build_into
from medkg.errors import MedkgError
from medkg.freshness import Freshness
from medkg.sources.registry import read_sources
from medkg.validate import validate_project

if TYPE_CHECKING:
    from medkg.web import AppState

log = logging.getLogger(__name__)
WATCHED = ("ontology", "data")

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path) -> Snapshot:
    """Size and mtime of every file under the watched folders."""
    seen: Snapshot = {}
    for folder in WATCHED:
        for path in (root / folder).rglob("*"):
            try:
                st = path.stat()
            except OSError:
                continue  # removed while we looked
            if path.is_file():
                seen[str(path)] = (st.st_mtime_ns, st.st_size)
    return seen


class Watcher:
    """Rebuild the app's dataset when the curated files change; see the module docstring."""

    def __init__(self, state: AppState, interval: float = 0.5):
        self.state = state
        self.interval = interval
        self.root = state.settings.root_path
        self.status: dict[str, Any] = {"status": "watching", "reloads": 0}
        self._seen = snapshot(self.root)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="medkg-watch", daemon=True)

    def start(self) -> Watcher:
        log.info("watching %s for edits", ", ".join(str(self.root / f) for f in WATCHED))
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        self._catch_up()
        while not self._stop.wait(self.interval):
            now = snapshot(self.root)
            if now == self._seen:
                continue
            while not self._stop.wait(self.interval):  # let an editor finish writing
                later = snapshot(self.root)
                if later == now:
                    break
                now = later
            self._seen = now
            try:
                self.reload()
            except Exception:  # keep watching whatever happens; the last good graph stays
                log.exception("reload failed; still serving the last good dataset")
                self.status = {**self.status, "status": "failed", "at": _now()}

    def _catch_up(self) -> None:
        """A store kept from an earlier run may predate edits made while no server watched."""
        try:
            current = build_dataset(self.state.settings).version
        except MedkgError:
            current = None  # broken files: reload() reports them
        try:
            if current != self.state.version:
                log.info("the store is older than the curated files; reloading")
                self.reload()
        except Exception:
            log.exception("catch-up reload failed; still serving the last good dataset")

    def reload(self) -> bool:
        """Validate and, if clean, swap the new dataset in; True if it was swapped in."""
        settings = self.state.settings
        report, built = validate_project(settings)
        reloads = int(self.status.get("reloads", 0))
        if report.errors or built is None:
            log.warning(
                "edit not loaded; still serving version %s:\n%s",
                self.state.version,
                report.to_text(),
            )
            self.status = {
                "status": "broken",
                "at": _now(),
                "serving": self.state.version,
                "reloads": reloads,
                "report": report.to_dict(),
            }
            return False
        with self.state.lock:  # one build at a time (medkg build beside, reviews)
            if read_sources(settings.root_path):  # sources are built by the bulk path only
                bulk_build_into(self.state.store, settings)
            else:
                build_into(self.state.store, settings, built=built)
            self.state.refresh_version()
            self.state.freshness = Freshness("current")  # the files as they are now are served
        log.info("reloaded edit: now serving version %s", self.state.version)
        self.status = {
            "status": "ok",
            "at": _now(),
            "serving": self.state.version,
            "reloads": reloads + 1,
            "warnings": len(report.warnings),
        }
        return True


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
