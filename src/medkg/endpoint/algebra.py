"""rdflib's own reading of the SERVICE and LOAD targets of a query or update (its algebra).

Where rdflib evaluates (the ``memory:`` store) this is the engine's parse. rdflib fetches a
SERVICE from the ``<...>`` it finds in the pattern's text with a regular expression, not from the
parsed IRI, so both count; a LOAD fetches its parsed IRI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from medkg.store.rdflib_sparql import prepare_query, prepare_update

#: what rdflib.plugins.sparql.evaluate.evalServiceQuery matches to find the URL it requests
_SERVICE_URL = re.compile(r"^service <(.*)>[ \n]*{(.*)}[ \n]*$", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """The SERVICE and LOAD targets a parser found (``?name`` for a variable)."""

    services: tuple[str, ...] = ()
    loads: tuple[str, ...] = ()


def rdflib_targets(text: str, update: bool) -> Reading | None:
    """rdflib's targets in ``text``, or None when rdflib does not parse it.

    >>> rdflib_targets("PREFIX : <http://e/> SELECT * { SERVICE:x { ?s ?p ?o } }", False)
    Reading(services=('http://e/x',), loads=())
    >>> rdflib_targets("BASE <http://e/a/> LOAD SILENT <../d.ttl> INTO GRAPH <g>", True)
    Reading(services=(), loads=('http://e/d.ttl',))
    """
    try:
        algebra: Any = (
            prepare_update(text, reorder=False).algebra
            if update
            else prepare_query(text).algebra  # both under rdflib's parser lock
        )
    except Exception:  # rdflib raises bare Exceptions too (an unknown prefix)
        return None
    services: list[str] = []
    loads: list[str] = []
    for node in _nodes(algebra):
        if node.name == "ServiceGraphPattern":
            services.append(_show(dict.get(node, "term")))
            fetched = _SERVICE_URL.match(str(dict.get(node, "service_string", "")))
            if fetched:
                services.append(fetched.group(1))
        elif node.name == "Load":
            loads.append(_show(dict.get(node, "iri")))
    return Reading(tuple(dict.fromkeys(services)), tuple(dict.fromkeys(loads)))


def _show(term: object) -> str:
    return f"?{term}" if isinstance(term, Variable) or term is None else str(term)


def _nodes(value: object) -> Iterator[CompValue]:
    """Every CompValue in an algebra tree (they are dicts; lists and dicts hold the rest)."""
    if isinstance(value, CompValue):
        yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _nodes(item)
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _nodes(item)
