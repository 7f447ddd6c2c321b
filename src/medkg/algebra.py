"""rdflib's algebra of a query's text, parsed where no caller's frame can be kept alive by it.

pyparsing backtracks by raising exceptions, and keeps some of them in reference cycles with
their frames; a frame holds its callers (``f_back``), and so a parse made during a request kept
the request's frames alive, with their locals, until the cyclic collector ran: a pyoxigraph
result then died on the collector's thread ("unsendable, but is being dropped on another
thread"), and a command's store kept its lock. Parsed on a short thread of its own, those
frames reach no caller.

>>> type(algebra_of("SELECT ?s { ?s ?p ?o }")).__name__
'CompValue'
"""

from __future__ import annotations

import threading
from typing import Any

from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery


def algebra_of(text: str) -> Any:
    """The algebra of ``text`` (``translateQuery(parseQuery(text)).algebra``); a parse error is
    raised again here, without the parser's frames."""
    out: dict[str, Any] = {}

    def parse() -> None:
        try:
            out["algebra"] = translateQuery(parseQuery(text)).algebra
        except Exception as e:  # rdflib's parser raises many kinds; the caller decides
            out["error"] = e.with_traceback(None)

    thread = threading.Thread(target=parse, name="medkg-parse", daemon=True)
    thread.start()
    thread.join()
    if "error" in out:
        raise out.pop("error")
    return out["algebra"]
