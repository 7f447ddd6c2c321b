"""rdflib's SPARQL parser behind one lock: every use of it in medkg goes through here.

rdflib parses SPARQL with a pyparsing grammar whose parse actions learn their own arity on their
first call (pyparsing's ``_trim_arity``). Two threads making that first call at once can teach
one the wrong arity for good: 32 concurrent first requests to a named query all failed with
``Param.postParse2() missing 1 required positional argument`` and every later parse in the
process failed the same way until restart. Parsing is therefore serialised by ``PARSER_LOCK``
(an RLock, so a caller may hold it around several calls); rdflib's parse is a few milliseconds,
and the hot paths parse with the engine (Oxigraph) instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any

from rdflib.plugins.sparql import algebra, parser
from rdflib.plugins.sparql.sparql import Query, Update
from rdflib.term import Identifier

#: held by anything that runs rdflib's SPARQL parser (pySHACL's SPARQL constraints included)
PARSER_LOCK = threading.RLock()


def parse_query(text: str) -> Any:
    """rdflib's parse tree of a query; raises pyparsing's ParseException on bad syntax."""
    with PARSER_LOCK:
        return parser.parseQuery(text)


def parse_update(text: str) -> Any:
    """rdflib's parse tree of an update; raises pyparsing's ParseException on bad syntax."""
    with PARSER_LOCK:
        return parser.parseUpdate(text)


def prepare_query(
    text: str, init_ns: Mapping[str, Any] | None = None, base: str | None = None
) -> Query:
    """A parsed and translated query (``rdflib.plugins.sparql.prepareQuery``), ready to run.

    >>> prepare_query("SELECT ?s { <s> ?p ?o }", base="http://h/sparql").algebra.name
    'SelectQuery'
    """
    with PARSER_LOCK:
        return algebra.translateQuery(parser.parseQuery(text), base, dict(init_ns or {}))


def _in_text_order(
    triples: Iterable[tuple[Identifier, Identifier, Identifier]],
) -> list[tuple[Identifier, Identifier, Identifier]]:
    return list(triples)


def prepare_update(
    text: str,
    init_ns: Mapping[str, Any] | None = None,
    base: str | None = None,
    reorder: bool = True,
) -> Update:
    """A parsed and translated update (``rdflib.plugins.sparql.prepareUpdate``), ready to run.

    Without ``reorder`` the triples of each block keep the text's order: rdflib sorts them by
    term to plan its evaluation, and that sort raises on terms it cannot compare
    (``"NaN"^^xsd:double`` beside ``2.5``: ``decimal.InvalidOperation``), so a reading that only
    looks at the update (which graphs it writes, what it loads) skips it.

    >>> text = 'INSERT DATA { <http://a> <http://p> "NaN"^^<http://www.w3.org/2001/XMLSchema#double>, 2.5 }'
    >>> len(prepare_update(text, reorder=False).algebra[0].triples)
    2
    """
    with PARSER_LOCK:
        parsed = parser.parseUpdate(text)
        if reorder:
            return algebra.translateUpdate(parsed, base, dict(init_ns or {}))
        # the order only plans rdflib's own evaluation, so a use of rdflib outside the lock
        # that sees the swap meanwhile gets the same answers
        planned = algebra.reorderTriples
        algebra.reorderTriples = _in_text_order  # type: ignore[assignment]
        try:
            return algebra.translateUpdate(parsed, base, dict(init_ns or {}))
        finally:
            algebra.reorderTriples = planned
