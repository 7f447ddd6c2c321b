"""Grounding to the disease vocabulary of the HPO annotations, and unknown targets."""

from __future__ import annotations

import shutil
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import RDFS

from medkg.articles.extract import extract
from medkg.articles.lexicon import Lexicon
from medkg.articles.parse import parse_article
from medkg.build import build_dataset, ontology_paths
from medkg.config import load_settings
from medkg.ingest import ingest_file
from medkg.rdf.ontology import read_ontology

from ..conftest import ROOT


def test_myasthenia_gravis_is_grounded_to_orphanet(lexicon: Lexicon) -> None:
    text = "Pyridostigmine is the first-line treatment for myasthenia gravis."
    (m,) = [m for m in lexicon.find(text) if m.start > 20]
    assert (m.curie, m.kind) == ("ORPHA:589", "disease")


def test_an_unknown_target_is_not_replaced_by_a_farther_phenotype(lexicon: Lexicon) -> None:
    text = "Etanercept is recommended for AS patients with weakness. 1"
    drafts = extract(parse_article(f"Q?\n\nA\n\n{text}\n", "t"), lexicon).drafts
    assert [(d.subject, d.object) for d in drafts] == []
    # with a known target in the slot the same sentence is drafted
    known = text.replace("AS", "myasthenia gravis")
    drafts = extract(parse_article(f"Q?\n\nA\n\n{known}\n", "t"), lexicon).drafts
    assert ("drugbank:DB00005", "ORPHA:589") in {(d.subject, d.object) for d in drafts}


def test_a_draft_about_an_orphanet_disease_is_declared_and_builds(
    tmp_path: Path, lexicon: Lexicon
) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "ontology", root / "ontology")
    article = ROOT / "tests" / "fixtures" / "articles" / "ground-myasthenia-graves.txt"
    report = ingest_file(article, root, lexicon)
    assert report.problems == []
    assert {"ORPHA:589", "drugbank:DB00545"} <= set(report.terms_added)
    terms = read_ontology(ontology_paths(root))
    orpha = URIRef("http://www.orpha.net/ORDO/Orphanet_589")
    assert str(terms.value(orpha, RDFS.label)) == "Myasthenia gravis"
    built = build_dataset(load_settings(env={}, root=str(root), store="memory:"))
    assert len(built.articles) == 1
