"""Every request passes admission control (``medkg.endpoint.admission``) by client address;
the query time it used is charged to that client when it ends. ``/health`` and ``/metrics``
are never refused, so monitoring sees a busy server as it is."""

from __future__ import annotations

from flask import Flask, g, request

from medkg.config import Settings
from medkg.endpoint import usage
from medkg.endpoint.admission import Admission

EXEMPT = ("/health", "/metrics", "/static/")


def register(app: Flask, settings: Settings) -> Admission:
    admission = Admission(
        settings.client_query_seconds, settings.client_window_seconds, settings.client_concurrency
    )
    app.extensions["medkg.admission"] = admission
    if "medkg.metrics" in app.extensions:
        app.extensions["medkg.metrics"].gauges.append(
            lambda: {"medkg_admission_refused": admission.refused}
        )

    @app.before_request
    def admit() -> None:
        usage.take()  # a tally left by an earlier request of this thread is not this one's
        if request.path.startswith(EXEMPT):
            return
        client = request.remote_addr or "unknown"
        admission.admit(client)  # raises TooManyRequests: answered 429 with Retry-After
        g.admitted = client

    @app.teardown_request
    def charge(_: BaseException | None) -> None:
        client = g.pop("admitted", None)
        if client is not None:
            admission.release(client, usage.take())

    return admission
