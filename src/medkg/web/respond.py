"""Send a spooled result: stream it in chunks, gzip when asked, ETag, CORS."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator

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


#: what is worth compressing (text of every kind medkg serves); images and gzip itself are not
COMPRESSIBLE = ("text/", "application/json", "application/ld+json", "application/n-", "application/rdf+xml",
                "application/trig", "application/sparql-results", "application/javascript")  # fmt: skip


def gzip_response(response: Response) -> Response:
    """Gzip a page, document or dump for a client that accepts it (``after_request``).

    Buffered bodies of at least ``GZIP_MIN`` bytes are compressed at once, streamed ones (the
    dump) chunk by chunk; a body already encoded (``/sparql`` gzips its own) is left alone. The
    ETag becomes weak, as the compressed bytes differ from the identity ones; If-None-Match is
    compared weakly, so a revalidation still gets its 304.
    """
    response.vary.add("Accept-Encoding")
    if (
        not wants_gzip()
        or response.direct_passthrough  # files and spooled results, sent as they are
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").startswith(COMPRESSIBLE)
    ):
        return response
    if response.is_streamed:
        body = response.response
        response.response = _gzipped(body)
        response.headers.pop("Content-Length", None)
    else:
        data = response.get_data()
        if len(data) < GZIP_MIN:
            return response
        compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
        response.set_data(compressor.compress(data) + compressor.flush())
    response.headers["Content-Encoding"] = "gzip"
    tag, weak = response.get_etag()
    if tag and not weak:
        response.set_etag(tag, weak=True)
    return response


def _gzipped(chunks: Iterable[bytes | str]) -> Iterator[bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    try:
        for chunk in chunks:
            data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
            if data:
                yield compressor.compress(data)
        yield compressor.flush()
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # the wrapped stream's clean-up (stream_with_context's context)


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
