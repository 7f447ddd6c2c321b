"""One test per curated claim entry, named by file and line (bioregistry style)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from medkg.config import Settings
from medkg.curation.quotes import find_all
from medkg.report import Report
from medkg.validate import validate_project

from .conftest import ROOT


def iter_entries() -> list[tuple[Path, int, int, dict[str, object]]]:
    """(file, first line, last line, entry) for every claim entry of data/claims/*.yaml."""
    out = []
    for path in sorted((ROOT / "data" / "claims").glob("*.yaml")):
        doc = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
        claims = doc["claims"]
        starts = [claims.lc.item(i)[0] + 1 for i in range(len(claims))]
        ends = [s - 1 for s in starts[1:]] + [path.read_text().count("\n") + 1]
        out += [(path, a, b, dict(c)) for a, b, c in zip(starts, ends, claims, strict=True)]
    return out


ENTRIES = iter_entries()


@pytest.fixture(scope="module")
def report(settings: Settings) -> Report:
    return validate_project(settings)[0]


@pytest.mark.parametrize(
    ("path", "first", "last", "entry"),
    ENTRIES,
    ids=[f"{p.relative_to(ROOT)}:{a}" for p, a, _, _ in ENTRIES],
)
def test_claim_entry_is_valid(
    report: Report, path: Path, first: int, last: int, entry: dict[str, object]
) -> None:
    text = (ROOT / "data" / "articles" / f"{path.stem}.txt").read_text(encoding="utf-8")
    assert find_all(text, str(entry["quote"])), "the quote is verbatim in the article"
    errors = [
        p
        for p in report.errors
        if p.where and Path(p.where.path).resolve() == path and first <= (p.where.line or 0) <= last
    ]
    assert errors == []


def test_every_entry_is_tested() -> None:
    assert len(ENTRIES) == 68
