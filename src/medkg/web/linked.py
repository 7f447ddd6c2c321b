"""Dereferenceable IRIs: entity, claim, evidence, article and reference documents.

Every IRI medkg mints under its base (``https://w3id.org/medkg/claim/<key>``) maps to the same
path on this host (``/claim/<key>``). Entities are served at ``/entity/<CURIE>``; a full IRI
(``/entity/?iri=<IRI>`` or ``/entity/<IRI>``) is answered with ``303 See Other`` to the CURIE
form, so each description has one URL. Formats are negotiated (``?format=`` wins over
``Accept``): JSON-LD (also for ``application/json``), Turtle, N-Triples, RDF/XML and HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from rdflib import URIRef

from medkg import formats
from medkg.documents import Document, Documents, EntityNotFound, is_valid_iri
from medkg.errors import BadRequest
from medkg.export import read_graph
from medkg.firstpages import stored_document
from medkg.rdf import jsonld
from medkg.vocab import iri_to_curie
from medkg.web.cache import not_modified, remembered, with_validators
from medkg.web.ld_pages import ALL, Shown, render_document
from medkg.web.openapi import ACCEPT, ERRORS, FORMAT, media, path_param
from medkg.web.search import entity_url, search_index
from medkg.web.state import state

bp = Blueprint("linked", __name__)

#: what a document is offered as, in order of preference (the first wins ``*/*``)
OFFER = [formats.by_name(n) for n in ("jsonld", "ttl", "nt", "rdfxml", "html")]
GRAPH_OFFER = OFFER[:-1]
#: IRIs minted under the base that have routes of their own (an /entity/ lookup is a 303 there)
MINTED_PATHS = ("claim/", "evidence/", "article/", "reference/", "contradiction/", "np/", "graph/")


def documents() -> Documents:
    s = state()
    return Documents(s.store, s.settings.base_iri, s.settings.page_size, s.settings.page_bytes)


def respond(
    build: Callable[[], Document],
    variant: str = "",
    stored: Callable[[], Document | None] | None = None,
    shown: Shown = ALL,
) -> Response:
    """Negotiate, answer 304 when the client's copy is current, else build and serialise;
    ``stored`` gives the document framed at build, if there is one (JSON-LD and HTML),
    ``shown`` which of an entity's claims its HTML page draws."""
    fmt = formats.negotiate(request.headers.get("Accept"), request.args.get("format"), OFFER)
    cached = not_modified(fmt.name + variant)
    if cached is not None:
        return cached
    html = fmt.name == "html"
    from_build = False

    def make() -> bytes:
        nonlocal from_build
        doc = stored() if stored is not None and fmt.name in ("jsonld", "html") else None
        from_build = doc is not None
        if doc is None:
            doc = build()
        return render_document(doc, OFFER, shown).encode("utf-8") if html else doc.serialize(fmt)

    body = remembered(fmt.name + variant, make)
    textual = fmt.name in ("jsonld", "html", "ttl", "nt")
    response = Response(body, content_type=fmt.media_type + ("; charset=utf-8" if textual else ""))
    if from_build:
        response.headers["X-Medkg-First-Page"] = "build"
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


def claims_shown(first_load: bool) -> Shown:
    """Which of the page's claims an entity's HTML page draws: from ``?from=N`` (the rest of
    the page, asked on demand) to its end; when it opens (``first_load``, no ``from``) the
    first ``page_claims_shown`` of them."""
    raw = request.args.get("from")
    if raw is None:
        limit = state().settings.page_claims_shown
        return Shown(0, limit) if first_load and limit > 0 else ALL
    if not raw.isdigit() or int(raw) > 1_000_000:
        raise BadRequest(
            f"from must be a whole number of claims, got {raw!r}",
            hint="from=N draws the page's claims from the N-th on, e.g. from=20",
        )
    return Shown(int(raw))


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
    ident = re.sub(r"^(https?):/(?!/)", r"\1://", ident)  # a proxy merged the slashes
    try:
        iri = docs.resolve(ident)
    except EntityNotFound as e:
        return by_name(ident, e)
    local = str(iri).removeprefix(docs.base)
    if local != str(iri) and local.startswith(MINTED_PATHS):  # a claim, article… : its own URL
        return see_other("/" + local)
    curie = iri_to_curie(str(iri))
    if curie != ident and curie != str(iri):
        return see_other(url_for("linked.entity", ident=curie))
    page = page_number()
    after = request.args.get("after") or None
    # the first page as framed at build, if it was (medkg.firstpages)
    first = (lambda: stored_document(docs, iri)) if page == 1 and after is None else None
    shown = claims_shown(first is not None)
    variant = f"-p{page}-a{after or ''}-s{shown.start}-{shown.limit}"
    return respond(lambda: docs.entity(ident, page, after), variant, first, shown)


