"""The OpenAPI description of the review queue's routes (``medkg.web.curation``)."""

from __future__ import annotations

from typing import Any

from medkg.web.openapi import ERRORS, error, media, path_param

AUTH = {
    "401": error("no bearer token"),
    "403": error("the token is not the configured curation_token"),
}
KEY = [
    path_param(
        "key",
        "the claim key (of the claim IRI medkg:claim/<key>, a hash of the proposition); the "
        "queue lists them",
        "fe8bda120e032f81daa9",
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
        "version": {
            "type": "string",
            "description": "the version GET returned: the sha256 of each claim file holding the "
            "claim's entries, comma-separated in the order of its files",
        },
        "evidence": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
            "description": "decide only these entries ('<article-id>/<entry-id>', as GET lists "
            "them); default: every open draft of the claim. Required for an edit of quote, "
            "start or citations when the claim has several open drafts",
        },
        "claim": {
            "type": "object",
            "description": "for edit: the YAML fields to change (null removes one), applied to "
            "each entry decided",
        },
        "reason": {"type": "string", "description": "why a rejected draft is wrong (required)"},
        "entries": {
            "type": "object",
            "description": "for restore (undo): evidence id -> the entry as GET returned it "
            "before the decision",
        },
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
            "summary": "the review queue: claims with an entry (evidence) matching every filter, "
            "in article and file order, each with its entries; per-article progress (entries "
            "reviewed / remaining); keyset paging (next link)",
            "tags": ["curation"],
            "parameters": [
                query(
                    "article", "only claims with an entry of this article", "draft-demyelinating"
                ),
                query("rule", "only claims with a draft of this extraction rule", "is a"),
                query("status", "comma-separated statuses, or 'any' (default draft,needs-review)"),
                query(
                    "min_confidence", "only claims with a draft of at least this confidence", "0.7"
                ),
                query(
                    "max_confidence", "only claims with a draft of at most this confidence", "0.5"
                ),
                query("limit", "entries per page, 1 to 200 (default 50)"),
                query("after", "the claim key of the last item of the previous page"),
            ],
            "responses": {"200": JSON, **ERRORS, **AUTH},
        }
    },
    "/api/curation/drafts/{key}": {
        "get": {
            "summary": "one claim: its proposition with labels, each entry (evidence) with its "
            "sentence in the article and the references it cites, and the version a decision "
            "must name",
            "tags": ["curation"],
            "parameters": KEY,
            "responses": {"200": JSON, **ERRORS, **AUTH},
        },
        "post": {
            "summary": "accept, edit then accept, reject (with a reason) or restore the claim's "
            "open drafts (or the entries 'evidence' names); validated as medkg validate would "
            "(schema, CURIEs, quotes, citations, contradictions, HermiT, SHACL), new terms "
            "declared in ontology/terms.ttl from the ontology index, written to data/claims/, "
            "logged, and served at once; answers with the claim as stored (its key changes "
            "when an edit changes the proposition)",
            "tags": ["curation"],
            "parameters": KEY,
            "requestBody": {
                "required": True,
                "content": media("application/json", schema=DECISION_BODY),
            },
            "responses": {
                "200": {
                    "description": "the claim as stored (as GET gives it), the entries decided, "
                    "the terms added and the new version",
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
            "summary": "grounding candidates as you type: terms of the ontology index (full "
            "HPO, drugs, registered vocabularies) whose CURIE is q or a name (label or synonym) "
            "starts with q, then names with a word starting with q",
            "tags": ["curation"],
            "parameters": [
                query("q", "the start of a name, synonym or CURIE", "optic neur"),
                query("limit", "1 to 50 (default 10)"),
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
