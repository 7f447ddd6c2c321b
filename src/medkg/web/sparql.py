"""``/sparql``: the SPARQL 1.1 Protocol (query forms), read-only."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from medkg.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType
from medkg.formats import Format, negotiate, offered
from medkg.store.base import QueryResult
from medkg.web.results import serialize
from medkg.web.state import state

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"


def read_query() -> tuple[str | None, list[str], list[str]]:
    """The query text and dataset IRIs from GET params, a form, or a sparql-query body."""
    args = request.args
    if request.method == "GET":
        return args.get("query"), args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    mime = request.mimetype
    if mime == FORM:
        form = request.form
        return (
            form.get("query"),
            form.getlist("default-graph-uri") + args.getlist("default-graph-uri"),
            form.getlist("named-graph-uri") + args.getlist("named-graph-uri"),
        )
    if mime == QUERY:
        body = request.get_data(cache=False)
        try:
            text = body.decode(request.mimetype_params.get("charset", "utf-8"))
        except (UnicodeDecodeError, LookupError):
            raise BadRequest("the query body is not valid UTF-8") from None
        return text, args.getlist("default-graph-uri"), args.getlist("named-graph-uri")
    raise UnsupportedMediaType(
        f"POST /sparql with Content-Type {mime or '(none)'!r} is not a SPARQL query",
        hint=f"send {QUERY} or {FORM} (with a 'query' field)",
    )


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> ResponseReturnValue:
    query, default_graphs, named_graphs = read_query()
    if query is None:
        if request.method == "POST":
            raise BadRequest("no 'query' in the request", hint="put the query in a 'query' field")
        return Response("SPARQL endpoint: pass ?query=…\n", mimetype="text/plain")
    s = state()
    if len(query.encode("utf-8")) > s.settings.max_query_bytes:
        raise PayloadTooLarge(
            f"the query is {len(query.encode())} bytes; the limit is {s.settings.max_query_bytes}",
            hint="shorten the query",
        )
    result = s.store.query(
        query, default_graphs=default_graphs or None, named_graphs=named_graphs or None
    )
    fmt = negotiate(request.headers.get("Accept"), request.args.get("format"), offer_for(result))
    return Response(serialize(result, fmt), mimetype=fmt.media_type)


def offer_for(result: QueryResult) -> list[Format]:
    return offered(["results"] if result.kind in ("bindings", "boolean") else ["graph"])
