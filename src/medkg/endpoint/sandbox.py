"""The second wall: the threads and processes that evaluate SPARQL cannot open a network socket.

A seccomp filter makes ``socket()`` fail with EPERM for every address family but ``AF_UNIX``
(and ``io_uring_setup`` with ENOSYS, since io_uring can make sockets without the syscall). It is
loaded on the calling thread only (seccomp filters are per thread), so the web process keeps its
listening socket and a remote store its client, while the threads of ``run_sandboxed`` — and
every thread or process they start, which inherit the filter — cannot reach any host. Query
worker processes load it on all their threads (``all_threads=True``) before reading a job.

Cost (``bench/outbound.py``, a busy 2-core machine): loading the filter takes under 0.1 ms, once
per thread; handing a call to a sandboxed thread adds about 0.03 ms (an entity query: 0.14 ms in
the request thread, 0.17 ms on a sandboxed one).
"""

from __future__ import annotations

import errno
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from medkg.errors import ConfigError
from medkg.limits.stack import shed_frames

T = TypeVar("T")
THREADS = 64  # started on demand; at most one per web thread (setting threads, 8) is ever busy

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_local = threading.local()


def deny_network(all_threads: bool = False) -> None:
    """Forbid the calling thread (or, with ``all_threads``, the whole process) network sockets.

    Irreversible for that thread and for everything it starts afterwards.
    """
    sc = _seccomp()
    rules = sc.SyscallFilter(sc.ALLOW)
    if all_threads:
        rules.set_attr(sc.Attr.CTL_TSYNC, 1)
    rules.add_rule(sc.ERRNO(errno.EPERM), "socket", sc.Arg(0, sc.NE, socket.AF_UNIX))
    rules.add_rule(sc.ERRNO(errno.ENOSYS), "io_uring_setup")
    rules.load()
    _local.sandboxed = True


def _seccomp() -> Any:
    try:
        import pyseccomp
    except (ImportError, RuntimeError, OSError) as e:
        raise ConfigError(
            f"cannot load the seccomp filter that keeps SPARQL evaluation off the network: {e}",
            hint="install libseccomp2 (apt-get install libseccomp2) and the pyseccomp package",
        ) from None
    return pyseccomp


def is_sandboxed() -> bool:
    """True on a thread that loaded the filter itself (threads it starts inherit the filter,
    but not this flag)."""
    return bool(getattr(_local, "sandboxed", False))


def run_sandboxed(fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` on a thread that cannot open network sockets; its result or its error."""
    if is_sandboxed():
        return fn(*args)
    return _threads().submit(_call, fn, *args).result()


def _call(fn: Callable[..., T], *args: object) -> T:
    """Call on this thread; an error leaves without its frames, so what they held (pyoxigraph
    results may only be dropped on the thread that made them) is dropped here."""
    try:
        return fn(*args)
    except BaseException as e:
        shed_frames(e)
        raise


def _threads() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _seccomp()  # a missing library is a ConfigError here, not a broken pool later
            _pool = ThreadPoolExecutor(
                THREADS, thread_name_prefix="medkg-sandboxed", initializer=deny_network
            )
        return _pool
