"""``/health``: is the service up, which store, which dataset version."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from medkg.store.base import describe
from medkg.web.state import state

bp = Blueprint("health", __name__)


@bp.get("/health")
def health() -> ResponseReturnValue:
    s = state()
    return jsonify({"status": "ok", "version": s.version, **describe(s.store)})
