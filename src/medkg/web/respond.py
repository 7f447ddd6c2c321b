"""Send a spooled result: stream it in chunks, gzip when asked, ETag, CORS."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator

from flask import Response, request

from medkg.endpoint.job import Done

CHUNK = 64 * 1024
GZIP_MIN = 1024
EXPOSED = "ETag, X-Medkg-Rows, X-Medkg-Truncated, X-Medkg-Max-Rows, X-Medkg-Query-Ms, X-Medkg-Cache"


def wants_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def make_etag(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def not_modified(etag: str) -> Response | None:
    """A 304 when a GET's If-None-Match names ``etag`` (never for POST: that would be 412)."""
    if request.method not in ("GET", "HEAD") or not request.if_none_match:
        return None
    if request.if_none_match.contains_weak(etag) or request.if_none_match.star_tag:
        response = Response(status=304)
        response.set_etag(etag)
        return response
    return None


def stream(done: Done, gzip: bool) -> Response:
    """A response whose body is read from the spool chunk by chunk (gzipped on the fly)."""
    gzip = gzip and done.size >= GZIP_MIN

    def chunks() -> Iterator[bytes]:
        compressor = zlib.compressobj(6, zlib.DEFLATED, 31) if gzip else None
        try:
            while data := done.body.read(CHUNK):
                yield compressor.compress(data) if compressor else data
            if compressor:
                yield compressor.flush()
        finally:
            done.body.close()

    response = Response(chunks(), mimetype=done.fmt.media_type, direct_passthrough=True)
    response.call_on_close(done.body.close)
    if gzip:
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.content_length = done.size
    return response


def add_cors(response: Response) -> Response:
    """Any origin may query (GET, POST); preflights get the methods and headers allowed."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            "Accept, Content-Type, If-None-Match, Authorization"
        )
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
