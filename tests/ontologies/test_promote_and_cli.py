"""`medkg ontology add | lookup | list | promote`, and promoting approved claims' terms."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import URIRef
from rdflib.namespace import RDFS

import medkg.cli_ontology  # noqa: F401 - registers the `ontology` group
from medkg.cli import cli
from medkg.ingest.terms import promote_terms
from medkg.ontologies.registry import open_index
from medkg.rdf.ontology import read_turtle
from medkg.vocab import OBOINOWL, curie_to_iri

from ..conftest import ROOT

MINI = ROOT / "tests" / "fixtures" / "ontologies" / "mini.obo"
CLAIMS = """\
article: {{id: t, text: data/articles/t.txt, title: T?, references: []}}
claims:
- {{id: a, subject: drugbank:DB00331, predicate: RO:0002606, object: HP:0005978,
   negated: false, quote: q, citations: [], status: approved}}
- {{id: b, subject: drugbank:DB00331, predicate: RO:0002606, object: HP:0001635,
   negated: false, quote: q, citations: [], status: draft}}
- {{id: c, subject: {subject}, predicate: rdfs:subClassOf, object: MONDO:0004976,
   negated: false, quote: q, citations: []}}
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "ontology", tmp_path / "ontology")
    (tmp_path / "data" / "claims").mkdir(parents=True)
    return tmp_path


def write_claims(root: Path, subject: str = "MONDO:0005301") -> Path:
    path = root / "data" / "claims" / "t.yaml"
    path.write_text(CLAIMS.format(subject=subject), "utf-8")
    return path


def test_promote_adds_the_terms_of_approved_claims_only(root: Path) -> None:
    write_claims(root)
    index = open_index(root)
    try:
        report = promote_terms(root, index)
        again = promote_terms(root, index)
    finally:
        index.close()
    assert report.added == ["drugbank:DB00331", "HP:0005978", "HP:0000819"]
    assert again.added == [] and report.missing == []
    g = read_turtle(root / "ontology" / "terms.ttl")
    t2d = URIRef(curie_to_iri("HP:0005978"))
    assert str(g.value(t2d, RDFS.label)) == "Type II diabetes mellitus"
    assert "Type 2 diabetes" in {str(o) for o in g.objects(t2d, OBOINOWL.hasExactSynonym)}
    assert g.value(t2d, RDFS.subClassOf) == URIRef(curie_to_iri("HP:0000819"))
    assert str(g.value(URIRef(curie_to_iri("drugbank:DB00331")), RDFS.label)) == "Metformin"
    # the draft's object stays out of the served ontology
    assert g.value(URIRef(curie_to_iri("HP:0001635")), RDFS.label) is None


def test_promote_names_terms_the_index_lacks(root: Path) -> None:
    write_claims(root, subject="MONDO:9000002")
    index = open_index(root)
    try:
        report = promote_terms(root, index, write=False)
    finally:
        index.close()
    assert report.missing == ["MONDO:9000002"]
    assert "MONDO_9000002" not in (root / "ontology" / "terms.ttl").read_text("utf-8")


def test_cli_add_registers_a_file_whose_terms_then_ground_and_promote(root: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(cli, ["--root", str(root), "ontology", "add", str(MINI)])
    assert out.exit_code == 0, out.output
    assert out.output.startswith("mini: 3 terms indexed")
    out = runner.invoke(cli, ["--root", str(root), "ontology", "lookup", "AMAN"])
    assert "MONDO:9000002" in out.output and "abbreviation" in out.output
    assert "mini" in runner.invoke(cli, ["--root", str(root), "ontology", "list"]).output
    write_claims(root, subject="MONDO:9000002")
    out = runner.invoke(cli, ["--root", str(root), "ontology", "promote"])
    assert out.exit_code == 0, out.output
    assert "MONDO:9000002" in out.output and "MONDO:9000001" in out.output
    g = read_turtle(root / "ontology" / "terms.ttl")
    aman = URIRef(curie_to_iri("MONDO:9000002"))
    assert {str(o) for o in g.objects(aman, OBOINOWL.hasExactSynonym)} == {"AMAN"}


def test_cli_lookup_of_an_unknown_form_fails() -> None:
    out = CliRunner().invoke(cli, ["--root", str(ROOT), "ontology", "lookup", "zzqx"])
    assert out.exit_code != 0 and "no term is named 'zzqx'" in out.output
