"""Bind query parameters as an inline ``VALUES`` block, for endpoints that cannot pre-bind.

Values are written as RDF terms (never spliced as text), so a parameter cannot change the shape of
the query: an IRI with characters an IRI may not hold, or a blank node, is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple
from urllib.parse import urljoin

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from medkg.errors import ParameterError, QuerySyntaxError
from medkg.terms import syntax_error

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_BAD_IRI_CHARS = re.compile(r"[<>\"{}|^`\\\x00-\x20]")
_LANG = re.compile(r"[A-Za-z]+(-[A-Za-z0-9]+)*")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def term_text(term: Node) -> str:
    """A term as SPARQL text, refusing what could escape its token.

    >>> term_text(URIRef("http://purl.obolibrary.org/obo/MONDO_0004976"))
    '<http://purl.obolibrary.org/obo/MONDO_0004976>'
    >>> term_text(Literal('say "hi"\\n'))
    '"say \\\\"hi\\\\"\\\\n"'
    """
    if isinstance(term, URIRef):
        if _BAD_IRI_CHARS.search(str(term)):
            raise ParameterError(f"{str(term)!r} is not a valid IRI")
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_ESCAPES) + '"'
        if term.language:
            if not _LANG.fullmatch(term.language):
                raise ParameterError(f"{term.language!r} is not a language tag")
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{term_text(URIRef(term.datatype))}"
        return text
    if isinstance(term, BNode):
        raise ParameterError("a blank node cannot be a query parameter")
    raise ParameterError(f"cannot bind {term!r}")


def _skip(query: str, i: int) -> int:
    """The index just past a string, IRI or comment starting at ``i`` (or ``i`` if none does)."""
    c = query[i]
    if c == "#":
        end = query.find("\n", i)
        return len(query) if end < 0 else end
    if c == "<":
        m = _IRI.match(query, i)
        return m.end() if m else i
    if c in "\"'":
        quote = c * 3 if query.startswith(c * 3, i) else c
        j = i + len(quote)
        while j < len(query):
            if query[j] == "\\":
                j += 2
                continue
            if query.startswith(quote, j):
                return j + len(quote)
            j += 1
        return len(query)
    return i


def where_brace(query: str) -> int | None:
    """Index of the ``{`` that opens the outermost WHERE group, or None (e.g. bare DESCRIBE).

    >>> q = 'CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o }'
    >>> q[where_brace(q):]
    '{ ?s ?p ?o }'
    >>> where_brace("SELECT * { ?where <x#{> ?o }")
    9
    """
    i, depth, seen_where, first_top = 0, 0, False, None
    construct = False
    while i < len(query):
        j = _skip(query, i)
        if j != i:
            i = j
            continue
        c = query[i]
        if c == "{":
            if depth == 0 and (seen_where or not construct):
                return i
            if depth == 0 and first_top is None:
                first_top = i
            depth += 1
        elif c == "}":
            depth -= 1
        elif c.isalpha() and depth == 0 and (i == 0 or query[i - 1] not in "?$:_-."):
            m = _WORD.match(query, i)
            if m is None:  # a letter outside ASCII: not a keyword
                i += 1
                continue
            word = m.group().upper()
            nxt = query[m.end() : m.end() + 1]
            if nxt != ":":
                seen_where = seen_where or word == "WHERE"
                construct = construct or word == "CONSTRUCT"
            i = m.end()
            continue
        i += 1
    return None


def iter_keywords(query: str) -> Iterator[str]:
    """The bare words of a query outside strings, IRIs, comments and prefixed names, upper-cased."""
    i = 0
    while i < len(query):
        j = _skip(query, i)
        if j != i:
            i = j
            continue
        c = query[i]
        m = _WORD.match(query, i) if c.isalpha() else None  # None: a letter no keyword has
        if m is not None:
            if (i == 0 or query[i - 1] not in "?$:_-.") and query[m.end() : m.end() + 1] != ":":
                yield m.group().upper()
            i = m.end()
            continue
        i += 1


def bind_values(query: str, bindings: Mapping[str, Node]) -> str:
    """The query with ``bindings`` joined into its WHERE group as one ``VALUES`` row.

    >>> bind_values("SELECT ?x WHERE { ?x a ?t }", {"t": URIRef("http://x/T")})
    'SELECT ?x WHERE { VALUES (?t) { (<http://x/T>) } ?x a ?t }'
    """
    if not bindings:
        return query
    names = " ".join(f"?{name}" for name in bindings)
    row = " ".join(term_text(t) for t in bindings.values())
    block = f"VALUES ({names}) {{ ({row}) }}"
    at = where_brace(query)
    if at is None:
        return f"{query}\n{block}"
    return f"{query[: at + 1]} {block}{query[at + 1 :]}"


def with_base(text: str, base_iri: str | None) -> str:
    """The text with ``BASE <base_iri>`` in front, for engines that take no base IRI argument;
    a text that declares its own BASE gets it made absolute instead (Virtuoso refuses a second
    BASE, though SPARQL allows it).

    >>> with_base("SELECT * { <s> ?p ?o }", "http://h/sparql")
    'BASE <http://h/sparql>\\nSELECT * { <s> ?p ?o }'
    """
    if base_iri is None:
        return text
    if "BASE" in iter_keywords(text):
        return absolute_bases(text, base_iri)
    return f"BASE {term_text(URIRef(base_iri))}\n{text}"


def absolute_bases(text: str, base_iri: str | None) -> str:
    """The text with each relative ``BASE <iri>`` resolved against the one before it (and
    ``base_iri``), which rdflib leaves relative (Oxigraph resolves them).

    >>> absolute_bases("BASE <c/> SELECT (<d> AS ?d) {}", "http://x/")
    'BASE <http://x/c/> SELECT (<d> AS ?d) {}'
    """
    out, last, current, previous = [], 0, base_iri or "", ""
    for tok in iter_tokens(text):
        if previous == "BASE" and tok.kind == "iri":
            current = urljoin(current, tok.text[1:-1])
            out += [text[last : tok.start], f"<{current}>"]
            last = tok.start + len(tok.text)
        previous = tok.text.upper() if tok.kind == "name" else ""
    return "".join(out) + text[last:]


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<name>(?:[A-Za-z\u00c0-\uffff][\w\-.\u00b7\u00c0-\uffff]*)?:(?:[\w\-.:%\u00b7\u00c0-\uffff]|\\.)*
             |[A-Za-z_\u00c0-\uffff][\w\-\u00c0-\uffff]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class Token(NamedTuple):
    """A significant token (a tuple: a frozen dataclass took a third of the tokenizer's time)."""

    kind: str
    text: str
    start: int  # where it begins in the text


def iter_tokens(text: str) -> Iterator[Token]:
    """Significant tokens of a SPARQL text (whitespace and comments dropped).

    >>> [t.text for t in iter_tokens('SELECT * { ?s <http://x/SERVICE> "SERVICE" } # SERVICE')]
    ['SELECT', '*', '{', '?s', '<http://x/SERVICE>', '"SERVICE"', '}']
    """
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, m.group(), m.start())


_INTEGER = re.compile(r"[0-9]+")


def limit_solutions(query: str, n: int) -> str | None:
    """The SELECT query with its top-level ``LIMIT`` lowered to at most ``n`` (added if it has
    none), or None for any other form or a text this scan cannot place a LIMIT in.

    The answer is then the first ``n`` solutions of the same sequence (LIMIT slices after
    ORDER BY and projection), so an engine can stop early and serialise natively without
    a row cap of its own. A LIMIT in a subquery, a string or a comment is left alone.

    >>> limit_solutions("SELECT * { ?s ?p ?o } ORDER BY ?s", 11)
    'SELECT * { ?s ?p ?o } ORDER BY ?s\\nLIMIT 11'
    >>> limit_solutions("SELECT * { { SELECT * {} LIMIT 99 } } LIMIT 500 OFFSET 3", 11)
    'SELECT * { { SELECT * {} LIMIT 99 } } LIMIT 11 OFFSET 3'
    >>> limit_solutions("SELECT ?x { ?x ?p ?o } VALUES ?x { <http://x/> }", 11)
    'SELECT ?x { ?x ?p ?o } LIMIT 11\\nVALUES ?x { <http://x/> }'
    >>> limit_solutions("ASK { ?s ?p ?o }", 11) is None
    True
    """
    depth, form, values = 0, None, None
    tokens = iter_tokens(query)
    for tok in tokens:
        if tok.text in "{([":
            depth += 1
        elif tok.text in "})]":
            depth -= 1
            if depth < 0:
                return None
        elif depth or tok.kind != "name" or ":" in tok.text:
            continue
        elif (word := tok.text.upper()) in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = form or word
        elif word == "VALUES" and values is None:
            values = tok.start
        elif word == "LIMIT" and form == "SELECT":
            after = next(tokens, None)
            m = _INTEGER.match(query, after.start) if after else None
            if m is None or values is not None:
                return None
            if int(m.group()) <= n:
                return query
            return f"{query[: m.start()]}{n}{query[m.end() :]}"
    if form != "SELECT" or depth != 0:
        return None
    if values is not None:
        return f"{query[:values]}LIMIT {n}\n{query[values:]}"
    return f"{query}\nLIMIT {n}"


def locate_syntax_error(
    text: str, what: str = "query", base_iri: str | None = None
) -> QuerySyntaxError | None:
    """The line and column where Oxigraph's SPARQL parser refuses ``text``, or None if it parses.

    The text is run against an empty in-memory store, so nothing is read or changed; a text
    in which Oxigraph could read ``LOAD`` or ``SERVICE`` (it ignores ASCII case, expands no
    escapes outside IRIs and strings) is not tried, wherever the words are.
    """
    if "LOAD" in text.upper() or "SERVICE" in text.upper():
        return None
    try:
        if what == "update":
            ox.Store().update(text, base_iri=base_iri)
        else:
            ox.Store().query(text, base_iri=base_iri)
    except SyntaxError as e:
        return syntax_error(e, what)
    except (RuntimeError, ValueError, OSError):
        return None
    return None
