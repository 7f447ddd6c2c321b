"""Choose a backend by a URL-like string; a backend's module is imported only when chosen."""

from __future__ import annotations

import importlib
from pathlib import Path

from medkg.errors import ConfigError
from medkg.store.base import Store

#: scheme -> "module:Class"; a backend is registered only once it passes
#: tests/store/test_contract.py
BACKENDS = {
    "oxigraph": "medkg.store.oxigraph:OxigraphStore",
    "memory": "medkg.store.memory:MemoryStore",
    "sparql": "medkg.store.remote:SparqlStore",
}


def open_store(selector: str, root: Path | None = None, *, shared: bool = False) -> Store:
    """Open the store named by ``selector``, e.g. ``oxigraph:.medkg/store`` or ``memory:``.

    A relative oxigraph path is taken relative to ``root``. With ``shared`` (for commands that
    only read) a store another process writes, such as a running server's, is opened
    read-only instead of refused.
    """
    scheme, _, rest = selector.partition(":")
    if scheme not in BACKENDS:
        raise ConfigError(
            f"unknown store {selector!r}",
            hint="use one of: "
            + ", ".join(f"{s}:" for s in BACKENDS)
            + " (e.g. oxigraph:PATH, memory:, sparql:http://127.0.0.1:7878/query)",
        )
    module_name, _, cls_name = BACKENDS[scheme].partition(":")
    cls = getattr(importlib.import_module(module_name), cls_name)
    store: Store = cls.open(rest, root=root or Path("."), selector=selector, shared=shared)
    return store
