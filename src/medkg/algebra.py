"""rdflib's algebra of a query's text, parsed where no caller's frame can be kept alive by it.

pyparsing backtracks by raising exceptions, and keeps some of them in reference cycles with
their frames; a frame holds its callers (``f_back``), and so a parse made during a request kept
the request's frames alive, with their locals, until the cyclic collector ran: a pyoxigraph
result then died on the collector's thread ("unsendable, but is being dropped on another
thread"), and a command's store kept its lock. Parsed by ``on_deep_stack`` (a thread of its own,
its cycles collected there, an error handed back without its frames), those frames reach no
caller; the deep stack also holds rdflib's recursive parser on a long text.

>>> type(algebra_of("SELECT ?s { ?s ?p ?o }")).__name__
'CompValue'
"""

from __future__ import annotations

from typing import Any

from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from medkg.limits.stack import on_deep_stack


def algebra_of(text: str) -> Any:
    """The algebra of ``text`` (``translateQuery(parseQuery(text)).algebra``); a parse error is
    raised again here, without the parser's frames."""
    return on_deep_stack(
        len(text.encode("utf-8")), lambda: translateQuery(parseQuery(text)).algebra
    )
