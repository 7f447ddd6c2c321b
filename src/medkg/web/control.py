"""``/api/builds``: ``medkg build`` beside a running server asks the server to build.

Only a client on this machine that knows the server's per-start secret may ask: the secret is
in the file the server leaves beside its store (``web/serving.py``, mode 0600, so only the
user running the server reads it). From another host the routes answer 404, without the secret
401, with a wrong one 403. The build runs in the server (``web/builds.py``) from the server's
own curated files; a request names nothing but ``bulk`` and, for ``--nquads``, an absolute path
where the server keeps the N-Quads (the client is the server's user: it read the secret).
"""

from __future__ import annotations

import hmac
import ipaddress
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from medkg.errors import BadRequest, Forbidden, NotFound, Unauthorized
from medkg.web.builds import Builds
from medkg.web.openapi import ERRORS, error, media, path_param
from medkg.web.state import state

bp = Blueprint("control", __name__)


def builds() -> Builds:
    b: Builds = current_app.extensions["medkg.builds"]
    return b


def authorize() -> None:
    """404 from another host, 401 without the secret, 403 with a wrong one."""
    try:
        local = ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        local = False
    if not local:
        raise NotFound(f"no route {request.path}", hint="see /openapi.json for the routes")
    auth = request.headers.get("Authorization", "")
    scheme, _, given = auth.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized(
            "asking the server to build needs its secret",
            hint="run `medkg build` on the server's machine as its user: it reads the secret "
            "from the file the server leaves beside its store",
        )
    if not hmac.compare_digest(given.strip().encode(), builds().secret.encode()):
        raise Forbidden(
            "that is not this server's secret",
            hint="the secret is new at every start: run `medkg build` again",
        )


@bp.post("/api/builds")
def start_build() -> ResponseReturnValue:
    authorize()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest('the body must be a JSON object: {"bulk": false, "root": "/path"}')
    bulk, nquads, root = body.get("bulk", False), body.get("nquads"), body.get("root")
    if not isinstance(bulk, bool):
        raise BadRequest(f"'bulk' must be true or false, got {bulk!r}")
    if nquads is not None and not (isinstance(nquads, str) and Path(nquads).is_absolute()):
        raise BadRequest(f"'nquads' must be an absolute path, got {nquads!r}")
    served = state().settings.root_path.resolve()
    if not isinstance(root, str) or Path(root).resolve() != served:
        raise BadRequest(
            f"this server builds the curated files under {served}, not under {root}",
            hint="run medkg build with that --root, or stop the server, or build into another "
            "--store",
        )
    job = builds().start(bulk, nquads)
    location = url_for("control.build_status", job=job.id)
    return jsonify(job.to_dict()), 202, {"Location": location}


@bp.get("/api/builds/<job>")
def build_status(job: str) -> ResponseReturnValue:
    authorize()
    found = builds().get(job)
    if found is None:
        raise NotFound(f"no build {job!r}", hint="a build's report is kept for the last builds")
    return jsonify(found.to_dict())


AUTH = {
    "401": error("no bearer secret"),
    "403": error("not the server's secret (new at every start)"),
    "404": error("asked from another host: the route serves this machine only; or no such build"),
}
JOB = {"description": "the build: its state and, once finished, its report and exit status"}
BUILD_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["root"],
    "properties": {
        "root": {"type": "string", "description": "the project root the client builds"},
        "bulk": {"type": "boolean", "description": "stream and bulk-load (medkg build --bulk)"},
        "nquads": {"type": "string", "description": "absolute path to keep the N-Quads at"},
    },
}
OPENAPI: dict[str, dict[str, Any]] = {
    "/api/builds": {
        "post": {
            "summary": "build the served curated files into the store and swap them in "
            "(medkg build beside a running server); only from this machine with the server's "
            "per-start secret as a bearer token",
            "tags": ["service"],
            "requestBody": {
                "required": True,
                "content": media("application/json", schema=BUILD_BODY),
            },
            "responses": {
                "202": {**JOB, "content": media("application/json")},
                "400": ERRORS["400"],
                **AUTH,
                "429": error("too many builds waiting: retry after the Retry-After seconds"),
            },
        }
    },
    "/api/builds/{job}": {
        "get": {
            "summary": "a build's state, report and exit status (same secret)",
            "tags": ["service"],
            "parameters": [path_param("job", "the id POST /api/builds returned", "0123abcd")],
            "responses": {"200": {**JOB, "content": media("application/json")}, **AUTH},
        }
    },
}
