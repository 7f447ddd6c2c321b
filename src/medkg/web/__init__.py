"""The HTTP surface: ``create_app(settings=None, store=None)`` returns a fresh Flask app."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from flask import Flask

from medkg.build import dataset_version, ensure_built
from medkg.config import Settings, load_settings
from medkg.store import Store, open_store


@dataclass
class AppState:
    """What every request needs: the settings, the store, and the dataset's version."""

    settings: Settings
    store: Store
    version: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh_version(self) -> None:
        self.version = dataset_version(self.store, self.settings)


def create_app(
    settings: Settings | None = None, store: Store | None = None, build: bool = True
) -> Flask:
    """Build the app; with ``build`` an empty store gets the curated dataset built into it."""
    settings = settings or load_settings()
    store = store or open_store(settings.store, settings.root_path)
    if build:
        ensure_built(store, settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    state = AppState(settings, store)
    state.refresh_version()
    app.extensions["medkg"] = state
    logging.getLogger("medkg").setLevel(settings.log_level)

    from medkg.web import admission, errors, graphstore, health, observe, sparql
    from medkg.web import graph as graph_api
    from medkg.web import queries as queries_api

    errors.register(app)
    observe.register(app)
    admission.register(app, settings)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(graphstore.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(queries_api.bp)
    app.register_blueprint(graph_api.bp)

    from medkg.web import pages

    app.register_blueprint(pages.bp)
    if settings.watch:
        from medkg.web.watch import Watcher

        app.extensions["medkg.watch"] = Watcher(state).start()

    from medkg.web import dump, linked, openapi

    app.register_blueprint(linked.bp)
    app.register_blueprint(dump.bp)
    app.register_blueprint(openapi.bp)
    return app
