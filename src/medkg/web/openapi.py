"""``/openapi.json``: every HTTP route of the service, described.

Each blueprint module describes its own routes in a module-level ``OPENAPI`` dict (OpenAPI path
items keyed by path, ``{name}`` for a variable); routes of modules that do not (``/sparql``,
``/health``) are described in ``CORE`` here. ``tests/test_openapi.py`` compares the document
with ``app.url_map`` and names every route that is missing, so a new route must be described.
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue

bp = Blueprint("openapi", __name__)


def error(description: str) -> dict[str, Any]:
    """A response with medkg's one JSON error shape."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def media(*types: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {t: {"schema": schema or {"type": "string"}} for t in types}


ERRORS = {
    "400": error("bad request: the message says what to fix"),
    "404": error("no such resource (the hint says how to find one)"),
    "406": error("no offered format is acceptable: the hint lists what is offered"),
}
FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "a format name that wins over Accept",
    "schema": {"type": "string"},
}
ACCEPT = {
    "name": "Accept",
    "in": "header",
    "required": False,
    "description": "media types with q-values",
    "schema": {"type": "string"},
}


def path_param(name: str, description: str, example: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "minLength": 1},
        "example": example,
    }


SPARQL_PARAMS = [
    {"name": "query", "in": "query", "required": False, "schema": {"type": "string"}},
    {
        "name": "default-graph-uri",
        "in": "query",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
    },
    {
        "name": "named-graph-uri",
        "in": "query",
        "required": False,
        "schema": {"type": "array", "items": {"type": "string"}},
    },
    FORMAT,
    ACCEPT,
]
IRIS = {"type": "array", "items": {"type": "string"}}
#: an update's dataset: the USING / USING NAMED of its WHERE (direct POST: in the URL)
USING_PARAMS = [
    {"name": name, "in": "query", "required": False, "schema": IRIS}
    for name in ("using-graph-uri", "using-named-graph-uri")
]
RDF_GRAPH_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
)
SPARQL_RESPONSES = {
    "200": {
        "description": "results (SELECT/ASK), a graph (CONSTRUCT/DESCRIBE), or without a query "
        "the service description",
        "content": media(
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
            *RDF_GRAPH_TYPES,
            "text/plain",
            "text/html",
        ),
    },
    "204": {"description": "an update was applied"},
    "304": {"description": "the client's copy of this result is current"},
    **ERRORS,
    "401": error("an update without a bearer token"),
    "403": error("updates are disabled, or the token is wrong"),
    "405": error("an update sent by GET"),
    "413": error("the query or body is too large"),
    "415": error("a POST body that is not a SPARQL query or update, or not in UTF-8"),
    "503": error("the query ran out of time or memory"),
}
GRAPH_PARAMS = [
    {"name": "graph", "in": "query", "required": False, "schema": {"type": "string"}},
    {"name": "default", "in": "query", "required": False, "schema": {"type": "string"}},
    {"name": "Authorization", "in": "header", "required": False, "schema": {"type": "string"}},
]
STORE_ERRORS = {
    **ERRORS,
    "401": error("no bearer token"),
    "403": error("the Graph Store Protocol is disabled, or the token is wrong"),
}
STORE_BODY = {"content": {t: {"schema": {"type": "string"}} for t in RDF_GRAPH_TYPES}}

#: routes of modules that do not describe themselves
CORE: dict[str, dict[str, Any]] = {
    "/sparql": {
        "get": {
            "summary": "SPARQL 1.1 Protocol query by GET (no query: the service description)",
            "tags": ["sparql"],
            "parameters": SPARQL_PARAMS,
            "responses": SPARQL_RESPONSES,
        },
        "post": {
            "summary": "SPARQL 1.1 Protocol query or update by POST (form, "
            "application/sparql-query or application/sparql-update; updates need the token)",
            "tags": ["sparql"],
            "parameters": SPARQL_PARAMS[1:] + USING_PARAMS,
            "requestBody": {
                "content": {
                    "application/sparql-query": {"schema": {"type": "string"}},
                    "application/sparql-update": {"schema": {"type": "string"}},
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "query": {"type": "string"},
                                "update": {"type": "string"},
                                "using-graph-uri": IRIS,
                                "using-named-graph-uri": IRIS,
                            },
                        }
                    },
                }
            },
            "responses": SPARQL_RESPONSES,
        },
    },
    "/store": {
        "get": {
            "summary": "SPARQL 1.1 Graph Store Protocol: read a graph (needs the update token)",
            "tags": ["sparql"],
            "parameters": [*GRAPH_PARAMS, FORMAT, ACCEPT],
            "responses": {
                "200": {"description": "the graph", "content": media(*RDF_GRAPH_TYPES)},
                **STORE_ERRORS,
                "503": error("the read ran out of time or memory"),
            },
        },
        **{
            method: {
                "summary": f"Graph Store Protocol: {verb} a named graph (needs the update token)",
                "tags": ["sparql"],
                "parameters": GRAPH_PARAMS,
                "requestBody": STORE_BODY,
                "responses": {
                    "201": {"description": "the graph was created"},
                    "204": {"description": "the graph was changed"},
                    **STORE_ERRORS,
                    "413": error("the body is too large"),
                    "415": error("the body is not an RDF graph format"),
                },
            }
            for method, verb in (("put", "replace"), ("post", "add to"))
        },
        "delete": {
            "summary": "Graph Store Protocol: drop a named graph (needs the update token)",
            "tags": ["sparql"],
            "parameters": GRAPH_PARAMS,
            "responses": {"204": {"description": "the graph was dropped"}, **STORE_ERRORS},
        },
    },
    "/health": {
        "get": {
            "summary": "is the service up; its store and dataset version",
            "tags": ["service"],
            "responses": {"200": {"description": "status", "content": media("application/json")}},
        }
    },
    "/metrics": {
        "get": {
            "summary": "Prometheus metrics of the service",
            "tags": ["service"],
            "responses": {"200": {"description": "metrics", "content": media("text/plain")}},
        }
    },
}

OPENAPI: dict[str, dict[str, Any]] = {
    "/openapi.json": {
        "get": {
            "summary": "this description of every route",
            "tags": ["service"],
            "responses": {
                "200": {"description": "OpenAPI 3", "content": media("application/json")}
            },
        }
    }
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "error"],
    "properties": {
        "status": {"type": "integer"},
        "error": {"type": "string"},
        "hint": {"type": "string"},
        "where": {"type": "object"},
    },
}


def described_paths(app: Flask) -> dict[str, dict[str, Any]]:
    """``CORE`` plus the ``OPENAPI`` of every registered blueprint's module."""
    paths = dict(CORE)
    for blueprint in app.blueprints.values():
        module = sys.modules.get(blueprint.import_name)
        paths.update(getattr(module, "OPENAPI", {}))
    return paths


def spec(app: Flask) -> dict[str, Any]:
    try:
        release = version("medkg")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        release = "0"
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "medkg",
            "version": release,
            "description": "An evidence-first medical knowledge graph: SPARQL, linked data "
            "with content negotiation, dumps and nanopublications.",
        },
        "paths": dict(sorted(described_paths(app).items())),
        "components": {"schemas": {"Error": ERROR_SCHEMA}},
    }


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(spec(current_app))
