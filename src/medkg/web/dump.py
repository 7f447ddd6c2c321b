"""``/dump`` (the whole dataset, streamed) and nanopublications of one article."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request, stream_with_context
from flask.typing import ResponseReturnValue

from medkg.errors import NotFound
from medkg.export import dump_formats, iter_dump
from medkg.formats import Format, by_name, negotiate
from medkg.nanopub import article_nanopubs, nanopub_iri
from medkg.web.cache import not_modified, with_validators
from medkg.web.openapi import ACCEPT, ERRORS, FORMAT, media, path_param
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


def _rdf(summary: str, formats: list[Format], *params: dict[str, Any]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "tags": ["export"],
            "parameters": [*params, FORMAT, ACCEPT],
            "responses": {
                "200": {"description": summary, "content": media(*(f.media_type for f in formats))},
                "304": {"description": "the client's copy is current"},
                "404": ERRORS["404"],
                "406": ERRORS["406"],
            },
        }
    }


OPENAPI: dict[str, dict[str, Any]] = {
    "/dump": _rdf("the whole dataset, streamed (N-Quads by default)", dump_formats()),
    "/dataset": {
        "get": {
            "summary": "the dataset's IRI: 303 to /dump",
            "tags": ["export"],
            "responses": {"303": {"description": "See Other: /dump"}},
        }
    },
    "/article/{article_id}/nanopubs": _rdf(
        "each claim of an article as a nanopublication",
        NANOPUB_FORMATS,
        path_param("article_id", "the article id", "als-demyelinating-or-axonal"),
    ),
    "/np/{article_id}/{key}": _rdf(
        "one nanopublication",
        NANOPUB_FORMATS,
        path_param("article_id", "the article id", "als-demyelinating-or-axonal"),
        path_param("key", "the claim key", "fe8bda120e032f81daa9"),
    ),
}
