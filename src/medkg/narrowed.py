"""An anchor narrower than the summaries': its values found among the index's claims in order.

The founding query's anchor keeps the claims whose subject or disease context is the disease
*and* that speak of the topics: 3,455 of ALS's 41,612 claims at a million claims. Computed by
the query, every one of them is read and sorted to keep a page's 102 (0.64 s). But each of them
is also a claim the summary index relates to the disease (``about``: subject, object or disease
context), in IRI order. So when the engine's parse shows the anchor can only keep such claims
(``within_index``: a required pattern, or a UNION of them, links the claim to a parameter by
``rdf:subject``, ``rdf:object`` or ``medkg:diseaseContext``), the index's claims are read in
order, a batch at a time, and the anchor itself (bound to the batch by ``VALUES``) keeps those
it keeps, until the page has its ``size + 2``: the same values, reading ~1,600 claims instead.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from rdflib import RDF, URIRef, Variable
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from medkg.algebra import algebra_of
from medkg.paging import anchor_query, anchor_span
from medkg.store.base import Store
from medkg.store.rewrite import iter_tokens, term_text, where_brace
from medkg.summaries import SummaryIndex
from medkg.vocab import MEDKG

#: how the index's ``about`` table relates a claim to an entity
ABOUT = frozenset({RDF.subject, RDF.object, URIRef(str(MEDKG.diseaseContext))})
#: candidates read from the index per query, at first (doubled at each next batch)
FIRST_BATCH = 512


@functools.cache
def within_index(text: str, key: str) -> frozenset[str]:
    """The variables the anchor of ``text`` (selecting ``key``) keeps only claims about (as
    the index relates them): none where it has no anchor, or none such.

    >>> q = "SELECT ?c { { SELECT ?c { { ?c <%s> ?d } UNION { ?c <%s> ?d } ?c <x:p> ?o } } }"
    >>> sorted(within_index(q % (RDF.subject, MEDKG.diseaseContext), "c"))
    ['d']
    >>> sorted(within_index(q % (RDF.subject, "x:other"), "c"))
    []
    """
    span = anchor_span(text, key)
    if span is None:
        return frozenset()
    select = next(t.start for t in iter_tokens(text) if t.text.upper() == "SELECT")
    try:
        algebra = algebra_of(text[:select] + text[span[0] : span[1]])
    except Exception:  # rdflib's parser raises many kinds: not narrowed
        return frozenset()
    return frozenset(str(v) for v in _about(algebra, Variable(key)))


def narrowed_values(
    store: Store,
    index: SummaryIndex,
    text: str,
    key: str,
    param: str,
    bound: Mapping[str, Node],
    after: Node | None,
    size: int,
) -> list[Node]:
    """The anchor's first ``size + 2`` values from ``after`` on (as the anchor cut to a page
    gives them), found among the index's claims about ``bound[param]`` in order."""
    query = anchor_query(text, key, size, after, bound)
    assert query is not None, "within_index found the anchor"
    brace = where_brace(query)
    assert brace is not None
    entity, start = str(bound[param]), str(after) if after is not None else None
    found: list[Node] = []
    batch, skip = FIRST_BATCH, 0
    while len(found) < size + 2:
        claims = index.about(entity, start, batch + skip)[skip:]
        if claims:
            values = " ".join(term_text(URIRef(c)) for c in claims)
            cut = with_values(query, brace, f" VALUES ?{key} {{ {values} }} ")
            result = store.query(cut, bindings=dict(bound))
            at = result.variables.index(key)
            kept = [row[at] for row in result.rows]
            found += [v for v in kept if v is not None]
        if len(claims) < batch:
            break
        start, skip, batch = claims[-1], 1, batch * 2
    return found[: size + 2]


#: a group after these is not a plain part of the group around it (or not a group)
NOT_PLAIN = frozenset({"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "EXISTS", "VALUES", "SILENT"})


def with_values(query: str, brace: int, block: str) -> str:
    """``query`` with ``block`` (a ``VALUES``) at the start of its WHERE group (opened at
    ``brace``) and of each plain group in it (a UNION's branches): Oxigraph joins a UNION
    before a ``VALUES`` beside it (0.55 s for 512 claims of ALS at 1M; 22 ms inside). The same
    solutions: each group's are only those the outer ``VALUES`` keeps.

    >>> with_values("SELECT * { {?c ?p ?d} UNION {?c ?q ?d} OPTIONAL {?c ?r ?o} }", 9, "V ")
    'SELECT * {V  {V ?c ?p ?d} UNION {V ?c ?q ?d} OPTIONAL {?c ?r ?o} }'
    >>> with_values("SELECT * { VALUES (?d) { (<x:d>) } VALUES ?e { 1 } ?c ?p ?d }", 9, "V ")
    'SELECT * {V  VALUES (?d) { (<x:d>) } VALUES ?e { 1 } ?c ?p ?d }'
    """
    tokens = list(iter_tokens(query[brace:]))
    at, depth = [brace + 1], 0
    for i, tok in enumerate(tokens):
        if tok.text == "}":
            depth -= 1
            if depth == 0:
                break
        elif tok.text == "{":
            depth += 1
            before = {t.text.upper() for t in tokens[max(0, i - 2) : i]}
            data = tokens[i - 1].kind == "var" or tokens[i - 1].text == ")"  # VALUES ?x { ...
            following = tokens[i + 1].text.upper() if i + 1 < len(tokens) else ""
            if depth == 2 and not before & NOT_PLAIN and not data and following != "SELECT":
                at.append(brace + tok.start + 1)
    out, last = [], 0
    for pos in at:
        out += [query[last:pos], block]
        last = pos
    return "".join(out) + query[last:]


def _about(node: object, key: Variable) -> set[Variable]:
    """The variables required parts of the algebra ``node`` relate ``key`` to by ``ABOUT``."""
    if not isinstance(node, CompValue):
        return set()
    if node.name == "BGP":
        return {
            o for s, p, o in node.triples if s == key and p in ABOUT and isinstance(o, Variable)
        }
    if node.name == "Union":  # each branch must keep only claims about the variable
        return _about(node.get("p1"), key) & _about(node.get("p2"), key)
    parts = {"Join": ("p1", "p2"), "LeftJoin": ("p1",), "Filter": ("p",), "Extend": ("p",),
             "Project": ("p",), "Distinct": ("p",), "SelectQuery": ("p",), "ToMultiSet": ("p",),
             "OrderBy": ("p",), "Slice": ("p",)}  # fmt: skip
    return set().union(*(_about(node.get(part), key) for part in parts.get(node.name, ())))
