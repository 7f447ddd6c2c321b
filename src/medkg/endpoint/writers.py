"""Write a QueryResult to a binary file in a negotiated format, row by row, up to a row cap.

Nothing here holds a whole result: solutions are written as they come, and graphs go through
pyoxigraph's streaming serialisers. The writer reports how many rows it wrote and whether it cut.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from medkg.formats import Format
from medkg.store.base import QueryResult, Row
from medkg.terms import to_oxigraph
from medkg.vocab import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k not in ("MEDKG",)}


@dataclass(frozen=True)
class Written:
    """What a writer did: rows (or triples) written, and whether the cap cut the result."""

    rows: int
    truncated: bool


class Counter:
    """Pass items through up to ``limit``; note whether more were left."""

    def __init__(self, items: Iterable[Any], limit: int):
        self.items = iter(items)
        self.limit = limit
        self.count = 0
        self.truncated = False

    def __iter__(self) -> Iterator[Any]:
        for item in self.items:
            if self.count >= self.limit:
                self.truncated = True
                return
            self.count += 1
            yield item


def write_result(result: QueryResult, fmt: Format, out: IO[bytes], max_rows: int) -> Written:
    """Write ``result`` to ``out`` in ``fmt``, at most ``max_rows`` solutions or triples."""
    if result.kind == "boolean":
        BOOLEAN_WRITERS[fmt.name](bool(result.boolean), out)
        return Written(1, False)
    if result.kind == "graph":
        triples = Counter(result.triples, max_rows)
        ox.serialize(
            (ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in triples),
            out,
            RDF_FORMATS[fmt.name],
            prefixes=TURTLE_PREFIXES if fmt.name in ("ttl", "trig") else None,
        )
        return Written(triples.count, triples.truncated)
    rows = Counter(result.rows, max_rows)
    SOLUTION_WRITERS[fmt.name](result.variables, rows, out)
    return Written(rows.count, rows.truncated)


def term_json(t: Node) -> dict[str, str]:
    if isinstance(t, URIRef):
        return {"type": "uri", "value": str(t)}
    if isinstance(t, BNode):
        return {"type": "bnode", "value": str(t)}
    assert isinstance(t, Literal)
    d = {"type": "literal", "value": str(t)}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype and str(t.datatype) != XSD_STRING:
        d["datatype"] = str(t.datatype)
    return d


def write_json(variables: list[str], rows: Iterable[Row], out: IO[bytes]) -> None:
    out.write(b'{"head":{"vars":' + json.dumps(variables).encode() + b'},"results":{"bindings":[')
    sep = b""
    for row in rows:
        binding = {v: term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
        out.write(sep + json.dumps(binding, ensure_ascii=False).encode())
        sep = b",\n"
    out.write(b"]}}\n")


XML_HEAD = b'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def term_xml(t: Node) -> str:
    if isinstance(t, URIRef):
        return f"<uri>{escape(str(t))}</uri>"
    if isinstance(t, BNode):
        return f"<bnode>{escape(str(t))}</bnode>"
    assert isinstance(t, Literal)
    if t.language:
        return f"<literal xml:lang={quoteattr(t.language)}>{escape(str(t))}</literal>"
    if t.datatype and str(t.datatype) != XSD_STRING:
        return f"<literal datatype={quoteattr(str(t.datatype))}>{escape(str(t))}</literal>"
    return f"<literal>{escape(str(t))}</literal>"


def write_xml(variables: list[str], rows: Iterable[Row], out: IO[bytes]) -> None:
    head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    out.write(XML_HEAD + f"<head>{head}</head>\n<results>\n".encode())
    for row in rows:
        cells = "".join(
            f"<binding name={quoteattr(v)}>{term_xml(t)}</binding>"
            for v, t in zip(variables, row, strict=True)
            if t is not None
        )
        out.write(f"<result>{cells}</result>\n".encode())
    out.write(b"</results>\n</sparql>\n")


def term_csv(t: Node | None) -> str:
    if t is None:
        return ""
    text = f"_:{t}" if isinstance(t, BNode) else str(t)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(variables: list[str], rows: Iterable[Row], out: IO[bytes]) -> None:
    out.write((",".join(variables) + "\r\n").encode())
    for row in rows:
        out.write((",".join(term_csv(t) for t in row) + "\r\n").encode())


def term_nt(t: Node | None) -> str:
    """A term in N-Triples syntax, as TSV results want it (no raw tabs or newlines)."""
    if t is None:
        return ""
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, BNode):
        return f"_:{t}"
    assert isinstance(t, Literal)
    text = (
        str(t)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if t.language:
        return f'"{text}"@{t.language}'
    if t.datatype and str(t.datatype) != XSD_STRING:
        return f'"{text}"^^<{t.datatype}>'
    return f'"{text}"'


def write_tsv(variables: list[str], rows: Iterable[Row], out: IO[bytes]) -> None:
    out.write(("\t".join(f"?{v}" for v in variables) + "\n").encode())
    for row in rows:
        out.write(("\t".join(term_nt(t) for t in row) + "\n").encode())


SOLUTION_WRITERS: dict[str, Callable[[list[str], Iterable[Row], IO[bytes]], None]] = {
    "json": write_json,
    "xml": write_xml,
    "csv": write_csv,
    "tsv": write_tsv,
}

BOOLEAN_WRITERS: dict[str, Callable[[bool, IO[bytes]], Any]] = {
    "json": lambda b, out: out.write(b'{"head":{},"boolean":%s}\n' % str(b).lower().encode()),
    "xml": lambda b, out: out.write(
        XML_HEAD + b"<head/><boolean>%s</boolean>\n</sparql>\n" % str(b).lower().encode()
    ),
    "csv": lambda b, out: out.write(b"%s\r\n" % str(b).lower().encode()),
    "tsv": lambda b, out: out.write(b"%s\n" % str(b).lower().encode()),
}
