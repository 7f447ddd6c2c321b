"""The HTTP surface: ``create_app(settings=None, store=None)`` returns a fresh Flask app."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import Flask

from medkg.build import dataset_version
from medkg.config import Settings, load_settings
from medkg.freshness import Freshness, ensure_current, ensure_summaries
from medkg.store import Store, open_store

if TYPE_CHECKING:
    from medkg.web.warm import Warmer


@dataclass
class AppState:
    """What every request needs: the settings, the store, and the dataset's version."""

    settings: Settings
    store: Store
    version: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    # how the store compares with the curated files (medkg.freshness), as of start-up
    freshness: Freshness = field(default_factory=lambda: Freshness("unchecked"))
    # adds the first pages a bulk build left out (``medkg serve`` starts it: web/warm.py)
    warmer: Warmer | None = None

    def refresh_version(self) -> None:
        self.version = dataset_version(self.store, self.settings)
        if self.warmer is not None:
            self.warmer.kick()

    def warm(self) -> None:
        """Start adding the first pages a bulk build left out, now and after every build."""
        from medkg.web.warm import Warmer

        if self.warmer is None and self.settings.first_pages > 0:
            self.warmer = Warmer(self).start()


def create_app(
    settings: Settings | None = None, store: Store | None = None, build: bool = True
) -> Flask:
    """Build the app; with ``build`` an empty store gets the curated dataset built into it and
    a store built from other curated files is rebuilt (``medkg.freshness``)."""
    settings = settings or load_settings()
    store = store or open_store(settings.store, settings.root_path)
    freshness = ensure_current(store, settings) if build else Freshness("unchecked")
    if build:
        ensure_summaries(store, settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    state = AppState(settings, store, freshness=freshness)
    state.refresh_version()
    app.extensions["medkg"] = state
    logging.getLogger("medkg").setLevel(settings.log_level)

    from medkg.web import admission, encoding, errors, graphstore, health, observe, sparql
    from medkg.web import graph as graph_api
    from medkg.web import queries as queries_api

    errors.register(app)
    encoding.register(app)
    observe.register(app)
    admission.register(app, settings)
    from medkg.web.respond import gzip_response

    app.after_request(gzip_response)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(graphstore.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(queries_api.bp)
    app.register_blueprint(graph_api.bp)

    from medkg.web import pages

    app.register_blueprint(pages.bp)
    if settings.watch and not store.capabilities.supports_update:
        logging.getLogger(__name__).warning("--watch is off: the store cannot be written")
    elif settings.watch:
        from medkg.web.watch import Watcher

        app.extensions["medkg.watch"] = Watcher(state).start()

    from medkg.web import control, dump, linked, openapi, search
    from medkg.web.builds import Builds

    app.extensions["medkg.builds"] = Builds(state)  # medkg build beside a running server
    app.register_blueprint(control.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(linked.bp)
    app.register_blueprint(dump.bp)
    app.register_blueprint(openapi.bp)
    if settings.curation_token:  # without it the review queue does not exist (404)
        from medkg.web import curation

        app.register_blueprint(curation.bp)
    return app
