"""A query job and its outcome, shared by the in-process runner and the worker processes."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from medkg import errors
from medkg.endpoint.writers import NATIVE_SOLUTIONS, Written, write_result
from medkg.errors import Location, MedkgError, NotAcceptable, QuerySyntaxError, StoreError
from medkg.formats import Format
from medkg.store.base import QueryResult, Store
from medkg.store.rewrite import limit_solutions

if TYPE_CHECKING:
    from rdflib.term import Node

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One query: text, protocol dataset, the format chosen per result kind, and the row cap."""

    query: str
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    formats: dict[str, Format | None] = field(default_factory=dict)  # "results"/"graph" -> fmt
    max_rows: int = 100_000
    bindings: dict[str, Node] = field(default_factory=dict)  # named-query parameters, as terms
    base_iri: str | None = None  # relative IRIs resolve against it (the endpoint's own IRI)


@dataclass(frozen=True)
class Done:
    """A finished query: its kind and format, what was written, and the spooled bytes."""

    kind: str
    fmt: Format
    written: Written
    body: IO[bytes]
    size: int
    cached: bool = False  # answered from the result cache (see execute.CachedExecutor)


def kind_of(result_kind: str) -> str:
    return "results" if result_kind in ("bindings", "boolean") else "graph"


def run_job(store: Store, job: Job, out: IO[bytes]) -> tuple[str, Format, Written]:
    """Run ``job`` on ``store`` and write the result to ``out``."""
    query = job.query
    limited = None
    results_format = job.formats.get("results")
    native = results_format.name if results_format else None
    if store.capabilities.native_serialization and native in NATIVE_SOLUTIONS:
        # the engine stops at the row cap and its own serialiser can write the rows
        limited = limit_solutions(query, job.max_rows + 1)

    def run(text: str) -> QueryResult:
        return store.query(
            text,
            default_graphs=job.default_graphs or None,
            named_graphs=job.named_graphs or None,
            bindings=job.bindings or None,
            base_iri=job.base_iri,
        )

    try:
        result = run(limited or query)
    except QuerySyntaxError:
        if limited is None:
            raise
        # the error (and its line and column) of the text as sent, never of the rewrite
        limited = None
        result = run(query)
    fmt = job.formats.get(kind_of(result.kind))
    if fmt is None:
        raise NotAcceptable(
            f"the query gives {kind_of(result.kind)} but no format for them is acceptable",
            hint="send an Accept header or ?format= for SPARQL results or RDF",
        )
    written = write_result(result, fmt, out, job.max_rows, limited=limited is not None)
    return result.kind, fmt, written


def error_to_wire(e: BaseException) -> dict[str, Any]:
    """An error as plain data (to cross a process boundary); unexpected ones keep no trace."""
    if isinstance(e, MedkgError):
        where = e.where.to_dict() if e.where else None
        return {"type": type(e).__name__, "message": e.message, "hint": e.hint, "where": where}
    if isinstance(e, MemoryError):
        return {
            "type": "StoreError",
            "message": "the query needed more memory than a query worker may use",
            "hint": "make the query more selective, or ask the operator to raise query_memory_mb",
            "where": None,
        }
    if isinstance(e, (RuntimeError, ValueError, OSError)):  # what the engines raise mid-way
        kind, hint = "QueryEvaluationError", "check the query; if it is valid, report it"
    else:
        kind, hint = "StoreError", "the server logged it; please report it"
        log.error("query failed unexpectedly: %r", e)
    return {
        "type": kind,
        "message": f"the query cannot be evaluated: {e}",
        "hint": hint,
        "where": None,
    }


def error_from_wire(data: dict[str, Any]) -> MedkgError:
    cls = getattr(errors, data["type"], StoreError)
    if not (isinstance(cls, type) and issubclass(cls, MedkgError)):
        cls = StoreError
    where = Location(**data["where"]) if data.get("where") else None
    return cls(data["message"], hint=data.get("hint"), where=where)


def import_opener(spec: str) -> Any:
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name)


def open_snapshot(opener: str, path: Path) -> Store:
    store: Store = import_opener(opener)(path)
    return store
