"""The OpenAPI description of the review queue's routes (``medkg.web.curation``)."""

from __future__ import annotations

from typing import Any

from medkg.web.openapi import ERRORS, error, media, path_param

AUTH = {
    "401": error("no bearer token"),
    "403": error("the token is not the configured curation_token"),
}
KEY = [
    path_param("article", "the article id (the claim file's stem)", "draft-demyelinating"),
    path_param(
        "handle", "the entry's id in that file", "draft-headline-is-a-demyelinating-disease"
    ),
]


def query(name: str, description: str, example: str | None = None) -> dict[str, Any]:
    param: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }
    if example:
        param["example"] = example
    return param


DECISION_BODY = {
    "type": "object",
    "required": ["decision", "version"],
    "properties": {
        "decision": {"enum": ["accept", "edit", "reject", "restore"]},
        "version": {"type": "string", "description": "the file version GET returned (sha256)"},
        "claim": {
            "type": "object",
            "description": "fields as in the YAML to change (null removes one); for restore, "
            "the whole entry as GET returned it before a decision (undo)",
        },
        "reason": {"type": "string", "description": "why a rejected draft is wrong (required)"},
    },
}
JSON = {"description": "JSON", "content": media("application/json")}

OPENAPI: dict[str, dict[str, Any]] = {
    "/curate": {
        "get": {
            "summary": "the review queue for curators (a page; it asks for the curation token)",
            "tags": ["pages"],
            "responses": {"200": {"description": "an HTML page", "content": media("text/html")}},
        }
    },
    "/api/curation/drafts": {
        "get": {
            "summary": "the review queue: claim-file entries by article and file order, with "
            "per-article progress; keyset paging (next link)",
            "tags": ["curation"],
            "parameters": [
                query("article", "only this article's entries", "draft-demyelinating"),
                query("rule", "only drafts of this extraction rule", "is a"),
                query("status", "comma-separated statuses, or 'any' (default draft,needs-review)"),
                query("limit", "entries per page, 1 to 200 (default 50)"),
                query("after", "the key of the last entry of the previous page"),
            ],
            "responses": {"200": JSON, **ERRORS, **AUTH},
        }
    },
    "/api/curation/drafts/{article}/{handle}": {
        "get": {
            "summary": "one entry with its sentence in the article, references, labels, claim "
            "key and the file version a decision must name",
            "tags": ["curation"],
            "parameters": KEY,
            "responses": {"200": JSON, **ERRORS, **AUTH},
        },
        "post": {
            "summary": "accept, edit then accept, reject (with a reason) or restore an entry; "
            "validated, written to data/claims/, logged, and served at once",
            "tags": ["curation"],
            "parameters": KEY,
            "requestBody": {
                "required": True,
                "content": media("application/json", schema=DECISION_BODY),
            },
            "responses": {
                "200": {
                    "description": "the entry as stored and the new file version",
                    "content": media("application/json"),
                },
                **ERRORS,
                **AUTH,
                "409": error("the file changed since that version: the message says what changed"),
                "422": error("refused: the file would fail medkg validate; problems listed"),
            },
        },
    },
    "/api/curation/candidates": {
        "get": {
            "summary": "grounding candidates for a name (search over the served graph's labels)",
            "tags": ["curation"],
            "parameters": [
                query("q", "a name, synonym or CURIE", "axonal"),
                query("limit", "1 to 50"),
            ],
            "responses": {"200": JSON, **ERRORS, **AUTH},
        }
    },
    "/api/curation/log.csv": {
        "get": {
            "summary": "the review log as CSV: who decided what about which claim, and when",
            "tags": ["curation"],
            "responses": {"200": {"description": "CSV", "content": media("text/csv")}, **AUTH},
        }
    },
}
