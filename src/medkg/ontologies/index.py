"""The on-disk ontology index: labels, synonyms, abbreviations and parents in SQLite.

Each registered vocabulary is a *source* with the SHA-256 of its file; ``refresh`` re-reads a
source only when that hash changed, so a full HPO costs its parse (~4 s) once, and every later
lookup is an indexed SQLite query. Nothing here enters the served graph: only the terms claims
use are copied into ``ontology/terms.ttl`` (see ``promote``).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from medkg.ontologies.readers import DRUGS, drugs_file, read_terms
from medkg.ontologies.records import TermRecord

#: bump when the readers change what they store: every source is then read again
READER_VERSION = "5"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources (name TEXT PRIMARY KEY, path TEXT, sha256 TEXT, terms INT);
CREATE TABLE IF NOT EXISTS terms (curie TEXT, label TEXT, kind TEXT, source TEXT,
                                  PRIMARY KEY (curie, source));
CREATE TABLE IF NOT EXISTS forms (norm TEXT, form TEXT, curie TEXT, scope TEXT, source TEXT);
CREATE INDEX IF NOT EXISTS forms_norm ON forms (norm);
CREATE INDEX IF NOT EXISTS forms_curie ON forms (curie);
CREATE TABLE IF NOT EXISTS parents (curie TEXT, parent TEXT, source TEXT);
CREATE INDEX IF NOT EXISTS parents_curie ON parents (curie);
"""


@dataclass(frozen=True)
class Source:
    """A vocabulary registered for grounding: a name and a file (or the shipped drug list)."""

    name: str
    path: Path
    #: for a file several sources share (``phenotype.hpoa``): the identifiers this one holds
    prefix: str | None = None


@dataclass(frozen=True)
class Form:
    """One surface form of a term, as the index holds it."""

    form: str
    curie: str
    scope: str
    kind: str
    source: str


@dataclass
class TermInfo:
    curie: str
    label: str
    kind: str
    source: str
    synonyms: list[tuple[str, str]] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)


def normalize(form: str) -> str:
    """The key a surface form is looked up by: lower case, single spaces.

    >>> normalize("  Chronic  Inflammatory\\nDemyelinating ")
    'chronic inflammatory demyelinating'
    """
    return " ".join(form.lower().split())


def file_hash(path: Path) -> str:
    """The SHA-256 of a source's file, hashed once per process while its size and time stay."""
    if str(path) == DRUGS:
        path = drugs_file() or path
    st = path.stat()
    return _hash(str(path), st.st_size, st.st_mtime_ns)


@cache
def _hash(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class OntologyIndex:
    """Terms of every registered source, in one SQLite file."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def refresh(self, sources: list[Source]) -> list[str]:
        """Re-read each source whose file hash changed, drop unlisted ones; say what changed."""
        changed = []
        have = dict(self.db.execute("SELECT name, sha256 FROM sources").fetchall())
        for name in set(have) - {s.name for s in sources}:
            self._drop(name)
            changed.append(f"{name}: removed")
        for s in sources:
            sha = f"{READER_VERSION}:{file_hash(s.path)}"
            if have.get(s.name) == sha:
                continue
            count = self._load(s, sha)
            changed.append(f"{s.name}: {count} terms from {s.path}")
        self.db.commit()
        return changed

    def _drop(self, name: str) -> None:
        for table in ("terms", "forms", "parents"):
            self.db.execute(f"DELETE FROM {table} WHERE source = ?", (name,))
        self.db.execute("DELETE FROM sources WHERE name = ?", (name,))

    def _load(self, s: Source, sha: str) -> int:
        self._drop(s.name)
        count = 0
        for t in read_terms(s.path, s.prefix):
            self._insert(t, s.name)
            count += 1
        self.db.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?)", (s.name, str(s.path), sha, count)
        )
        return count

    def _insert(self, t: TermRecord, source: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO terms VALUES (?, ?, ?, ?)", (t.curie, t.label, t.kind, source)
        )
        rows = [(normalize(t.label), t.label, t.curie, "label", source)]
        rows += [(normalize(s.text), s.text, t.curie, s.scope, source) for s in t.synonyms]
        self.db.executemany("INSERT INTO forms VALUES (?, ?, ?, ?, ?)", rows)
        self.db.executemany(
            "INSERT INTO parents VALUES (?, ?, ?)", [(t.curie, p, source) for p in t.parents]
        )

    def sources(self) -> list[tuple[str, str, int]]:
        """(name, path, number of terms) of every indexed source."""
        return self.db.execute("SELECT name, path, terms FROM sources ORDER BY name").fetchall()

    def lookup(self, text: str) -> list[Form]:
        """Every term one of whose forms is ``text`` (case and spacing ignored)."""
        rows = self.db.execute(
            "SELECT f.form, f.curie, f.scope, t.kind, f.source FROM forms f JOIN terms t"
            " ON t.curie = f.curie AND t.source = f.source WHERE f.norm = ?",
            (normalize(text),),
        )
        return [Form(*r) for r in rows]

    def iter_forms(self, kinds: tuple[str, ...]) -> Iterator[Form]:
        """Every form of every term of the given kinds (what a mention matcher is built from)."""
        marks = ",".join("?" * len(kinds))
        yield from (
            Form(*r)
            for r in self.db.execute(
                "SELECT f.form, f.curie, f.scope, t.kind, f.source FROM forms f JOIN terms t"
                f" ON t.curie = f.curie AND t.source = f.source WHERE t.kind IN ({marks})",
                kinds,
            )
        )

    def term(self, curie: str) -> TermInfo | None:
        """A term's label, kind, synonyms and parents, from its own ontology's file where one
        is indexed (else from the curated slim)."""
        row = self.db.execute(
            "SELECT t.curie, t.label, t.kind, t.source FROM terms t JOIN sources s"
            " ON s.name = t.source WHERE t.curie = ? ORDER BY t.source = 'curated', s.rowid"
            " LIMIT 1",
            (curie,),
        ).fetchone()
        if row is None:
            return None
        info = TermInfo(*row)
        info.synonyms = self.db.execute(
            "SELECT form, scope FROM forms WHERE curie = ? AND source = ? AND scope != 'label'",
            (curie, info.source),
        ).fetchall()
        info.parents = [
            p
            for (p,) in self.db.execute(
                "SELECT parent FROM parents WHERE curie = ? AND source = ?", (curie, info.source)
            )
        ]
        return info
