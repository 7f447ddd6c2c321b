"""Which graphs a SPARQL Update writes: the default graph is the union of all graphs
(DESIGN section 2), so an update may read it but never write it.

A triple written to the default graph belongs to no graph, so the union could not hold it; on a
store with a stored union it would be dropped at the next upkeep. Refusing such an update up
front, with the operation named, loses nothing.
"""

from __future__ import annotations

from typing import Any

from pyparsing import ParseException

from medkg.errors import BadRequest
from medkg.store.rdflib_sparql import prepare_update

DEFAULT = "DEFAULT"


def default_graph_writes(text: str) -> list[str]:
    """The operations of an update that would write the default graph, described.

    An update rdflib cannot parse yields nothing here: the store reports its syntax error.

    >>> default_graph_writes("INSERT DATA { GRAPH <http://g> { <http://a> <http://b> 1 } }")
    []
    >>> default_graph_writes("INSERT DATA { <http://a> <http://b> 1 }")
    ['INSERT DATA (operation 1) writes triples outside a GRAPH block']
    >>> default_graph_writes("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
    []
    >>> default_graph_writes("CLEAR SILENT DEFAULT ; COPY DEFAULT TO <http://g>")
    ['CLEAR DEFAULT (operation 1)']
    """
    try:
        update = prepare_update(text, reorder=False)
    except (ParseException, ValueError, TypeError, KeyError, AttributeError, NotImplementedError):
        return []
    except RecursionError:  # rdflib's parser recurses deeper than the engine's
        return []
    found = []
    for number, op in enumerate(update.algebra, start=1):
        problem = _writes_default(op)
        if problem:
            found.append(f"{problem} (operation {number})" + _detail(op))
    return found


def _writes_default(op: Any) -> str | None:
    name = op.name
    if name in ("InsertData", "DeleteData", "DeleteWhere") and op.triples:
        return {"InsertData": "INSERT DATA", "DeleteData": "DELETE DATA"}.get(name, "DELETE WHERE")
    if name == "Modify" and op.withClause is None:
        for clause, word in ((op.insert, "INSERT"), (op.delete, "DELETE")):
            if clause is not None and clause.triples:
                return f"{word} {{ ... }} WHERE"
    if name in ("Clear", "Drop") and op.graphiri == DEFAULT:
        return f"{name.upper()} DEFAULT"
    if name == "Load" and op.get("graphiri") is None:
        return "LOAD without INTO GRAPH"
    if name in ("Add", "Copy", "Move"):
        source, target = op.graph
        if target == DEFAULT or (name == "Move" and source == DEFAULT):
            return f"{name.upper()} ... DEFAULT"
    return None


def _detail(op: Any) -> str:
    if op.name in ("InsertData", "DeleteData", "DeleteWhere", "Modify"):
        return " writes triples outside a GRAPH block"
    return ""


def refuse_default_graph_writes(text: str) -> None:
    """Raise BadRequest (400) naming the operations that would write the default graph."""
    found = default_graph_writes(text)
    if found:
        raise BadRequest(
            "the default graph is the union of all graphs and cannot be written: "
            + "; ".join(found),
            hint="put the triples in a named graph: GRAPH <IRI> { ... }, or WITH <IRI>",
        )
