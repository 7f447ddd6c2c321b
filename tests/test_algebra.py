"""A query parsed for the page paths keeps none of its callers' frames alive (see
``medkg.algebra``): their locals die when they return, on their own thread."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable
from typing import Any

import pytest
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from medkg.algebra import algebra_of

QUERY = (
    "PREFIX x: <http://x/> SELECT ?c (COUNT(?e) AS ?n) WHERE { { SELECT ?c { ?c x:p ?d } } "
    "?c x:e ?e OPTIONAL { ?e x:q/x:r ?q } FILTER(?n > 1) } GROUP BY ?c ORDER BY ?c LIMIT 3"
)


class Held:
    """Stands for what a request's frame holds (a pyoxigraph result, a store)."""


def _parse_while_holding(held: Held, parse: Callable[[str], Any]) -> None:
    parse(QUERY)


def _direct(text: str) -> Any:
    return translateQuery(parseQuery(text)).algebra


@pytest.mark.usefixtures("no_collector")
def test_a_parse_on_its_own_thread_keeps_no_caller_alive() -> None:
    held = Held()
    ref = weakref.ref(held)
    _parse_while_holding(held, algebra_of)
    del held
    assert ref() is None


@pytest.mark.usefixtures("no_collector")
def test_the_parse_in_the_callers_frames_would_keep_them_alive() -> None:
    """The reason for ``algebra_of``: pyparsing's cycles hold the caller's frame."""
    held = Held()
    ref = weakref.ref(held)
    _parse_while_holding(held, _direct)
    del held
    assert ref() is not None
    gc.collect()
    assert ref() is None


def test_a_parse_error_is_raised_in_the_caller() -> None:
    with pytest.raises(Exception, match="Expected"):
        algebra_of("SELECT ?s WHERE { ?s ?p }")
