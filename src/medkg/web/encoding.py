"""UTF-8 only: every request's path, query string and form body, and SPARQL request bodies.

The SPARQL 1.1 Protocol carries queries and updates as UTF-8 (2.1.2, 2.2.2). Werkzeug decodes
percent-encoded bytes leniently (``%FF`` becomes U+FFFD) and would decode a body in whatever
charset it declares, so a query could run as text its client never wrote. Here the raw bytes are
checked before anything reads them: invalid UTF-8 is a 400 naming where, a body declared in
another charset a 415.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, request

from medkg.errors import BadRequest, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
UTF8 = ("utf-8", "utf8")


def check_charset() -> None:
    """A 415 when the request body declares a charset other than UTF-8."""
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower() not in UTF8:
        raise UnsupportedMediaType(
            f"the request body is declared as charset={charset}; SPARQL requests are UTF-8 only",
            hint=f"encode the text as UTF-8 and send {request.mimetype}; charset=UTF-8 "
            "(or no charset)",
        )


def decode_body(body: bytes) -> str:
    """The body as text: UTF-8, strictly (a 415 for another charset, a 400 for bad bytes)."""
    check_charset()
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadRequest(
            f"the request body is not valid UTF-8 (byte {e.start}: {body[e.start : e.end]!r})",
            hint="send the text encoded as UTF-8",
        ) from None


def check_percent_encoded(raw: bytes, where: str) -> None:
    """A 400 when ``raw`` (a query string or form body) decodes to bytes that are not UTF-8.

    >>> check_percent_encoded(b"query=SELECT%20%C3%A9", "the query string")
    >>> check_percent_encoded(b"query=%FF", "the query string")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    medkg.errors.BadRequest: the query string is not valid UTF-8: parameter 'query' has byte 0xFF...
    """
    for pair in raw.split(b"&"):
        for part in pair.split(b"=", 1):
            data = unquote_to_bytes(part.replace(b"+", b" "))
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as e:
                name = unquote_to_bytes(pair.split(b"=", 1)[0]).decode("utf-8", "replace")
                raise BadRequest(
                    f"{where} is not valid UTF-8: parameter {name!r} has byte "
                    f"0x{data[e.start]:02X}",
                    hint="percent-encode the UTF-8 bytes of the text (as encodeURIComponent "
                    "and curl --data-urlencode do)",
                ) from None


def check_request() -> None:
    """Run before every request: the path, the query string and a form body are UTF-8."""
    environ = request.environ
    # the path as sent (waitress: REQUEST_URI), or its bytes as WSGI gives them (latin-1)
    raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
    path = raw.partition("?")[0] if raw else None
    try:
        if path is not None:
            unquote_to_bytes(path).decode("utf-8")
        environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise BadRequest(
            "the request path is not valid UTF-8", hint="percent-encode the UTF-8 bytes of it"
        ) from None
    check_percent_encoded(request.query_string, "the query string")
    if request.mimetype == FORM:
        check_charset()
        check_percent_encoded(request.get_data(cache=True), "the form body")


def register(app: Flask) -> None:
    app.before_request(check_request)
