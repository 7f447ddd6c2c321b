"""Documents framed and compacted straight from their triples, byte for byte as pyld frames them.

pyld frames a document in five passes over generic JSON-LD (expanded input, a node map, the
frame, the compaction, the clean-up), and each value costs it dozens of calls: ALS's first page
at 100k claims took ~400 ms of CPU to frame. medkg's frames are fixed and small (``@id`` or
``@type`` matches, ``@embed`` flags, property sub-frames), so this module walks ``Triples``
once per frame as pyld's framing algorithm would (the same matching, embedding, circular
reference and ordering rules) and writes each node compacted as it goes. What compaction
decides depends on the context and the shape of a value, not on the value: which term a
property takes for a value of that shape, how a value of that shape is written, how an IRI
compacts. Those answers come from pyld itself, asked once per shape or IRI and remembered per
context (``medkg.rdf.compaction``). Anything outside what this module writes (blank nodes, RDF lists,
JSON literals, frame keywords it does not know) raises ``Unsupported`` and the caller frames
the document with pyld. ``tests/test_writer.py`` and ``tests/test_framing.py`` compare both
ways on every seed document, a synthetic corpus and random graphs.
"""

from __future__ import annotations

from typing import Any

from medkg.rdf.compaction import Frame, Unsupported, compactor, expand_literal
from medkg.rdf.triples import RDF_TYPE, Lit, Term, Triples, nt

__all__ = ["TriplesSource", "Unsupported", "Writer"]


class Writer:
    """One document's frames written from its triples (a node map built as it is read)."""

    def __init__(self, triples: Triples, base: str) -> None:
        self.triples = triples
        self.c = compactor(base)
        self.expanded: dict[Lit, tuple[dict[str, Any], tuple[Any, ...]]] = {}
        self.nodes: dict[str, tuple[list[str], list[tuple[str, list[Term]]]]] = {}
        self.referenced = {
            o
            for s, props in triples.by_subject.items()
            for p, objects in props.items()
            if p != RDF_TYPE
            for o in objects
            if isinstance(o, str)
        }

    def frame(self, ids: list[str], shape: dict[str, Any]) -> list[dict[str, Any]]:
        """The nodes of ``ids`` (the document's subjects it asks about) that ``shape``
        matches, framed and compacted: ``jsonld.frame``'s answer."""
        frame = self.c.frame(shape)
        out = []
        for node_id in sorted({i for i in ids if self._known(i)}):
            if self._matches(node_id, frame):
                out.append(self._node(node_id, frame, []))
        return out

    def _known(self, node_id: str) -> bool:
        return node_id in self.triples.by_subject or node_id in self.referenced

    def _node_of(self, node_id: str) -> tuple[list[str], list[tuple[str, list[Term]]]]:
        """A node's types and its other properties, in pyld's order (properties by IRI,
        values by their N-Triples form: the order of the sorted N-Triples lines)."""
        found = self.nodes.get(node_id)
        if found is None:
            props = self.triples.by_subject.get(node_id, {})
            types = [
                str(t) for t in _ordered([o for o in props.get(RDF_TYPE, ()) if isinstance(o, str)])
            ]
            rest = []
            for p in sorted(props):
                values = list(props[p])
                if p == RDF_TYPE:
                    values = [o for o in values if isinstance(o, Lit)]
                if values:
                    rest.append((p, _ordered(values)))
            found = self.nodes[node_id] = (types, rest)
        return found

    def _matches(self, node_id: str, frame: Frame) -> bool:
        """pyld's ``_filter_subject`` for these frames (``@requireAll`` off)."""
        if frame.ids is not None:
            return node_id in frame.ids
        types, props = self._node_of(node_id)
        if frame.types is not None:
            return any(t in frame.types for t in types)
        if not frame.props:
            return True  # a wildcard
        have = {p for p, _ in props}
        return any(p in have for p in frame.props)

    def _node(self, node_id: str, frame: Frame, stack: list[str]) -> dict[str, Any]:
        """A matched node embedded: its properties framed by ``frame``, compacted."""
        c = self.c
        stack.append(node_id)
        types, props = self._node_of(node_id)
        out: dict[str, Any] = {"@id": c.id(node_id)}
        if types:
            out["@type"] = [c.vocab(t) for t in types]
        implicit = None
        for prop, values in props:
            sub = frame.props.get(prop)
            if sub is None:
                sub = implicit = implicit or Frame(frame.embed)
            for o in values:
                if isinstance(o, Lit):
                    if sub.types is not None:
                        continue  # a literal never matches a typed frame
                    value, shape = self._expand(o)
                    term, as_set = c.term(prop, shape, value)
                    _add(out, term, c.value(term, value, shape), as_set)
                    continue
                if o.startswith("_:"):
                    raise Unsupported("a blank node")
                if not self._known(o) or not self._matches(o, sub):
                    continue
                term, as_set = c.term(prop, ("node", c.is_term(o)), {"@id": o})
                embedded = self._embedded(o, sub, stack)
                _add(out, term, c.ref(term, o) if embedded is None else embedded, as_set)
        stack.pop()
        return out

    def _embedded(self, node_id: str, frame: Frame, stack: list[str]) -> dict[str, Any] | None:
        """The node embedded where it is referenced, or None where pyld leaves a reference:
        ``@never``, a circular reference (pyld's check skips the parent, so a node pointing
        at itself is embedded in itself once) or nothing to embed."""
        if frame.embed == "@never" or node_id in stack[:-1]:
            return None
        node = self._node(node_id, frame, stack)
        return node if len(node) > 1 else None  # pyld compacts a bare @id as a reference

    def _expand(self, lit: Lit) -> tuple[dict[str, Any], tuple[Any, ...]]:
        found = self.expanded.get(lit)
        if found is None:
            value = expand_literal(lit, self.c.proc)
            shape = (
                frozenset(value),
                value.get("@type"),
                value.get("@language"),
                type(value["@value"]),
            )
            found = self.expanded[lit] = (value, shape)
        return found


def _ordered(values: list[Term]) -> list[Term]:
    """Values in the order of their N-Triples forms (one value: no forms to make)."""
    return sorted(values, key=nt) if len(values) > 1 else values


def _add(out: dict[str, Any], key: str, value: Any, as_set: bool) -> None:
    """pyld's ``add_value`` as compaction calls it (duplicates allowed)."""
    if key in out:
        present = out[key]
        if isinstance(present, list):
            present.append(value)
        else:
            out[key] = [present, value]
    else:
        out[key] = [value] if as_set else value


class TriplesSource:
    """``Triples`` framed by ``Writer``: a ``medkg.rdf.frames.Source``."""

    def __init__(self, triples: Triples, base: str) -> None:
        if triples.blank:
            raise Unsupported("blank nodes (pyld names them as it meets them)")
        self.triples = triples
        self.base = base
        self.writer = Writer(triples, base)

    def subjects(self, p: str | None = None, o: str | None = None) -> set[str]:
        return self.triples.subjects(p, o)

    def objects(self, p: str) -> set[str]:
        return {
            o
            for props in self.triples.by_subject.values()
            for o in props.get(p, ())
            if isinstance(o, str)
        }

    def has(self, s: str, p: str, o: str) -> bool:
        return self.triples.has(s, p, o)

    def frame(self, ids: list[str], shape: dict[str, Any], reach: bool) -> list[dict[str, Any]]:
        return self.writer.frame(ids, shape)
