"""Pages of a named query ordered by (claim, evidence) that read only the pairs they show.

A query such as ``claims-about-entity`` has a row per (claim, evidence) and pages on
``order: [claim, evidence]``. Its anchor (see ``paging``) cuts a page to ``size + 2`` claims,
but a claim at the head is restated by thousands of sentences: the page would still join, look
up, group and sort every evidence of those claims before its ``LIMIT`` (20-28 s of CPU at a
million claims). So the page's pairs are found first, by the query's *finder*: its WHERE group
without the anchor and without its top-level OPTIONALs (which never remove a row), projected
on the two keys, run over the page's claims in order (a few claims at a time, their evidence
past the cursor, cut at the rows still missing); the query then runs bound to those pairs by a
``VALUES (?claim ?evidence)`` block in place of its anchor. Same rows, same order, same
cursors as the query's own paged text (a test compares them).

It applies when the engine's parse shows it is safe (``pair_keyset``): the order key is two
variables, the first the anchor's, the second linked to it by ``medkg:evidence`` in a required
pattern (DESIGN: what links a claim to its evidence), no variable the OPTIONALs bind is used
elsewhere in the group (a FILTER or BIND on one would filter differently without them), and no
HAVING. Otherwise the query's own paged text runs::

    keyset = pair_keyset(named.text, named.order)
    pairs = page_pairs(store, keyset, claims, bound, after, size)
    text = paged_text(with_pair_values(named.text, keyset, pairs), named.order, size, after, bound)
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rdflib import URIRef, Variable
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from medkg.algebra import algebra_of
from medkg.paging import anchor_span, paged_text, solution_modifiers
from medkg.store.base import Store
from medkg.store.rewrite import iter_tokens, term_text, where_brace
from medkg.vocab import MEDKG

log = logging.getLogger(__name__)

#: what links a claim to its evidence (DESIGN section 2)
LINK = URIRef(str(MEDKG.evidence))


@dataclass(frozen=True)
class PairKeyset:
    """How a query's pages find their (claim, evidence) pairs: ``finder`` selects the two keys
    (``DISTINCT``) from the query's required patterns, its anchor left out."""

    claim: str
    evidence: str
    finder: str


@functools.cache
def pair_keyset(text: str, order: tuple[str, ...]) -> PairKeyset | None:
    """The pair keyset of a query's text and ``order:`` key, or None where it is not safe."""
    if len(order) != 2 or anchor_span(text, order[0]) is None:
        return None
    claim, evidence = order
    body = _without_anchor(text, claim)
    at = where_brace(body)
    if at is None:
        return None
    close = _closing(body, at)
    select = next((t.start for t in iter_tokens(body) if t.text.upper() == "SELECT"), None)
    tail = body[close + 1 : solution_modifiers(body)]
    if close < 0 or select is None or any(t.text.upper() == "HAVING" for t in iter_tokens(tail)):
        return None
    group = _without_optionals(body[at + 1 : close])
    finder = f"{body[:select]}SELECT DISTINCT ?{claim} ?{evidence} WHERE {{{group}}}"
    return PairKeyset(claim, evidence, finder) if _safe(finder, claim, evidence) else None


def page_pairs(
    store: Store,
    keyset: PairKeyset,
    claims: Sequence[Node],
    bound: Mapping[str, Node],
    after: Sequence[Node] | None,
    size: int,
) -> list[tuple[Node, Node]]:
    """The first ``size + 1`` pairs of ``claims`` (the page's anchor values, in order) past the
    cursor ``after``, in the page's order: the claims asked 1, 2, 4, ... at a time, so a head
    claim's page reads its own evidence only and a tail page a handful of queries."""
    keys = (keyset.claim, keyset.evidence)
    pairs: list[tuple[Node, Node]] = []
    at, batch = 0, 1
    brace = where_brace(keyset.finder)
    assert brace is not None, "made by pair_keyset"
    while at < len(claims) and len(pairs) <= size:
        chunk, at, batch = claims[at : at + batch], at + batch, batch * 2
        values = f"VALUES ?{keyset.claim} {{ {' '.join(term_text(c) for c in chunk)} }}"
        text = f"{keyset.finder[: brace + 1]} {values}{keyset.finder[brace + 1 :]}"
        text = paged_text(text, keys, size - len(pairs), after, bound)
        result = store.query(text, bindings=dict(bound))
        index = [result.variables.index(k) for k in keys]
        found = ((row[index[0]], row[index[1]]) for row in result.rows)
        pairs += [(c, e) for c, e in found if c is not None and e is not None]
    return pairs[: size + 1]


