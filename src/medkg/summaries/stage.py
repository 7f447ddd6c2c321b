"""The triples the summaries read, collected while a bulk build writes them, so the summaries
are computed without scanning the store the loader has just built.

On a store fresh from ``oxigraph load``, the summaries' claim scans (``compute.SCANS``) took
30 s of the HPO import (14 s once RocksDB had compacted it); the encoder has every one of those
triples in hand as it writes it. ``ClaimStage`` keeps the triples of the predicates the scans
ask for (``rdf:type medkg:Claim``, the claim's subject, predicate, object, polarity, modality,
curation status, role, disease context, evidence, and the evidence's source) in an on-disk
SQLite table, once per distinct triple whatever graph it is written in (the store's default
graph is the union), and the predicates that claims have. ``compute.fill`` then runs the same
joins in SQL instead of SPARQL, so both paths give the same summaries (tested). Anything the
stage cannot see as the store will (a blank node: the loader renames it; a claim outside the
claim namespace) makes it ``usable`` no more, and the build scans the store as before::

    stage = ClaimStage(workdir / "stage.sqlite", base)
    stage.add_lines(nquads_lines); stage.add_quads(rdflib_quads); stage.add_triple_text(spo)
    compute.summaries_from_stage(stage, path, version)  # once the build has written all
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from rdflib import BNode, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from medkg.vocab import MEDKG

#: the predicates the scans read, numbered as the stage table stores them
PREDICATES = {
    str(RDF.type): 0,  # only ``rdf:type medkg:Claim`` is kept
    str(RDF.subject): 1,
    str(RDF.predicate): 2,
    str(RDF.object): 3,
    str(MEDKG.negated): 4,
    str(MEDKG.modality): 5,
    str(MEDKG.curationStatus): 6,
    str(MEDKG.role): 7,
    str(MEDKG.diseaseContext): 8,
    str(MEDKG.evidence): 9,
    str(MEDKG.source): 10,
}
CLAIM = str(MEDKG.Claim)
_BY_TEXT = {f"<{p}>": n for p, n in PREDICATES.items()}
_CLAIM_TEXT = f"<{CLAIM}>"
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
_CHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
BATCH = 1 << 16

#: the scans of ``compute.SCANS`` as joins of the staged triples (``d``, the stage's file attached
#: as ``stage``: one row per distinct triple, by predicate number, subject, object)
DERIVE = {
    "s_claim": """SELECT t.s, a.o, b.o, c.o, n.o, m.o FROM stage.d t
      JOIN stage.d a ON a.p = 1 AND a.s = t.s JOIN stage.d b ON b.p = 2 AND b.s = t.s
      JOIN stage.d c ON c.p = 3 AND c.s = t.s JOIN stage.d n ON n.p = 4 AND n.s = t.s
      JOIN stage.d m ON m.p = 5 AND m.s = t.s WHERE t.p = 0""",
    "s_ok": f"SELECT s FROM stage.d WHERE p = 6 AND o = '{MEDKG.Approved}'",
    "s_role": "SELECT s, o FROM stage.d WHERE p = 7",
    "s_ctx": "SELECT s, o FROM stage.d WHERE p = 8",
    "s_ev": """SELECT e.s, e.o, src.o FROM stage.d e LEFT JOIN stage.d src ON src.p = 10 AND src.s = e.o
      WHERE e.p = 9""",
}


class ClaimStage:
    """Collect the summaries' triples from a build's output (see the module's docstring)."""

    def __init__(self, path: Path, base: str):
        self.path = path
        self.claim_prefix = f"<{base}claim/"
        self.db = sqlite3.connect(path, check_same_thread=False)  # finished on another thread
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("CREATE TABLE t (p INTEGER, s TEXT, o TEXT)")
        self.rows: list[tuple[int, str, str]] = []
        self.claims: set[str] = set()  # claim IRIs (N-Triples form) typed medkg:Claim
        self.claim_predicates: set[str] = set()  # of subjects known to be claims
        self.pending: dict[
            str, set[str]
        ] = {}  # predicate -> claim-namespace subjects not yet typed
        self.problem: str | None = None  # why the stage cannot stand for the store

    @property
    def usable(self) -> bool:
        return self.problem is None

    def add_lines(self, lines: Iterable[str], graph: bool = True) -> None:
        """N-Quads lines as written (N-Triples lines if not ``graph``). The encoder's CPU is the
        loader's (they share the machine), so the loop is kept lean: a predicate already known
        to be a claim's is not looked at again, and the object is cut out inline (``o <g> .``,
        or ``o .`` if not ``graph``: an IRI has no space, so the graph name is what follows the
        last one)."""
        prefix, by_text, rows, known = self.claim_prefix, _BY_TEXT, self.rows, self.claim_predicates
        for line in lines:
            try:
                s, p, rest = line.split(" ", 2)
                if p not in known and s.startswith(prefix):
                    self._claim_predicate(s, p)
                n = by_text.get(p)
                if n is None:
                    continue
                rest = rest.rstrip()
                if rest[-1:] != ".":
                    raise ValueError(f"not the end of an N-Quads line: {rest!r}")
                o = rest[:-1].rstrip()
                if graph:
                    o = o.rpartition(" ")[0]
                if n == 0:
                    if o != _CLAIM_TEXT:
                        continue
                    self._claim(s)
                if s[0] != "<" or o[0] == "_":
                    self.problem = f"a blank node in {line.strip()}"
                    continue
                rows.append((n, s[1:-1], o[1:-1] if o[0] == "<" else _lexical(o)))
            except (ValueError, IndexError):  # not a line as medkg writes them: scan instead
                self.problem = f"a line it cannot read: {line[:200]!r}"
        if len(rows) >= BATCH:
            self._flush()

    def add_triple_text(self, spo: str) -> None:
        """One triple in N-Triples syntax without the final dot (the inferred graph's)."""
        self.add_lines((spo + " .",), graph=False)

    def add_quads(self, quads: Iterable[tuple[Node, Node, Node, Node]]) -> None:
        """rdflib quads (the articles' encoding, the qc and build graphs)."""
        prefix = self.claim_prefix[1:]
        for s, p, o, _ in quads:
            if isinstance(s, URIRef) and s.startswith(prefix):
                self._claim_predicate(f"<{s}>", f"<{p}>")
            n = PREDICATES.get(str(p))
            if n is None:
                continue
            if n == 0:
                if o != MEDKG.Claim:
                    continue
                self._claim(f"<{s}>")
            if isinstance(s, BNode) or isinstance(o, BNode):
                self.problem = f"a blank node in ({s}, {p}, {o})"
                continue
            self.rows.append((n, str(s), str(o)))
        if len(self.rows) >= BATCH:
            self._flush()

    def _claim(self, s: str) -> None:
        if not s.startswith(self.claim_prefix):
            self.problem = f"a claim outside the claim namespace: {s}"
        self.claims.add(s)

    def _claim_predicate(self, s: str, p: str) -> None:
        if p in self.claim_predicates:
            return
        if s in self.claims:
            self.claim_predicates.add(p)
        else:
            self.pending.setdefault(p, set()).add(s)

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO t VALUES (?, ?, ?)", self.rows)
        self.rows.clear()

    def finish(self) -> None:
        """Write what is buffered and make the table of distinct triples the joins read."""
        self._flush()
        for p, subjects in self.pending.items():
            if p not in self.claim_predicates and not subjects.isdisjoint(self.claims):
                self.claim_predicates.add(p)
        self.pending.clear()
        self.db.executescript("""
            CREATE TABLE d (p INTEGER, s TEXT, o TEXT, PRIMARY KEY (p, s, o)) WITHOUT ROWID;
            INSERT OR IGNORE INTO d SELECT p, s, o FROM t ORDER BY p, s, o;
            DROP TABLE t;
        """)
        self.db.commit()

    def predicates(self) -> list[str]:
        """The predicates of the claims (``compute.PREDICATES``), sorted."""
        return sorted(p[1:-1] for p in self.claim_predicates)

    def close(self) -> None:
        self.db.close()


def _lexical(literal: str) -> str:
    """The lexical form of a literal in N-Triples syntax (without datatype or language)."""
    end = literal.rindex('"')
    return _ESCAPE.sub(_unescape, literal[1:end])


def _unescape(m: re.Match[str]) -> str:
    if m.group(1) or m.group(2):
        return chr(int(m.group(1) or m.group(2), 16))
    return _CHARS[m.group(3)]
