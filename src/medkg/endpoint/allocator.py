"""The malloc of query workers: jemalloc preloaded when asked for and installed."""

from __future__ import annotations

import ctypes.util
import logging
import os

from medkg.errors import ConfigError

log = logging.getLogger(__name__)
ALLOCATORS = ("jemalloc", "system")
#: jemalloc hands freed pages back within a second, so a worker's resident size (which the
#: memory cap reads) follows what it uses rather than what it once used
JEMALLOC_CONF = "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0"


def jemalloc_library() -> str | None:
    """The jemalloc shared library as the dynamic linker knows it (its soname), or None.

    Not loaded here to check: jemalloc cannot be loaded into a running process (its
    thread-local storage must be laid out at start), which is why workers preload it.
    """
    return ctypes.util.find_library("jemalloc")


def check_allocator(allocator: str) -> None:
    if allocator not in ALLOCATORS:
        raise ConfigError(
            f"query_allocator is {allocator!r}",
            hint=f"set it to one of: {', '.join(ALLOCATORS)}",
        )


def worker_environment(allocator: str) -> dict[str, str]:
    """The environment of a query worker: jemalloc preloaded when asked for and installed.

    Oxigraph allocates for every intermediate solution; under glibc's malloc the entity query
    at 1M claims took 371 ms, under jemalloc 320 ms (bench/scale.py; the ``oxigraph`` binary
    brings its own allocator, so this is also what it takes to run the same query as fast).
    """
    check_allocator(allocator)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if allocator == "jemalloc":
        library = jemalloc_library()
        if library is None:
            log.warning(
                "query workers use the system malloc: jemalloc is not installed "
                '(apt-get install libjemalloc2, or set query_allocator = "system")'
            )
            return env
        env["LD_PRELOAD"] = " ".join(filter(None, [library, env.get("LD_PRELOAD")]))
        env["MALLOC_CONF"] = env.get("MALLOC_CONF") or JEMALLOC_CONF
    return env
