"""Hostile ``phenotype.hpoa`` rows: each is reported with its line and skipped, or imported
and read back from the store exactly as the file says it; never a load that fails.

The rows are encoded as the import encodes them (``SourceEncoder``) and loaded with Oxigraph's
strict N-Quads parser (the parser ``oxigraph load`` uses), in memory.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from medkg.model import Source
from medkg.rdf.sources import SourceEncoder, source_node_lines
from medkg.sources.hpoa import COLUMNS, BadHeader, ReadReport, iter_annotations
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


NAMES = [
    'a "quoted" name',
    "back\\slash \\n \\u0041 not escapes",
    "carriage\rreturn",
    "line\u2028and\u2029paragraph separators",
    "nul\x00 bell\x07 escape\x1b del\x7f nel\x85 vt\x0b ff\x0c fs\x1c",
    "\ufeffbom inside, \ufffe and \uffff noncharacters",
    "astral \U0001f9ec and combining e\u0301",
    "  padded  ",
    "x" * 200_000,
]


@pytest.mark.parametrize("name", NAMES, ids=range(len(NAMES)))
def test_disease_name_round_trips_exactly(tmp_path: Path, name: str) -> None:
    store, report = load(write(tmp_path, row(disease_name=name)))
    assert not report.bad_rows and report.annotations == 1
    assert values(store, LABEL) == [name]


@pytest.mark.parametrize(
    "curator", ['HPO:"x"', "HPO:a\\b", "HPO:a\rb", "HPO:\u2028\x00", "\x1cHPO:x\u2029"]
)
def test_curator_round_trips_exactly(tmp_path: Path, curator: str) -> None:
    store, report = load(write(tmp_path, row(biocuration=f"{curator}[2021-06-21]")))
    assert not report.bad_rows
    assert values(store, MEDKG + "curatedBy") == [curator]


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
    ("hpo_id", "HP:\uff10\uff10\uff10\uff11\uff13\uff14\uff17"),
    ("frequency", "3/2"),
    ("frequency", "0/0"),
    ("frequency", "101%"),
    ("frequency", "-1%"),
    ("frequency", "1e2%"),
    ("frequency", "\uff11/\uff12"),
    ("frequency", "\u0662\u0665%"),
    ("frequency", f"{2**63}/{2**64}"),  # beyond the store's xsd:integer
    ("frequency", "50.0000000000000000001%"),  # beyond the store's xsd:decimal
    ("onset", "HP:0003593 "),
    ("sex", "MALE "),
    ("sex", "\u0131male"),
    ("modifier", "HP:0012825;HP:<x>"),
    ("biocuration", "HPO:x[2021-02-30]"),
    ("biocuration", "HPO:x[\uff12\uff10\uff12\uff11-01-01]"),
    ("biocuration", "HPO:x[2021-1-1]"),
    ("biocuration", "HPO:x"),
    ("qualifier", "not"),
    ("evidence", "TAS\r"),
    ("aspect", "P\x00"),
]


@pytest.mark.parametrize(("column", "cell"), BAD_CELLS, ids=[repr(c) for _, c in BAD_CELLS])
def test_bad_cell_is_reported_at_its_line_and_column_and_skipped(
    tmp_path: Path, column: str, cell: str
) -> None:
    path = write(tmp_path, row(), row(**{column: cell}), row(hpo_id="HP:0002380"))
    store, report = load(path, None if column == "hpo_id" else TERMS)
    assert bad(report) == [(4, COLUMNS.index(column) + 1)], report.bad_rows
    assert str(report.bad_rows[0]).startswith(f"{path}:4:")
    assert lines_of(store) == [3, 5]


def test_url_reference_round_trips(tmp_path: Path) -> None:
    url = "https://example.org/books/é?q=1#x"
    store, report = load(write(tmp_path, row(reference=url)))
    assert not report.bad_rows
    assert values(store, "http://www.w3.org/2000/01/rdf-schema#seeAlso") == [url]
    assert values(store, "http://purl.org/dc/terms/identifier") == [url]


@pytest.mark.parametrize(
    ("cell", "count", "total"), [("0/1", 0, 1), ("7/7", 7, 7), (f"1/{2**63 - 1}", 1, 2**63 - 1)]
)
def test_counts_round_trip(tmp_path: Path, cell: str, count: int, total: int) -> None:
    store, report = load(write(tmp_path, row(frequency=cell)))
    assert not report.bad_rows
    assert values(store, MEDKG + "frequencyCount") == [str(count)]
    assert values(store, MEDKG + "frequencyTotal") == [str(total)]


@pytest.mark.parametrize(
    "percent", ["0", "100", "25.5", "0.0000001", "12.000000000000000001", "99.999999999999999999"]
)
def test_percentages_are_valid_decimals_of_the_same_value(tmp_path: Path, percent: str) -> None:
    store, report = load(write(tmp_path, row(frequency=percent + "%")))
    assert not report.bad_rows
    (value,) = store.query(
        f"SELECT (?p * 1 AS ?v) WHERE {{ GRAPH ?g {{ ?c <{MEDKG}frequencyPercent> ?p }} }}"
    )
    assert value[0] is not None, "not a valid xsd:decimal"
    assert Decimal(value[0].value) == Decimal(percent)


def test_invalid_utf8_is_a_bad_row_and_later_lines_keep_their_numbers(tmp_path: Path) -> None:
    latin1 = row(disease_name="Sjögren").encode("latin-1")
    surrogate = row(disease_name="x").encode().replace(b"\tx\t", b"\t\xed\xa0\x80\t")
    path = write(tmp_path, row(), latin1, surrogate, row(hpo_id="HP:0002380"))
    store, report = load(path)
    assert bad(report) == [(4, 2), (5, 2)] and report.rows == 4
    assert "UTF-8" in report.bad_rows[0].message
    assert lines_of(store) == [3, 6]


def test_carriage_return_inside_a_row_does_not_split_it(tmp_path: Path) -> None:
    path = write(tmp_path, row(disease_name="a\rb"), row(hpo_id="HP:0\r002380"), row(sex="MALE"))
    store, report = load(path)
    assert bad(report) == [(4, 4)]
    assert lines_of(store) == [3, 5]
    assert values(store, LABEL) == ["a\rb"]


def test_crlf_file_reads_as_the_lf_file(tmp_path: Path) -> None:
    rows = (row(), row(hpo_id="HP:0002380", sex="FEMALE"))
    lf, _ = load(write(tmp_path, *rows))
    crlf, crlf_report = load(write(tmp_path, *rows, end=b"\r\n"))
    assert not crlf_report.bad_rows and crlf_report.annotations == 2
    assert crlf_report.release == "2025-01-16"
    assert set(map(str, crlf)) == set(map(str, lf))


def test_byte_order_mark_is_not_part_of_the_first_line(tmp_path: Path) -> None:
    path = write(tmp_path, row())
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    store, report = load(path)
    assert not report.bad_rows and report.release == "2025-01-16" and lines_of(store) == [3]
    path.write_bytes(b"\xef\xbb\xbf" + HEADER.encode() + b"\n" + row().encode() + b"\n")
    store, report = load(path)
    assert not report.bad_rows and lines_of(store) == [2]


@pytest.mark.parametrize(
    "header",
    [
        HEADER.replace("onset\tfrequency", "frequency\tonset"),
        HEADER + "\textra",
        HEADER.rpartition("\t")[0],
        HEADER.replace("\t", " "),
    ],
)
def test_a_header_that_differs_stops_the_read_at_its_line(tmp_path: Path, header: str) -> None:
    path = tmp_path / "phenotype.hpoa"
    path.write_text(f"#version: 1\n{header}\n{row()}\n", encoding="utf-8")
    with pytest.raises(BadHeader) as e:
        load(path)
    assert str(e.value).startswith(f"{path}:2: ")


@pytest.mark.parametrize(
    ("line", "col"),
    [
        ("\t" * 11, 1),  # twelve empty cells
        ("   ", None),  # whitespace, not a blank line
        (row() + "\t", None),  # a thirteenth column
        ("\t".join(ROW[c] for c in COLUMNS[:-1]), None),  # eleven
        ("# a comment among the rows", None),
        (HEADER, None),  # a second header
    ],
)
def test_odd_lines_among_the_rows_are_reported(tmp_path: Path, line: str, col: int | None) -> None:
    store, report = load(write(tmp_path, row(), line, row(hpo_id="HP:0002380"), ""))
    assert bad(report) == [(4, col)] and report.rows == 3
    assert lines_of(store) == [3, 5]


def test_header_only_and_empty_files_read_no_rows(tmp_path: Path) -> None:
    for path in (write(tmp_path), write(tmp_path, head=False)):
        store, report = load(path)
        assert (report.rows, report.bad_rows, lines_of(store)) == (0, [], [])


def test_older_header_spelling_reads_its_rows(tmp_path: Path) -> None:
    older = "#DatabaseID\tDiseaseName\tQualifier\tHPO_ID\tReference\tEvidence\tOnset\t"
    older += "Frequency\tSex\tModifier\tAspect\tBiocuration"
    store, report = load(write(tmp_path, older, row(), head=False))
    assert not report.bad_rows and lines_of(store) == [2]


def test_file_without_header_reads_its_rows(tmp_path: Path) -> None:
    store, report = load(write(tmp_path, row(), head=False))
    assert not report.bad_rows and lines_of(store) == [1]


ALPHABET = (
    [chr(c) for c in range(0x20) if c != 0x0A]  # a line feed ends the row: not in a cell
    + list('"\\<>{}^`| ;:[]%/-.#')
    + ["\u2028", "\u2029", "\x85", "\ufeff", "\u00e9", "\uff11", "\u0663", "\U0001f9ec", "\x7f"]
    + list("0123456789HPORMIAx")
)


def test_fuzz_each_field_is_rejected_at_its_line_or_read_back_exactly(tmp_path: Path) -> None:
    """Random text in one cell of a valid row (fixed seed): the row is reported bad at its
    line, or it loads and the cell's value is in the store as written."""
    rand = random.Random(20250116)
    lines, cells = [], {}
    for n in range(3, 3 + 400):
        column = rand.choice(COLUMNS)
        cell = "".join(rand.choice(ALPHABET) for _ in range(rand.randint(1, 12)))
        valid = {**ROW, "database_id": f"ORPHA:{n}"}[column] or "HP:0003593"
        if rand.random() < 0.3:  # a valid value with something around or inside it
            at = rand.randint(0, len(valid))
            cell = valid[:at] + cell + valid[at:]
        lines.append(row(**{"database_id": f"ORPHA:{n}", column: cell}))
        cells[n] = (column, cell)
    store, report = load(write(tmp_path, *lines))
    bad_lines = {line for line, _ in bad(report)}
    loaded = set(lines_of(store))
    assert bad_lines | loaded == set(cells), "a row was silently dropped"
    assert not bad_lines & loaded and len(loaded) > 20
    for n in sorted(loaded):
        column, cell = cells[n]
        if column == "disease_name":
            names = store.query(
                f"""SELECT ?name WHERE {{ GRAPH ?g {{ ?e <{MEDKG}sourceLine> {n} .
                    ?c <{MEDKG}evidence> ?e ;
                       <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> ?s .
                    ?s <{LABEL}> ?name }} }}"""
            )
            assert [r[0].value for r in names] == [cell], (n, cell)
        if column == "biocuration":
            curators = store.query(
                f"""SELECT ?by WHERE {{ GRAPH ?g {{ ?e <{MEDKG}sourceLine> {n} ;
                    <{MEDKG}curatedBy> ?by }} }}"""
            )
            written = {e.strip(" ").rpartition("[")[0] for e in cell.split(";") if e.strip(" ")}
            assert {r[0].value for r in curators} == written, (n, cell)
