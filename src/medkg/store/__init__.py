"""Stores: one protocol, backends chosen by a URL-like string. Speaks quads and SPARQL only."""

from medkg.store.base import Capabilities, QueryResult, Store
from medkg.store.registry import open_store

__all__ = ["Capabilities", "QueryResult", "Store", "open_store"]
