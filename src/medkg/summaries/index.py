"""The summary index: a SQLite file (or an in-memory database) read by the first pages.

Tables: ``first_page`` (first pages materialized at build or added by the server after a bulk
build, zlib-compressed, by ``page_key``: see ``medkg.firstpages``), ``claim`` (id in the order of the claim IRIs, so ordering by id is ordering by IRI as
SPARQL does; the claim's group on entity pages), ``entity``, ``about`` (entity, claim, and the
claim's position on the entity's page, NULL when the entity is only the claim's disease
context), ``tally`` (counts per entity by group, predicate, role and source) and
``by_direction`` (claims per entity as their subject and as their object, one direction per
claim as the page orders them: ``object`` when the entity is both).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from medkg.store.base import Store
from medkg.vocab import MEDKG

log = logging.getLogger(__name__)

FILE_NAME = "medkg-side-summaries.sqlite"
SCHEMA_VERSION = "2"
#: evidence shown per claim on entity pages (the claim's own page shows all): at the head one
#: claim is restated by thousands of sentences, and ten such claims took 23 s to describe
EVIDENCE_SHOWN = 3
#: the anchor the ``about`` table was computed as (``claims-about-entity``'s, see queries/)
ANCHOR = (
    "SELECT DISTINCT ?entity ?claim WHERE { { ?claim rdf:subject ?entity } UNION "
    "{ ?claim rdf:object ?entity } UNION { ?claim medkg:diseaseContext ?entity } }"
)

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE claim (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, grp INTEGER NOT NULL,
                    evidence INTEGER NOT NULL);
CREATE TABLE shown (claim INTEGER NOT NULL, evidence TEXT NOT NULL,
                    PRIMARY KEY (claim, evidence)) WITHOUT ROWID;
CREATE TABLE entity (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE about (entity INTEGER NOT NULL, claim INTEGER NOT NULL, pos INTEGER,
                    PRIMARY KEY (entity, claim)) WITHOUT ROWID;
CREATE TABLE tally (entity INTEGER NOT NULL, dim TEXT NOT NULL, value TEXT NOT NULL,
                    grp INTEGER NOT NULL, n INTEGER NOT NULL);
CREATE TABLE first_page (key TEXT PRIMARY KEY, body BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE by_direction (entity INTEGER NOT NULL, dir TEXT NOT NULL, n INTEGER NOT NULL,
                           PRIMARY KEY (entity, dir)) WITHOUT ROWID;
"""
INDEXES = """
CREATE UNIQUE INDEX claim_iri ON claim (iri);
CREATE INDEX about_pos ON about (entity, pos) WHERE pos IS NOT NULL;
CREATE INDEX tally_entity ON tally (entity);
"""

#: the entities with at least ``?`` claims on their pages, by claims (then IRI), ``?`` at most
ON_PAGE = "SELECT entity, COUNT(*) AS n FROM about WHERE pos IS NOT NULL GROUP BY entity"
HEADS_ANY = f"""SELECT e.iri FROM ({ON_PAGE}) a JOIN entity e ON e.id = a.entity
  WHERE a.n >= ? ORDER BY a.n DESC, e.iri LIMIT ?"""
#: the same by claims the entity is the subject of
HEADS_SUBJECT = f"""SELECT e.iri FROM by_direction d JOIN entity e ON e.id = d.entity
  JOIN ({ON_PAGE}) a ON a.entity = d.entity
  WHERE d.dir = 'subject' AND a.n >= ? ORDER BY d.n DESC, e.iri LIMIT ?"""


@dataclass(frozen=True)
class Tally:
    """Claims about an entity counted along one dimension (``group``, ``predicate``, ``role``,
    ``source``), for one value of it, in one group of the page (``group`` None: all groups)."""

    dim: str
    value: str
    group: str | None
    count: int


