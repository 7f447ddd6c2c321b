"""Access the app's state from a request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from medkg.web import AppState


def state() -> AppState:
    return current_app.extensions["medkg"]
