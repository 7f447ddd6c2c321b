"""Hostile ``phenotype.hpoa`` rows: each is reported with its line and skipped, or imported
and read back from the store exactly as the file says it; never a load that fails.

The rows are encoded as the import encodes them (``SourceEncoder``) and loaded with Oxigraph's
strict N-Quads parser (the parser ``oxigraph load`` uses), in memory.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from medkg.model import Source
from medkg.rdf.sources import SourceEncoder, source_node_lines
from medkg.sources.hpoa import COLUMNS, ReadReport, iter_annotations
from medkg.vocab import Minter

HEADER = "\t".join(COLUMNS)
ROW = {
    "database_id": "ORPHA:803",
    "disease_name": "Amyotrophic lateral sclerosis",
    "qualifier": "",
    "hpo_id": "HP:0001347",
    "reference": "ORPHA:803",
    "evidence": "TAS",
    "onset": "",
    "frequency": "HP:0040282",
    "sex": "",
    "modifier": "",
    "aspect": "P",
    "biocuration": "ORPHA:orphadata[2025-01-16]",
}
TERMS = frozenset({"HP:0001347", "HP:0002380", "HP:0040282", "HP:0003593", "HP:0012825"})
MEDKG = "https://w3id.org/medkg/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def row(**cells: str) -> str:
    return "\t".join({**ROW, **cells}[c] for c in COLUMNS)


def write(tmp_path: Path, *lines: str | bytes, end: bytes = b"\n", head: bool = True) -> Path:
    """A phenotype.hpoa with the usual header (``head``) and ``lines``, as bytes."""
    out = [b"#version: 2025-01-16", HEADER.encode()] if head else []
    out += [x if isinstance(x, bytes) else x.encode("utf-8") for x in lines]
    path = tmp_path / "phenotype.hpoa"
    path.write_bytes(b"".join(x + end for x in out))
    return path


def load(path: Path, terms: frozenset[str] | None = TERMS) -> tuple[ox.Store, ReadReport]:
    """Read and encode ``path`` as the import does, into an in-memory store (strict parser)."""
    mint = Minter()
    source = Source("hpo-annotations", "HPO annotations", "2025-01-16", "http://l", "a", "0")
    encoder, report = SourceEncoder(source, mint), ReadReport()
    lines = source_node_lines(source, mint)
    for a in iter_annotations(path, "hpo-annotations", report, terms):
        lines += encoder.row_lines(a.claim, a.evidence, a.disease_name)
    store = ox.Store()
    store.bulk_load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store, report


def values(store: ox.Store, predicate: str) -> list[str]:
    rows = store.query(f"SELECT ?o WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} }} ORDER BY ?o")
    return [r[0].value for r in rows]


def lines_of(store: ox.Store) -> list[int]:
    return sorted(int(v) for v in values(store, MEDKG + "sourceLine"))


def bad(report: ReadReport) -> list[tuple[int | None, int | None]]:
    return [(b.where.line, b.where.col) if b.where else (None, None) for b in report.bad_rows]


BAD_CELLS = [
    ("reference", "DOI:10.1000/a b"),
    ("reference", "DOI:10.1000/a>b"),
    ("reference", 'DOI:10.1000/a"b'),
    ("reference", "DOI:10.1000/{a}"),
    ("reference", "DOI:10.1000/a\\b"),
    ("reference", "DOI:10.1000/a^b`c|d"),
    ("reference", "ISBN:978 0721606156"),
    ("reference", "PubMed ID:31675180"),
    ("reference", "ISBN 13:9780721606156"),
    ("reference", "PMID:\uff13\uff11\uff16"),  # fullwidth digits
    ("reference", "http://example.org/a b"),
    ("reference", "http://example.org/<a>"),
    ("database_id", "ORPHA:\u0668\u0660\u0663"),  # Arabic-Indic digits
    ("database_id", "OMIM:\uff16\uff11\uff19\uff13\uff14\uff10"),
    ("database_id", "ORPHA:803 "),
    ("database_id", "orpha:803>"),
]


@pytest.mark.parametrize(("column", "cell"), BAD_CELLS, ids=[repr(c) for _, c in BAD_CELLS])
def test_bad_cell_is_reported_at_its_line_and_column_and_skipped(
    tmp_path: Path, column: str, cell: str
) -> None:
    path = write(tmp_path, row(), row(**{column: cell}), row(hpo_id="HP:0002380"))
    store, report = load(path)
    assert bad(report) == [(4, COLUMNS.index(column) + 1)], report.bad_rows
    assert str(report.bad_rows[0]).startswith(f"{path}:4:")
    assert lines_of(store) == [3, 5]


def test_url_reference_round_trips(tmp_path: Path) -> None:
    url = "https://example.org/books/é?q=1#x"
    store, report = load(write(tmp_path, row(reference=url)))
    assert not report.bad_rows
    assert values(store, "http://www.w3.org/2000/01/rdf-schema#seeAlso") == [url]
    assert values(store, "http://purl.org/dc/terms/identifier") == [url]
