"""Why an on-disk store cannot be opened for writing, in words an operator can act on: the
folder is read-only (and why), another process holds its lock (which one), or it is not a
store at all."""

from __future__ import annotations

import fcntl
import os
import struct
from pathlib import Path

from medkg.errors import StoreError


def read_only_reason(path: Path) -> str | None:
    """Why this process cannot write the store at ``path`` (or create it), or None if it can.

    Asks the kernel (``statvfs``, ``access``), which knows about read-only mounts, permission
    bits and immutable files alike."""
    folder = path
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if os.statvfs(folder).f_flag & os.ST_RDONLY:
        return f"{folder} is on a read-only file system"
    for target in (folder, folder / "LOCK"):
        if target.exists() and not os.access(target, os.W_OK):
            return f"{target} is not writable by this user (uid {os.getuid()})"
    return None


def check_is_store(path: Path) -> None:
    """Refuse a path that holds something other than an Oxigraph store (RocksDB would mix its
    files into it)."""
    if path.exists() and not path.is_dir():
        raise StoreError(
            f"{path} is a file, not an Oxigraph store folder",
            hint="choose a folder with --store oxigraph:PATH",
        )
    if path.is_dir() and not (path / "CURRENT").exists():
        entries = sorted(p.name for p in path.iterdir())
        if entries:
            shown = ", ".join(entries[:5]) + (", ..." if len(entries) > 5 else "")
            raise StoreError(
                f"{path} is not an Oxigraph store (it holds {shown} but no CURRENT file)",
                hint="choose an empty or new folder with --store oxigraph:PATH",
            )


def cannot_open(path: Path, error: OSError) -> StoreError:
    """The error for a store that failed to open, naming the real cause."""
    text = f"cannot open the Oxigraph store at {path}"
    if "lock hold by current process" in str(error):
        return StoreError(
            f"{text}: this process has it open already",
            hint="use the store object already open (one per process)",
        )
    pid = lock_holder(path / "LOCK")
    if pid is not None:
        return StoreError(
            f"{text}: its lock is held by process {pid} ({command_of(pid)})",
            hint=f"stop that process (kill {pid}) and try again, or choose another --store "
            "oxigraph:PATH (a medkg server has `medkg build` build through it once it listens; "
            "if that process is one still starting, wait for it)",
        )
    reason = read_only_reason(path)
    if reason is not None:
        return StoreError(f"{text}: {reason}", hint="make it writable, or build elsewhere")
    return StoreError(f"{text}: {error}", hint="see the error; is the disk full?")


def lock_holder(lock: Path) -> int | None:
    """The PID of the process holding a POSIX lock on ``lock`` (RocksDB's LOCK file), if any
    (Linux ``F_GETLK``; None where that is unavailable)."""
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:
        return None
    try:
        # struct flock on 64-bit Linux: l_type, l_whence, l_start, l_len, l_pid (+ padding)
        query = struct.pack("hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        kind, _, _, _, pid = struct.unpack("hhqqi4x", fcntl.fcntl(fd, fcntl.F_GETLK, query))
    except (OSError, struct.error):
        return None
    finally:
        os.close(fd)
    return pid if kind != fcntl.F_UNLCK and pid > 0 else None


def command_of(pid: int) -> str:
    """A process's command line, as ``ps`` would show it, or "?"."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:120] or "?"
