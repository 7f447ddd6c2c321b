"""The snapshots query workers read, shared by every pool of a server (one per lane).

The parent takes a new snapshot when the dataset's version changes; workers switch at their
next job. Large results spill to a spool directory beside the snapshots.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import threading
from pathlib import Path

from medkg.errors import StoreError
from medkg.store.base import Snapshot, Snapshotting

log = logging.getLogger(__name__)


class Snapshots:
    """The current snapshot of ``store`` for a dataset version, and the result spool."""

    def __init__(self, store: Snapshotting):
        self.store = store
        self.lock = threading.Lock()
        self.snapshot: Snapshot | None = None
        self.version: str | None = None
        self.old: list[Path] = []
        self.spool: Path | None = None  # beside the snapshots, made with the first one
        self.ids = itertools.count()

    def current(self, version: str | None) -> Snapshot:
        """The snapshot for ``version``, taken now if the version changed since the last one."""
        with self.lock:
            if self.snapshot is None or version != self.version:
                if self.snapshot is not None:
                    self.old.append(self.snapshot.path)
                try:
                    self.snapshot = self.store.snapshot()
                except OSError as e:
                    raise StoreError(
                        f"cannot take a snapshot of the store for the query workers: {e}",
                        hint="is the disk beside the store full or read-only?",
                    ) from None
                self.version = version
                if self.spool is None:
                    # large results spill here; beside the store, so a server killed without
                    # cleaning up leaves nothing in /tmp and the next start clears it
                    self.spool = self.snapshot.path.parent / f"spool-{os.getpid()}"
                    self.spool.mkdir(exist_ok=True)
                log.info(
                    "query workers will read snapshot %s (version %s)", self.snapshot.path, version
                )
            return self.snapshot

    def spool_file(self) -> Path:
        """A fresh file name in the spool (after ``current()`` has made the spool)."""
        assert self.spool is not None
        return self.spool / f"{next(self.ids)}.out"

    def drop_unused(self, in_use: set[Path | None]) -> None:
        """Delete the old snapshots no worker is marked as reading."""
        with self.lock:
            keep = [p for p in self.old if p in in_use]
            gone = [p for p in self.old if p not in in_use]
            self.old = keep
        for path in gone:
            shutil.rmtree(path, ignore_errors=True)

    def close(self) -> None:
        """Delete every snapshot and the spool."""
        with self.lock:
            paths = [*self.old, *([self.snapshot.path] if self.snapshot else [])]
            spool = self.spool
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)
        if spool is not None:
            shutil.rmtree(spool, ignore_errors=True)
