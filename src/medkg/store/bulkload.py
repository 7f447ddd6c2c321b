"""Oxigraph's bulk loader, fed one N-Quads file: the ``oxigraph load`` command when it is
installed at pyoxigraph's version, else pyoxigraph's ``Store.bulk_load``.

Both are the same loader, but the command parses a file on every core
(``parallel_load_from_file``) and pyoxigraph parses on one. On the 2-core development machine
the gain is within its noise (at a million synthetic claims, 9.4 GiB of N-Quads: the command
222-348 s in four runs, pyoxigraph 315-334 s in three, from a path or a Python reader, with or
without jemalloc; equal at 100k); it grows with the cores. Either way medkg's load is then the
loader's own. The command comes with the ``oxigraph`` package on PyPI, a dependency of medkg;
the fallback keeps a store that cannot use it (in memory, another version) working.

``load_streamed`` feeds the command the dataset as it is written, on its standard input, so
the writer (medkg's encoding, one core) and the loader (parsing and sorting, the other) run at
once instead of one after the other; without the command it writes a file first.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar, cast

import pyoxigraph as ox

from medkg.store.base import Progress
from medkg.store.leftovers import temporary_folder

T = TypeVar("T")
PIPE_BUFFER = 1 << 20  # bytes written to the loader at a time

log = logging.getLogger(__name__)
#: what `oxigraph load` prints every million or so lines it has loaded
LOADED = re.compile(r"^(\d+) triples loaded in ")
#: the lines of its stderr that say why a load failed
FAILED = ("Error while loading file", "Failed to save")
SAMPLE_BYTES = 1 << 20


class LoaderError(Exception):
    """The bulk loader failed (a broken line, a failed write): the store it wrote is not whole."""


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
        _stop(proc)
    _check(problems, code)
    if progress and reported < size:
        progress(size - reported)


def load_streamed(
    target: Path, write: Callable[[IO[str]], T], progress: Progress | None
) -> tuple[ox.Store, T]:
    """A new store at ``target`` holding the N-Quads that ``write`` writes to the stream it is
    given, loaded while they are written (``oxigraph load`` reading its standard input), and
    what ``write`` returned. ``progress`` is told the bytes written.

    An exception ``write`` raises stops the loader and passes on unchanged; the loader's own
    failure (a broken line, a failed write) raises LoaderError. Either way ``target`` is then
    the caller's to remove. Without the command: a file, then ``load_fresh``.
    """
    command = oxigraph_command()
    if command is None:
        with temporary_folder("medkg-stream-") as folder:
            spool = folder / "dataset.nq"
            with spool.open("w", encoding="utf-8", newline="\n") as f:
                written = write(f)
            try:
                return load_fresh(target, spool, progress), written
            except (SyntaxError, OSError) as e:
                raise LoaderError(str(e)) from None
    cmd = [command, "load", "--location", str(target), "--format", "nq"]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, bufsize=0
    )
    problems: list[str] = []
    reader = threading.Thread(target=_read_failures, args=(proc, problems), daemon=True)
    reader.start()
    assert proc.stdin is not None
    pipe = _Counted(proc.stdin, progress)
    out = io.TextIOWrapper(io.BufferedWriter(pipe, PIPE_BUFFER), encoding="utf-8", newline="\n")
    stopped = False
    try:
        try:
            written = write(out)
            out.close()  # the end of the input: the loader writes the store and exits
        except BrokenPipeError:  # the loader stopped reading: it says why on stderr
            stopped = True
            pipe.drop(out)
        except BaseException:  # the writer failed: stop the loader
            _stop(proc)
            pipe.drop(out)
            raise
        code = proc.wait()
        reader.join()
    finally:
        _stop(proc)
    try:
        _check(problems, code)
    except (SyntaxError, OSError) as e:
        raise LoaderError(str(e)) from None
    if stopped:
        raise LoaderError("`oxigraph load` stopped reading its input and said nothing")
    return ox.Store(str(target)), written


def _read_failures(proc: subprocess.Popen[bytes], problems: list[str]) -> None:
    """Collect why the loader failed from its stderr (``Error: Parser error between line
    2 column 23 ...`` reading standard input)."""
    assert proc.stderr is not None
    for raw in proc.stderr:
        line = raw.decode("utf-8", "replace").strip()
        if line.startswith(FAILED):
            problems.append(line)
        elif line.startswith("Error: "):
            problems.append(line.removeprefix("Error: "))


def _stop(proc: subprocess.Popen[Any]) -> None:
    """Stop the loader if it still runs (an interrupted load), before the caller cleans up."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _check(problems: list[str], code: int) -> None:
    if problems or code:
        text = "; ".join(problems) or f"`oxigraph load` exited with {code}"
        raise SyntaxError(text) if text.startswith("Parser error") else OSError(text)


class _Counted(io.RawIOBase):
    """The loader's standard input, telling ``progress`` how many bytes went in."""

    def __init__(self, pipe: IO[bytes], progress: Progress | None):
        self.pipe = pipe
        self.progress = progress

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.pipe.fileno()

    def write(self, data: Any) -> int:
        n = self.pipe.write(data) or 0
        if self.progress:
            self.progress(n)
        return n

    def drop(self, out: io.TextIOWrapper) -> None:
        """Close ``out`` (written through this) without writing what it still buffers to a
        loader that stopped."""
        pipe, self.pipe = self.pipe, io.BytesIO()
        pipe.close()
        out.close()

    def close(self) -> None:
        self.pipe.close()
        super().close()


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
