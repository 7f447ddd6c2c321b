"""``medkg ingest``: draft claim files that build, merges that keep every curated edit."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from ruamel.yaml import YAML

from medkg.articles.extract import Extraction
from medkg.articles.lexicon import Lexicon
from medkg.build import build_dataset
from medkg.cli import cli
from medkg.config import load_settings
from medkg.curation.load import read_yaml, schema
from medkg.ingest import IngestError, ingest_file, load_lexicon
from medkg.ingest.claimfile import merge

from .articles.test_parse_fuzz import article_like
from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "articles"
SEED = "als-demyelinating-or-axonal"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(ROOT)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    return tmp_path


def load(path: Path) -> dict:  # type: ignore[type-arg]
    return YAML(typ="safe").load(path.read_text("utf-8"))


def test_new_claim_file_is_valid_and_builds(root: Path, lexicon: Lexicon) -> None:
    report = ingest_file(FIXTURES / "no-date-hedges.txt", root, lexicon)
    assert report.merge.created and report.problems == []
    assert (root / "data" / "articles" / "no-date-hedges.txt").read_text() == (
        FIXTURES / "no-date-hedges.txt"
    ).read_text()
    doc = load(report.claims_path)
    jsonschema.validate(doc, schema())
    assert doc["article"]["title"] == "Could peripheral demyelination occur in ALS?"
    assert {(c["status"], c["evidence_code"]) for c in doc["claims"]} == {("draft", "ECO:0007321")}
    assert len(doc["claims"]) == len(report.extraction.drafts)
    built = build_dataset(load_settings(env={}, root=str(root), store="memory:"))
    assert len(built.articles) == 1


def test_statements_without_claims_are_kept_as_unmapped(root: Path, lexicon: Lexicon) -> None:
    report = ingest_file(FIXTURES / "key-considerations.txt", root, lexicon)
    doc = load(report.claims_path)
    assert doc["unmapped"] == [
        {
            "quote": "It accounts for much of the lasting disability",
            "citations": [2],
            "reason": "no term of the ontology named",
        },
        {
            "quote": "Whether remyelination prevents it remains unclear",
            "citations": [3],
            "reason": "no term of the ontology named",
        },
    ]


def test_reingest_keeps_every_curated_edit(root: Path, lexicon: Lexicon) -> None:
    article = FIXTURES / "unknown-banner.txt"
    path = ingest_file(article, root, lexicon).claims_path
    text = path.read_text("utf-8")
    halts = "  predicate: medkg:haltsProgressionOf\n"
    text = text.replace("  status: draft\n", "  status: approved\n", 1)
    text = text.replace(halts, "  # checked against reference 1\n" + halts)
    text = text.replace("object: MONDO:0005301", "object: MONDO:0002562")
    text = text.replace("title: Do immunomodulatory", "title: Curated title. Do immunomodulatory")
    path.write_text(text, "utf-8")

    report = ingest_file(article, root, lexicon)

    assert path.read_text("utf-8") == text
    assert report.merge.added == [] and report.merge.kept == 2
    assert report.merge.conflicts == [
        "article.title: kept the file's value; the text says "
        "'Do immunomodulatory therapies help in ALS?'"
    ]


def test_reingest_adds_only_what_is_new_and_reports_it(root: Path, lexicon: Lexicon) -> None:
    article = FIXTURES / "guidelines-and-research.txt"
    path = ingest_file(article, root, lexicon).claims_path
    doc = load(path)
    first = len(doc["claims"])
    kept_text = path.read_text("utf-8")
    # a curator changes the first draft's subject: its id still marks it as handled
    kept_text = kept_text.replace("subject: MONDO:0004976", "subject: MONDO:0005301", 1)
    path.write_text(kept_text, "utf-8")
    report = ingest_file(article, root, lexicon)
    assert report.merge.added == []
    assert report.merge.kept == first
    assert report.merge.stale == []


def test_merging_a_shrunken_extraction_reports_stale_drafts(root: Path, lexicon: Lexicon) -> None:
    report = ingest_file(FIXTURES / "unknown-banner.txt", root, lexicon)

    doc = read_yaml(report.claims_path)
    again = merge(doc, report.parsed, Extraction())
    assert again.added == [] and sorted(again.stale) == sorted(c["id"] for c in doc["claims"])


def test_ingesting_the_seed_keeps_the_curated_file_intact(root: Path, lexicon: Lexicon) -> None:
    for sub in ("articles", "claims"):
        (root / "data" / sub).mkdir(parents=True)
    shutil.copy(ROOT / "data" / "articles" / f"{SEED}.txt", root / "data" / "articles")
    curated = (ROOT / "data" / "claims" / f"{SEED}.yaml").read_text("utf-8")
    (root / "data" / "claims" / f"{SEED}.yaml").write_text(curated, "utf-8")

    report = ingest_file(root / "data" / "articles" / f"{SEED}.txt", root, lexicon)

    after = report.claims_path.read_text("utf-8")
    assert after.startswith(curated.rstrip("\n"))
    assert report.problems == []
    assert report.merge.kept == curated.count("\n- id: ")
    assert report.merge.references_added == [] and report.merge.conflicts == []
    added = load(report.claims_path)["claims"][report.merge.kept :]
    assert [c["id"] for c in added] == report.merge.added
    assert all(c["status"] == "draft" for c in added)


def test_a_changed_text_is_not_stored_over_the_old_one(root: Path, lexicon: Lexicon) -> None:
    article = root / "in" / "cut-off.txt"
    article.parent.mkdir()
    article.write_text((FIXTURES / "cut-off.txt").read_text("utf-8"), "utf-8")
    ingest_file(article, root, lexicon)
    article.write_text(article.read_text("utf-8") + " the rest of the page", "utf-8")
    with pytest.raises(IngestError, match="holds a different text"):
        ingest_file(article, root, lexicon)
    report = ingest_file(article, root, lexicon, replace_text=True)
    assert (root / "data" / "articles" / "cut-off.txt").read_text("utf-8").endswith("page")
    assert report.written


def test_dry_run_writes_nothing(root: Path, lexicon: Lexicon) -> None:
    report = ingest_file(FIXTURES / "cut-off.txt", root, lexicon, write=False)
    assert not report.written and not (root / "data").exists()
    assert "dry run" in report.summary()


def test_cli_ingest_json_prints_the_parsed_structure(root: Path) -> None:
    names = [str(FIXTURES / "numbered-list.txt"), str(FIXTURES / "dangling-and-uncited.txt")]
    result = CliRunner().invoke(cli, ["--root", str(root), "ingest", *names, "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert [b["title"] for b in body] == [
        "Which clinical signs suggest ALS?",
        "Is multiple sclerosis a demyelinating disease?",
    ]
    assert [q["code"] for q in body[1]["qc"]] == [
        "UnresolvedCitation", "UnresolvedCitation", "UncitedReference",
    ]  # fmt: skip
    assert body[0]["changes"]["created"] is True
    first = body[0]["drafts"][0]
    text = (FIXTURES / "numbered-list.txt").read_text("utf-8")
    assert text[first["start"] : first["end"]] == first["quote"]
    assert (root / "data" / "claims" / "numbered-list.yaml").exists()


def test_cli_ingest_text_reports_qc_and_changes(root: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--root", str(root), "ingest", str(FIXTURES / "partial-references.txt")]
    )
    assert result.exit_code == 0, result.output
    assert "created" in result.stdout
    assert "qc IncompleteReference: reference 2 has no source line" in result.stdout
    assert "not recognised at" in result.stdout


def test_readme_ingest_examples_run_as_written() -> None:
    import re
    import shlex

    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Ingesting an article", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    commands = [shlex.split(line) for line in block.splitlines() if line.startswith(".venv")]
    assert len(commands) == 2
    for argv in commands:
        assert argv[0] == ".venv/bin/medkg" and "--dry-run" in argv
        args = [str(ROOT / a) if a.startswith("tests/") else a for a in argv[1:]]
        result = CliRunner().invoke(cli, ["--root", str(ROOT), *args])
        assert result.exit_code == 0, result.output
        assert "dry run" in result.stdout or json.loads(result.stdout)[0]["written"] is False


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_every_fixture_ingests_to_a_file_that_loads_cleanly(
    root: Path, lexicon: Lexicon, name: str
) -> None:
    report = ingest_file(FIXTURES / name, root, lexicon)
    assert report.problems == []
    jsonschema.validate(load(report.claims_path), schema())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=article_like)
def test_any_text_ingests_to_a_file_that_loads_cleanly(lexicon: Lexicon, text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        article = Path(tmp) / "fuzzed.txt"
        article.write_text(text, "utf-8")
        if not text.strip() or "\x00" in text:  # no article text: refused, never a traceback
            with pytest.raises(IngestError):
                ingest_file(article, Path(tmp), lexicon)
            return
        report = ingest_file(article, Path(tmp), lexicon)
        assert report.problems == [], [str(p) for p in report.problems]
        jsonschema.validate(load(report.claims_path), schema())


def test_readme_ontology_lookup_example_runs_as_written() -> None:
    import shlex

    import medkg.cli_ontology  # noqa: F401 - registers `medkg ontology`

    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("### Grounding: the ontology index", 1)[1]
    lines = [x for x in section.splitlines() if x.startswith(".venv/bin/medkg ontology lookup")]
    assert len(lines) == 3
    for line in lines:
        command, comment = line.split("#", 1)
        result = CliRunner().invoke(cli, ["--root", str(ROOT), *shlex.split(command)[1:]])
        # the term the comment names first is what the lookup finds
        assert result.exit_code == 0 and comment.split()[0].strip(",") in result.output


def test_the_index_terms_of_new_drafts_are_declared_so_the_file_builds(
    root: Path, lexicon: Lexicon
) -> None:
    from rdflib.namespace import RDFS

    from medkg.build import ontology_paths
    from medkg.rdf.ontology import read_ontology
    from medkg.vocab import curie_to_iri

    report = ingest_file(FIXTURES / "ground-t2d-first-line.txt", root, lexicon)
    used = {c[k] for c in load(report.claims_path)["claims"] for k in ("subject", "object")}
    assert {"drugbank:DB00331", "HP:0005978"} <= used
    assert set(report.terms_added) >= {"drugbank:DB00331", "HP:0005978", "HP:0000819"}
    labels = read_ontology(ontology_paths(root))
    assert all(labels.value(curie_to_iri(c), RDFS.label) is not None for c in used)
    built = build_dataset(load_settings(env={}, root=str(root), store="memory:"))
    assert len(built.articles) == 1
    # ingesting again declares nothing new
    assert ingest_file(FIXTURES / "ground-t2d-first-line.txt", root, lexicon).terms_added == []


def test_a_drug_class_a_draft_uses_is_declared_with_its_atc_label_and_the_file_builds(
    root: Path, lexicon: Lexicon
) -> None:
    from rdflib.namespace import RDFS

    from medkg.build import ontology_paths
    from medkg.rdf.ontology import read_ontology
    from medkg.vocab import curie_to_iri

    report = ingest_file(FIXTURES / "ground-gout-flare.txt", root, lexicon)
    claims = load(report.claims_path)["claims"]
    assert {"ATC:M01A", "ATC:H02AB"} <= {c["subject"] for c in claims}
    assert {"ATC:M01A", "ATC:H02AB"} <= set(report.terms_added)
    labels = read_ontology(ontology_paths(root))
    label = labels.value(curie_to_iri("ATC:H02AB"), RDFS.label)
    assert str(label) == "glucocorticoids"
    built = build_dataset(load_settings(env={}, root=str(root), store="memory:"))
    assert len(built.articles) == 1
