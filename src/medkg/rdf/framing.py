"""pyld's framing, made cheaper for medkg's documents without changing one byte of its output.

Documents are now written by ``medkg.rdf.writer`` without pyld; this path frames what the writer
leaves to pyld (blank nodes, RDF lists, JSON literals) and the article page's claims.

An entity's first page at 100k synthetic claims (6,200 triples) took 590 ms of CPU to frame
and compact. Where it went, and what this module does about it:

- rdflib -> N-Triples text -> pyld's N-Quads reader, line by line -> ``from_rdf``: the
  triples now become expanded JSON-LD here, in the same order (the sorted N-Triples lines),
  by ``from_rdf``'s algorithm (pyld's own for graphs with RDF lists);
- a document is framed three times (its root, its claims, the other nodes), and each call
  read the whole graph into pyld's node map: each now gets the nodes its frame can reach
  (``Expanded.reachable``);
- the copy of its input that pyld may change (a JSON round trip per call) stays, of less;
- compact IRIs (``_compact_iri``): every property, ``@id`` and ``@type`` compacted walked
  the context's 200 terms for the shortest CURIE; the answers are remembered per context.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from pyld import jsonld as pyld
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.serializers.nt import _nt_row

RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_NIL = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#nil")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class Expanded(list[dict[str, Any]]):
    """Expanded JSON-LD (``to_expanded``'s): nodes by ``@id``, and subsets of them."""

    def __init__(self, nodes: Iterable[dict[str, Any]] = ()) -> None:
        super().__init__(nodes)
        self.by_id = {str(n["@id"]): n for n in self if "@id" in n}
        self.has_blank = any(i.startswith("_:") for i in self.by_id)

    def reachable(self, roots: Iterable[str]) -> Expanded:
        """The nodes ``roots`` name and every node their values point at, in document order:
        framing them gives what framing all gives when the frame matches only ``roots`` (no
        blank nodes: pyld numbers those in the order it meets them)."""
        if self.has_blank:
            return self
        seen: set[str] = set()
        todo = [r for r in roots if r in self.by_id]
        while todo:
            node_id = todo.pop()
            if node_id in seen:
                continue
            seen.add(node_id)
            for key, values in self.by_id[node_id].items():
                if key.startswith("@"):
                    continue
                todo.extend(v["@id"] for v in values if "@id" in v and v["@id"] in self.by_id)
        return Expanded(n for n in self if n.get("@id") in seen)

    def only(self, ids: Iterable[str]) -> Expanded:
        """The nodes ``ids`` name, alone: enough for a frame that embeds nothing (``@never``)."""
        if self.has_blank:
            return self
        wanted = set(ids)
        return Expanded(n for n in self if n.get("@id") in wanted)


def to_expanded(graph: Graph, options: dict[str, Any]) -> Expanded:
    """A graph as expanded JSON-LD, as pyld's ``from_rdf`` gives it from the graph's sorted
    N-Triples lines (the order of values in arrays follows them): its algorithm without its
    dataset of dicts, literals converted by pyld itself; a graph with RDF lists (``rdf:nil``)
    goes through pyld's."""
    rows = sorted((_nt_row(t), t) for t in graph)
    if any(RDF_NIL in (s, o) for _, (s, _p, o) in rows):
        triples = [
            {"subject": _term(s), "predicate": _term(p), "object": _term(o)}
            for _, (s, p, o) in rows
        ]
        dataset = {"@default": triples} if triples else {}
        return Expanded(pyld.from_rdf(dataset, {**options, "useNativeTypes": True}))
    to_object = pyld.JsonLdProcessor()._rdf_to_object
    nodes: dict[str, dict[str, Any]] = {}
    for _, (s, p, o) in rows:
        node = nodes.setdefault(_id(s), {"@id": _id(s)})
        if isinstance(o, Literal):
            node.setdefault(_id(p), []).append(to_object(_term(o), True, None))
            continue
        ref = nodes.setdefault(_id(o), {"@id": _id(o)})["@id"]
        if p == RDF_TYPE:
            node.setdefault("@type", []).append(ref)
        else:
            node.setdefault(_id(p), []).append({"@id": ref})
    return Expanded(n for _, n in sorted(nodes.items()) if len(n) > 1)


def _id(term: Any) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _term(term: Any) -> dict[str, str]:
    """An rdflib term as pyld's N-Quads reader gives it."""
    if isinstance(term, Literal):
        if term.language:
            return {
                "type": "literal",
                "datatype": RDF_LANG_STRING,
                "language": term.language,
                "value": str(term),
            }
        return {"type": "literal", "datatype": str(term.datatype or XSD_STRING), "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "blank node", "value": f"_:{term}"}
    return {"type": "IRI", "value": str(term)}


class Framer(pyld.JsonLdProcessor):
    """pyld's processor for one document's frames: it takes ``Expanded`` input as it is (a
    copy: framing may change its input) and remembers the compact IRIs it found."""

    def __init__(self) -> None:
        super().__init__()
        self._iris: dict[tuple[Any, ...], str] = {}

    def expand(self, input_: Any, options: dict[str, Any]) -> Any:
        if isinstance(input_, Expanded):
            return json.loads(json.dumps(input_))
        return super().expand(input_, options)

    def _compact_iri(
        self,
        active_ctx: dict[str, Any],
        iri: str,
        value: Any = None,
        vocab: bool = False,
        base: Any = None,
        reverse: bool = False,
    ) -> Any:
        """pyld's, remembered by what it reads of the context, the IRI and the value."""
        ctx_id = active_ctx.get("_uuid") if isinstance(active_ctx, Mapping) else None
        shape = _value_shape(value)
        if ctx_id is None or shape is None or not isinstance(iri, str):
            return super()._compact_iri(active_ctx, iri, value, vocab, base, reverse)
        if shape and shape[0] == "node" and "@id" in value:
            shape = (*shape, self._is_term_of(active_ctx, value["@id"]))
        key = (ctx_id, iri, shape, vocab, base, reverse)
        found = self._iris.get(key)
        if found is None:
            found = self._iris[key] = super()._compact_iri(
                active_ctx, iri, value, vocab, base, reverse
            )
        return found

    def _is_term_of(self, active_ctx: dict[str, Any], iri: str) -> bool:
        """What pyld's term selection reads of a node's ``@id``: whether it compacts to a term
        defined as exactly that IRI (then ``@vocab`` terms are preferred)."""
        term = self._compact_iri(active_ctx, iri, None, vocab=True)
        mapping = active_ctx["mappings"].get(term)
        return bool(term is not None and mapping and mapping["@id"] == iri)


#: keys of a value whose compact IRI this module leaves to pyld every time
_UNREMEMBERED = frozenset(("@preserve", "@list", "@graph", "@index"))


def _value_shape(value: Any) -> tuple[Any, ...] | None:
    """What ``_compact_iri`` (and its term selection) reads of ``value``: of a node, whether it
    has an ``@id`` (and what that ``@id`` compacts to, added by the caller); of a value
    object, its keys, ``@type``, ``@language`` and ``@direction``. None when it reads more
    (lists, graphs, indexes, preserved values) or the value is not a JSON object."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        return None
    keys = frozenset(value)
    if keys & _UNREMEMBERED:
        return None
    if "@value" not in value:  # a node: its other keys and its types play no part
        return ("node", "@id" in value)
    return ("value", keys, value.get("@type"), value.get("@language"), value.get("@direction"))
