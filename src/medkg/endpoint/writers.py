"""Write a QueryResult to a binary file in a negotiated format, row by row, up to a row cap.

Nothing here holds a whole result: solutions are written as they come, and graphs go through
pyoxigraph's streaming serialisers. The writer reports how many rows it wrote and whether it cut.
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from medkg.formats import Format
from medkg.store.base import QueryResult, Row
from medkg.terms import (
    RDF_FORMATS,
    RDF_LANGSTRING,
    RESULT_FORMATS,
    XSD_STRING,
    to_oxigraph,
)
from medkg.vocab import PREFIXES

TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k not in ("MEDKG",)}
#: solution formats Oxigraph both writes and reads back (to count what it wrote); CSV it cannot
#: read, so CSV goes through the Python writer
NATIVE_SOLUTIONS = ("json", "xml", "tsv")
COUNT_IN_MEMORY = 8 << 20  # a native answer up to this size is counted in memory, not on disk


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


def write_result(
    result: QueryResult, fmt: Format, out: IO[bytes], max_rows: int, limited: bool = False
) -> Written:
    """Write ``result`` to ``out`` in ``fmt``, at most ``max_rows`` solutions or triples.

    ``limited`` says the query itself can give at most ``max_rows + 1`` solutions (see
    ``store.rewrite.limit_solutions``): then Oxigraph's own serialiser writes them, which
    costs next to nothing beside the Python writers (a tenth of the request at 1M claims).
    """
    if result.kind == "boolean":
        BOOLEAN_WRITERS[fmt.name](bool(result.boolean), out)
        return Written(1, False)
    if result.kind == "graph":
        if isinstance(result.native, ox.QueryTriples):
            triples = Counter(result.native, max_rows)
            native: Iterable[ox.Triple] = triples
        else:
            triples = Counter(result.triples, max_rows)
            native = (ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in triples)
        ox.serialize(
            native,
            out,
            RDF_FORMATS[fmt.name],
            prefixes=TURTLE_PREFIXES if fmt.name in ("ttl", "trig") else None,
        )
        return Written(triples.count, triples.truncated)
    if limited and isinstance(result.native, ox.QuerySolutions) and fmt.name in NATIVE_SOLUTIONS:
        return write_native(result.native, fmt, out, max_rows)
    if isinstance(result.native, ox.QuerySolutions):
        width = len(result.variables)
        source: Iterable[Row] = (tuple(sol[i] for i in range(width)) for sol in result.native)
    else:
        source = result.rows
    rows = Counter(source, max_rows)
    SOLUTION_WRITERS[fmt.name](result.variables, rows, out)
    return Written(rows.count, rows.truncated)


def write_native(
    solutions: ox.QuerySolutions, fmt: Format, out: IO[bytes], max_rows: int
) -> Written:
    """Serialise with Oxigraph, then count the rows by reading them back (exact, whatever the
    text holds). Past ``max_rows`` the rows read back are written again, cut, in Python."""
    native = RESULT_FORMATS[fmt.name]
    with tempfile.SpooledTemporaryFile(max_size=COUNT_IN_MEMORY) as buffer:
        solutions.serialize(buffer, native)
        buffer.seek(0)
        reread = ox.parse_query_results(buffer, native)
        assert isinstance(reread, ox.QuerySolutions)
        count = sum(1 for _ in itertools.islice(reread, max_rows + 1))
        buffer.seek(0)
        if count <= max_rows:
            shutil.copyfileobj(buffer, out)
            return Written(count, False)
        parsed = ox.parse_query_results(buffer, native)
        assert isinstance(parsed, ox.QuerySolutions)
        variables = [v.value for v in parsed.variables]
        rows = Counter((tuple(sol[v] for v in variables) for sol in parsed), max_rows)
        SOLUTION_WRITERS[fmt.name](variables, rows, out)
        return Written(rows.count, rows.truncated)


def parts(t: Any) -> tuple[str, str, str | None, str | None]:
    """Kind ("uri", "bnode", "literal"), value, language and datatype of an rdflib or a
    pyoxigraph term (writers take both, so Oxigraph results skip the conversion)."""
    if isinstance(t, ox.NamedNode):
        return "uri", t.value, None, None
    if isinstance(t, ox.Literal):
        dt = t.datatype.value
        return "literal", t.value, t.language, None if dt in (XSD_STRING, RDF_LANGSTRING) else dt
    if isinstance(t, ox.BlankNode):
        return "bnode", t.value, None, None
    if isinstance(t, URIRef):
        return "uri", str(t), None, None
    if isinstance(t, BNode):
        return "bnode", str(t), None, None
    if isinstance(t, Literal):
        rdt = str(t.datatype) if t.datatype and not t.language else None
        return "literal", str(t), t.language, None if rdt == XSD_STRING else rdt
    raise TypeError(f"not an RDF term: {t!r}")


def direction(t: Any) -> str | None:
    """The base direction (``ltr`` / ``rtl``) of an RDF 1.2 literal such as ``"x"@ar--rtl``;
    None for every other term (rdflib terms have none)."""
    d = getattr(t, "direction", None) if isinstance(t, ox.Literal) else None
    return None if d is None else str(d)


def term_json(t: Any) -> dict[str, str]:
    kind, value, lang, datatype = parts(t)
    d = {"type": kind, "value": value}
    if lang:
        d["xml:lang"] = lang
        if (base := direction(t)) is not None:  # SPARQL 1.2 results, as Oxigraph writes them
            d["its:dir"] = base
    elif datatype:
        d["datatype"] = datatype
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


#: the namespace of the ``its:dir`` attribute (a literal's base direction) in SPARQL 1.2 XML results
ITS = "http://www.w3.org/2005/11/its"

#: XML parsers turn a raw CR (or CR LF) into LF; a character reference keeps it
XML_TEXT = {"\r": "&#13;"}


def char_refs(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


def xml_text(value: str) -> str:
    """Escaped element text. Leading and trailing whitespace go as character references, as
    Oxigraph writes them, since some parsers (Oxigraph's among them) trim raw whitespace.

    >>> xml_text(" a <b>\\r\\n")
    '&#32;a &lt;b&gt;&#13;&#10;'
    >>> xml_text("\\t ")
    '&#9;&#32;'
    """
    lead = len(value) - len(value.lstrip())
    core = value[lead:].rstrip()
    end = lead + len(core)
    return char_refs(value[:lead]) + escape(core, XML_TEXT) + char_refs(value[end:])


def term_xml(t: Any) -> str:
    kind, value, lang, datatype = parts(t)
    value = xml_text(value)
    if kind != "literal":
        return f"<{kind}>{value}</{kind}>"
    if lang and (base := direction(t)) is not None:
        its = f'its:dir={quoteattr(base)} xmlns:its="{ITS}" its:version="2.0"'
        return f"<literal xml:lang={quoteattr(lang)} {its}>{value}</literal>"
    if lang:
        return f"<literal xml:lang={quoteattr(lang)}>{value}</literal>"
    if datatype:
        return f"<literal datatype={quoteattr(datatype)}>{value}</literal>"
    return f"<literal>{value}</literal>"


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


def term_csv(t: Any) -> str:
    if t is None:
        return ""
    kind, text, _, _ = parts(t)
    text = "_:" + text if kind == "bnode" else text
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(variables: list[str], rows: Iterable[Row], out: IO[bytes]) -> None:
    out.write((",".join(variables) + "\r\n").encode())
    for row in rows:
        out.write((",".join(term_csv(t) for t in row) + "\r\n").encode())


def term_nt(t: Any) -> str:
    """A term in N-Triples syntax, as TSV results want it (no raw tabs or newlines)."""
    if t is None:
        return ""
    kind, value, lang, datatype = parts(t)
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    text = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if lang:
        base = direction(t)
        return f'"{text}"@{lang}' + (f"--{base}" if base else "")
    if datatype:
        return f'"{text}"^^<{datatype}>'
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