class SummaryIndex:
    """Read the summaries of one dataset version (a connection per index: open, read, close)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        meta = dict(db.execute("SELECT key, value FROM meta"))
        self.version = meta.get("version")
        self.anchor = meta.get("anchor")
        self.schema = meta.get("schema")
        # "built" (with the summaries), "deferred" (for the server: ``medkg.firstpages``)
        self.first_pages = meta.get("first_pages")
        predicates = meta.get("claim_predicates")
        self.predicates = None if predicates is None else json.loads(predicates)

    def close(self) -> None:
        self.db.close()

    def entity_id(self, entity: str) -> int | None:
        row = self.db.execute("SELECT id FROM entity WHERE iri = ?", (entity,)).fetchone()
        return int(row[0]) if row else None

    def total(self, entity: str) -> int:
        """Claims on the entity's pages (it is their subject or object)."""
        return sum(t.count for t in self.tallies(entity) if t.dim == "group")

    def page(self, entity: str, start: int, size: int) -> list[tuple[str, str]]:
        """Claim IRIs and their groups at positions ``start`` to ``start + size`` of the page
        order (a range of an index: page 1000 costs what page 1 costs)."""
        rows = self.db.execute(
            "SELECT c.iri, c.grp FROM about a JOIN claim c ON c.id = a.claim "
            "WHERE a.entity = (SELECT id FROM entity WHERE iri = ?) AND a.pos >= ? "
            "ORDER BY a.pos LIMIT ?",
            (entity, start, size),
        )
        return [(iri, nest_key(grp)) for iri, grp in rows]

    def position(self, entity: str, claim: str) -> int | None:
        """Where ``claim`` is in the entity's page order, or None if it is not listed there."""
        row = self.db.execute(
            "SELECT a.pos FROM about a WHERE a.entity = (SELECT id FROM entity WHERE iri = ?) "
            "AND a.claim = (SELECT id FROM claim WHERE iri = ?)",
            (entity, claim),
        ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def about(self, entity: str, start: str | None, limit: int) -> list[str]:
        """The first ``limit`` claims about the entity (the named query's anchor) in IRI
        order, from the claim ``start`` on (included) when given."""
        first = 0
        if start is not None:
            row = self.db.execute("SELECT MIN(id) FROM claim WHERE iri >= ?", (start,)).fetchone()
            if row[0] is None:
                return []
            first = int(row[0])
        rows = self.db.execute(
            "SELECT c.iri FROM about a JOIN claim c ON c.id = a.claim "
            "WHERE a.entity = (SELECT id FROM entity WHERE iri = ?) AND a.claim >= ? "
            "ORDER BY a.claim LIMIT ?",
            (entity, first, limit),
        )
        return [iri for (iri,) in rows]

    def claim_predicates(self) -> list[str] | None:
        """The predicates the claims have (``medkg:evidence`` among them), so that a page reads
        a claim's own triples by key rather than past its thousands of evidence links; None
        for a file written before they were listed."""
        return self.predicates

    def shown(self, claims: list[str]) -> dict[str, tuple[int, list[str]]]:
        """Per claim: how much evidence it has, and the evidence its entity pages show (the
        first ``EVIDENCE_SHOWN`` by IRI)."""
        out: dict[str, tuple[int, list[str]]] = {}
        for claim in claims:
            row = self.db.execute("SELECT id, evidence FROM claim WHERE iri = ?", (claim,))
            found = row.fetchone()
            if found is None:
                continue
            evidence = self.db.execute(
                "SELECT evidence FROM shown WHERE claim = ? ORDER BY evidence", (found[0],)
            )
            out[claim] = (int(found[1]), [ev for (ev,) in evidence])
        return out

    def first_page(self, key: str) -> bytes | None:
        """The first page materialized at build under ``key`` (see ``page_key``), or None
        (not materialized, or a file written before first pages were)."""
        try:
            row = self.db.execute("SELECT body FROM first_page WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:  # no such table: written by an older medkg
            return None
        return zlib.decompress(row[0]) if row else None

    def heads(self, at_least: int, most: int) -> list[str]:
        """The head entities, ``most`` at most, each with at least ``at_least`` claims on its
        pages: taken in turn from the most claimed in any role (what the pages count) and the
        subjects of the most claims (``by_direction``), so that both heads are in where they
        differ. In the HPO annotations the first are phenotypes (HP:0000007 is the object
        of 3,480 claims) and the second diseases (211 claims at most): by claims alone, the
        diseases users browse by would all be left out."""
        rankings = [self._ranked(HEADS_ANY, at_least, most)]
        with contextlib.suppress(sqlite3.OperationalError):  # no by_direction: an older file
            rankings.append(self._ranked(HEADS_SUBJECT, at_least, most))
        out: dict[str, None] = {}
        for at in range(most):
            for ranked in rankings:
                if at < len(ranked) and len(out) < most:
                    out.setdefault(ranked[at])
        return list(out)

    def _ranked(self, query: str, at_least: int, most: int) -> list[str]:
        return [iri for (iri,) in self.db.execute(query, (at_least, most))]

    def tallies(self, entity: str) -> list[Tally]:
        """The entity's tallies: by group, predicate (and group), role and source (the most
        frequent sources), largest first."""
        rows = self.db.execute(
            "SELECT dim, value, grp, n FROM tally "
            "WHERE entity = (SELECT id FROM entity WHERE iri = ?) "
            "ORDER BY dim, n DESC, value, grp",
            (entity,),
        )
        return [Tally(d, v, nest_key(g) if g >= 0 else None, n) for d, v, g, n in rows]


def page_key(*parts: object) -> str:
    """The key of a materialized first page: a hash of everything its bytes depend on besides
    the data (the kind of page, the query text and bindings, the base IRI, the page sizes)
    and of the code that made them (``code_fingerprint``)."""
    text = "\x00".join(map(str, (code_fingerprint(), *parts)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: the sources whose code makes a first page's bytes (documents, their JSON-LD, the summaries
#: they show, the named query's paging, the stored page's form and its results writer),
#: relative to the package
CODE = ("documents.py", "vocab.py", "paging.py", "pairs.py", "anchored.py", "queries.py", "rdf/*.py",
        "summaries/*.py", "firstpages.py", "endpoint/writers.py")  # fmt: skip


@functools.cache
def code_fingerprint() -> str:
    """A hash of the sources that make the first pages and of the engine's version: a medkg
    whose documents would differ (an upgrade, an edit) misses the pages an older one stored."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(ox.__version__.encode("utf-8"))
    for pattern in CODE:
        for path in sorted(package.glob(pattern)):
            digest.update(path.relative_to(package).as_posix().encode("utf-8"))
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def stored_version(store: Store, base: str) -> str | None:
    """The dataset version the store's last build recorded (``medkg:version``), or None."""
    ds = URIRef(base + "dataset")
    result = store.query(f"SELECT ?v WHERE {{ {ds.n3()} {MEDKG.version.n3()} ?v }} LIMIT 1")
    rows = list(result.rows)
    return str(rows[0][0]) if rows and rows[0][0] is not None else None


def index_path(store: Store) -> Path | None:
    """Where the store's summary file lives (inside its versioned folder), if it has one."""
    folder = store.side_folder()
    return folder / FILE_NAME if folder is not None else None


def open_index(store: Store, version: str | None) -> SummaryIndex | None:
    """The store's summary index if it describes ``version`` of the dataset (the store's as
    read now), else None (the caller computes what it needs from the store)."""
    path = index_path(store)
    if path is None or version is None or not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        index = SummaryIndex(db)
    except sqlite3.Error as e:
        log.warning("the summary index %s cannot be read (%s): answering from the store", path, e)
        return None
    if index.version != version or index.schema != SCHEMA_VERSION:
        index.close()
        return None
    return index


def nest_key(group: int) -> str:
    """The document key of a claim group (``jsonld.NEST_KEYS``), imported when first asked:
    ``medkg.rdf.jsonld`` loads pyld and requests (0.1-0.2 s), which a query's page needs not."""
    from medkg.rdf.jsonld import NEST_KEYS

    return NEST_KEYS[group]
