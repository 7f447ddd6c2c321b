"""``/openapi.json`` is kept true: every route of ``app.url_map`` is described, and nothing else."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

#: endpoints that are not part of the API (Flask's static files)
NOT_API = {"static"}
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def routes(app: Flask) -> dict[str, dict[str, str]]:
    """Every route as OpenAPI path -> {method: endpoint}."""
    out: dict[str, dict[str, str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NOT_API:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in {m.lower() for m in rule.methods or ()} & HTTP_METHODS:
            out.setdefault(path, {})[method] = rule.endpoint
    return out


def undescribed(app: Flask, described: dict[str, Any]) -> list[str]:
    return [
        f"{method.upper()} {path} (endpoint {endpoint!r})"
        for path, methods in sorted(routes(app).items())
        for method, endpoint in sorted(methods.items())
        if method not in described.get(path, {})
    ]


def test_every_route_is_described_in_openapi(app: Flask, client: FlaskClient) -> None:
    missing = undescribed(app, client.get("/openapi.json").get_json()["paths"])
    assert not missing, (
        "routes missing from /openapi.json: "
        + "; ".join(missing)
        + ". Describe each in an OPENAPI dict in its blueprint's module (see medkg.web.openapi)"
    )


def test_openapi_describes_no_route_that_does_not_exist(app: Flask, client: FlaskClient) -> None:
    described: dict[str, Any] = client.get("/openapi.json").get_json()["paths"]
    real = routes(app)
    extra = [
        f"{method.upper()} {path}"
        for path, item in described.items()
        for method in item
        if method in HTTP_METHODS and method not in real.get(path, {})
    ]
    assert not extra, f"/openapi.json describes routes the app does not have: {extra}"


def test_every_operation_has_a_summary_and_responses(client: FlaskClient) -> None:
    doc = client.get("/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op.get("summary") and op.get("responses"), f"{method.upper()} {path}"
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{([^}]+)}", path)), f"{method.upper()} {path}"


def test_the_checker_names_an_undescribed_route(app: Flask, client: FlaskClient) -> None:
    app.add_url_rule("/undocumented/<name>", "undocumented", lambda name: name)
    missing = undescribed(app, client.get("/openapi.json").get_json()["paths"])
    assert missing == ["GET /undocumented/{name} (endpoint 'undocumented')"]
