"""The founding page's answer, bounded: every query runs through the query workers.

The verdict is told from one aggregate query over every claim (``founding.tally``); the chain
is one keyset page of the founding query, found as the named-query API finds it
(``anchored.page_of``: the summaries' or the narrowed anchor, the (claim, evidence) pairs) and
run by the same workers, under ``query_timeout`` (a slow case answers 503, not a hung thread);
the page's details and peers are two more queries bounded by the page. ``?cursor=`` (the
named query's own cursor, so the API's next page and this page's agree) shows the next page.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox
from flask import url_for

from medkg.anchored import page_of
from medkg.answer import FOUNDING_QUERY, Answer
from medkg.endpoint.job import Job
from medkg.formats import by_name
from medkg.founding import Page, paged_answer, row_dicts, tally
from medkg.queries import NamedQuery
from medkg.store.base import QueryResult
from medkg.store.oxigraph import wrap_result
from medkg.terms import to_rdflib
from medkg.web.endpoint import base_iri, endpoint
from medkg.web.query_pages import parsed, run
from medkg.web.state import state


class Workers:
    """The endpoint's query workers as ``Queries``: each query under ``query_timeout`` and
    the row cap, its result kept by the result cache for the dataset's version. Made in a
    request, usable from another thread (it holds what it needs of the request)."""

    def __init__(self) -> None:
        self.endpoint, self.base = endpoint(), base_iri()

    def query(self, sparql: str) -> QueryResult:
        e = self.endpoint
        job = Job(sparql, formats={"results": by_name("json")}, max_rows=e.settings.max_rows,
                  base_iri=self.base)  # fmt: skip
        done = e.executor.run(job, e.version())
        with done.body:
            body = done.body.read()
        return wrap_result(ox.parse_query_results(body, ox.QueryResultsFormat.JSON))


def founding_answer(
    query: NamedQuery, params: dict[str, str], drafts: bool, size: int, cursor: str | None
) -> Answer:
    """The founding answer with its chain cut to the page of ``size`` rows after ``cursor``."""
    workers = Workers()
    bound = query.bindings(params)
    # the page's claims are found in this process while a query worker counts the tally
    # (nothing stores the founding query's pages at build: firstpages stores one query's)
    with ThreadPoolExecutor(1) as aside:
        finding = aside.submit(page_of, query, {**params, "cursor": cursor or ""}, size,
                               workers.endpoint.store, state().settings.base_iri)  # fmt: skip
        counted = tally(query, workers, bound, drafts)
        page = finding.result()
    variables, rows = rdflib_rows(run(page.text, page.bound, size))
    following = query.next_cursor(variables, rows, size)
    links = {}
    if following:
        asked: dict[str, Any] = {k: v for k, v in params.items() if v}
        asked.update(page_size=size, cursor=following)
        page_asked = {**asked, "drafts": "true"} if drafts else asked
        links["page"] = url_for("pages.founding_question", **page_asked)
        links["api"] = url_for("queries.run_query", name=FOUNDING_QUERY, **asked)
    shown = Page(row_dicts(variables, rows[:size]), following, links)
    return paged_answer(query, workers, params, shown, counted, drafts)


def rdflib_rows(body: bytes) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The variables and rows (rdflib terms) of a page's SPARQL JSON."""
    variables, rows = parsed(body)
    return variables, [tuple(to_rdflib(t) for t in row) for row in rows]
