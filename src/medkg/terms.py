"""Convert terms between rdflib and pyoxigraph, and map pyoxigraph syntax errors to ours."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from medkg.errors import Location, QuerySyntaxError

_POS = re.compile(r"error at (\d+):(\d+)")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: pyoxigraph's serialisers by medkg.formats short name (the one table of formats)
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


def to_rdflib(term: Any) -> Node | None:
    """A pyoxigraph term as an rdflib term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return _iri(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        # normalize=False: rdflib would rewrite the lexical form ("0FB7"^^xsd:hexBinary as "0fb7")
        datatype = None if dt == XSD_STRING else URIRef(dt)
        return Literal(term.value, datatype=datatype, normalize=False)
    raise TypeError(f"cannot convert {term!r} to rdflib")


@lru_cache(maxsize=1 << 16)
def _iri(value: str) -> URIRef:
    """An IRI as an rdflib term, made once: a head entity's page names the same predicates,
    terms and articles thousands of times, and rdflib checks each IRI it is given."""
    return URIRef(value)


def to_triple(t: Any) -> tuple[Node, Node, Node]:
    """A pyoxigraph Triple or Quad's first three terms as rdflib terms."""
    s, p, o = to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)
    assert s is not None and p is not None and o is not None
    return s, p, o


def to_oxigraph(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype and str(term.datatype) != RDF_LANGSTRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot convert {term!r} to pyoxigraph")


def syntax_error(e: SyntaxError, what: str = "query") -> QuerySyntaxError:
    """Our error for a pyoxigraph SyntaxError, with the line and column it reported."""
    message = str(e)
    m = _POS.search(message)
    where = Location(what, int(m.group(1)), int(m.group(2))) if m else Location(what)
    text = _POS.sub("", message).strip(" :") or message
    return QuerySyntaxError(
        f"SPARQL syntax error: {text}", where=where, hint="fix the query at that line and column"
    )
