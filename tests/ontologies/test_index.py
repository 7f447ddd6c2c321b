"""The ontology index: OBO files read with pronto into SQLite, refreshed only on a new hash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medkg.ontologies.index import OntologyIndex, Source
from medkg.ontologies.readers import OntologyFileError
from medkg.ontologies.registry import open_index, register, registered, sources

from ..conftest import ROOT

MINI = ROOT / "tests" / "fixtures" / "ontologies" / "mini.obo"


@pytest.fixture
def index(tmp_path: Path) -> OntologyIndex:
    ix = OntologyIndex(tmp_path / "index.sqlite")
    ix.refresh([Source("mini", MINI)])
    return ix


def test_labels_synonyms_abbreviations_and_parents_are_indexed(index: OntologyIndex) -> None:
    (gbs,) = {f.curie for f in index.lookup("guillain-barré  SYNDROME")}
    assert gbs == "MONDO:9000001"
    assert [(f.curie, f.scope, f.kind) for f in index.lookup("AMAN")] == [
        ("MONDO:9000002", "abbreviation", "disease")
    ]
    term = index.term("MONDO:9000002")
    assert term is not None
    assert (term.label, term.parents) == ("acute motor axonal neuropathy", ["MONDO:9000001"])
    assert ("Landry paralysis", "related") in index.term("MONDO:9000001").synonyms  # type: ignore[union-attr]


def test_obsolete_terms_are_not_indexed(index: OntologyIndex) -> None:
    assert index.lookup("retired neuropathy term") == []
    assert index.term("MONDO:9000003") is None


def test_a_source_is_read_again_only_when_its_file_changes(
    index: OntologyIndex, tmp_path: Path
) -> None:
    assert index.refresh([Source("mini", MINI)]) == []
    copy = tmp_path / "mini.obo"
    shutil.copy(MINI, copy)
    assert index.refresh([Source("mini", copy)]) == []  # same bytes, same hash
    copy.write_text(
        MINI.read_text("utf-8") + '\n[Term]\nid: MONDO:9000004\nname: "new" neuropathy\n',
        "utf-8",
    )
    assert index.refresh([Source("mini", copy)]) == [f"mini: 4 terms from {copy}"]
    assert [f.curie for f in index.lookup('"new" neuropathy')] == ["MONDO:9000004"]


def test_a_source_no_longer_listed_is_dropped(index: OntologyIndex) -> None:
    assert index.refresh([]) == ["mini: removed"]
    assert index.lookup("AMAN") == []


def test_the_full_hpo_and_the_drugs_are_indexed_by_default() -> None:
    ix = open_index(ROOT)
    try:
        counts = {name: n for name, _, n in ix.sources()}
        assert counts["hp"] >= 19_000 and counts["drugs"] >= 10_000 and counts["curated"] >= 30
        weakness = ix.lookup("Muscle weakness")
        assert {(f.curie, f.source) for f in weakness if f.scope == "label"} == {
            ("HP:0001324", "hp"),
            ("HP:0001324", "curated"),
        }
        assert ix.term("HP:0001324").parents == ["HP:0011804"]  # type: ignore[union-attr]
        assert {f.curie for f in ix.lookup("metformin")} == {"drugbank:DB00331"}
        # HPO's frequency and modifier branches are indexed but are not phenotypes
        assert {f.kind for f in ix.lookup("Very rare")} == {"modifier"}
    finally:
        ix.close()


def test_registering_a_missing_file_says_which(tmp_path: Path) -> None:
    with pytest.raises(OntologyFileError, match="no such ontology file") as e:
        register(tmp_path, tmp_path / "mondo.obo")
    assert "mondo.obo" in str(e.value.where)


def test_registered_files_join_the_default_sources(tmp_path: Path) -> None:
    assert register(tmp_path, MINI) == "mini"
    assert registered(tmp_path) == {"mini": str(MINI.resolve())}
    assert "mini" in [s.name for s in sources(tmp_path)]
    with pytest.raises(OntologyFileError, match="reserved"):
        register(tmp_path, MINI, name="hp")


def test_an_unreadable_obo_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.obo"
    bad.write_text("[Term]\nid: X:1\nname: a\nis_a: \n[Term\n", "utf-8")
    ix = OntologyIndex(tmp_path / "ix.sqlite")
    with pytest.raises(OntologyFileError) as e:
        ix.refresh([Source("bad", bad)])
    assert "bad.obo" in str(e.value.where)
