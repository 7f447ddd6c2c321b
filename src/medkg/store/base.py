"""The Store protocol every backend implements, and the backend-neutral QueryResult."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

from rdflib import URIRef
from rdflib.term import Node

Quad = tuple[Node, Node, Node, URIRef]
Row = tuple[Node | None, ...]
Progress = Callable[[int], None]
T = TypeVar("T")
#: called by ``replace_dataset`` with the new store, loaded, before it is swapped in
Prepare = Callable[["Store"], object]
#: files beside a store's data in its folder, derived from its content (e.g. the summaries):
#: they move with the folder when a build swaps it in, and a write to the store removes them
SIDE_FILES = "medkg-side-*"


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do, declared, so callers never probe with isinstance."""

    supports_update: bool = True
    persistent: bool = False
    native_serialization: bool = False
    bindings: bool = False  # binds parameters as terms (VALUES or natively), never as text
    snapshots: bool = False  # can hand a read-only copy to another process (see Snapshotting)
    bulk_load: bool = False  # replace_dataset uses a native bulk loader (fast, on-disk, streamed)
    bulk_stream: bool = False  # stream_dataset loads the dataset while it is written
    # the default graph is stored: the set union of the named graphs, kept so by every write
    # (see "The stored union" below); without it the engine's own union view is the default graph
    stored_union: bool = False
    # whose SPARQL parser reads the text: "oxigraph" or "rdflib" here, in medkg's processes,
    # or "remote" (another server's); the outbound rule reads SERVICE and LOAD with the same
    engine: str = "remote"


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


