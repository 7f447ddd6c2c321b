"""The Store protocol every backend implements, and the backend-neutral QueryResult."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rdflib import URIRef
from rdflib.term import Node

Quad = tuple[Node, Node, Node, URIRef]
Row = tuple[Node | None, ...]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, declared, so callers never probe with isinstance."""

    supports_update: bool = True
    persistent: bool = False
    native_serialization: bool = False
    bindings: bool = False  # pre-binds variables (safe parameters) natively
    snapshots: bool = False  # can hand a read-only copy to another process (see Snapshotting)
    bulk_load: bool = False  # replace_dataset uses a native bulk loader (fast, on-disk, streamed)


@dataclass
class QueryResult:
    """The answer to a query: solutions, a boolean, or triples.

    ``rows``/``triples`` are iterators over rdflib terms; ``serializer`` (when the backend has a
    native one) writes the result in a named format without going through rdflib.
    """

    kind: str  # "bindings" | "boolean" | "graph"
    variables: list[str] = field(default_factory=list)
    rows: Iterator[Row] = field(default_factory=lambda: iter(()))
    boolean: bool | None = None
    triples: Iterator[tuple[Node, Node, Node]] = field(default_factory=lambda: iter(()))
    serializer: Callable[[str], bytes] | None = None
    # the backend's own result object (e.g. pyoxigraph QuerySolutions), for writers that speak
    # it natively; it shares its iterator with rows/triples, so consume one or the other
    native: Any = None

    def to_dicts(self) -> list[dict[str, Node]]:
        """Rows as dicts of bound variables only (unbound ones left out)."""
        return [
            {v: t for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]


class Store(Protocol):
    """A quad store medkg can build into and query."""

    capabilities: Capabilities
    selector: str

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: Mapping[str, Node] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs unless
        ``default_graphs`` names some."""
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update atomically."""
        ...

    def replace_graphs(
        self, graphs: Mapping[URIRef, Iterable[Quad]], drop_prefix: str | None = None
    ) -> None:
        """Atomically replace the given graphs (and drop others whose IRI starts with
        ``drop_prefix``), so no reader sees a half-built dataset."""
        ...

    def replace_dataset(
        self, nquads: Path, drop_prefix: str | None = None, progress: Progress | None = None
    ) -> None:
        """Replace the graphs whose IRI starts with ``drop_prefix`` by the quads of an N-Quads
        file (every quad in a named graph), as atomically as the backend can; see each
        backend's docstring for what readers see meanwhile. ``progress`` is called with the
        number of bytes of the file read since its last call."""
        ...

    def graph_names(self) -> list[URIRef]: ...

    def count(self, graph: URIRef | None = None) -> int: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Snapshot:
    """A read-only copy of a store another process can open: ``opener`` is "module:function"
    taking ``path`` and returning a Store."""

    opener: str
    path: Path


class Snapshotting(Store, Protocol):
    """A store (``capabilities.snapshots``) that can copy itself cheaply for worker processes."""

    def snapshot(self) -> Snapshot:
        """A consistent read-only copy of the current data; the caller deletes ``path``."""
        ...


def insert_data(graphs: Mapping[URIRef, Iterable[Quad]]) -> Iterator[str]:
    """Chunks of a SPARQL ``INSERT DATA`` for the given quads (n3 terms are valid SPARQL)."""
    yield "INSERT DATA {\n"
    for g, quads in graphs.items():
        yield f"GRAPH {g.n3()} {{\n"
        for s, p, o, _ in quads:
            yield f"{s.n3()} {p.n3()} {o.n3()} .\n"
        yield "}\n"
    yield "}\n"


def replace_update(
    graphs: Mapping[URIRef, Iterable[Quad]], existing: Iterable[URIRef], drop_prefix: str | None
) -> str:
    """One SPARQL Update that drops the replaced (and stale) graphs and inserts the new ones."""
    drops = set(graphs)
    if drop_prefix:
        drops |= {g for g in existing if str(g).startswith(drop_prefix)}
    parts = [f"DROP SILENT GRAPH {g.n3()} ;\n" for g in sorted(drops)]
    return "".join(parts) + "".join(insert_data(graphs))


def describe(store: Any) -> dict[str, Any]:
    """A small summary of a store for /health and ``medkg stats``."""
    return {"store": store.selector, "graphs": len(store.graph_names()), "quads": store.count()}
