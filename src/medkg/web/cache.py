"""Cache validators tied to the dataset version: ``ETag`` and ``Last-Modified``, and ``304``.

The ETag is the build's version (a hash of every quad) plus the representation's format, so it
changes exactly when the data or the format does. Last-Modified is when this process first served
that version (builds are reproducible, so the store records no build time); since If-None-Match
wins over If-Modified-Since, workers that disagree on it by seconds still agree on the ETag.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Response, current_app, request

from medkg.web.state import state


def last_modified() -> datetime | None:
    """When this process first served the current version (None for an unbuilt store)."""
    s = state()
    if s.version is None:
        return None
    seen: dict[str, datetime] = current_app.extensions.setdefault("medkg.built_at", {})
    if s.version not in seen:
        seen[s.version] = datetime.now(UTC).replace(microsecond=0)
    return seen[s.version]


def etag_for(variant: str) -> str | None:
    """The entity tag of one representation (``variant`` names the format) of this version."""
    version = state().version
    return f"{version}-{variant}" if version else None


def not_modified(variant: str) -> Response | None:
    """A ``304`` if the client's copy of this representation is current, else None.

    If-None-Match wins over If-Modified-Since (RFC 9110 section 13.2.2).
    """
    tag = etag_for(variant)
    if tag is None:
        return None
    if request.if_none_match:
        if request.if_none_match.contains_weak(tag) or request.if_none_match.star_tag:
            return with_validators(Response(status=304), variant)
        return None
    since, modified = request.if_modified_since, last_modified()
    if since and modified and modified <= since:
        return with_validators(Response(status=304), variant)
    return None


def with_validators(response: Response, variant: str) -> Response:
    """Add ETag, Last-Modified, Vary and a revalidate-always Cache-Control to a response."""
    tag = etag_for(variant)
    if tag:
        response.set_etag(tag)
        response.last_modified = last_modified()
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Accept")
    # public, read-only data: other sites' scripts may GET it and see the validators
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link"
    return response


def remembered(variant: str, make: Callable[[], bytes]) -> bytes:
    """The body of this URL's representation, made once per dataset version (LRU, bounded by the
    ``document_cache`` setting): framing a large document takes a good part of a second."""
    s = state()
    size = s.settings.document_cache
    if size <= 0 or s.version is None:
        return make()
    store: OrderedDict[tuple[str, ...], bytes] = current_app.extensions.setdefault(
        "medkg.bodies", OrderedDict()
    )
    key = (s.version, request.path, _args_key(), variant)
    with _lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    body = make()
    with _lock:
        store[key] = body
        while len(store) > size:
            store.popitem(last=False)
    return body


def _args_key() -> str:
    return "&".join(f"{k}={v}" for k, v in sorted(request.args.items(multi=True)))


_lock = threading.Lock()
