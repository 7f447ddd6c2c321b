"""Compute the summary tables from the store itself (never from the curated files), so they say
what the served pages say: one scan per claim property, staged in SQLite, then ordered and
counted by SQL. For one entity (no index beside the store) the same scans are restricted to its
claims and the same SQL runs in memory."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from medkg.store.base import QueryResult, Store
from medkg.summaries.index import (
    ANCHOR,
    EVIDENCE_SHOWN,
    FILE_NAME,
    INDEXES,
    SCHEMA,
    SCHEMA_VERSION,
    SummaryIndex,
    index_path,
)
from medkg.summaries.stage import DERIVE, ClaimStage
from medkg.vocab import MEDKG

log = logging.getLogger(__name__)

PREFIXES = f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX medkg: <{MEDKG}>
"""
#: the claims about one entity (the anchor of claims-about-entity); empty for every claim
ABOUT = """VALUES ?e { %s } { ?c rdf:subject ?e } UNION { ?c rdf:object ?e }
  UNION { ?c medkg:diseaseContext ?e }"""
SCANS = {
    "s_claim": """SELECT ?c ?s ?p ?o ?neg ?mod WHERE { %s ?c a medkg:Claim ; rdf:subject ?s ;
      rdf:predicate ?p ; rdf:object ?o ; medkg:negated ?neg ; medkg:modality ?mod }""",
    "s_ok": "SELECT ?c WHERE { %s ?c medkg:curationStatus medkg:Approved }",
    "s_role": "SELECT ?c ?r WHERE { %s ?c medkg:role ?r }",
    "s_ctx": "SELECT ?c ?x WHERE { %s ?c medkg:diseaseContext ?x }",
    "s_ev": "SELECT ?c ?ev ?src WHERE { %s ?c medkg:evidence ?ev OPTIONAL { ?ev medkg:source ?src } }",
}
#: the predicates of the claims (``SummaryIndex.claim_predicates``): 6.5 s of CPU at 1M claims
PREDICATES = "SELECT DISTINCT ?p WHERE { %s ?c a medkg:Claim ; ?p ?o }"
STAGING = """
CREATE TEMP TABLE s_claim (iri TEXT, s TEXT, p TEXT, o TEXT, neg TEXT, mod TEXT);
CREATE TEMP TABLE s_ok (iri TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TEMP TABLE s_role (iri TEXT, r TEXT);
CREATE TEMP TABLE s_ctx (iri TEXT, x TEXT);
CREATE TEMP TABLE s_ev (iri TEXT, ev TEXT, src TEXT);
"""
#: groups as jsonld.NEST_KEYS numbers them: 0 affirmed, 1 negated, 2 hypotheses (uncertain or
#: hypothetical claims, and drafts: no curator approved them), as the entity pages group them
FINALISE = """
CREATE TEMP TABLE s_n AS SELECT iri, COUNT(DISTINCT ev) AS n FROM s_ev GROUP BY iri;
CREATE UNIQUE INDEX temp.s_n_iri ON s_n (iri);
CREATE UNIQUE INDEX temp.s_role_iri ON s_role (iri, r);
INSERT INTO claim (iri, grp, evidence)
  SELECT c.iri, MAX(CASE WHEN c.mod NOT LIKE '%%/Asserted' OR o.iri IS NULL THEN 2
                         WHEN c.neg IN ('true', '1') THEN 1 ELSE 0 END), COALESCE(MAX(n.n), 0)
  FROM s_claim c LEFT JOIN s_ok o ON o.iri = c.iri LEFT JOIN s_n n ON n.iri = c.iri
  GROUP BY c.iri ORDER BY c.iri;
INSERT INTO shown SELECT k.id, v.ev FROM (
  SELECT iri, ev, ROW_NUMBER() OVER (PARTITION BY iri ORDER BY ev) AS rank
  FROM (SELECT DISTINCT iri, ev FROM s_ev)) v JOIN claim k ON k.iri = v.iri
  WHERE v.rank <= %d;
INSERT OR IGNORE INTO entity (iri) SELECT s FROM s_claim UNION SELECT o FROM s_claim
  UNION SELECT x FROM s_ctx;
CREATE TEMP TABLE s_page AS
  SELECT e.id AS entity, k.id AS claim, k.grp AS grp, MIN(r.dir) AS dir, r.p AS p,
         MIN(r.other) AS other, k.iri AS iri, k.evidence AS n
  FROM (SELECT iri, s AS e, 'subject' AS dir, p, o AS other FROM s_claim
        UNION ALL SELECT iri, o, 'object', p, s FROM s_claim) r
  JOIN entity e ON e.iri = r.e JOIN claim k ON k.iri = r.iri
  GROUP BY e.id, k.id;
INSERT INTO about (entity, claim, pos)
  SELECT entity, claim, ROW_NUMBER() OVER (PARTITION BY entity
    ORDER BY grp, n DESC, dir, p, other, iri) - 1 FROM s_page;
INSERT OR IGNORE INTO about (entity, claim, pos)
  SELECT e.id, k.id, NULL FROM s_ctx x JOIN entity e ON e.iri = x.x JOIN claim k ON k.iri = x.iri;
INSERT INTO by_direction SELECT entity, dir, COUNT(*) FROM s_page GROUP BY entity, dir;
INSERT INTO tally SELECT entity, 'group', '', grp, COUNT(*) FROM s_page GROUP BY entity, grp;
INSERT INTO tally SELECT entity, 'predicate', p, grp, COUNT(*) FROM s_page
  GROUP BY entity, p, grp;
INSERT INTO tally SELECT g.entity, 'role', COALESCE(r.r, ''), -1, COUNT(*) FROM s_page g
  LEFT JOIN s_role r ON r.iri = g.iri GROUP BY g.entity, r.r;
INSERT INTO tally SELECT entity, 'source', src, -1, n FROM (
  SELECT entity, src, n, ROW_NUMBER() OVER (PARTITION BY entity ORDER BY n DESC, src) AS rank
  FROM (SELECT g.entity, v.src, COUNT(DISTINCT g.claim) AS n FROM s_page g
        JOIN s_ev v ON v.iri = g.iri WHERE v.src IS NOT NULL GROUP BY g.entity, v.src))
  WHERE rank <= %d;
"""
#: sources tallied per entity (the most frequent; the head has thousands of articles)
TOP_SOURCES = 20


