"""``/api/queries``: the named queries of ``queries/*.rq`` as REST calls.

The ``.rq`` header is the API: its summary, parameters and examples are listed as they are;
parameter values are bound as RDF terms, never spliced into the query text.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from medkg.errors import BadRequest, MedkgError
from medkg.queries import NamedQuery, get_query, load_queries
from medkg.web import sparql
from medkg.web.openapi import ACCEPT, ERRORS, FORMAT, error, media, path_param
from medkg.web.query_pages import run_page
from medkg.web.state import state

bp = Blueprint("queries", __name__)
log = logging.getLogger(__name__)


@bp.record_once
def prepare(setup_state: BlueprintSetupState) -> None:
    """Read and check every named query once at start-up, not in the first requests: rdflib's
    parser is serialised (``store.rdflib_sparql``), so 32 first requests would queue on it."""
    try:
        load_queries(setup_state.app.extensions["medkg"].settings.root_path)
    except MedkgError as e:  # the query's own requests report it, with file and line
        log.warning("named queries: %s", e.message)


@bp.get("/api/queries")
def list_queries() -> ResponseReturnValue:
    """Every named query with its header and a URL that runs it with its examples."""
    queries = load_queries(state().settings.root_path)
    return jsonify({"queries": [describe(q) for q in queries.values()]})


@bp.get("/api/queries/<name>.rq")
def query_text(name: str) -> ResponseReturnValue:
    """The ``.rq`` file itself, header and all."""
    named = get_query(state().settings.root_path, name)
    return Response(named.text, mimetype="application/sparql-query")


@bp.route("/api/queries/<name>", methods=["GET", "POST"])
def run_query(name: str) -> ResponseReturnValue:
    """Run a named query with parameters from the query string, a form or a JSON object,
    through the /sparql engine: its workers, time limit, row cap, formats and ETags; a query
    with an ``order:`` key answers one page (``page_size``, ``cursor``) and links the next."""
    named = get_query(state().settings.root_path, name)
    raw = read_params()
    if named.order:
        return run_page(named, raw)
    _, bindings = named.page(raw, 1, raw.get("cursor") or None)  # a cursor here is a 400
    return sparql.run_query(sparql.Operation(query=named.text, bindings=bindings))


def read_params() -> dict[str, str]:
    """Parameters from the URL, then (for POST) a form or a JSON object; later ones win."""
    raw = {k: v for k, v in request.args.items()}
    if request.method == "POST":
        if request.is_json:
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                raise BadRequest(
                    "the JSON body must be an object of parameter names to values",
                    hint='e.g. {"disease": "MONDO:0004976"}',
                )
            if "format" in body:
                raise BadRequest(
                    "'format' in a JSON body is not read",
                    hint="pass ?format= in the URL, or an Accept header",
                )
            raw.update({str(k): str(v) for k, v in body.items()})
        else:
            raw.update({k: v for k, v in request.form.items()})
    return raw


def describe(named: NamedQuery) -> dict[str, object]:
    """A query's header as JSON, with the URLs that show and run it."""
    body = named.to_dict()
    body["url"] = url_for("queries.run_query", name=named.name, _external=False)
    body["example"] = url_for(
        "queries.run_query", name=named.name, _external=False, **named.example_params()
    )
    body["source"] = url_for("queries.query_text", name=named.name, _external=False)
    return body


JSON = "application/json"
RESULT_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
PARAMS = {
    "name": "params",
    "in": "query",
    "required": False,
    "description": "the query's parameters as listed by /api/queries (e.g. entity=MONDO:0004976)",
    "schema": {"type": "object", "additionalProperties": {"type": "string"}},
    "style": "form",
    "explode": True,
}
PAGE_SIZE = {
    "name": "page_size",
    "in": "query",
    "required": False,
    "description": "rows per page (a query with an order key; default and maximum are the "
    "settings query_page_size and query_max_page_size)",
    "schema": {"type": "integer", "minimum": 1},
}
CURSOR = {
    "name": "cursor",
    "in": "query",
    "required": False,
    "description": "where the page starts: the opaque cursor of the previous page's next link "
    "(its Link header, X-Medkg-Next-Cursor, or 'cursor' in a JSON body); leave out for page 1",
    "schema": {"type": "string"},
}
NAME = path_param("name", "the query's name: its file stem in queries/", "negated-claims")
RUN = {
    "tags": ["named queries"],
    "parameters": [NAME, PARAMS, PAGE_SIZE, CURSOR, FORMAT, ACCEPT],
    "responses": {
        "200": {
            "description": "the query's results: one page of them for a query with an order "
            'key, with a Link: <...>; rel="next" header (and "next" in a JSON body) when more '
            "follow",
            "content": media(*RESULT_TYPES),
        },
        "304": {"description": "the client's copy of this result is current"},
        **ERRORS,
        "413": error("the request body is too large"),
        "503": error("the query ran out of time or memory"),
    },
}
OBJECT = {"type": "object", "additionalProperties": {"type": "string"}}
OPENAPI: dict[str, dict[str, Any]] = {
    "/api/queries": {
        "get": {
            "summary": "every named query with its header: summary, parameters, examples, tags",
            "tags": ["named queries"],
            "responses": {"200": {"description": "the queries", "content": media(JSON)}},
        }
    },
    "/api/queries/{name}": {
        "get": {"summary": "run a named query with parameters bound as RDF terms", **RUN},
        "post": {
            "summary": "run a named query with parameters from a form or a JSON object",
            "requestBody": {
                "required": False,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": OBJECT},
                    "application/json": {"schema": OBJECT},
                },
            },
            **RUN,
        },
    },
    "/api/queries/{name}.rq": {
        "get": {
            "summary": "the .rq file of a named query, header and all",
            "tags": ["named queries"],
            "parameters": [NAME],
            "responses": {
                "200": {"description": "SPARQL", "content": media("application/sparql-query")},
                "404": ERRORS["404"],
            },
        }
    },
}
