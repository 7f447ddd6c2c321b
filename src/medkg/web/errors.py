"""The one place exceptions become HTTP responses: JSON, plain text or HTML by Accept.

No stack trace ever reaches a client; unexpected errors are logged with an id the client sees.
"""

from __future__ import annotations

import html
import json
import logging
import uuid

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from medkg.errors import (
    MedkgError,
    MethodNotAllowed,
    Overloaded,
    TooManyRequests,
    Unauthorized,
)

log = logging.getLogger(__name__)


def error_body(
    status: int, message: str, hint: str | None = None, where: dict[str, object] | None = None
) -> dict[str, object]:
    body: dict[str, object] = {"status": status, "error": message}
    if where:
        body["where"] = where
    if hint:
        body["hint"] = hint
    return body


def render(body: dict[str, object]) -> Response:
    """JSON for clients that take it, plain text for SPARQL clients, HTML for browsers."""
    status = int(body["status"])  # type: ignore[call-overload]
    accept = request.accept_mimetypes
    best = accept.best_match(
        ["application/json", "text/html", "text/plain"], default="application/json"
    )
    if best == "text/html" and accept["text/html"] > accept["application/json"]:
        return Response(html_page(body), status, mimetype="text/html")
    if best == "text/plain" and accept["text/plain"] > accept["application/json"]:
        lines = [f"{status} {body['error']}"]
        if body.get("where"):
            lines.append(f"where: {body['where']}")
        if body.get("hint"):
            lines.append(f"hint: {body['hint']}")
        return Response("\n".join(lines) + "\n", status, mimetype="text/plain")
    return Response(json.dumps(body), status, mimetype="application/json")


def html_page(body: dict[str, object]) -> str:
    """The error as a page of the site (its navigation and search box), or bare if the site's
    templates cannot render here (an error raised outside a blueprint's setup)."""
    try:
        return render_template("error.html", status=body["status"], body=body)
    except Exception:  # an error page must never fail: fall back to the bare one
        log.debug("site error page could not render", exc_info=True)
    text = f"<h1>{body['status']} {html.escape(str(body['error']))}</h1>"
    if body.get("hint"):
        text += f"<p>{html.escape(str(body['hint']))}</p>"
    return (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{body['status']} error</title>"
        f"<main>{text}</main></html>"
    )


def register(app: Flask) -> None:
    @app.errorhandler(MedkgError)
    def medkg_error(e: MedkgError) -> Response:
        response = render(e.to_dict())
        if isinstance(e, MethodNotAllowed):
            response.headers["Allow"] = ", ".join(e.allowed)
        if isinstance(e, Unauthorized):
            response.headers["WWW-Authenticate"] = 'Bearer realm="medkg"'
        if isinstance(e, (TooManyRequests, Overloaded)):
            response.headers["Retry-After"] = str(e.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> Response:
        message, hint = e.name, e.description
        allowed = getattr(e, "valid_methods", None) if e.code == 405 else None
        if allowed:
            message = f"{request.method} is not allowed on {request.path}"
            hint = "use " + ", ".join(allowed)
        if e.code == 413:
            limit = current_app.config.get("MAX_CONTENT_LENGTH")
            message = f"the request body is larger than the {limit}-byte limit"
            hint = "send a smaller body (the operator sets max_body_bytes)"
        response = render(error_body(e.code or 500, message, hint))
        if allowed and e.response is None:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    @app.errorhandler(Exception)
    def unexpected(e: Exception) -> Response:
        incident = uuid.uuid4().hex[:12]
        log.exception("unexpected error %s", incident)
        return render(
            error_body(
                500,
                "internal error",
                f"the server logged it as incident {incident}; please report it",
            )
        )
