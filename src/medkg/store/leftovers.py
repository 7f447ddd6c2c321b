"""Folders a build works in, held by a lock while it runs, so that the next build can tell a
killed build's leftovers (removed) from another live build (kept).

A build holds an exclusive ``flock`` on its folder itself for as long as it runs. The kernel
drops the lock when the process dies, however it dies, so a folder nobody holds is a
leftover; and unlike a PID in the name, a lock cannot be mistaken for a reused PID's.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)


class Held:
    """An exclusive lock on a folder, held until ``release()`` (or the process ends)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)  # not inherited by children
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            raise

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the last descriptor drops the lock
            self.fd = -1


@contextlib.contextmanager
def held(folder: Path) -> Iterator[Path]:
    """Create ``folder`` (it must not exist) and hold its lock while the block runs."""
    folder.mkdir()
    lock = Held(folder)
    try:
        yield folder
    finally:
        lock.release()


@contextlib.contextmanager
def temporary_folder(prefix: str) -> Iterator[Path]:
    """A new folder in the temporary folder, held while the block runs, then removed; the
    leftovers of killed processes with the same prefix are removed first."""
    home = Path(tempfile.gettempdir())
    remove_abandoned(home.glob(prefix + "*"))
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=home))
    lock = Held(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        lock.release()


def remove_abandoned(candidates: Iterable[Path]) -> list[Path]:
    """Remove each candidate that no live process holds; return those removed.

    A symbolic link is only unlinked (never followed); a folder another process holds (a live
    build) is left alone."""
    removed = []
    for path in candidates:
        if path.is_symlink() or path.is_file():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            removed.append(path)
            continue
        try:
            lock = Held(path)
        except OSError:
            continue  # held by a live build, or gone meanwhile
        try:
            shutil.rmtree(path, ignore_errors=True)
        finally:
            lock.release()
        removed.append(path)
    if removed:
        log.info("removed %d leftover(s) of killed builds: %s", len(removed), removed)
    return removed