def by_name(name: str, not_found: EntityNotFound) -> ResponseReturnValue:
    """``/entity/<label or synonym>``: 303 to the one entity of that name, a list to choose
    from (300) when several share it, else the 404 with the nearest names as a hint."""
    hits = search_index().search(name, 10)
    exact = [h for h in hits if h.is_exact]
    if len(exact) == 1:
        return see_other(entity_url(exact[0]))
    if exact:
        return choices(name, exact, entity_url)
    more = "/search?" + urlencode({"q": name})
    if ":" not in name:  # not CURIE-shaped: a name nothing is called
        hint = f"search by name at {more}, or use a CURIE such as MONDO:0004976"
        not_found = EntityNotFound(f"no entity is called {name!r}", hint=hint)
    if hits:
        near = ", ".join(f"{h.entry.label or h.entry.curie} ({h.entry.curie})" for h in hits[:3])
        not_found.hint = f"did you mean {near}? More at {more}"
    raise not_found


def choices(name: str, hits: list[Any], url: Callable[[Any], str]) -> ResponseReturnValue:
    """``300 Multiple Choices``: the entities sharing a name, as HTML or JSON."""
    fmt = formats.negotiate(request.headers.get("Accept"), request.args.get("format"), OFFER)
    if fmt.name == "html":
        body = render_template("search.html", q=name, search_q=name, hits=hits, url=url)
        return Response(body, 300, content_type="text/html; charset=utf-8")
    response = jsonify({"name": name, "choices": [{**h.to_json(), "url": url(h)} for h in hits]})
    response.status_code = 300
    return response


@bp.get("/term/<local>")
def minted_term(local: str) -> ResponseReturnValue:
    """A term medkg minted (``https://w3id.org/medkg/term/MEDKG_0000001``): see its entity."""
    prefix, sep, number = local.partition("_")
    if prefix != "MEDKG" or not sep or not number.isdigit():
        raise EntityNotFound(f"no term {local!r}", hint="minted terms look like MEDKG_0000001")
    return see_other(url_for("linked.entity", ident=f"MEDKG:{number}"))


@bp.get("/claim/<key>")
def claim(key: str) -> ResponseReturnValue:
    after = request.args.get("after") or None  # the page of its evidence after this one
    return respond(lambda: documents().claim(key, after), f"-a{after or ''}")


@bp.get("/evidence/<key>")
def evidence(key: str) -> ResponseReturnValue:
    return respond(lambda: documents().evidence(key))


@bp.get("/article/<article_id>")
def article(article_id: str) -> ResponseReturnValue:
    return respond(lambda: documents().article(article_id))


@bp.get("/reference/<ref_id>")
def reference(ref_id: str) -> ResponseReturnValue:
    return respond(lambda: documents().reference(ref_id))


@bp.get("/contradiction/<key>")
def contradiction(key: str) -> ResponseReturnValue:
    return respond(lambda: documents().contradiction(key))


@bp.get("/graph/<path:name>")
def named_graph(name: str) -> ResponseReturnValue:
    """A named graph of the dataset (``<base>graph/<name>``), whole."""
    fmt = formats.negotiate(request.headers.get("Accept"), request.args.get("format"), GRAPH_OFFER)
    cached = not_modified("graph-" + fmt.name)
    if cached is not None:
        return cached
    s = state()
    iri = URIRef(documents().mint.graph(name))
    if not is_valid_iri(str(iri)) or iri not in s.store.graph_names():
        raise EntityNotFound(
            f"no graph {name!r}", hint="the graphs are listed at /health and /dump"
        )
    graph = read_graph(s.store, iri, s.settings.base_iri)
    if fmt.name == "jsonld":
        body = jsonld.dumps(jsonld.compact(jsonld.to_expanded(graph), s.settings.base_iri))
        data = body.encode("utf-8")
    else:
        data = graph.serialize(format=fmt.rdflib or "turtle", encoding="utf-8")
    return with_validators(Response(data, mimetype=fmt.media_type), "graph-" + fmt.name)


@bp.get("/<name>")
def vocabulary_term(name: str) -> ResponseReturnValue:
    """A term of the medkg vocabulary (``<base>Claim``, ``<base>negated``): 303 to its entity."""
    iri = documents().vocabulary_term(name)
    if iri is None:
        raise EntityNotFound(
            f"nothing at /{name}: no route and no medkg vocabulary term of that name",
            hint="the routes are listed at /openapi.json",
        )
    return see_other(url_for("linked.entity", ident=iri_to_curie(str(iri))))


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


