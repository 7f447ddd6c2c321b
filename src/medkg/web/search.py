"""Find entities by name: ``/api/search`` (JSON, for the search box and scripts) and ``/search``
(a page of results, or a 303 straight to the entity when the name is unambiguous).

The index is built from the store once per dataset version (a rebuild or an update makes a new
one) and shared by every request; building it is one pass over the labels.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from medkg.errors import BadRequest
from medkg.search import Hit, SearchIndex
from medkg.vocab import curie_to_iri
from medkg.web.endpoint import endpoint
from medkg.web.openapi import ERRORS, media
from medkg.web.state import state

bp = Blueprint("search", __name__)

MAX_LIMIT = 50
_lock = threading.Lock()


def search_index() -> SearchIndex:
    """The index of the dataset version being served (built on first use after a change)."""
    version = endpoint().version()  # the build's, plus updates applied since
    cached = current_app.extensions.get("medkg.search")
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        cached = current_app.extensions.get("medkg.search")
        if cached is None or cached[0] != version:
            cached = (version, SearchIndex.from_store(state().store))
            current_app.extensions["medkg.search"] = cached
    return cached[1]


def read_query() -> tuple[str, int, str | None]:
    q = request.args.get("q", "").strip()
    if not q:
        raise BadRequest("what to search for? pass ?q=", hint="e.g. /api/search?q=lou+gehrig")
    if len(q) > 200:
        raise BadRequest(f"q is {len(q)} characters; at most 200", hint="search for a name")
    raw = request.args.get("limit", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"limit must be 1 to {MAX_LIMIT}, got {raw!r}", hint="e.g. limit=10")
    kind = request.args.get("type")
    return q, int(raw), str(curie_to_iri(kind)) if kind else None


def entity_url(hit: Hit) -> str:
    return url_for("linked.entity", ident=hit.entry.curie)


@bp.get("/api/search")
def api_search() -> ResponseReturnValue:
    q, limit, kind = read_query()
    hits = search_index().search(q, limit, kind)
    results = [{**h.to_json(), "url": entity_url(h)} for h in hits]
    response = jsonify({"query": q, "results": results})
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/search")
def search_page() -> ResponseReturnValue:
    """Results for people; one unambiguous answer goes straight to its entity."""
    q = request.args.get("q", "").strip()
    hits = search_index().search(q, 20) if q else []
    strong = [h for h in hits if h.is_exact]
    if len(strong) == 1 or (len(hits) == 1 and hits[0].kind != "fuzzy"):
        return redirect(entity_url(strong[0] if strong else hits[0]), 303)
    return render_template("search.html", q=q, search_q=q, hits=hits, url=entity_url)


Q = {
    "name": "q",
    "in": "query",
    "required": True,
    "description": "a label, synonym, abbreviation or CURIE, or the start of one",
    "schema": {"type": "string", "maxLength": 200},
    "example": "lou geh",
}
OPENAPI: dict[str, dict[str, Any]] = {
    "/api/search": {
        "get": {
            "summary": "entities by name: CURIE, exact label, synonym, prefix, word prefixes, "
            "then fuzzy; ties to the entity with more claims",
            "tags": ["search"],
            "parameters": [
                Q,
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                },
                {
                    "name": "type",
                    "in": "query",
                    "required": False,
                    "description": "only entities of this rdf:type (a CURIE)",
                    "schema": {"type": "string"},
                    "example": "owl:Class",
                },
            ],
            "responses": {
                "200": {"description": "ranked results", "content": media("application/json")},
                **ERRORS,
            },
        }
    },
    "/search": {
        "get": {
            "summary": "a page of search results; 303 to the entity when one name matches",
            "tags": ["pages"],
            "parameters": [{**Q, "required": False}],
            "responses": {
                "200": {"description": "an HTML page", "content": media("text/html")},
                "303": {"description": "the one entity of that name"},
                **ERRORS,
            },
        }
    },
}
