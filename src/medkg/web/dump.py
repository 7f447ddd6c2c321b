"""``/dump`` (the whole dataset, streamed) and nanopublications of one article."""

from __future__ import annotations

from flask import Blueprint, Response, request, stream_with_context
from flask.typing import ResponseReturnValue

from medkg.errors import NotFound
from medkg.export import dump_formats, iter_dump
from medkg.formats import by_name, negotiate
from medkg.nanopub import article_nanopubs, nanopub_iri
from medkg.web.cache import not_modified, with_validators
from medkg.web.state import state

bp = Blueprint("dump", __name__)

NANOPUB_FORMATS = [by_name(n) for n in ("trig", "nq", "jsonld")]


@bp.get("/dump")
def dump() -> ResponseReturnValue:
    """Every named graph; N-Quads unless ``Accept`` or ``?format=`` asks for another."""
    fmt = negotiate(request.headers.get("Accept"), request.args.get("format"), dump_formats())
    cached = not_modified("dump-" + fmt.name)
    if cached is not None:
        return cached
    s = state()
    chunks = iter_dump(s.store, fmt, s.settings.base_iri)
    response = Response(stream_with_context(chunks), mimetype=fmt.media_type)
    name = f"medkg-{s.version or 'unbuilt'}.{fmt.extension}"
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return with_validators(response, "dump-" + fmt.name)


@bp.get("/dataset")
def dataset() -> ResponseReturnValue:
    """The dataset's IRI (``<base>dataset``): see its dump."""
    response = Response(status=303)
    response.headers["Location"] = "/dump"
    return response


@bp.get("/article/<article_id>/nanopubs")
def nanopubs(article_id: str) -> ResponseReturnValue:
    """Each claim of the article as a nanopublication (TriG, N-Quads or JSON-LD)."""
    return _nanopubs(article_id, None)


@bp.get("/np/<article_id>/<key>")
def nanopub(article_id: str, key: str) -> ResponseReturnValue:
    """One nanopublication (its IRI is ``<base>np/<article-id>/<claim-key>``)."""
    return _nanopubs(article_id, key)


def _nanopubs(article_id: str, key: str | None) -> ResponseReturnValue:
    fmt = negotiate(request.headers.get("Accept"), request.args.get("format"), NANOPUB_FORMATS)
    variant = f"np-{fmt.name}"
    cached = not_modified(variant)
    if cached is not None:
        return cached
    s = state()
    ds = article_nanopubs(s.store, s.settings.base_iri, article_id)
    if key is not None:
        prefix = str(nanopub_iri(s.settings.base_iri, article_id, key)) + "#"
        for g in [g for g in ds.graphs() if not str(g.identifier).startswith(prefix)]:
            ds.remove_graph(g)
        if not any(str(g.identifier).startswith(prefix) for g in ds.graphs()):
            raise NotFound(f"no nanopublication {article_id}/{key}", hint="keys are claim keys")
    body = ds.serialize(format=fmt.rdflib or "trig", encoding="utf-8")
    return with_validators(Response(body, mimetype=fmt.media_type), variant)
