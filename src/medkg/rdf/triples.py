"""A document's triples as plain Python values, read straight from pyoxigraph's results.

An entity's first page at the head holds ~6,000 triples: added to an rdflib ``Graph`` they cost
~25 us each (its three indexes and its contexts), and converting pyoxigraph's terms to rdflib's
as much again. ``Triples`` keeps them as ``subject -> predicate -> objects`` of plain values:
an IRI is a ``str``, a blank node a ``str`` starting with ``_:`` (an IRI never does: pyoxigraph
gives absolute IRIs only) and a literal a ``Lit``. The direct JSON-LD writer
(``medkg.rdf.writer``) reads it; Turtle and the other RDF formats still go through rdflib
(``to_graph``, made only when one is asked for)::

    t = Triples()
    t.add("https://ex.org/a", RDFS_LABEL, Lit("ALS", "", "en"))
    t.has("https://ex.org/a", RDFS_LABEL)  # True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from medkg.terms import XSD_STRING

XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class Lit(NamedTuple):
    """A literal: its lexical form, its datatype ("" for a plain or language-tagged string:
    rdflib's ``datatype=None``) and its language tag ("" for none)."""

    value: str
    datatype: str = ""
    language: str = ""

    def nt(self) -> str:
        """Its N-Triples form as rdflib writes it (the order of a document's values)."""
        text = (
            self.value.replace("\\", "\\\\")
            .replace("\n", "\\n")
            .replace('"', '\\"')
            .replace("\r", "\\r")
        )
        if self.language:
            return f'"{text}"@{self.language}'
        return f'"{text}"^^<{self.datatype}>' if self.datatype else f'"{text}"'


Term = str | Lit


def nt(term: Term) -> str:
    """The N-Triples form of a term (an IRI ``<...>``, a blank node ``_:b``, a literal)."""
    if isinstance(term, Lit):
        return term.nt()
    return term if term.startswith("_:") else f"<{term}>"


class Triples:
    """Triples by subject and predicate, without duplicates, in the order they were added."""

    def __init__(self) -> None:
        self.by_subject: dict[str, dict[str, dict[Term, None]]] = {}
        self.count = 0
        self.blank = False  # a blank node is among them

    def __len__(self) -> int:
        return self.count

    def add(self, s: str, p: str, o: Term) -> None:
        objects = self.by_subject.setdefault(s, {}).setdefault(p, {})
        if o not in objects:
            objects[o] = None
            self.count += 1
            if s[:2] == "_:" or (o.__class__ is str and o[:2] == "_:"):
                self.blank = True

    def update(self, other: Triples) -> None:
        """Add the triples of ``other``, which is used up: a subject only it has moves here
        whole (a page's claims are thousands of triples, re-added one by one before)."""
        for s, props in other.by_subject.items():
            mine = self.by_subject.get(s)
            if mine is None:
                self.by_subject[s] = props
                self.count += sum(map(len, props.values()))
                continue
            for p, objects in props.items():
                for o in objects:
                    self.add(s, p, o)
        other.by_subject = {}
        other.count = 0
        self.blank = self.blank or other.blank

    def __iter__(self) -> Iterator[tuple[str, str, Term]]:
        for s, props in self.by_subject.items():
            for p, objects in props.items():
                for o in objects:
                    yield s, p, o

    def has(self, s: str, p: str, o: Term | None = None) -> bool:
        """Whether ``s p o`` is here (``o`` None: any object)."""
        objects = self.by_subject.get(s, {}).get(p)
        return bool(objects) if o is None else objects is not None and o in objects

    def objects(self, s: str, p: str) -> Iterable[Term]:
        return self.by_subject.get(s, {}).get(p, {}).keys()

    def subjects(self, p: str | None = None, o: Term | None = None) -> set[str]:
        """Subjects with predicate ``p`` (and object ``o``), or all when ``p`` is None."""
        if p is None:
            return set(self.by_subject)
        return {
            s for s, props in self.by_subject.items() if p in props and (o is None or o in props[p])
        }

    def to_graph(self, prefixes: dict[str, str] | None = None) -> Graph:
        """The same triples as an rdflib graph (for Turtle, N-Triples, RDF/XML)."""
        g = Graph()
        for prefix, ns in (prefixes or {}).items():
            g.bind(prefix, ns, override=True, replace=True)
        for s, p, o in self:
            g.add((to_rdflib(s), URIRef(p), to_rdflib(o)))
        return g


def to_rdflib(term: Term) -> Any:
    if isinstance(term, Lit):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=term.datatype or None, normalize=False)
    return BNode(term[2:]) if term.startswith("_:") else URIRef(term)


def from_rdflib(term: Any) -> Term:
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else ""
        return Lit(str(term), datatype, term.language or "")
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def from_graph(graph: Iterable[tuple[Any, Any, Any]]) -> Triples:
    """Triples of an rdflib graph (or any rdflib triples), as they are."""
    out = Triples()
    for s, p, o in graph:
        out.add(str(from_rdflib(s)), str(p), from_rdflib(o))
    return out


def from_oxigraph(triples: Iterable[Any]) -> Triples:
    """Triples of a pyoxigraph CONSTRUCT result (or any pyoxigraph triples or quads), with
    decimals written with a decimal point (``medkg.documents.with_decimal_point``)."""
    out = Triples()
    add = out.add
    named, blank = ox.NamedNode, ox.BlankNode
    literals: dict[Any, Lit] = {}  # the same literal (a count, a boolean) recurs often
    for t in triples:
        s, o = t.subject, t.object
        subject = s.value if type(s) is named else f"_:{s.value}"
        if type(o) is named:
            add(subject, t.predicate.value, o.value)
        elif type(o) is blank:
            add(subject, t.predicate.value, f"_:{o.value}")
        else:
            lit = literals.get(o)
            if lit is None:
                lit = literals[o] = _literal(o)
            add(subject, t.predicate.value, lit)
    return out


def _literal(o: Any) -> Lit:
    if o.language:
        return Lit(o.value, "", o.language)
    datatype = o.datatype.value
    if datatype == XSD_STRING:
        return Lit(o.value)
    return with_decimal_point(Lit(o.value, datatype))  # type: ignore[return-value]


def with_decimal_point(term: Term) -> Term:
    """An xsd:decimal with a decimal point (``3.0``, as rdflib's Turtle writes it)."""
    if isinstance(term, Lit) and term.datatype == XSD_DECIMAL and "." not in term.value:
        return Lit(f"{term.value}.0", XSD_DECIMAL)
    return term
