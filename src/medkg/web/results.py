"""Serialise a QueryResult in a negotiated format, natively where the backend can."""

from __future__ import annotations

from rdflib import Graph
from rdflib.query import Result

from medkg.formats import Format
from medkg.store.base import QueryResult


def serialize(result: QueryResult, fmt: Format) -> bytes:
    """The result's bytes in ``fmt``; rdflib serialises what the backend cannot."""
    if result.serializer is not None:
        return result.serializer(fmt.name)
    if result.kind == "graph":
        graph = Graph()
        for t in result.triples:
            graph.add(t)
        return graph.serialize(format=fmt.rdflib or "turtle", encoding="utf-8")
    r = Result("SELECT" if result.kind == "bindings" else "ASK")
    if result.kind == "bindings":
        from rdflib.term import Variable

        r.vars = [Variable(v) for v in result.variables]
        r.bindings = [
            {Variable(v): t for v, t in zip(result.variables, row, strict=True) if t is not None}  # type: ignore[misc]
            for row in result.rows
        ]
    else:
        r.askAnswer = bool(result.boolean)
    out = r.serialize(format=fmt.rdflib or "json", encoding="utf-8")
    return out if isinstance(out, bytes) else b""
