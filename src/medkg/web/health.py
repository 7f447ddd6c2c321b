"""``/health``: is the service up, which store, which dataset version."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from medkg.build import dataset_size, dataset_sources
from medkg.store.base import describe
from medkg.web.state import state

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> ResponseReturnValue:
    s = state()
    # the build's recorded size: counting would scan the store on every health check
    body: dict[str, Any] = {"status": "ok", "version": s.version}
    body |= describe(s.store, dataset_size(s.store, s.settings))
    body["curated_files"] = s.freshness.to_dict()
    degraded = [s.freshness.reason] if s.freshness.state == "stale" else []
    body["sources"] = dataset_sources(s.store)  # curated sources, with the attribution they ask
    if s.warmer is not None:  # the first pages a bulk build left out (web/warm.py)
        body["first_pages"] = s.warmer.status
    watcher = current_app.extensions.get("medkg.watch")
    if watcher is not None:
        body["watch"] = watcher.status  # a broken edit shows here with its report
        if watcher.status.get("status") in ("broken", "failed"):
            degraded.append("the last edit of the curated files is broken (see watch.report)")
    if degraded:
        body["status"] = "degraded"
        body["degraded"] = degraded
    return jsonify(body)
