"""Dereferenceable IRIs: entity, claim, evidence, article and reference documents.

Every IRI medkg mints under its base (``https://w3id.org/medkg/claim/<key>``) maps to the same
path on this host (``/claim/<key>``). Entities are served at ``/entity/<CURIE>``; a full IRI
(``/entity/?iri=<IRI>`` or ``/entity/<IRI>``) is answered with ``303 See Other`` to the CURIE
form, so each description has one URL. Formats are negotiated (``?format=`` wins over
``Accept``): JSON-LD (also for ``application/json``), Turtle, N-Triples, RDF/XML and HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, request, url_for
from flask.typing import ResponseReturnValue

from medkg import formats
from medkg.documents import Document, Documents, EntityNotFound
from medkg.errors import BadRequest
from medkg.rdf import jsonld
from medkg.vocab import iri_to_curie
from medkg.web.cache import not_modified, with_validators
from medkg.web.ld_pages import render_document
from medkg.web.state import state

bp = Blueprint("linked", __name__)

#: what a document is offered as, in order of preference (the first wins ``*/*``)
OFFER = [formats.by_name(n) for n in ("jsonld", "ttl", "nt", "rdfxml", "html")]


def documents() -> Documents:
    s = state()
    return Documents(s.store, s.settings.base_iri, s.settings.page_size)


def respond(build: Callable[[], Document], variant: str = "") -> Response:
    """Negotiate, answer 304 when the client's copy is current, else build and serialise."""
    fmt = formats.negotiate(request.headers.get("Accept"), request.args.get("format"), OFFER)
    cached = not_modified(fmt.name + variant)
    if cached is not None:
        return cached
    doc = build()
    html = fmt.name == "html"
    body = render_document(doc, OFFER).encode("utf-8") if html else doc.serialize(fmt)
    textual = fmt.name in ("jsonld", "html", "ttl", "nt")
    response = Response(body, content_type=fmt.media_type + ("; charset=utf-8" if textual else ""))
    links = [
        f'<{_with_format(f.name)}>; rel="alternate"; type="{f.media_type}"'
        for f in OFFER
        if f != fmt
    ]
    response.headers["Link"] = ", ".join(links)
    return with_validators(response, fmt.name + variant)


def _with_format(name: str) -> str:
    args = {k: v for k, v in request.args.items() if k != "format"}
    return request.path + "?" + urlencode({**args, "format": name})


def page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
        raise BadRequest(f"page must be a positive whole number, got {raw!r}", hint="e.g. page=2")
    return int(raw)


@bp.get("/entity/")
def entity_by_iri() -> ResponseReturnValue:
    iri = request.args.get("iri")
    if not iri:
        raise BadRequest(
            "which entity? pass its IRI as ?iri=… or use /entity/<CURIE>",
            hint="e.g. /entity/MONDO:0004976 or /entity/?iri=http://purl.obolibrary.org/obo/MONDO_0004976",
        )
    return entity(iri)


@bp.get("/entity/<path:ident>")
def entity(ident: str) -> ResponseReturnValue:
    docs = documents()
    iri = docs.resolve(ident)
    curie = iri_to_curie(str(iri))
    if curie != ident and curie != str(iri):
        return see_other(url_for("linked.entity", ident=curie))
    page = page_number()
    return respond(lambda: docs.entity(ident, page), f"-p{page}")


@bp.get("/term/<local>")
def minted_term(local: str) -> ResponseReturnValue:
    """A term medkg minted (``https://w3id.org/medkg/term/MEDKG_0000001``): see its entity."""
    prefix, sep, number = local.partition("_")
    if prefix != "MEDKG" or not sep or not number.isdigit():
        raise EntityNotFound(f"no term {local!r}", hint="minted terms look like MEDKG_0000001")
    return see_other(url_for("linked.entity", ident=f"MEDKG:{number}"))


@bp.get("/claim/<key>")
def claim(key: str) -> ResponseReturnValue:
    return respond(lambda: documents().claim(key))


@bp.get("/evidence/<key>")
def evidence(key: str) -> ResponseReturnValue:
    return respond(lambda: documents().evidence(key))


@bp.get("/article/<article_id>")
def article(article_id: str) -> ResponseReturnValue:
    return respond(lambda: documents().article(article_id))


@bp.get("/reference/<ref_id>")
def reference(ref_id: str) -> ResponseReturnValue:
    return respond(lambda: documents().reference(ref_id))


@bp.get("/context.jsonld")
def context() -> ResponseReturnValue:
    cached = not_modified("context")
    if cached is not None:
        return cached
    body = jsonld.dumps({"@context": jsonld.context(state().settings.base_iri)})
    response = Response(body, mimetype="application/ld+json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return with_validators(response, "context")


def see_other(location: str) -> ResponseReturnValue:
    """``303 See Other``, keeping the query string (the format, the page)."""
    args = {k: v for k, v in request.args.items() if k != "iri"}
    target = location + ("?" + urlencode(args) if args else "")
    response = redirect(target, 303)
    response.vary.add("Accept")
    return response
