"""Serialise a whole QueryResult to bytes in a negotiated format (small results: linked-data
pages, the CLI). ``/sparql`` streams through ``medkg.endpoint.writers`` instead."""

from __future__ import annotations

import io
import sys

from medkg.endpoint.writers import write_result
from medkg.formats import Format
from medkg.store.base import QueryResult


def serialize(result: QueryResult, fmt: Format, max_rows: int = sys.maxsize) -> bytes:
    """The result's bytes in ``fmt``, through the same writers /sparql uses."""
    out = io.BytesIO()
    write_result(result, fmt, out, max_rows)
    return out.getvalue()
