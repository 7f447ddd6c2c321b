"""Swap a newly built store in at the store's path so that the path names a complete store at
every instant, the old one or the new one, whenever the process is killed.

Layout: the store's path ``PATH`` is a symbolic link to a sibling folder ``PATH.v-<stamp>``
that holds a complete store. A build loads into ``PATH.building-<pid>`` (held by a lock, see
``leftovers``), which becomes ``PATH.v-<stamp>`` once flushed; the link ``PATH.next`` is made
to point at it, then renamed over ``PATH``: one atomic ``rename`` of a link, with the parent
folder fsynced after each step. An older store that is a plain folder at ``PATH`` is
exchanged with the link in one ``renameat2(RENAME_EXCHANGE)`` (Linux); where that call is
missing, it is renamed away first and ``PATH.next`` is left for ``recover`` to finish.

``recover`` runs before every open: if ``PATH`` is missing but a swap left a complete store
(``PATH.next``, or ``PATH.old-<pid>`` from medkg's earlier two-rename swap), that store is put
back at ``PATH``; an empty store is never created where data existed.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from medkg.errors import StoreError
from medkg.store.leftovers import remove_abandoned

log = logging.getLogger(__name__)
AT_FDCWD = -100
RENAME_EXCHANGE = 2
#: called with each step's name as the swap passes it (tests kill the process there)
on_step: Callable[[str], None] | None = None


def step(name: str) -> None:
    if on_step is not None:
        on_step(name)


def sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def fsync_dir(folder: Path) -> None:
    """Make the folder's entries (a rename, a new link) durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """Make a built store durable before it is named: its files, then its folder."""
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False):
            fd = os.open(entry.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    fsync_dir(folder)


def recover(path: Path) -> None:
    """Put back at ``path`` a complete store that a killed swap left beside it."""
    if path.is_symlink() and not path.exists():
        raise StoreError(
            f"the store at {path} is a link to {os.readlink(path)}, which does not exist",
            hint=f"restore that folder, or delete the link {path} to start an empty store",
        )
    if path.exists():
        return
    nxt = sibling(path, ".next")
    legacy = sorted(path.parent.glob(path.name + ".old-*"), key=lambda p: p.stat().st_mtime)
    if nxt.is_symlink() and nxt.exists():
        found = nxt
    elif legacy and legacy[-1].is_dir():
        found = legacy[-1]
    else:
        return
    os.replace(found, path)
    fsync_dir(path.parent)
    log.warning("recovered the store at %s from %s, left by an interrupted swap", path, found)


def remove_leftovers(path: Path) -> list[Path]:
    """Remove what killed builds and swaps left beside the store at ``path`` (never the store
    it names, never a folder a live build holds)."""
    current = path.resolve() if path.exists() else None
    candidates = [
        p
        for pattern in (".building-*", ".v-*", ".old-*", ".next")
        for p in path.parent.glob(path.name + pattern)
        if p.resolve() != current and (path.exists() or pattern not in (".old-*", ".next"))
    ]
    return remove_abandoned(candidates)


def swap_in(path: Path, built: Path) -> Path | None:
    """Make ``path`` name the complete store in ``built`` (a sibling folder nobody has open).

    Returns the folder ``path`` named before (the caller removes it once it has let go of it),
    or None if there was none."""
    parent = path.parent
    fsync_tree(built)
    step("built")
    version = sibling(path, f".v-{time.time_ns():x}")
    os.rename(built, version)
    fsync_dir(parent)
    step("named")
    nxt = sibling(path, ".next")
    nxt.unlink(missing_ok=True)
    nxt.symlink_to(version.name)  # relative: the folder can be moved or mounted elsewhere
    fsync_dir(parent)
    step("linked")
    if path.is_symlink() or not path.exists():
        old = path.resolve() if path.exists() else None
        os.replace(nxt, path)  # one atomic rename over the old link
    elif exchange(nxt, path):
        old = nxt  # the plain folder now sits where the link was
    else:
        old = sibling(path, f".v-{time.time_ns():x}")
        os.rename(path, old)
        fsync_dir(parent)
        step("moved")  # PATH is missing here: recover() finishes the swap from PATH.next
        os.replace(nxt, path)
    fsync_dir(parent)
    step("switched")
    return old


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic ``renameat2(RENAME_EXCHANGE)``; False where the system or
    the filesystem lacks it."""
    call = renameat2()
    if call is None:
        return False
    if call(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def renameat2() -> Callable[..., int] | None:
    """The C library's ``renameat2`` (glibc 2.28+), or None."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        call: Callable[..., int] = libc.renameat2
    except (OSError, AttributeError):
        return None
    return call
