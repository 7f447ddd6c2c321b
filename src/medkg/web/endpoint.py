"""Per-app endpoint state: the query executor, the dataset version, update bookkeeping."""

from __future__ import annotations

import atexit
import hmac
import secrets
import threading
import weakref
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import current_app, request, url_for

from medkg.build import dataset_version
from medkg.config import Settings
from medkg.endpoint.execute import Executor, make_executor
from medkg.errors import Forbidden, Unauthorized
from medkg.store import Store


@dataclass
class Endpoint:
    """What /sparql keeps between requests."""

    settings: Settings
    store: Store
    executor: Executor
    generation: int = 0  # updates applied by this process
    nonce: str = field(default_factory=lambda: secrets.token_hex(4))
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    # the service description counts every graph: keep the last one per (version, format, URL)
    described: dict[tuple[str | None, str, str], bytes] = field(default_factory=dict)

    def version(self) -> str | None:
        """The dataset's version as workers and ETags see it.

        The build's version (read from the store on every request, so a rebuild swapped in by
        anyone is noticed), plus a count of updates applied here; with updates enabled also this
        process's nonce, since an update count restarts with the process.
        """
        return self.versions()[1]

    def versions(self) -> tuple[str | None, str | None]:
        """The build's version (``medkg:version``, what the summary index is stamped with)
        and ``version()``, read once."""
        build = dataset_version(self.store, self.settings)
        if not self.settings.update_token:
            return build, build
        return build, f"{build}.{self.nonce}.{self.generation}"

    def close(self) -> None:
        self.executor.close()


def create_endpoint(settings: Settings, store: Store) -> Endpoint:
    endpoint = Endpoint(settings, store, make_executor(store, settings))
    # stop worker processes when the app is collected or the interpreter exits
    weakref.finalize(endpoint, endpoint.executor.close)
    atexit.register(endpoint.executor.close)
    return endpoint


def endpoint() -> Endpoint:
    e: Endpoint = current_app.extensions["medkg.endpoint"]
    return e


def base_iri() -> str:
    """The endpoint's own IRI (``http://HOST/sparql`` as the request addressed it), against
    which relative IRIs in queries and updates resolve: the protocol's "service-defined BASE
    IRI", as ``oxigraph serve`` does. ``base_iri`` + ``sparql`` when the Host makes no IRI."""
    iri = url_for("sparql.sparql", _external=True)
    try:
        ox.NamedNode(iri)
    except ValueError:
        return endpoint().settings.base_iri + "sparql"
    return iri


def require_update_token() -> None:
    """401 without a bearer token, 403 with a wrong one or when updates are disabled."""
    token = endpoint().settings.update_token
    if not token:
        raise Forbidden(
            "this endpoint is read-only: SPARQL Update and the Graph Store Protocol are disabled",
            hint="an operator enables them by setting update_token",
        )
    auth = request.headers.get("Authorization", "")
    scheme, _, given = auth.partition(" ")
    if not auth or scheme.lower() != "bearer" or not given.strip():
        raise Unauthorized(
            "writing needs a bearer token", hint="send 'Authorization: Bearer <update_token>'"
        )
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Forbidden("the bearer token is not the configured update_token")
