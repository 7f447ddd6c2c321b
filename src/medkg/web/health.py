"""``/health``: is the service up, which store, which dataset version."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from medkg.build import dataset_size
from medkg.store.base import describe
from medkg.web.state import state

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> ResponseReturnValue:
    s = state()
    # the build's recorded size: counting would scan the store on every health check
    body = {"status": "ok", "version": s.version}
    body |= describe(s.store, dataset_size(s.store, s.settings))
    watcher = current_app.extensions.get("medkg.watch")
    if watcher is not None:
        body["watch"] = watcher.status  # a broken edit shows here with its report
    return jsonify(body)
