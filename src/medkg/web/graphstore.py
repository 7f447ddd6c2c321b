"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol, only with the configured bearer token.

``?graph=IRI`` names a graph; ``?default`` is the endpoint's default graph, which is the union of
all graphs (DESIGN section 2), so it can be read but not written.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue
from rdflib import URIRef

from medkg.endpoint.job import Job
from medkg.errors import BadRequest, NotAcceptable, NotFound, UnsupportedMediaType
from medkg.formats import by_name, negotiate, offered
from medkg.limits.uploads import check_upload
from medkg.store.base import Quad, insert_data
from medkg.terms import RDF_FORMATS, to_triple
from medkg.web.endpoint import endpoint, require_update_token
from medkg.web.respond import add_cors, stream, wants_gzip
from medkg.web.state import state

bp = Blueprint("graphstore", __name__)
bp.after_request(add_cors)


def target() -> URIRef | None:
    """The graph named by ``?graph=``, or None for ``?default``."""
    graph, default = request.args.get("graph"), "default" in request.args
    if bool(graph) == default:
        raise BadRequest(
            "name one graph: ?graph=IRI or ?default", hint="e.g. /store?graph=http://example.org/g"
        )
    if graph:
        try:
            ox.NamedNode(graph)
        except ValueError as e:
            raise BadRequest(
                f"?graph={graph!r} is not an absolute IRI: {e}",
                hint="e.g. /store?graph=http://example.org/g",
            ) from None
    return URIRef(graph) if graph else None


def named_target() -> URIRef:
    g = target()
    if g is None:
        raise BadRequest(
            "the default graph is the union of all graphs and cannot be written",
            hint="write to a named graph with ?graph=IRI",
        )
    return g


@bp.route("/store", methods=["GET"])
def read_graph() -> ResponseReturnValue:
    require_update_token()
    g = target()
    if g is not None and g not in state().store.graph_names():
        raise NotFound(f"no graph <{g}> in the store", hint="GET /sparql lists the graphs")
    fmt = negotiate(request.headers.get("Accept"), request.args.get("format"), offered(["graph"]))
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    if g is not None:
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {g.n3()} {{ ?s ?p ?o }} }}"
    e = endpoint()
    job = Job(query, formats={"graph": fmt}, max_rows=e.settings.max_rows)
    done = e.executor.run(job, e.version())
    response = stream(done, wants_gzip())
    if done.written.truncated:
        response.headers["X-Medkg-Truncated"] = "true"
    return response


def parse_body(g: URIRef) -> list[Quad]:
    """The body's triples, parsed by the engine so every lexical form is kept as sent."""
    try:
        fmt = by_name(request.mimetype or "")
    except NotAcceptable:
        fmt = None
    if fmt is None or fmt.kind != "graph":
        raise UnsupportedMediaType(
            f"Content-Type {request.mimetype or '(none)'!r} is not an RDF graph format",
            hint="send one of " + ", ".join(f.media_type for f in offered(["graph"])),
        )
    body = request.get_data(cache=False)  # over max_body_bytes: 413 from here
    check_upload(body, fmt.name, max_depth=endpoint().settings.max_depth)
    try:
        parsed = ox.parse(body, RDF_FORMATS[fmt.name], base_iri=str(g), rename_blank_nodes=True)
        return [(*to_triple(undirected(t)), g) for t in parsed]
    except SyntaxError as err:
        raise BadRequest(f"the {fmt.media_type} body does not parse: {err}") from None
    except TypeError as err:  # RDF 1.2 (a triple term, a direction): rdflib terms cannot hold it
        raise BadRequest(
            f"the {fmt.media_type} body cannot be stored: {err}",
            hint="send it with SPARQL Update (INSERT DATA), which keeps RDF 1.2 terms",
        ) from None


def undirected(t: ox.Quad) -> ox.Quad:
    """``t`` if its object has no base direction (``"x"@ar--rtl``, RDF 1.2), which rdflib terms
    cannot hold: the literal would be stored as plain ``"x"@ar``, so it is refused instead."""
    o = t.object
    if isinstance(o, ox.Literal) and o.direction is not None:
        raise TypeError(f"the literal {o} has a base direction, which this store cannot keep")
    return t


@bp.route("/store", methods=["PUT", "POST"])
def write_graph() -> ResponseReturnValue:
    require_update_token()
    g = named_target()
    quads = parse_body(g)
    e = endpoint()
    with e.write_lock:
        existed = g in e.store.graph_names()
        if request.method == "PUT":
            e.store.replace_graphs({g: quads})
        else:
            e.store.update("".join(insert_data({g: quads})))
        e.generation += 1
    state().refresh_version()
    return Response(status=204 if existed else 201)


@bp.route("/store", methods=["DELETE"])
def delete_graph() -> ResponseReturnValue:
    require_update_token()
    g = named_target()
    e = endpoint()
    with e.write_lock:
        if g not in e.store.graph_names():
            raise NotFound(f"no graph <{g}> in the store")
        e.store.update(f"DROP GRAPH {g.n3()}")
        e.generation += 1
    state().refresh_version()
    return Response(status=204)
