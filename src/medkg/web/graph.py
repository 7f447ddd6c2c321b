"""``/api/graph/...``: questions about the shape of the claim graph, answered with networkx.

The projection is built once per dataset version (``AppState.version``) and shared by every
request until the version changes; restrictions are views over it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from medkg import graph
from medkg.errors import BadRequest
from medkg.graph import ClaimGraph, Restriction
from medkg.vocab import iri_to_curie
from medkg.web.cache import remembered
from medkg.web.openapi import ERRORS, media, path_param
from medkg.web.state import state

bp = Blueprint("graph", __name__)

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


@dataclass
class GraphCache:
    """The projection of the current dataset version, rebuilt when the version changes."""

    current: ClaimGraph | None = None
    builds: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def claim_graph() -> ClaimGraph:
    """The projection for the app's dataset version, built on first use after a change."""
    s = state()
    cache: GraphCache = current_app.extensions.setdefault("medkg.graph", GraphCache())
    current = cache.current
    if current is not None and current.version == s.version:
        return current
    with cache.lock:
        if cache.current is None or cache.current.version != s.version:
            cache.current = ClaimGraph.from_store(s.store, s.version)
            cache.builds += 1
        return cache.current


def restriction() -> Restriction:
    """A restriction from ``affirmed``, ``asserted``, ``predicate`` (repeatable), ``source``
    (repeatable), ``context`` (a disease CURIE) and ``drafts`` query parameters."""
    args = request.args
    ctx = args.get("context")
    return Restriction.parse(
        affirmed_only=flag("affirmed", False),
        asserted_only=flag("asserted", False),
        predicates=args.getlist("predicate"),
        sources=args.getlist("source"),
        context=None if ctx == "any" else ctx,
        drafts=flag("drafts", False),
    )


def flag(name: str, default: bool) -> bool:
    raw = request.args.get(name)
    if raw is None:
        return default
    if raw.lower() in TRUE:
        return True
    if raw.lower() in FALSE:
        return False
    raise BadRequest(f"parameter {name!r} must be true or false, got {raw!r}")


def integer(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"parameter {name!r} must be an integer, got {raw!r}") from None


def required(name: str) -> str:
    raw = request.args.get(name)
    if not raw:
        raise BadRequest(f"missing parameter {name!r}", hint=f"pass {name}=CURIE")
    return raw


@bp.get("/api/graph/path")
def path() -> ResponseReturnValue:
    """The k shortest explanations between ``from`` and ``to`` (affirmed, asserted claims)."""
    start, end = required("from"), required("to")
    cg = claim_graph()
    r = graph.path_restriction(
        cg,
        start,
        request.args.get("context") or None,
        asserted_only=flag("asserted", True),
        predicates=request.args.getlist("predicate"),
        sources=request.args.getlist("source"),
        drafts=flag("drafts", False),
    )
    k = integer("k", 5)
    found = graph.paths(cg, start, end, k, r)
    return jsonify(
        {
            "from": start,
            "to": end,
            "k": k,
            "context": r.context and iri_to_curie(r.context),
            "direction": DIRECTION,
            "version": cg.version,
            "paths": found,
        }
    )


DIRECTION = (
    "each hop lists the claims linking its two entities; 'forward' means the claim's subject "
    "is the hop's 'from' and its object the hop's 'to', 'backward' that the path walks the "
    "claim from its object to its subject; 'reading' states each claim in its own direction"
)


@bp.get("/api/graph/neighbours/<curie>")
def neighbours(curie: str) -> ResponseReturnValue:
    """The neighbourhood of an entity as nodes and edges, for drawing (the JSON is kept per
    dataset version and URL, as documents are: a popular entity's is a megabyte, and making it
    takes a few hundred ms of the web process)."""
    cg = claim_graph()

    def make() -> bytes:
        body = graph.neighbours(cg, curie, integer("depth", 1), restriction())
        return jsonify({**body, "version": cg.version}).get_data()

    return Response(remembered("neighbours.json", make), mimetype="application/json")


@bp.get("/api/graph/contradictions")
def contradictions() -> ResponseReturnValue:
    """The contradiction groups of the qc graph with their claims and evidence."""
    cg = claim_graph()
    return jsonify({"version": cg.version, "contradictions": graph.contradictions(cg)})


@bp.get("/api/graph/central")
def central() -> ResponseReturnValue:
    """The most-connected and the most-cited entities."""
    cg = claim_graph()
    limit = integer("limit", 10)
    if not 1 <= limit <= 1000:
        raise BadRequest(f"limit must be between 1 and 1000, got {limit}")
    return jsonify({"version": cg.version, **graph.central(cg, limit, restriction())})


def query_param(
    name: str, description: str, schema: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    return {"name": name, "in": "query", "description": description, "schema": schema, **extra}


STRINGS = {"type": "array", "items": {"type": "string"}}
RESTRICT = [
    query_param("affirmed", "true: leave negated claims out", {"type": "string"}),
    query_param(
        "asserted", "true: leave uncertain and hypothetical claims out", {"type": "string"}
    ),
    query_param("predicate", "only claims with these predicates (CURIEs)", STRINGS),
    query_param("source", "only claims stated by these articles (IRIs)", STRINGS),
    query_param(
        "context",
        "a disease CURIE: leave out claims in other diseases' context",
        {"type": "string"},
    ),
    query_param(
        "drafts",
        "true: also claims no curator approved (drafts, shown as 'draft — not reviewed')",
        {"type": "string"},
    ),
]
JSON_OK = {"200": {"description": "JSON", "content": media("application/json")}}
OPENAPI: dict[str, dict[str, Any]] = {
    "/api/graph/path": {
        "get": {
            "summary": "the k shortest explanations between two entities, each hop with its "
            "claims, quotes and references; negated claims are never links",
            "tags": ["graph"],
            "parameters": [
                query_param(
                    "from",
                    "an entity CURIE",
                    {"type": "string"},
                    required=True,
                    example="MONDO:0004976",
                ),
                query_param(
                    "to", "an entity CURIE", {"type": "string"}, required=True, example="HP:0007305"
                ),
                query_param("k", "how many paths (1-20)", {"type": "integer"}, example=3),
                *[p for p in RESTRICT if p["name"] != "affirmed"],
            ],
            "responses": {**JSON_OK, "400": ERRORS["400"], "404": ERRORS["404"]},
        }
    },
    "/api/graph/neighbours/{curie}": {
        "get": {
            "summary": "the entities within depth claims of one entity, as nodes and edges",
            "tags": ["graph"],
            "parameters": [
                path_param("curie", "an entity CURIE", "MONDO:0005301"),
                query_param("depth", "how many claims away (1-4)", {"type": "integer"}, example=1),
                *RESTRICT,
            ],
            "responses": {**JSON_OK, "400": ERRORS["400"], "404": ERRORS["404"]},
        }
    },
    "/api/graph/contradictions": {
        "get": {
            "summary": "contradiction groups (the qc graph's) with their claims and evidence",
            "tags": ["graph"],
            "responses": JSON_OK,
        }
    },
    "/api/graph/central": {
        "get": {
            "summary": "the most-connected and the most-cited entities",
            "tags": ["graph"],
            "parameters": [
                query_param("limit", "how many of each (1-1000)", {"type": "integer"}, example=10),
                *RESTRICT,
            ],
            "responses": {**JSON_OK, "400": ERRORS["400"]},
        }
    },
}
