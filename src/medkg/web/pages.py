"""Pages for people: the SPARQL query page at ``/`` and the founding question answered.

Every script and stylesheet is served from ``/static`` (``make assets`` puts the npm-built
editor and graph libraries in ``static/vendor``); no page loads anything from elsewhere.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue

from medkg.answer import FOUNDING_QUERY, STANCES, STRENGTH_RULES
from medkg.documents import EntityNotFound
from medkg.formats import offered
from medkg.paging import bind_anchor
from medkg.queries import NamedQuery, find_query, load_queries
from medkg.vocab import PREFIXES, UnknownCurie, iri_to_curie, to_iri
from medkg.web.founding_page import founding_answer
from medkg.web.openapi import ERRORS, media
from medkg.web.query_pages import page_size
from medkg.web.state import state

bp = Blueprint("pages", __name__)


def _page(summary: str, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "tags": ["pages"],
            **({"parameters": params} if params else {}),
            "responses": {
                "200": {"description": "an HTML page", "content": media("text/html")},
                **ERRORS,
            },
        }
    }


OPENAPI: dict[str, dict[str, Any]] = {
    "/": _page("the SPARQL query page, with the named queries as examples"),
    "/docs": _page("Swagger UI: every route of /openapi.json, to read and try"),
    "/queries": _page("the named queries, for people: summaries, parameters, links to run them"),
    "/queries/{name}": _page(
        "one named query as a form: typed parameters with examples, its text, its rows",
        [
            {
                "name": "name",
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
                "example": "claims-about-entity",
            }
        ],
    ),
    "/founding-question": _page(
        "the founding question answered in plain words from the graph",
        [
            {
                "name": "disease",
                "in": "query",
                "required": False,
                "description": "the disease asked about (a CURIE)",
                "schema": {"type": "string"},
                "example": "MONDO:0004976",
            },
            {
                "name": "drafts",
                "in": "query",
                "required": False,
                "description": "true: also count claims no curator approved (shown as drafts)",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": "rows of the founding query per page of the chain of claims",
                "schema": {"type": "integer"},
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "the page of the chain after this cursor (from a next link)",
                "schema": {"type": "string"},
            },
        ],
    ),
    "/prefixes.json": {
        "get": {
            "summary": "the CURIE prefixes medkg knows (for the editor's PREFIX completion)",
            "tags": ["pages"],
            "responses": {
                "200": {"description": "prefix -> namespace", "content": media("application/json")}
            },
        }
    },
}

#: files ``make assets`` copies from frontend/node_modules into static/vendor
VENDOR = ("yasgui.min.js", "yasgui.min.css", "cytoscape.min.js")
#: the API explorer's files (swagger-ui-dist), for /docs
DOCS_VENDOR = ("swagger-ui-bundle.js", "swagger-ui.css")


def missing_vendor(names: tuple[str, ...] = VENDOR) -> list[str]:
    """Vendor files not installed, so a page can say so instead of failing in the browser."""
    folder = Path(current_app.static_folder or "") / "vendor"
    return [name for name in names if not (folder / name).is_file()]


@bp.get("/docs")
def api_docs() -> ResponseReturnValue:
    """Swagger UI over /openapi.json, served from /static like every other script."""
    return render_template(
        "docs.html", spec=url_for("openapi.openapi"), missing=missing_vendor(DOCS_VENDOR)
    )


WHERE_OPEN = re.compile(r"^(?!\s*#).*?(\bWHERE\s*)?\{", re.MULTILINE | re.IGNORECASE)


def example_text(query: NamedQuery) -> str:
    """The query as it runs with its example parameters, bound by a VALUES block that opens
    its outermost group (so filters there see them, as the API's pre-binding does).

    The ``#+`` header (metadata for the API and CLI) gives way to one comment: the summary.
    """
    lines = query.text.splitlines()
    while lines and lines[0].startswith("#+"):
        lines.pop(0)
    text = f"# {query.summary}\n" + "\n".join(lines).strip() + "\n"
    bound = [
        (p.name, p.bind(p.example or p.default)) for p in query.params if p.example or p.default
    ]
    terms = [(name, term) for name, term in bound if term is not None]
    if query.order and terms:  # inside the query's anchor too, as the API binds them: a
        text = bind_anchor(text, query.order[0], dict(terms))  # subquery sees no outer VALUES
    opening = WHERE_OPEN.search(text)
    if not terms or opening is None:
        return text
    names = " ".join(f"?{name}" for name, _ in terms)
    row = " ".join(term.n3() for _, term in terms)
    values = f"\n  # the example parameters (the API binds them the same way)\n  VALUES ({names}) {{ ({row}) }}"
    return text[: opening.end()] + values + text[opening.end() :]


def examples() -> list[dict[str, Any]]:
    return [
        {"name": q.name, "summary": q.summary, "query": example_text(q)}
        for q in load_queries(state().settings.root_path).values()
    ]


@bp.get("/")
def query_page() -> ResponseReturnValue:
    formats = {
        kind: [{"name": f.name, "ext": f.extension, "media": f.media_type} for f in offered([kind])]
        for kind in ("results", "graph")
    }
    config = {
        "endpoint": "/sparql",
        "examples": examples(),
        "formats": formats,
        "prefixes": PREFIXES,
        "prefixesUrl": url_for("pages.prefixes"),
        "searchUrl": url_for("search.api_search"),
    }
    return render_template(
        "query.html", config=config, examples=config["examples"], missing=missing_vendor()
    )


@bp.get("/queries")
def named_queries_page() -> ResponseReturnValue:
    """Every named query for people: summary, parameters, a link to run each."""
    named = load_queries(state().settings.root_path)
    return render_template("queries.html", queries=list(named.values()))


@bp.get("/queries/<name>")
def named_query_page(name: str) -> ResponseReturnValue:
    """One named query as a form: its parameters (typed, with examples), its text, and its rows
    fetched from ``/api/queries/<name>`` (the same workers, limits and formats as scripts use)."""
    query = find_query(state().settings.root_path, name)
    values = {p.name: request.args.get(p.name, "") for p in query.params}
    return render_template(
        "query_view.html",
        query=query,
        values=values,
        api=url_for("queries.run_query", name=name),
        editor=url_for("pages.query_page") + "?" + urlencode({"query": example_text(query)}),
    )


@bp.get("/prefixes.json")
def prefixes() -> ResponseReturnValue:
    """The CURIE prefixes medkg knows, for the editor's PREFIX completion (no outside service)."""
    return jsonify(PREFIXES)


@bp.get("/founding-question")
def founding_question() -> ResponseReturnValue:
    s = state()
    query = find_query(s.settings.root_path, FOUNDING_QUERY)
    asked = ("format", "drafts", "cursor", "page_size")
    params = {k: v for k, v in request.args.items() if k not in asked}
    if "disease" in params:
        require_known(params["disease"])
    drafts = request.args.get("drafts", "").lower() in ("1", "true", "yes", "on")
    size = page_size(request.args.get("page_size"), s.settings)
    cursor = request.args.get("cursor") or None
    result = founding_answer(query, params, drafts, size, cursor)
    g.attributions = result.attributions  # the curated sources' acknowledgements (base.html)
    return render_template(
        "question.html",
        answer=result,
        stances=STANCES,
        query=query,
        local=local_path,
        strength_rules=STRENGTH_RULES,
    )


def require_known(curie: str) -> None:
    """A 404 naming the CURIE (with a way to find the right one) if the graph does not know it."""
    try:
        iri = to_iri(curie.strip())
    except UnknownCurie as e:
        raise EntityNotFound(e.message, hint=e.hint) from None
    known = state().store.query(f"ASK {{ {{ {iri.n3()} ?p ?o }} UNION {{ ?s ?p {iri.n3()} }} }}")
    if not known.boolean:
        raise EntityNotFound(
            f"the graph knows nothing about {curie}, so it cannot answer the question of it",
            hint="find a disease by name with the search box (/search?q=...), e.g. "
            "MONDO:0004976 (ALS) or MONDO:0005301 (multiple sclerosis)",
        )


def local_path(iri: str) -> str:
    """Where this server answers for an IRI: medkg's own under its path, others as entities."""
    base = state().settings.base_iri
    if iri.startswith(base):
        return "/" + iri[len(base) :]
    curie = iri_to_curie(iri)
    return f"/entity/{curie}" if curie != iri else "/entity/?iri=" + quote(iri, safe="")
