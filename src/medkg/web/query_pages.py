"""One page of a named query over HTTP: a first page by default, the next one by keyset cursor.

The page runs through the /sparql engine (its workers, time limit and row cap) as SPARQL JSON,
one row more than the page so the last page knows it is the last; the page is then written in
the negotiated format. The next page's URL goes in a ``Link: <...>; rel="next"`` header and,
for JSON, beside the results in the body (``"next"``, with the bare ``"cursor"``). A page
materialized at build (``medkg.firstpages``: the first page of the most-claimed entities) is
read from the store's summary index instead of run (``X-Medkg-Anchor: build``), found by the
query, its bindings and the page size alone: its text is not made, nor parsed, nor screened
(nothing runs), and as JSON its stored bytes are the body.
"""

from __future__ import annotations

import io
import json
import time

from flask import Response, request, url_for
from rdflib.term import Node

from medkg.anchored import page_of
from medkg.config import Settings
from medkg.endpoint.job import Job
from medkg.endpoint.writers import SOLUTION_WRITERS
from medkg.errors import ParameterError
from medkg.firstpages import solutions as parsed
from medkg.firstpages import stored_query_page
from medkg.formats import by_name
from medkg.queries import NamedQuery
from medkg.web import sparql
from medkg.web.endpoint import base_iri, endpoint
from medkg.web.respond import make_etag, not_modified
from medkg.web.state import state

NEXT_HEADERS = "Link, X-Medkg-Next-Cursor"


def page_size(raw: str | None, settings: Settings) -> int:
    """The page size asked for (``page_size=``), or the default; over the maximum is a 400."""
    if raw is None or raw == "":
        return settings.query_page_size
    if not raw.isdigit() or not 1 <= int(raw) <= settings.query_max_page_size:
        raise ParameterError(
            f"page_size must be a whole number from 1 to {settings.query_max_page_size}, "
            f"got {raw!r}",
            hint="ask for fewer rows per page and follow the next links",
        )
    return int(raw)


def run_page(named: NamedQuery, raw: dict[str, str]) -> Response:
    """The page of ``named`` that ``raw`` asks for (its parameters, page_size and cursor)."""
    e = endpoint()
    # the endpoint's row cap bounds a page too: a smaller page, and a next link
    size = min(page_size(raw.get("page_size"), state().settings), e.settings.max_rows)
    cursor = raw.get("cursor") or None
    bound = named.bindings(raw)
    fmt = sparql.choose_formats("SELECT")["results"]
    assert fmt is not None, "choose_formats raises when no results format is acceptable"
    build, version = e.versions()
    etag = None
    if version is not None:  # the page's text is made from these and the data
        etag = make_etag(version, named.name, named.text, sorted((k, v.n3()) for k, v in bound.items()),
                         cursor, fmt.name, size)  # fmt: skip
        cached = not_modified(etag)
        if cached is not None:
            return cached
    started = time.perf_counter()
    stored = None if cursor else stored_query_page(e.store, named, bound, size, build)
    if stored is not None:  # materialized at build: no text made, nothing parsed or run
        rows, following, anchor = stored.rows, stored.cursor, "build"
        body = stored.body if fmt.name == "json" else rewritten(stored.body, fmt.name)
    else:
        page = page_of(named, raw, size, e.store, state().settings.base_iri)
        sparql.screened_text(page.text)
        variables, solutions = parsed(run(page.text, page.bound, size))
        following = named.next_cursor(variables, solutions, size)
        out = io.BytesIO()
        SOLUTION_WRITERS[fmt.name](variables, solutions[:size], out)
        body, rows = out.getvalue(), min(len(solutions), size)
        anchor = "summaries" if page.anchored else "query"
    link = next_url(named, raw, following) if following else None
    if link and fmt.name == "json":
        extra = json.dumps({"next": link, "cursor": following})[1:].encode()
        body = body.rstrip()[:-1] + b"," + extra + b"\n"  # inside the results object
    seconds = time.perf_counter() - started
    response = Response(body, mimetype=fmt.media_type)
    response.headers["X-Medkg-Rows"] = str(rows)
    response.headers["X-Medkg-Page-Size"] = str(size)
    response.headers["X-Medkg-Max-Rows"] = str(e.settings.max_rows)
    response.headers["X-Medkg-Query-Ms"] = f"{seconds * 1000:.1f}"
    response.headers["X-Medkg-Anchor"] = anchor
    response.headers["Vary"] = "Accept, Accept-Encoding"
    if link and following:
        response.headers["Link"] = f'<{link}>; rel="next"'
        response.headers["X-Medkg-Next-Cursor"] = following
        exposed = response.headers.get("Access-Control-Expose-Headers")
        response.headers["Access-Control-Expose-Headers"] = ", ".join(
            x for x in (exposed, NEXT_HEADERS) if x
        )
    if etag:
        response.set_etag(etag)
    return response


def rewritten(body: bytes, fmt: str) -> bytes:
    """A page stored as SPARQL JSON, written in another results format."""
    variables, rows = parsed(body)
    out = io.BytesIO()
    SOLUTION_WRITERS[fmt](variables, rows, out)
    return out.getvalue()


def run(text: str, bound: dict[str, Node], size: int) -> bytes:
    """The page's rows (``size + 1`` at most) as SPARQL JSON, run by the endpoint's engine."""
    e = endpoint()
    job = Job(text, formats={"results": by_name("json")}, max_rows=size + 1, bindings=bound,
              base_iri=base_iri())  # fmt: skip
    done = e.executor.run(job, e.version())
    with done.body:
        return done.body.read()


def next_url(named: NamedQuery, raw: dict[str, str], cursor: str) -> str:
    """The URL of the next page: the same parameters, format and page size, and the cursor."""
    params = {k: v for k, v in raw.items() if k != "cursor" and v != ""}
    fmt = request.args.get("format")
    if fmt:
        params["format"] = fmt
    params["cursor"] = cursor
    return url_for("queries.run_query", name=named.name, _external=False, **params)