class Queries(Protocol):
    """What answers a read query: a store, or the web's query workers (which run it under
    ``query_timeout``); readers that only ask questions take this rather than a Store."""

    def query(self, sparql: str) -> QueryResult: ...


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
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; the default graph is the union of all graphs (a set: each
        triple once, however many graphs hold it, on backends with ``stored_union``) unless
        ``default_graphs`` names some. Relative IRIs resolve against ``base_iri`` (the
        endpoint's own IRI, as the protocol's "service-defined BASE IRI"), or the text's BASE."""
        ...

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL Update atomically; relative IRIs resolve against ``base_iri``."""
        ...

    def replace_graphs(
        self, graphs: Mapping[URIRef, Iterable[Quad]], drop_prefix: str | None = None
    ) -> None:
        """Atomically replace the given graphs (and drop others whose IRI starts with
        ``drop_prefix``), so no reader sees a half-built dataset."""
        ...

    def replace_dataset(
        self,
        nquads: Path,
        drop_prefix: str | None = None,
        progress: Progress | None = None,
        union_included: bool = False,
        prepare: Prepare | None = None,
    ) -> None:
        """Replace the graphs whose IRI starts with ``drop_prefix`` by the quads of an N-Quads
        file (every quad in a named graph), as atomically as the backend can; see each
        backend's docstring for what readers see meanwhile. ``progress`` is called with the
        number of bytes of the file read since its last call.

        A store with ``capabilities.stored_union`` adds each triple to the default graph; with
        ``union_included`` the file already has those lines (``bulk.write_quads`` writes them),
        which saves a pass over the data. Triple lines are ignored by other stores.

        ``prepare`` is called with the new store once it holds the data and before readers see
        it (a store swapped in whole passes its new folder: side files written there move
        with it); a store replaced in place passes itself."""
        ...

    def side_folder(self) -> Path | None:
        """The folder whose data this handle reads, where side files (``SIDE_FILES``) live;
        None for a store with no folder of its own (in memory, remote)."""
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


class Streaming(Store, Protocol):
    """A store (``capabilities.bulk_stream``) whose bulk loader reads the dataset while it is
    written, instead of a finished file."""

    def stream_dataset(
        self,
        write: Callable[[IO[str]], T],
        drop_prefix: str | None = None,
        progress: Progress | None = None,
        union_included: bool = False,
        prepare: Callable[[Store, T], object] | None = None,
    ) -> T:
        """``replace_dataset`` with the N-Quads ``write`` writes to the stream it is given (its
        exceptions pass on, the store unchanged); ``progress`` counts the bytes written and
        ``prepare`` also gets what ``write`` returned. Returns what ``write`` returned."""
        ...


# The stored union
# ----------------
# DESIGN section 2 makes the default graph the union of all graphs, and an RDF graph is a set.
# Oxigraph's union view (``use_default_graph_as_union``, ``serve --union-default-graph``) and
# Virtuoso's are bags: a triple in k named graphs matches k times, so a claim stated by k articles
# (its own triples are in each article's source graph) multiplies a join over n of its properties
# by k**n. A store with ``stored_union`` therefore keeps the default graph itself, as the set
# union of the named graphs: every write puts each triple in the default graph as well, and the
# updates below keep it so in the same transaction as the write.

#: after any update: drop default-graph triples no named graph holds, add those missing (a full
#: scan of the store, so writes that know what they replaced use ``replace_update`` instead)
RESYNC_UNION = (
    "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } ;\n"
    "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }\n"
)


def run_with_union_resync(
    run: Callable[[str], None], update: str, malformed: type[Exception]
) -> bool:
    """Run ``update`` and ``RESYNC_UNION`` as one request through ``run``; False when the text
    does not parse (``run`` raised ``malformed`` both times), so the client's text is at fault.

    An update may or may not end with its own ``;`` (both are valid), so the first text
    separates the two with ``;`` and the second does not; at most one of them parses.
    """
    for text in (f"{update}\n;\n{RESYNC_UNION}", f"{update}\n{RESYNC_UNION}"):
        try:
            run(text)
            return True
        except malformed:
            continue
    return False


def insert_data(graphs: Mapping[URIRef, Iterable[Quad]], union: bool = False) -> Iterator[str]:
    """Chunks of a SPARQL ``INSERT DATA`` for the given quads (n3 terms are valid SPARQL);
    with ``union``, each triple goes in the default graph too (the stored union)."""
    yield "INSERT DATA {\n"
    for g, quads in graphs.items():
        lines = [f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o, _ in quads]
        yield f"GRAPH {g.n3()} {{\n"
        yield from lines
        yield "}\n"
        if union:
            yield from lines
    yield "}\n"


def replace_update(
    graphs: Mapping[URIRef, Iterable[Quad]],
    existing: Iterable[URIRef],
    drop_prefix: str | None,
    union: bool = False,
) -> str:
    """One SPARQL Update that drops the replaced (and stale) graphs and inserts the new ones.

    With ``union`` (a stored union), the default graph loses the triples of the dropped graphs
    that no kept graph holds and gains the new ones: work in proportion to what is replaced.
    """
    drops = set(graphs)
    if drop_prefix:
        drops |= {g for g in existing if str(g).startswith(drop_prefix)}
    return drop_update(drops, union) + "".join(insert_data(graphs, union))


def drop_update(drops: Iterable[URIRef], union: bool = False) -> str:
    """SPARQL Update operations (each ending in ``;``) that drop graphs; with ``union``, the
    default graph first loses their triples that no other graph holds."""
    names = sorted(set(drops))
    if not names:
        return ""
    parts = []
    if union:
        values = " ".join(g.n3() for g in names)
        parts.append(
            f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }}\n"
            f"  FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} "
            f"FILTER (?h NOT IN ({', '.join(g.n3() for g in names)})) }} }} ;\n"
        )
    parts += [f"DROP SILENT GRAPH {g.n3()} ;\n" for g in names]
    return "".join(parts)


def describe(store: Any, quads: int | None = None) -> dict[str, Any]:
    """A small summary of a store for /health and ``medkg stats``; pass ``quads`` when it is
    known (a build records it), since counting scans the whole store."""
    quads = store.count() if quads is None else quads
    return {"store": store.selector, "graphs": len(store.graph_names()), "quads": quads}


def graph_sizes(store: Store) -> dict[URIRef, int]:
    """Quads per named graph, in one scan (not one query per graph: a million claims come in
    ~30k source graphs)."""
    result = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {
        URIRef(str(g)): int(str(n))
        for g, n in result.rows
        if isinstance(g, URIRef) and n is not None
    }


def default_graph_size(store: Store) -> int:
    """Triples in the default graph (the union: each triple once where the union is a set)."""
    (row,) = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows)
    return int(str(row[0]))
