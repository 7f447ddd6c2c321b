"""``/api/curation/...``: the review queue over HTTP, only when ``curation_token`` is set.

Every route needs ``Authorization: Bearer <curation_token>`` (401 without, 403 wrong). A
decision is written back to ``data/claims/<article>.yaml`` (``medkg.review.decide``), then the
dataset is rebuilt and swapped in, so ``/sparql``, the truthy graph, entity pages and the graph
API show it at once.
"""

from __future__ import annotations

import hmac
from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from rdflib.namespace import RDFS

from medkg.build import build_dataset, build_into
from medkg.curation import reviewlog
from medkg.curation.review import Decision
from medkg.errors import BadRequest, Forbidden, MedkgError, Unauthorized
from medkg.review.decide import decide, remember
from medkg.review.queue import OPEN, detail, find_item, iter_items, page, progress, select
from medkg.vocab import curie_to_iri
from medkg.web.curation_api import OPENAPI as OPENAPI  # the routes' description
from medkg.web.state import state

bp = Blueprint("curation", __name__)
MAX_LIMIT = 200


@bp.before_request
def require_curation_token() -> None:
    """401 without a bearer token, 403 with a wrong one (``/curate`` itself asks for it)."""
    if request.endpoint == "curation.curate_page":
        return
    token = state().settings.curation_token
    given = request.headers.get("Authorization", "")
    if not given.lower().startswith("bearer "):
        raise Unauthorized(
            "the review queue needs a bearer token",
            hint="send 'Authorization: Bearer <curation_token>'",
        )
    if not hmac.compare_digest(given[7:].strip().encode(), token.encode()):
        raise Forbidden("the bearer token is not the configured curation_token")


def statuses() -> tuple[str, ...]:
    raw = request.args.get("status", ",".join(OPEN))
    return () if raw == "any" else tuple(s for s in raw.split(",") if s)


@bp.get("/api/curation/drafts")
def list_drafts() -> ResponseReturnValue:
    raw = request.args.get("limit", "50")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"limit must be 1 to {MAX_LIMIT}, got {raw!r}", hint="e.g. limit=50")
    items = iter_items(state().settings.root_path)
    chosen = select(items, request.args.get("article"), request.args.get("rule"), statuses())
    chunk, more = page(chosen, request.args.get("after"), int(raw))
    nxt = None
    if more:
        args: dict[str, Any] = {**request.args.to_dict(), "after": chunk[-1].key}
        nxt = url_for("curation.list_drafts", **args)
    body = {
        "items": [it.to_json() for it in chunk],
        "total": len(chosen),
        "progress": progress(items),
        "rules": sorted({it.rule for it in items if it.rule}),
        "next": nxt,
    }
    response = jsonify(body)
    if nxt:
        response.headers["Link"] = f'<{nxt}>; rel="next"'
    return response


@bp.get("/api/curation/drafts/<article>/<handle>")
def get_draft(article: str, handle: str) -> ResponseReturnValue:
    root = state().settings.root_path
    item = find_item(root, f"{article}/{handle}")
    body = detail(root, item)
    remember(item.path.read_text(encoding="utf-8"))
    body["labels"] = labels(item.entry)
    return jsonify(body)


@bp.post("/api/curation/drafts/<article>/<handle>")
def post_decision(article: str, handle: str) -> ResponseReturnValue:
    settings = state().settings
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest(
            "send a JSON object",
            hint='e.g. {"decision": "accept", "version": "<version from GET>"}',
        )
    version = body.get("version")
    if not isinstance(version, str) or not version:
        raise BadRequest(
            '"version" is required: the file version GET returned',
            hint="GET the draft first; its version guards against overwriting another's edit",
        )
    changes = body.get("claim") or {}
    if not isinstance(changes, dict):
        raise BadRequest('"claim" must be an object of YAML fields', hint='e.g. {"negated": true}')
    item = find_item(settings.root_path, f"{article}/{handle}")
    decision = Decision(
        str(body.get("decision", "")),
        handle,
        settings.curator_name,
        date.today(),
        changes,
        body.get("reason"),
    )
    outcome = decide(settings, item.path, decision, version)
    served, error = rebuild()
    return jsonify(
        {
            "key": f"{article}/{handle}",
            "claim": outcome.entry,
            "version": outcome.version,
            "warnings": [p.to_dict() for p in outcome.warnings],
            "served": served,
            "dataset_version": state().version,
            **({"build_error": error} if error else {}),
        }
    )


def rebuild() -> tuple[bool, str | None]:
    """Build the curated files and swap the dataset in; a failure leaves the last good one."""
    app_state = state()
    with app_state.lock:
        try:
            built = build_dataset(app_state.settings)
            build_into(app_state.store, app_state.settings, built=built)
        except MedkgError as e:
            return False, str(e)
        app_state.refresh_version()
    return True, None


def labels(entry: dict[str, Any]) -> dict[str, str]:
    """rdfs:label of the CURIEs an entry uses, from the served graph."""
    out: dict[str, str] = {}
    for key in ("subject", "predicate", "object", "disease_context", "anatomical_context", "unit"):
        curie = entry.get(key)
        if not isinstance(curie, str) or curie in out:
            continue
        try:
            iri = curie_to_iri(curie)
        except MedkgError:
            continue
        q = f"SELECT ?l WHERE {{ {iri.n3()} {RDFS.label.n3()} ?l }} LIMIT 1"
        rows = state().store.query(q).to_dicts()
        if rows:
            out[curie] = str(rows[0]["l"])
    return out


@bp.get("/api/curation/candidates")
def candidates() -> ResponseReturnValue:
    """Grounding candidates for a name. The seam for the ontology index: today the search
    index of the served graph (``medkg.search``); the ontology index replaces it here."""
    from medkg.web.search import read_query, search_index

    q, limit, kind = read_query()
    hits = search_index().search(q, limit, kind)
    return jsonify({"query": q, "source": "served graph", "results": [h.to_json() for h in hits]})


@bp.get("/curate")
def curate_page() -> ResponseReturnValue:
    """The page asks for the token itself and sends it with every API call."""
    return render_template("curate.html")


@bp.get("/api/curation/log.csv")
def review_log() -> ResponseReturnValue:
    rows = reviewlog.read(state().settings.root_path)
    return Response(
        reviewlog.to_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="review-log.csv"'},
    )
