"""The founding question — is ALS a demyelinating disease, or does it primarily affect axons? —
answered from the graph with the evidence chain."""

from __future__ import annotations

from click.testing import CliRunner

from medkg.cli import cli
from medkg.queries import find_query
from medkg.store import Store

from .conftest import ROOT

ALS_NOT_DD = ("amyotrophic lateral sclerosis", "is a", "demyelinating disease")


def founding_rows(store: Store) -> list[dict[str, str]]:
    query = find_query(ROOT, "als-demyelinating-or-axonal")
    return [{k: str(v) for k, v in row.items()} for row in query.run(store).to_dicts()]


def test_founding_query_returns_the_negated_claim_citing_references_1_and_2(
    built_store: Store,
) -> None:
    rows = founding_rows(built_store)
    negated = [r for r in rows if (r["subject"], r["predicate"], r["object"]) == ALS_NOT_DD]
    assert negated and all(r["negated"] == "true" for r in negated)
    cited = [r for r in negated if sorted(r.get("citations", "").split(", ")) == ["1", "2"]]
    assert len(cited) == 1
    assert cited[0]["quote"] == (
        "ALS is fundamentally a disease of axonal degeneration affecting motor neurons, "
        "not a demyelinating disease."
    )
    assert set(cited[0]["references"].split(" | ")) == {
        "Guideline Directed Topic Overview",
        "Amyotrophic Lateral Sclerosis (ALS) Diagnosis and Management",
    }


def test_founding_query_shows_axonal_degeneration_primary_and_demyelination_secondary(
    built_store: Store,
) -> None:
    rows = founding_rows(built_store)
    primary = {
        (r["object"], r["negated"])
        for r in rows
        if r["role"] == "primary" and r["subject"] == ALS_NOT_DD[0]
    }
    assert ("Axonal degeneration", "false") in primary
    assert ("CNS demyelination", "true") in primary  # demyelination is NOT the primary process
    secondary = [
        r
        for r in rows
        if r["role"] == "secondary"
        and r["subject"] == "CNS demyelination"
        and r["object"] == "Axonal degeneration"
        and r["context"] == ALS_NOT_DD[0]
    ]
    assert len(secondary) == 1 and secondary[0]["references"] == "Guideline Directed Topic Overview"


def test_founding_query_for_ms_is_about_ms(built_store: Store) -> None:
    query = find_query(ROOT, "als-demyelinating-or-axonal")
    rows = query.run(built_store, {"disease": "MONDO:0005301"}).to_dicts()
    assert rows and all(str(r["disease"]).endswith("MONDO_0005301") for r in rows)
    assert any(
        str(r["object"]) == "demyelinating disease" and str(r["negated"]) == "false" for r in rows
    )


def test_cli_prints_the_founding_answer_as_a_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(
        cli,
        [
            "--root",
            str(ROOT),
            "--store",
            f"oxigraph:{tmp_path / 'store'}",
            "query",
            "queries/als-demyelinating-or-axonal.rq",
        ],
    )
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0]
    for column in ("claim", "negated", "role", "quote", "references"):
        assert column in header
    assert "ALS is fundamentally a disease of axonal degeneration" in result.output
    assert "Guideline Directed Topic Overview" in result.output
