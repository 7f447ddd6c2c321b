"""Content negotiation leaves no reference cycle holding the request's frames.

pyoxigraph's results may only be dropped on the thread that made them; one caught in a
reference cycle is freed by whichever thread next runs the cycle collector, and pyo3 then logs
"is unsendable, but is being dropped on another thread" and leaks it (thousands of lines per
minute in the soak bench, before the fix). ``choose_formats`` kept its NotAcceptable errors
with their tracebacks: error -> traceback -> its frame -> the dict of errors, a cycle that also
held the caller's frame (``f_back``), with the query's results among its locals.
"""

from __future__ import annotations

import weakref

import pytest

from medkg.web import sparql


class Results:
    """Stands for a page's pyoxigraph results, a local of the caller."""


def negotiate_beside(results_kept: list[weakref.ref[Results]], form: str) -> None:
    results = Results()
    results_kept.append(weakref.ref(results))
    sparql.choose_formats(form)


@pytest.mark.parametrize(
    ("form", "accept"),
    [
        ("SELECT", "application/sparql-results+json"),  # no graph format is acceptable
        ("CONSTRUCT", "text/turtle"),  # no results format is acceptable
        (None, "application/sparql-results+json"),
    ],
)
def test_the_callers_locals_die_with_the_call(
    app,  # type: ignore[no-untyped-def]
    no_collector: None,
    form: str | None,
    accept: str,
) -> None:
    kept: list[weakref.ref[Results]] = []
    with app.test_request_context("/sparql", headers={"Accept": accept}):
        negotiate_beside(kept, form or "")
    assert kept[0]() is None, "the caller's frame is held by a reference cycle"
