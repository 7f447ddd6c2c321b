"""Terms in review: grounding candidates searched in the ontology index as a curator types, and
the terms an accepted claim uses that ``ontology/terms.ttl`` lacks, declared from the index.

The index (``medkg.ontologies``) holds the full vocabularies (HPO, the drug list, every file a
curator registered); ``ontology/terms.ttl`` holds only the terms claims use. A decision that
approves a claim naming an index term not yet declared writes the term there (label, synonyms,
direct parents) in the same step, so the build and ``medkg validate`` accept it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from rdflib.namespace import RDFS

from medkg.build import ontology_paths
from medkg.ontologies.index import OntologyIndex, normalize
from medkg.ontologies.registry import open_index
from medkg.rdf.ontology import read_ontology
from medkg.vocab import curie_to_iri, is_curie

#: the claim fields that name entities (predicates and units are vocabulary, not terms)
ENTITY_FIELDS = ("subject", "object", "disease_context", "anatomical_context")
_refreshed: set[Path] = set()
_lock = threading.Lock()


def review_index(root: Path) -> OntologyIndex:
    """The ontology index, brought up to date with its sources once per process (the first
    call reads any source whose file changed: ~20 s for a first HPO, then indexed lookups)."""
    with _lock:
        fresh = root in _refreshed
        index = open_index(root, refresh=not fresh)
        _refreshed.add(root)
    return index


def search_terms(index: OntologyIndex, q: str, limit: int = 10) -> list[dict[str, Any]]:
    """Terms whose CURIE is ``q``, or one of whose names starts with ``q``, then those with a
    word starting with ``q``; shortest names first, one hit per term."""
    norm = normalize(q)
    if not norm:
        return []
    head = (
        "SELECT f.curie, t.label, f.form, f.scope, t.kind, f.source FROM forms f JOIN terms t"
        " ON t.curie = f.curie AND t.source = f.source WHERE "
    )
    tail = " ORDER BY length(f.norm), f.scope != 'label', f.curie LIMIT ?"
    rows = []
    if is_curie(q.strip()):
        rows += index.db.execute(head + "f.curie = ?" + tail, (q.strip(), limit)).fetchall()
    rows += index.db.execute(
        head + "f.norm >= ? AND f.norm < ?" + tail, (norm, norm + "\U0010ffff", limit * 4)
    ).fetchall()
    if len({r[0] for r in rows}) < limit:
        pattern = "% " + norm.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows += index.db.execute(
            head + "f.norm LIKE ? ESCAPE '\\'" + tail, (pattern, limit * 4)
        ).fetchall()
    out: dict[str, dict[str, Any]] = {}
    for curie, label, form, scope, kind, source in rows:
        if curie not in out and len(out) < limit:
            out[curie] = {
                "curie": curie,
                "label": label,
                "matched": form,
                "scope": scope,
                "kind": kind,
                "source": source,
            }
    return list(out.values())


def approved_curies(entries: list[dict[str, Any]]) -> list[str]:
    """The entity CURIEs of the approved entries, in order, once."""
    found: dict[str, None] = {}
    for e in entries:
        if e.get("status", "approved") == "approved":
            for key in ENTITY_FIELDS:
                if isinstance(value := e.get(key), str) and is_curie(value):
                    found[value] = None
    return list(found)


def new_terms(root: Path, entries: list[dict[str, Any]]) -> tuple[Path, str, list[str]] | None:
    """``ontology/terms.ttl`` as it would be with the terms the approved ``entries`` use and
    ``ontology/`` lacks (from the index), and the CURIEs added; None when none is missing."""
    from medkg.ingest.terms import terms_from_index  # ingest pulls in the extractor: only now

    declared = {str(s) for s in read_ontology(ontology_paths(root)).subjects(RDFS.label, None)}
    missing = [c for c in approved_curies(entries) if str(curie_to_iri(c)) not in declared]
    if not missing:
        return None
    index = review_index(root)
    try:
        report = terms_from_index(index, missing, declared, by="a review decision")
    finally:
        index.close()
    if not report.turtle:
        return None  # the index does not know them: the CURIE check says so
    path = root / "ontology" / "terms.ttl"
    return path, path.read_text("utf-8").rstrip("\n") + "\n" + report.turtle, report.added