DOCUMENT = {
    "description": "the resource's description in the negotiated format",
    "headers": {
        "ETag": {"schema": {"type": "string"}, "description": "dataset version + format"},
        "Last-Modified": {"schema": {"type": "string"}, "description": "when it was built"},
    },
    "content": media(*(f.media_type for f in OFFER)),
}
RESPONSES = {
    "200": DOCUMENT,
    "304": {"description": "the client's copy (If-None-Match / If-Modified-Since) is current"},
    **ERRORS,
}
SEE_OTHER = {"303": {"description": "See Other: the canonical URL of the description"}}


def _document(summary: str, *params: dict[str, Any], tag: str = "linked data") -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "tags": [tag],
            "parameters": [*params, FORMAT, ACCEPT],
            "responses": RESPONSES,
        }
    }


PAGE = {
    "name": "page",
    "in": "query",
    "required": False,
    "description": "page of the claims (see the document's view: first, next, last)",
    "schema": {"type": "integer", "minimum": 1},
}
AFTER = {
    "name": "after",
    "in": "query",
    "required": False,
    "description": "the page of claims after this claim key: the next link of a page that "
    "stopped early at its size in bytes (the setting page_bytes)",
    "schema": {"type": "string"},
}

OPENAPI: dict[str, dict[str, Any]] = {
    "/entity/{ident}": _document(
        "an entity by CURIE: label, synonyms, superclasses and the claims about it; a full IRI "
        "is a 303 to the CURIE form, a label or synonym a 303 to its entity (300 with the "
        "choices when several entities share it)",
        path_param("ident", "a CURIE (MONDO:0004976) or a full IRI", "MONDO:0004976"),
        PAGE,
        AFTER,
    ),
    "/entity/": {
        "get": {
            "summary": "an entity by full IRI: 303 to /entity/<CURIE> (or the document itself)",
            "tags": ["linked data"],
            "parameters": [
                {
                    "name": "iri",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string"},
                    "example": "http://purl.obolibrary.org/obo/MONDO_0004976",
                },
                PAGE,
                FORMAT,
                ACCEPT,
            ],
            "responses": {**RESPONSES, **SEE_OTHER},
        }
    },
    "/term/{local}": {
        "get": {
            "summary": "a term medkg minted (<base>term/MEDKG_0000001): 303 to its entity",
            "tags": ["linked data"],
            "parameters": [path_param("local", "MEDKG_ and seven digits", "MEDKG_0000001")],
            "responses": {**SEE_OTHER, "404": ERRORS["404"]},
        }
    },
    "/claim/{key}": _document(
        "a claim with its evidence, quotes, references and quality flags; a claim with more "
        "evidence than a page (page_size) shows a page of it, with evidenceCount and a view",
        path_param("key", "the claim key (20 hex digits)", "fe8bda120e032f81daa9"),
        {
            "name": "after",
            "in": "query",
            "required": False,
            "description": "the page of the claim's evidence after this evidence key (in key "
            "order): the next link of its view",
            "schema": {"type": "string"},
        },
    ),
    "/evidence/{key}": _document(
        "one place a source states claims: quote, position, cited references",
        path_param("key", "the evidence key (16 hex digits)", "a29e0831e88d0838"),
    ),
    "/article/{article_id}": _document(
        "an article: title, dates, sections, references, quality flags, its evidence",
        path_param("article_id", "the article id", "als-demyelinating-or-axonal"),
    ),
    "/reference/{ref_id}": _document(
        "a reference of an article and the evidence citing it",
        path_param("ref_id", "<article-id>-<number>", "als-demyelinating-or-axonal-1"),
    ),
    "/contradiction/{key}": _document(
        "a contradiction group: claims holding both polarities of one proposition",
        path_param("key", "the group key (16 hex digits)", "0123456789abcdef"),
    ),
    "/graph/{name}": {
        "get": {
            "summary": "one named graph of the dataset (<base>graph/<name>), whole",
            "tags": ["linked data"],
            "parameters": [
                path_param("name", "the graph's name: ontology, truthy, qc, source/<id>", "qc"),
                FORMAT,
                ACCEPT,
            ],
            "responses": {
                "200": {
                    "description": "the graph",
                    "content": media(*(f.media_type for f in GRAPH_OFFER)),
                },
                "304": RESPONSES["304"],
                "404": ERRORS["404"],
                "406": ERRORS["406"],
            },
        }
    },
    "/{name}": {
        "get": {
            "summary": "a term of the medkg vocabulary (<base>Claim): 303 to its entity",
            "tags": ["linked data"],
            "parameters": [path_param("name", "the term's local name", "Claim")],
            "responses": {**SEE_OTHER, "404": ERRORS["404"]},
        }
    },
    "/context.jsonld": {
        "get": {
            "summary": "the JSON-LD 1.1 context of every document",
            "tags": ["linked data"],
            "responses": {
                "200": {"description": "the context", "content": media("application/ld+json")},
                "304": RESPONSES["304"],
            },
        }
    },
}
