"""``memory:`` — rdflib in memory, for tests and tiny data. Copy-on-write for atomic swaps."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib.plugins.sparql
from pyparsing import ParseException
from rdflib import Dataset, URIRef
from rdflib.query import Result
from rdflib.term import Node

from medkg.errors import Location, QuerySyntaxError, StoreError
from medkg.store.base import Capabilities, Prepare, Progress, Quad, QueryResult
from medkg.store.rdflib_sparql import prepare_query, prepare_update
from medkg.store.rewrite import absolute_bases, locate_syntax_error
from medkg.terms import to_triple

# rdflib would otherwise fetch every FROM / FROM NAMED IRI from the web or the disk
# (FROM <file:///etc/passwd>): a query makes no outbound requests and reads no files
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False


class MemoryStore:
    """An rdflib Dataset whose default graph is the union of the named graphs."""

    capabilities = Capabilities(
        supports_update=True,
        persistent=False,
        native_serialization=False,
        bindings=True,
        engine="rdflib",
    )

    def __init__(self, selector: str = "memory:"):
        self.selector = selector
        self.ds = Dataset(default_union=True)
        self._write_lock = threading.Lock()

    @classmethod
    def open(cls, rest: str, *, root: Path, selector: str, shared: bool = False) -> MemoryStore:
        return cls(selector)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: Mapping[str, Node] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        ds = self.ds
        try:
            prepared = prepare_query(
                absolute_bases(sparql, base_iri), dict(ds.namespaces()), base_iri
            )
        except RecursionError:
            raise too_deep_for_rdflib("query") from None
        except ParseException as e:
            raise QuerySyntaxError(
                f"SPARQL syntax error: {e.msg}",
                where=Location("query", e.lineno, e.col),
                hint="fix the query at that line and column",
            ) from None
        if default_graphs:
            ds = Dataset(default_union=True)
            for g in default_graphs:
                for t in self.ds.graph(URIRef(g)):
                    ds.add(t)
        init: dict[str, Any] = {k: v for k, v in (bindings or {}).items()}
        return wrap_result(ds.query(prepared, initBindings=init))

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        with self._write_lock:
            staged = _copy(self.ds)
            try:
                text = absolute_bases(sparql, base_iri)
                prepared = prepare_update(text, dict(staged.namespaces()), base_iri)
            except RecursionError:
                raise too_deep_for_rdflib("update") from None
            except ParseException as e:
                raise locate_syntax_error(sparql, "update", base_iri) or QuerySyntaxError(
                    f"SPARQL syntax error: {e.msg}",
                    where=Location("update", e.lineno, e.col),
                    hint="fix the update at that line and column",
                ) from None
            try:
                staged.update(prepared)
            except RecursionError:
                raise too_deep_for_rdflib("update") from None
            self.ds = staged

    def replace_graphs(
        self, graphs: Mapping[URIRef, Iterable[Quad]], drop_prefix: str | None = None
    ) -> None:
        with self._write_lock:
            staged = _copy(self.ds, skip=set(graphs), drop_prefix=drop_prefix)
            for g, quads in graphs.items():
                graph = staged.graph(g)
                for s, p, o, _ in quads:
                    graph.add((s, p, o))
            self.ds = staged  # readers keep the old dataset until they finish

    def replace_dataset(
        self,
        nquads: Path,
        drop_prefix: str | None = None,
        progress: Progress | None = None,
        union_included: bool = False,
        prepare: Prepare | None = None,
    ) -> None:
        """Parse the file into a copy of the other graphs, then swap (for small data only).
        rdflib's union is a set already: triple lines (a stored union) are skipped."""
        with self._write_lock:
            staged = _copy(self.ds, drop_prefix=drop_prefix)
            try:
                for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
                    if isinstance(q.graph_name, ox.DefaultGraph):
                        continue
                    s, p, o = to_triple(q)
                    staged.graph(URIRef(q.graph_name.value)).add((s, p, o))
            except (SyntaxError, OSError) as e:
                raise StoreError(
                    f"load of {nquads} failed: {e}", hint="nothing in the store changed"
                ) from None
            if progress:
                progress(nquads.stat().st_size)
            self.ds = staged
        if prepare is not None:
            prepare(self)

    def graph_names(self) -> list[URIRef]:
        return sorted(
            g.identifier
            for g in self.ds.graphs()
            if isinstance(g.identifier, URIRef)
            and len(g)
            and str(g.identifier) != "urn:x-rdflib:default"
        )

    def count(self, graph: URIRef | None = None) -> int:
        if graph is None:
            return sum(1 for _ in self.ds.quads((None, None, None, None)))
        return len(self.ds.graph(graph))

    def side_folder(self) -> Path | None:
        return None  # no folder of its own: nothing is kept beside the data

    def close(self) -> None:
        pass


def too_deep_for_rdflib(what: str) -> QuerySyntaxError:
    """rdflib's parser recurses in Python and gives up after a few dozen nested brackets."""
    return QuerySyntaxError(
        f"the {what} nests too deeply for rdflib, which the memory: store uses",
        where=Location(what),
        hint="flatten it, or use the oxigraph: store",
    )


def _copy(ds: Dataset, skip: set[URIRef] | None = None, drop_prefix: str | None = None) -> Dataset:
    out = Dataset(default_union=True)
    for s, p, o, g in ds.quads((None, None, None, None)):
        gid = getattr(g, "identifier", g)
        if skip and gid in skip:
            continue
        if drop_prefix and str(gid).startswith(drop_prefix):
            continue
        out.graph(gid).add((s, p, o))
    return out


def wrap_result(result: Result) -> QueryResult:
    if result.type == "SELECT":
        names = [str(v) for v in result.vars or []]
        return QueryResult("bindings", names, rows=(tuple(r) for r in result))  # type: ignore[arg-type]
    if result.type == "ASK":
        return QueryResult("boolean", boolean=bool(result.askAnswer))
    return QueryResult("graph", triples=iter(result.graph or []))
