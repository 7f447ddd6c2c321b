"""``/health``: is the service up, which store, which dataset version."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from medkg.store.base import describe
from medkg.web.state import state

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> ResponseReturnValue:
    s = state()
    body = {"status": "ok", "version": s.version, **describe(s.store)}
    watcher = current_app.extensions.get("medkg.watch")
    if watcher is not None:
        body["watch"] = watcher.status  # a broken edit shows here with its report
    return jsonify(body)
