"""SHACL shapes (ontology/shapes.ttl) over the built graphs, reported at the curated entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from medkg.build import BuiltDataset, build_dataset, shapes_path
from medkg.config import Settings
from medkg.rdf.ontology import read_turtle
from medkg.shacl import check_shapes
from medkg.validate import node_locations
from medkg.vocab import MEDKG, Minter, curie_to_iri

from ..conftest import ROOT


@pytest.fixture(scope="module")
def built(settings: Settings) -> BuiltDataset:
    return build_dataset(settings)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return read_turtle(shapes_path(ROOT))


def claim_node(built: BuiltDataset, handle: str) -> tuple[URIRef, int | None]:
    for c in built.claims:
        for ev in c.evidence:
            if ev.handle == handle:
                assert ev.where is not None
                return Minter().claim(c.key), ev.where.line
    raise LookupError(handle)


def test_seed_conforms_to_the_shapes(built: BuiltDataset, shapes: Graph) -> None:
    assert check_shapes(shapes, built.union(), node_locations(built, Minter())) == []


def test_negation_rule_flags_a_bare_triple_of_a_negated_claim(
    built: BuiltDataset, shapes: Graph
) -> None:
    data = built.union()
    als, dd = curie_to_iri("MONDO:0004976"), curie_to_iri("MONDO:0002562")
    data.add((als, RDFS.subClassOf, dd))
    problems = check_shapes(shapes, data, node_locations(built, Minter()))
    [problem] = problems
    node, line = claim_node(built, "headline-als-not-demyelinating-disease")
    assert problem.check == "shacl" and problem.severity == "error"
    assert "negation rule" in problem.message
    assert str(node).rsplit("/", 1)[1] in problem.message
    assert problem.where is not None
    assert Path(problem.where.path).name == "als-demyelinating-or-axonal.yaml"
    assert problem.where.line == line


def test_claim_without_polarity_violates_the_claim_shape(
    built: BuiltDataset, shapes: Graph
) -> None:
    data = built.union()
    node, line = claim_node(built, "imaging-snake-eyes-anterior-horns")
    data.remove((node, MEDKG.negated, None))
    [problem] = check_shapes(shapes, data, node_locations(built, Minter()))
    assert "polarity" in problem.message
    assert problem.where is not None and problem.where.line == line


def test_evidence_without_a_quote_selector_violates_the_target_shape(
    built: BuiltDataset, shapes: Graph
) -> None:
    data = built.union()
    quote_selectors = list(
        data.subjects(RDF.type, URIRef("http://www.w3.org/ns/oa#TextQuoteSelector"))
    )
    data.remove((quote_selectors[0], None, None))
    problems = check_shapes(shapes, data, node_locations(built, Minter()))
    assert problems
    assert all(p.where is not None for p in problems)


def test_draft_rule_flags_a_bare_triple_of_a_claim_without_approved_evidence(
    built: BuiltDataset, shapes: Graph
) -> None:
    data = built.union()
    node, line = claim_node(built, "imaging-snake-eyes-anterior-horns")
    evidence = list(data.objects(node, MEDKG.evidence))
    for ev in evidence:
        data.set((ev, MEDKG.curationStatus, MEDKG.Draft))
    data.set((node, MEDKG.curationStatus, MEDKG.Draft))
    problems = check_shapes(shapes, data, node_locations(built, Minter()))
    [problem] = problems
    assert "draft rule" in problem.message
    assert problem.where is not None and problem.where.line == line


def test_claim_status_must_agree_with_its_evidence(built: BuiltDataset, shapes: Graph) -> None:
    data = built.union()
    node, line = claim_node(built, "imaging-snake-eyes-anterior-horns")
    data.set((node, MEDKG.curationStatus, MEDKG.Draft))
    [problem] = check_shapes(shapes, data, node_locations(built, Minter()))
    assert "disagrees with its evidence" in problem.message
    assert problem.where is not None and problem.where.line == line
