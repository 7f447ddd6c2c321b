"""Bulk export of the whole dataset, streamed graph by graph (``medkg export``, ``GET /dump``).

N-Quads and TriG keep the named graphs; Turtle and N-Triples hold the union of all graphs; JSON-LD
is one document with the published context and one ``@graph`` object per named graph. Each named
graph is read and serialised on its own (rdflib, pyld), so memory holds one graph at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from rdflib import Dataset, Graph, URIRef

from medkg.documents import with_decimal_point
from medkg.errors import NotAcceptable
from medkg.formats import Format, by_name
from medkg.rdf import jsonld
from medkg.store.base import Store

#: formats a dump is offered in; the first is the default
DUMP_FORMATS = ("nq", "trig", "jsonld", "ttl", "nt")


def dump_formats() -> list[Format]:
    return [by_name(n) for n in DUMP_FORMATS]


def read_graph(store: Store, name: URIRef, base: str) -> Graph:
    """One named graph of the store as an rdflib Graph, with the context's prefixes bound."""
    result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name.n3()} {{ ?s ?p ?o }} }}")
    graph = Graph(identifier=name)
    for prefix, ns in jsonld.prefixes(base).items():
        graph.bind(prefix, ns, override=True, replace=True)
    for s, p, o in result.triples:
        graph.add((s, p, with_decimal_point(o)))
    return graph


def iter_dump(store: Store, fmt: Format, base: str) -> Iterator[bytes]:
    """The whole dataset in ``fmt``, as chunks of bytes (one or more per named graph)."""
    if fmt.name not in DUMP_FORMATS:
        raise NotAcceptable(
            f"a dump is not offered as {fmt.name}", hint="offered: " + ", ".join(DUMP_FORMATS)
        )
    names = store.graph_names()
    if fmt.name == "jsonld":
        yield from _iter_jsonld(store, names, base)
        return
    for name in names:
        graph = read_graph(store, name, base)
        if fmt.kind == "dataset":
            ds = Dataset()
            for prefix, ns in graph.namespaces():
                ds.bind(prefix, ns, override=True, replace=True)
            target = ds.graph(name)
            for t in graph:
                target.add(t)
            yield ds.serialize(format=fmt.rdflib or "nquads", encoding="utf-8")
        else:
            yield graph.serialize(format=fmt.rdflib or "turtle", encoding="utf-8")


def _iter_jsonld(store: Store, names: list[URIRef], base: str) -> Iterator[bytes]:
    head = json.dumps({"@context": jsonld.context(base)}, ensure_ascii=False)
    yield (head[:-1] + ', "@graph": [\n').encode("utf-8")
    for i, name in enumerate(names):
        compacted = jsonld.compact(jsonld.to_expanded(read_graph(store, name, base)), base)
        nodes = compacted.get("@graph", [])
        if not nodes and len(compacted) > 1:
            nodes = [{k: v for k, v in compacted.items() if k != "@context"}]
        named = {"@id": str(name), "@graph": nodes}
        yield ((",\n" if i else "") + json.dumps(named, ensure_ascii=False)).encode("utf-8")
    yield b"\n]}\n"
