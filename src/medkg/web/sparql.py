"""``/sparql``: the SPARQL 1.1 Protocol — query by GET and POST, update with a token, and the
Service Description when there is no query."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from rdflib.term import Node
from werkzeug.datastructures import MultiDict

from medkg.endpoint.guard import Screened, screen
from medkg.endpoint.job import Done, Job
from medkg.endpoint.outbound import Reading, check_outbound, may_connect
from medkg.endpoint.sandbox import run_sandboxed
from medkg.endpoint.targets import refuse_default_graph_writes
from medkg.endpoint.using import add_using
from medkg.errors import (
    BadRequest,
    MethodNotAllowed,
    NotAcceptable,
    StoreError,
    UnsupportedMediaType,
)
from medkg.formats import Format, format_param_for, negotiate, offered
from medkg.limits.sparql import check_sparql
from medkg.limits.stack import on_deep_stack
from medkg.web.description import service_description
from medkg.web.encoding import decode_body
from medkg.web.endpoint import base_iri, create_endpoint, endpoint, require_update_token
from medkg.web.observe import metrics, note, rss_bytes
from medkg.web.respond import add_cors, make_etag, not_modified, stream, wants_gzip
from medkg.web.state import state

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
GRAPH_FORMATS = ("graph", "dataset")


@bp.record_once
def setup(setup_state: BlueprintSetupState) -> None:
    app = setup_state.app
    s = app.extensions["medkg"]
    e = app.extensions["medkg.endpoint"] = create_endpoint(s.settings, s.store)
    if "medkg.metrics" in app.extensions:
        app.extensions["medkg.metrics"].gauges.append(lambda: worker_gauges(e.executor.stats()))


def worker_gauges(stats: dict[str, Any]) -> dict[str, float]:
    gauges = {
        "medkg_query_workers": stats["workers"],
        "medkg_query_workers_idle": stats["idle"],
        "medkg_query_workers_busy": stats["busy"],
        "medkg_query_workers_resident_memory_bytes": sum(rss_bytes(p) for p in stats["pids"]),
    }
    for name, value in stats.get("result_cache", {}).items():
        gauges[f"medkg_result_cache_{name}"] = value
    if "lanes" in stats:
        lanes = stats["lanes"]
        gauges["medkg_query_workers_slow_lane"] = lanes["slow"]["workers"]
        gauges["medkg_query_demotions"] = lanes["fast"]["demotions"]
        gauges["medkg_query_dear_known"] = lanes["dear_known"]
        for lane, count in lanes["routed"].items():
            gauges[f'medkg_query_routed{{lane="{lane}"}}'] = count
    return gauges


bp.after_request(add_cors)


@dataclass
class Operation:
    """What a protocol request asks: a query or an update, and its dataset IRIs."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    using_graphs: list[str] = field(default_factory=list)
    using_named_graphs: list[str] = field(default_factory=list)
    bindings: dict[str, Node] = field(default_factory=dict)  # a named query's parameters


def read_operation() -> Operation:
    """The operation from GET params, a form, or a sparql-query / sparql-update body."""
    args = request.args
    if request.method in ("GET", "HEAD"):
        if "update" in args:
            raise MethodNotAllowed("a SPARQL Update cannot be sent by GET", allowed=["POST"])
        return Operation(
            single(args, "query"), None, args.getlist("default-graph-uri"),
            args.getlist("named-graph-uri"),
        )  # fmt: skip
    mime = request.mimetype
    if mime == FORM:
        form = request.form
        if "query" in form and "update" in form:
            raise BadRequest("the form has both 'query' and 'update'", hint="send one of them")
        return Operation(
            single(form, "query"),
            single(form, "update"),
            form.getlist("default-graph-uri") + args.getlist("default-graph-uri"),
            form.getlist("named-graph-uri") + args.getlist("named-graph-uri"),
            form.getlist("using-graph-uri") + args.getlist("using-graph-uri"),
            form.getlist("using-named-graph-uri") + args.getlist("using-named-graph-uri"),
        )
    if mime in (QUERY, UPDATE):
        text = body_text()
        op = Operation(default_graphs=args.getlist("default-graph-uri"))
        op.named_graphs = args.getlist("named-graph-uri")
        op.using_graphs = args.getlist("using-graph-uri")
        op.using_named_graphs = args.getlist("using-named-graph-uri")
        if mime == QUERY:
            op.query = text
        else:
            op.update = text
        return op
    raise UnsupportedMediaType(
        f"POST /sparql with Content-Type {mime or '(none)'!r} is not a SPARQL request",
        hint=f"send {QUERY}, {UPDATE}, or {FORM} with a 'query' or 'update' field",
    )


def single(params: MultiDict[str, str], name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"{len(values)} '{name}' parameters given", hint="send exactly one")
    return values[0] if values else None


def body_text() -> str:
    return decode_body(request.get_data(cache=False))


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> ResponseReturnValue:
    op = read_operation()
    if op.update is not None:
        return run_update(op)
    if op.query is None:
        if request.method == "POST":
            raise BadRequest("no 'query' in the request", hint="put the query in a 'query' field")
        return describe_service()
    return run_query(op)


def screened_text(text: str, update: bool = False) -> tuple[Screened, Reading]:
    """The text's form, and the outbound targets its engine reads (all allowed, or 403).

    Size and nesting are checked first (``medkg.limits``), before any parser sees the text.
    """
    e = endpoint()
    s = e.settings
    what = "update" if update else "query"
    check_sparql(text, max_bytes=s.max_query_bytes, max_depth=s.max_depth, what=what)
    screened = screen(text)
    return screened, check_outbound(text, e.store.capabilities.engine, update, s)