def with_pair_values(text: str, keyset: PairKeyset, pairs: Sequence[tuple[Node, Node]]) -> str:
    """``text`` with its anchor subquery replaced by a ``VALUES`` block of the page's pairs.

    >>> k = PairKeyset("c", "e", "")
    >>> with_pair_values("SELECT * { { SELECT ?c { ?c ?p ?x } } ?c ?q ?e }", k,
    ...                  [(URIRef("http://x/1"), URIRef("http://x/e"))])
    'SELECT * { VALUES (?c ?e) { (<http://x/1> <http://x/e>) } ?c ?q ?e }'
    """
    rows = " ".join(f"({term_text(c)} {term_text(e)})" for c, e in pairs)
    block = f"VALUES (?{keyset.claim} ?{keyset.evidence}) {{ {rows} }}"
    return _without_anchor(text, keyset.claim, block)


def _without_anchor(text: str, key: str, block: str = "") -> str:
    span = anchor_span(text, key)
    assert span is not None, "checked by the caller"
    opening, closing = text.rindex("{", 0, span[0]), text.index("}", span[1])
    return f"{text[:opening]}{block}{text[closing + 1 :]}"


def _closing(text: str, at: int) -> int:
    """Where the brace opened at ``at`` closes (-1 if it does not)."""
    depth = 0
    for tok in iter_tokens(text[at:]):
        depth += {"{": 1, "}": -1}.get(tok.text, 0)
        if depth == 0:
            return at + tok.start
    return -1


def _without_optionals(group: str) -> str:
    """``group`` without its top-level ``OPTIONAL { ... }`` blocks.

    >>> _without_optionals(" ?c ?p ?e OPTIONAL { ?e ?q ?x } . ?c ?r ?o ")
    ' ?c ?p ?e  . ?c ?r ?o '
    """
    kept, depth, cut, skip_to = [], 0, 0, -1
    tokens = list(iter_tokens(group))
    for i, tok in enumerate(tokens):
        if tok.start < skip_to:
            continue
        if depth == 0 and tok.text.upper() == "OPTIONAL" and i + 1 < len(tokens):
            end = _closing(group, tokens[i + 1].start)
            if end < 0:
                break
            kept.append(group[cut : tok.start])
            cut = skip_to = end + 1
            continue
        depth += {"{": 1, "}": -1}.get(tok.text, 0)
    kept.append(group[cut:])
    return "".join(kept)


def _safe(finder: str, claim: str, evidence: str) -> bool:
    """Whether ``finder`` gives exactly the query's (claim, evidence) pairs: it parses, links
    the keys by ``medkg:evidence`` in a required pattern, and its patterns bind every variable
    its group names (a FILTER or BIND on a variable only a dropped OPTIONAL bound would not)."""
    try:
        where = algebra_of(finder).p.p.p
    except Exception as e:  # rdflib's parser raises many kinds: not paired
        log.info("no pair keyset (the finder does not parse: %s)", e)
        return False
    if not _links(where, Variable(claim), Variable(evidence)):
        return False
    scope = {str(v) for v in _bound(where)} | {claim}
    at = where_brace(finder)
    named = {t.text[1:] for t in iter_tokens(finder[at or 0 :]) if t.kind == "var"}
    return not named - scope


def _bound(node: object) -> set[Variable]:
    """The variables the patterns of the algebra ``node`` bind: triples' terms, BIND's and
    VALUES' variables (not those an expression merely names)."""
    if isinstance(node, list):
        return set().union(*map(_bound, node)) if node else set()
    if not isinstance(node, CompValue):
        return set()
    if node.name == "BGP":
        return {t for triple in node.triples for t in triple if isinstance(t, Variable)}
    found = {node["var"]} if node.name == "Extend" else set()
    if node.name == "values":
        found = {v for row in node.get("res") or [] for v in row}
    skip = {"expr", "_vars", "var", "res"}
    return found.union(*(_bound(v) for k, v in node.items() if k not in skip))


def _links(node: object, claim: Variable, evidence: Variable) -> bool:
    """Whether a required part of the algebra ``node`` has the triple claim LINK evidence."""
    if not isinstance(node, CompValue):
        return False
    if node.name == "BGP":
        return (claim, LINK, evidence) in node.triples
    parts = {"Join": ("p1", "p2"), "LeftJoin": ("p1",), "Filter": ("p",), "Extend": ("p",)}
    return any(_links(node.get(k), claim, evidence) for k in parts.get(node.name, ()))
