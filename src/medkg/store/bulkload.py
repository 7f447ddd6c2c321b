"""Oxigraph's bulk loader, fed one N-Quads file: the ``oxigraph load`` command when it is
installed at pyoxigraph's version, else pyoxigraph's ``Store.bulk_load``.

Both are the same loader, but the command parses a file on every core
(``parallel_load_from_file``) and pyoxigraph parses on one. On the 2-core development machine
the gain is within its noise (at a million synthetic claims, 9.4 GiB of N-Quads: the command
222-348 s in four runs, pyoxigraph 315-334 s in three, from a path or a Python reader, with or
without jemalloc; equal at 100k); it grows with the cores. Either way medkg's load is then the
loader's own. The command comes with the ``oxigraph`` package on PyPI, a dependency of medkg;
the fallback keeps a store that cannot use it (in memory, another version) working.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from medkg.store.base import Progress

log = logging.getLogger(__name__)
#: what `oxigraph load` prints every million or so lines it has loaded
LOADED = re.compile(r"^(\d+) triples loaded in ")
#: the lines of its stderr that say why a load failed
FAILED = ("Error while loading file", "Failed to save")
SAMPLE_BYTES = 1 << 20


@functools.cache
def oxigraph_command() -> str | None:
    """The ``oxigraph`` command beside this Python (or on PATH) if its version is
    pyoxigraph's (the same on-disk format), else None."""
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if found is None:
        return None
    try:
        out = subprocess.run(
            [found, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    if out[-1:] != [ox.__version__]:
        log.info("%s is version %s, not pyoxigraph's %s: not used", found, out, ox.__version__)
        return None
    return found


def load_fresh(target: Path | None, nquads: Path, progress: Progress | None) -> ox.Store:
    """A new store at ``target`` (in memory if None) holding the quads of ``nquads``.

    ``progress`` is told how many bytes of the file were loaded, in steps adding up to its size.
    Raises SyntaxError for a broken file and OSError for a failed write (the directory is then
    the caller's to remove)."""
    if target is not None and (command := oxigraph_command()) is not None:
        run_load(command, target, nquads, progress)
        return ox.Store(str(target))
    fresh = ox.Store(str(target)) if target else ox.Store()
    with nquads.open("rb") as f:
        fresh.bulk_load(cast(IO[bytes], ProgressReader(f, progress)), format=ox.RdfFormat.N_QUADS)
    return fresh


def run_load(command: str, target: Path, nquads: Path, progress: Progress | None) -> None:
    """``oxigraph load`` into ``target``, its progress (lines) reported as bytes."""
    size = nquads.stat().st_size
    per_line = bytes_per_line(nquads)
    cmd = [command, "load", "--location", str(target), "--file", str(nquads), "--format", "nq"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    reported, problems = 0, []
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if m := LOADED.match(line):
                done = min(size, int(int(m.group(1)) * per_line))
                if progress and done > reported:
                    progress(done - reported)
                    reported = done
            elif line.startswith(FAILED):
                problems.append(line.strip().replace(f"Error while loading file {nquads}: ", ""))
        code = proc.wait()
    finally:
        if proc.poll() is None:  # interrupted: stop the loader before the caller cleans up
            proc.kill()
            proc.wait()
    if problems or code:
        text = "; ".join(problems) or f"`oxigraph load` exited with {code}"
        raise SyntaxError(text) if text.startswith("Parser error") else OSError(text)
    if progress and reported < size:
        progress(size - reported)


def bytes_per_line(nquads: Path) -> float:
    """The mean length of the file's first lines (for progress in bytes from lines)."""
    with nquads.open("rb") as f:
        head = f.read(SAMPLE_BYTES)
    return len(head) / max(1, head.count(b"\n"))


class ProgressReader:
    """A binary file that reports how many bytes were read, for progress bars."""

    def __init__(self, f: IO[bytes], progress: Progress | None):
        self.f = f
        self.progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self.f.read(size)
        if self.progress:
            self.progress(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        n = self.f.readinto(buffer)  # type: ignore[attr-defined]
        if self.progress:
            self.progress(n or 0)
        return n or 0