def fill(
    db: sqlite3.Connection,
    store: Store | None,
    entity: URIRef | None,
    version: str,
    stage: ClaimStage | None = None,
) -> None:
    """Compute every table into ``db`` (empty) from the store (the claims about ``entity``
    only, when given), or from the triples ``stage`` collected as the store was written."""
    db.executescript(SCHEMA + STAGING)
    restriction = ABOUT % entity.n3() if entity is not None else ""
    if stage is not None:
        db.execute("ATTACH DATABASE ? AS stage", (str(stage.path),))
        for table, join in DERIVE.items():
            db.execute(f"INSERT OR IGNORE INTO {table} {join}")
        db.commit()
        db.execute("DETACH DATABASE stage")
    else:
        assert store is not None, "a store to scan, or a stage"
        for table, scan in SCANS.items():
            result = store.query(PREFIXES + scan % restriction)
            width = len(result.variables)
            marks = ", ".join("?" * width)
            db.executemany(f"INSERT OR IGNORE INTO {table} VALUES ({marks})", iter_values(result))
    db.execute("CREATE INDEX temp.s_claim_iri ON s_claim (iri)")
    db.executescript(FINALISE % (EVIDENCE_SHOWN, TOP_SOURCES) + INDEXES)
    if stage is not None:
        found_predicates = stage.predicates()
    else:
        assert store is not None
        found = store.query(PREFIXES + PREDICATES % restriction)
        found_predicates = sorted(p for (p,) in iter_values(found) if p is not None)
    predicates = json.dumps(found_predicates)
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("version", version), ("anchor", ANCHOR), ("schema", SCHEMA_VERSION),
         ("claim_predicates", predicates)],
    )  # fmt: skip
    db.commit()


def iter_values(result: QueryResult) -> Iterator[tuple[str | None, ...]]:
    """The rows of a SELECT as strings (IRIs and lexical forms), natively where possible: a
    million rows of rdflib terms cost seconds more."""
    if isinstance(result.native, ox.QuerySolutions):
        for solution in result.native:
            yield tuple(None if t is None else t.value for t in solution)
        return
    for row in result.rows:
        yield tuple(None if t is None else str(t) for t in row)


def entity_index(store: Store, entity: URIRef, version: str | None) -> SummaryIndex:
    """The summary of one entity computed now, in memory (a store with no index beside it)."""
    db = sqlite3.connect(":memory:", check_same_thread=False)
    fill(db, store, entity, version or "")
    return SummaryIndex(db)


def summaries_from_stage(stage: ClaimStage, path: Path, version: str) -> Path | None:
    """Compute the summary file of ``version`` at ``path`` from the triples ``stage`` collected
    (``write_summaries`` takes it in as ``computed``); None if the stage cannot stand for the
    store. It needs nothing of the store: a bulk build runs it while the loader finishes."""
    started = time.perf_counter()
    stage.finish()
    if not stage.usable:
        log.info("entity summaries from the store: %s", stage.problem)
        return None
    path.unlink(missing_ok=True)
    db = _connect(path)
    try:
        fill(db, None, None, version, stage)
    finally:
        db.close()
    log.info(
        "computed the entity summaries in %.1fs (from the build's own triples)",
        time.perf_counter() - started,
    )
    return path


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA temp_store = MEMORY")  # staging: ~0.5 GB at a million claims
    db.execute("PRAGMA cache_size = -262144")  # KiB: the sorts of the last steps
    return db


def write_summaries(
    store: Store,
    version: str | None,
    extra: Callable[[Path], object] | None = None,
    computed: Path | None = None,
) -> Path | None:
    """Write the summary file of the dataset ``version`` into the store's folder (replacing
    the one there in one rename); None, and nothing written, for a store with no folder.
    ``extra`` adds to the file (at its path, complete) before the rename: the first pages
    (``medkg.firstpages``) come in with the summaries they are made from, or not at all.
    ``computed``: the summaries of this store computed already (``summaries_from_stage``),
    moved in instead of computed from the store."""
    path = index_path(store)
    if path is None or version is None:
        return None
    started = time.perf_counter()
    partial = path.with_name(f"{FILE_NAME}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        if computed is not None:
            shutil.move(computed, partial)
        else:
            db = _connect(partial)
            try:
                fill(db, store, None, version)
            finally:
                db.close()
            log.info(
                "computed the entity summaries in %.1fs (from the store)",
                time.perf_counter() - started,
            )
        if extra is not None:
            extra(partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    with partial.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(partial, path)
    log.info("wrote the entity summaries in %.1fs (%s)", time.perf_counter() - started, path)
    return path
