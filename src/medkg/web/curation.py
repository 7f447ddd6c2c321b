"""``/api/curation/...``: the review queue over HTTP, only when ``curation_token`` is set.

Every route needs ``Authorization: Bearer <curation_token>`` (401 without, 403 wrong). A claim
is addressed by its claim key; a decision applies to its open drafts or the entries named
(``medkg.review.targets``), is checked and written back to ``data/claims/<article>.yaml``
(``medkg.review.decide``), then the dataset is rebuilt and swapped in, so ``/sparql``, the
truthy graph, entity pages and the graph API show it at once.
"""

from __future__ import annotations

import hmac
from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from rdflib.namespace import RDFS

from medkg.build import build_dataset, build_into, encode_dataset
from medkg.bulk import bulk_build_into
from medkg.curation import reviewlog
from medkg.curation.review import Decision
from medkg.errors import BadRequest, Forbidden, MedkgError, Unauthorized
from medkg.review.decide import decide, remember
from medkg.review.queue import (
    OPEN,
    Filters,
    detail,
    files,
    find_claim,
    group,
    iter_entries,
    page,
    progress,
    select,
)
from medkg.review.targets import chosen_entries, expected, new_claim_key, restored
from medkg.review.terms import review_index, search_terms
from medkg.sources.registry import read_sources
from medkg.validate import Inputs
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


def confidence(name: str) -> float | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise BadRequest(f"{name} must be a number from 0 to 1, got {raw!r}", hint=f"{name}=0.7")
    return value


@bp.get("/api/curation/drafts")
def list_drafts() -> ResponseReturnValue:
    raw = request.args.get("limit", "50")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"limit must be 1 to {MAX_LIMIT}, got {raw!r}", hint="e.g. limit=50")
    entries = iter_entries(state().settings.root_path)
    filters = Filters(
        request.args.get("article"),
        request.args.get("rule"),
        statuses(),
        confidence("min_confidence"),
        confidence("max_confidence"),
    )
    chosen = select(group(entries), filters)
    chunk, more = page(chosen, request.args.get("after"), int(raw))
    nxt = None
    if more:
        args: dict[str, Any] = {**request.args.to_dict(), "after": chunk[-1].key}
        nxt = url_for("curation.list_drafts", **args)
    body = {
        "items": [c.to_json() for c in chunk],
        "total": len(chosen),
        "progress": progress(entries),
        "rules": sorted({e.rule for e in entries if e.rule}),
        "next": nxt,
    }
    response = jsonify(body)
    if nxt:
        response.headers["Link"] = f'<{nxt}>; rel="next"'
    return response


@bp.get("/api/curation/drafts/<key>")
def get_draft(key: str) -> ResponseReturnValue:
    root = state().settings.root_path
    claim = find_claim(root, key)
    body = detail(root, claim)
    for path in files(claim):  # so a 409 on this version can say what changed since
        remember(path.read_text(encoding="utf-8"))
    body["labels"] = labels(claim.proposition())
    return jsonify(body)


@bp.post("/api/curation/drafts/<key>")
def post_decision(key: str) -> ResponseReturnValue:
    settings = state().settings
    root = settings.root_path
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest(
            "send a JSON object",
            hint='e.g. {"decision": "accept", "version": "<version from GET>"}',
        )
    given = body.get("version")
    if not isinstance(given, str) or not given:
        raise BadRequest(
            '"version" is required: the version GET returned',
            hint="GET the draft first; its version guards against overwriting another's edit",
        )
    changes = body.get("claim") or {}
    if not isinstance(changes, dict):
        raise BadRequest('"claim" must be an object of YAML fields', hint='e.g. {"negated": true}')
    claim = find_claim(root, key)
    kind = str(body.get("decision", ""))
    on, who = date.today(), settings.curator_name
    if kind == "restore":
        olds = restored(claim, body.get("entries"))
        chosen = [e for e, _ in olds]
        decisions = [Decision(kind, e.fields["id"], who, on, old) for e, old in olds]
    else:
        chosen = chosen_entries(claim, body.get("evidence"), changes)
        decisions = [
            Decision(kind, e.fields["id"], who, on, changes, body.get("reason")) for e in chosen
        ]
    targets = [(e.path, d) for e, d in zip(chosen, decisions, strict=True)]
    outcome = decide(settings, targets, expected(claim, given), claim.key)
    new_key = new_claim_key(root, chosen[0])
    served, error = rebuild(outcome.inputs)
    now = find_claim(root, new_key)
    return jsonify(
        {
            **detail(root, now),
            "previous_key": claim.key,
            "decided": [e.id for e in chosen],
            "terms_added": outcome.terms,
            "warnings": [p.to_dict() for p in outcome.warnings],
            "served": served,
            "dataset_version": state().version,
            "labels": labels(now.proposition()),
            **({"build_error": error} if error else {}),
        }
    )


def rebuild(inputs: Inputs | None) -> tuple[bool, str | None]:
    """Swap the dataset in as the watch path does (curated sources by the bulk path); without
    curated sources, encode the ``inputs`` the decision's checks read (no second read of every
    claim file). A failure leaves the last good dataset."""
    app_state = state()
    settings = app_state.settings
    with app_state.lock:
        try:
            if read_sources(settings.root_path):
                bulk_build_into(app_state.store, settings)
            else:
                built = (
                    encode_dataset(settings, inputs.ontology, inputs.claim_files)
                    if inputs is not None
                    else build_dataset(settings)
                )
                build_into(app_state.store, settings, built=built)
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
    """Grounding candidates for a name or CURIE, searched in the ontology index (the full
    vocabularies, not only the terms the served graph has)."""
    q = request.args.get("q", "").strip()
    raw = request.args.get("limit", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= 50:
        raise BadRequest(f"limit must be 1 to 50, got {raw!r}", hint="e.g. limit=10")
    if not q:
        raise BadRequest("q is required", hint="e.g. q=optic+neur")
    index = review_index(state().settings.root_path)
    try:
        results = search_terms(index, q, int(raw))
    finally:
        index.close()
    return jsonify({"query": q, "source": "ontology index", "results": results})


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