def choose_formats(form: str | None) -> dict[str, Format | None]:
    """The format for solutions and for graphs, negotiated before the query runs."""
    accept = request.headers.get("Accept")
    param = request.args.get("format")
    if param is None and request.mimetype == FORM:
        param = request.form.get("format")
    chosen: dict[str, Format | None] = {}
    problems: dict[str, NotAcceptable] = {}
    for kind, kinds in (("results", ["results"]), ("graph", list(GRAPH_FORMATS))):
        try:
            chosen[kind] = negotiate(accept, format_param_for(param, kind), offered(kinds))
        except NotAcceptable as e:
            # kept without its traceback: that would hold this frame and the caller's (with
            # the query's pyoxigraph results) in a cycle, freed by the collector on any thread
            chosen[kind], problems[kind] = None, e.with_traceback(None)
    wanted = {"SELECT": "results", "ASK": "results", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
    needed = wanted.get(form or "")
    if needed and chosen[needed] is None:
        raise problems[needed]
    if not needed and not any(chosen.values()):
        raise problems["results"]
    return chosen


def run_query(op: Operation) -> ResponseReturnValue:
    text = op.query or ""
    screened, _ = screened_text(text)
    if screened.form == "UPDATE":
        raise BadRequest(
            "this is a SPARQL Update, sent as a query",
            hint=f"POST it as {UPDATE} or in an 'update' form field, with the bearer token",
        )
    formats = choose_formats(screened.form)
    e = endpoint()
    version = e.version()
    gz = wants_gzip()
    etag = None
    if version is not None:
        names = {k: f.name if f else None for k, f in formats.items()}
        bound = sorted((k, v.n3()) for k, v in op.bindings.items())
        etag = make_etag(version, text, op.default_graphs, op.named_graphs, names,
                         e.settings.max_rows, gz, bound, base_iri())  # fmt: skip
        cached = not_modified(etag)
        if cached is not None:
            return cached
    job = Job(text, op.default_graphs, op.named_graphs, formats, e.settings.max_rows, op.bindings,
              base_iri())  # fmt: skip
    form = screened.form or "?"
    started = time.perf_counter()
    try:
        done = e.executor.run(job, version)
    except Exception as err:
        metrics().inc("medkg_sparql_queries_total", form=form, outcome=type(err).__name__)
        note(form=form, outcome=type(err).__name__, query_bytes=len(text))
        raise
    seconds = time.perf_counter() - started
    record(form, done, seconds, len(text))
    response = stream(done, gz)
    response.headers["X-Medkg-Rows"] = str(done.written.rows)
    response.headers["X-Medkg-Max-Rows"] = str(e.settings.max_rows)
    response.headers["X-Medkg-Query-Ms"] = f"{seconds * 1000:.1f}"
    response.headers["X-Medkg-Cache"] = "hit" if done.cached else "miss"
    if done.written.truncated:
        response.headers["X-Medkg-Truncated"] = "true"
    response.headers["Vary"] = "Accept, Accept-Encoding"
    if etag:
        response.set_etag(etag)
    return response


def record(form: str, done: Done, seconds: float, query_bytes: int) -> None:
    """Count a finished query in /metrics and describe it in the access log."""
    m = metrics()
    m.observe_query(seconds)
    m.inc("medkg_sparql_queries_total", form=form, outcome="ok")
    m.inc("medkg_sparql_rows_total", done.written.rows)
    note(form=form, format=done.fmt.name, rows=done.written.rows,
         truncated=done.written.truncated, query_ms=round(seconds * 1000, 2),
         bytes=done.size, query_bytes=query_bytes)  # fmt: skip


def run_update(op: Operation) -> ResponseReturnValue:
    require_update_token()
    text = op.update or ""
    _, found = screened_text(text, update=True)
    refuse_default_graph_writes(text)
    text = add_using(text, op.using_graphs, op.using_named_graphs, base_iri())
    e = endpoint()
    started = time.perf_counter()
    with e.write_lock:
        try:  # on a deep stack: a long flat update must not overflow this process's
            base = base_iri()

            def apply() -> None:
                on_deep_stack(
                    e.settings.max_query_bytes, lambda: e.store.update(text, base_iri=base)
                )

            if may_connect(e.store.capabilities.engine, True, e.settings, found):
                apply()
            else:
                run_sandboxed(apply)  # the deep-stack thread inherits the sandbox's filter
        except (RuntimeError, ValueError) as err:
            raise BadRequest(f"the update failed and changed nothing: {err}") from None
        except OSError as err:
            raise StoreError(f"the store could not apply the update: {err}") from None
        e.generation += 1
    state().refresh_version()
    metrics().inc("medkg_sparql_updates_total")
    note(form="UPDATE", query_ms=round((time.perf_counter() - started) * 1000, 2))
    return Response(status=204)


def describe_service() -> ResponseReturnValue:
    s = state()
    param = format_param_for(request.args.get("format"), "graph")
    fmt = negotiate(request.headers.get("Accept"), param, offered(["graph"]))
    e = endpoint()
    key = (e.version(), fmt.name, request.base_url)
    body = e.described.get(key)
    if body is None:
        graph = service_description(request.base_url, s.store, s.settings)
        body = graph.serialize(format=fmt.rdflib or "turtle", encoding="utf-8")
        if len(e.described) > 32:
            e.described.clear()
        e.described[key] = body
    return Response(body, mimetype=fmt.media_type, headers={"Vary": "Accept"})
