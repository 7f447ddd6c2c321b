"""The networkx projection of the claim graph: explanations, neighbourhoods, centrality,
contradictions, and its cache per dataset version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from medkg import graph
from medkg.build import build_into
from medkg.cli import cli
from medkg.config import Settings, load_settings
from medkg.errors import BadRequest, NotFound
from medkg.graph import ClaimGraph, Restriction
from medkg.store import Store, open_store
from medkg.vocab import to_iri

from .conftest import ROOT

ALS, MS = "MONDO:0004976", "MONDO:0005301"
CNS_DEMYELINATION, AXONAL_DEGENERATION = "HP:0007305", "HP:0040078"
DEMYELINATING_DISEASE = "MONDO:0002562"
REF_1 = "Guideline Directed Topic Overview"

INJECTED = """
- id: injected-als-is-a-demyelinating-disease
  subject: MONDO:0004976
  predicate: rdfs:subClassOf
  object: MONDO:0002562
  negated: false
  quote: ALS is NOT a Demyelinating Disease
  citations: []
"""


@pytest.fixture(scope="module")
def cg(built_store: Store) -> ClaimGraph:
    return ClaimGraph.from_store(built_store, "seed")


def contradicted_root(tmp_path: Path) -> Path:
    """A copy of the project whose claims add the opposite polarity of the headline claim."""
    for sub in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / sub, tmp_path / sub)
    claims = tmp_path / "data/claims/als-demyelinating-or-axonal.yaml"
    claims.write_text(claims.read_text(encoding="utf-8") + INJECTED, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def contradicted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Store]:
    root = contradicted_root(tmp_path_factory.mktemp("contradicted"))
    settings = load_settings(env={}, root=str(root), store="memory:")
    store = open_store("memory:", root)
    build_into(store, settings)
    return settings, store


def als_to_demyelination(cg: ClaimGraph, **kw: object) -> list[dict]:  # type: ignore[type-arg]
    r = graph.path_restriction(cg, ALS)  # affirmed, asserted, in ALS or no disease context
    return graph.paths(cg, ALS, CNS_DEMYELINATION, restriction=r, **kw)  # type: ignore[arg-type]


def test_projection_keeps_claim_iris_predicates_polarity_and_qualifiers(cg: ClaimGraph) -> None:
    edges = cg.graph.get_edge_data(
        str(to_iri(CNS_DEMYELINATION)),
        str(to_iri(AXONAL_DEGENERATION)),
    )
    secondary = [e for e in edges.values() if e["qualifiers"].get("role")]
    assert len(secondary) == 1
    e = secondary[0]
    assert e["claim"].startswith("https://w3id.org/medkg/claim/")
    assert e["predicate"] == "http://purl.obolibrary.org/obo/RO_0002404"
    assert e["negated"] is False
    assert e["qualifiers"]["disease_context"] == "http://purl.obolibrary.org/obo/MONDO_0004976"
    assert e["qualifiers"]["role"] == "https://w3id.org/medkg/Secondary"
    assert cg.graph.number_of_edges() == 52  # one edge per claim of the seed


def test_path_from_als_to_demyelination_explains_itself_through_axonal_degeneration(
    cg: ClaimGraph,
) -> None:
    paths = als_to_demyelination(cg)
    via = [
        p
        for p in paths
        if [n["id"] for n in p["nodes"]] == [ALS, AXONAL_DEGENERATION, CNS_DEMYELINATION]
    ]
    assert len(via) == 1
    first_hop, second_hop = via[0]["hops"]
    basis = [e for e in first_hop["edges"] if e["qualifiers"].get("role") == "medkg:Primary"]
    assert [(e["predicate"], e["direction"]) for e in basis] == [("RO:0004019", "forward")]
    assert "ALS remains classified as a disease of progressive axonal degeneration" in {
        ev["quote"] for ev in basis[0]["evidence"]
    }
    (link,) = second_hop["edges"]
    assert link["direction"] == "backward"  # walked from its object to its subject
    assert (link["subject"], link["predicate"], link["object"]) == (
        CNS_DEMYELINATION,
        "RO:0002404",
        AXONAL_DEGENERATION,
    )
    assert link["qualifiers"] == {"role": "medkg:Secondary", "disease_context": ALS}
    (evidence,) = link["evidence"]
    assert (
        evidence["quote"]
        == "any demyelination seen is secondary to the primary axonal degeneration"
    )
    assert [(r["number"], r["title"]) for r in evidence["references"]] == [(1, REF_1)]
    assert "medkg:SelfCitation" in evidence["flags"]
    assert link["reading"] == (
        "CNS demyelination causally downstream of Axonal degeneration "
        "[secondary; in amyotrophic lateral sclerosis]"
    )


def test_paths_come_fewest_hops_first(cg: ClaimGraph) -> None:
    lengths = [p["length"] for p in als_to_demyelination(cg, k=5)]
    assert lengths == sorted(lengths) and lengths[0] == 1 and len(lengths) == 5


def test_negated_claims_are_never_links(cg: ClaimGraph) -> None:
    # ALS is NOT a demyelinating disease: the only direct claim is negated
    paths = graph.paths(cg, ALS, DEMYELINATING_DISEASE, k=10)
    assert paths and all(p["length"] > 1 for p in paths)
    assert not any(e["negated"] for p in paths for h in p["hops"] for e in h["edges"])
    assert [n["id"] for n in paths[0]["nodes"]] == [ALS, MS, DEMYELINATING_DISEASE]


def test_context_keeps_other_diseases_claims_out_of_the_explanation(cg: ClaimGraph) -> None:
    for p in als_to_demyelination(cg, k=10):
        for hop in p["hops"]:
            assert all(e["qualifiers"].get("disease_context") in (None, ALS) for e in hop["edges"])
    anywhere = graph.paths(cg, ALS, CNS_DEMYELINATION, k=10)
    contexts = {
        e["qualifiers"].get("disease_context")
        for p in anywhere
        for h in p["hops"]
        for e in h["edges"]
    }
    assert MS in contexts


def test_restriction_by_predicate_and_source(cg: ClaimGraph) -> None:
    only_basis = Restriction.parse(predicates=["RO:0004019"])
    assert {e["predicate"] for *_, e in cg.view(only_basis).edges(data=True)} == {
        "http://purl.obolibrary.org/obo/RO_0004019"
    }
    assert cg.view(Restriction.parse(sources=["medkg:article/nothing"])).number_of_edges() == 0
    seed = Restriction.parse(sources=["medkg:article/als-demyelinating-or-axonal"])
    assert cg.view(seed).number_of_edges() == 52
    affirmed = cg.view(Restriction(affirmed_only=True))
    assert affirmed.number_of_edges() == 48 and not any(
        e["negated"] for *_, e in affirmed.edges(data=True)
    )


def test_neighbours_for_drawing(cg: ClaimGraph) -> None:
    body = graph.neighbours(cg, MS, depth=1)
    assert {n["id"]: n["depth"] for n in body["nodes"]} == {
        MS: 0,
        "GO:0043209": 1,
        CNS_DEMYELINATION: 1,
        DEMYELINATING_DISEASE: 1,
        ALS: 1,
    }
    ids = {n["id"] for n in body["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in body["edges"])
    assert any(e["negated"] for e in body["edges"])  # drawn too, marked negated
    deeper = graph.neighbours(cg, MS, depth=2)
    assert len(deeper["nodes"]) > len(body["nodes"])


def test_central_entities(cg: ClaimGraph) -> None:
    body = graph.central(cg, limit=3)
    assert [n["id"] for n in body["most_connected"]] == [
        ALS,
        AXONAL_DEGENERATION,
        CNS_DEMYELINATION,
    ]
    assert body["most_cited"][0]["id"] == ALS and body["most_cited"][0]["references"] == 5
    assert all(0 < n["centrality"] <= 1 for n in body["most_connected"])


def test_seed_als_vs_ms_primary_secondary_pair_is_not_a_contradiction(cg: ClaimGraph) -> None:
    assert graph.contradictions(cg) == []


def test_injected_opposite_polarity_claim_is_found(contradicted: tuple[Settings, Store]) -> None:
    _, store = contradicted
    (group,) = graph.contradictions(ClaimGraph.from_store(store))
    claims = group["claims"]
    assert [(c["negated"], c["subject"], c["predicate"], c["object"]) for c in claims] == [
        (False, ALS, "rdfs:subClassOf", DEMYELINATING_DISEASE),
        (True, ALS, "rdfs:subClassOf", DEMYELINATING_DISEASE),
    ]
    assert all("medkg:Contradicted" in c["flags"] for c in claims)
    assert len(claims[1]["evidence"]) == 3  # the negated claim keeps its three sentences


def test_bad_arguments_are_named(cg: ClaimGraph) -> None:
    with pytest.raises(BadRequest, match="k must be"):
        graph.paths(cg, ALS, MS, k=0)
    with pytest.raises(BadRequest, match="depth must be"):
        graph.neighbours(cg, ALS, depth=9)
    with pytest.raises(NotFound, match="HP:0000001"):
        graph.paths(cg, ALS, "HP:0000001")
    with pytest.raises(BadRequest, match="same entity"):
        graph.paths(cg, ALS, ALS)


def test_cli_graph_path_prints_the_quote_and_reference(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    args = ["--root", str(ROOT), "--store", store, "graph"]
    result = CliRunner().invoke(cli, [*args, "path", ALS, CNS_DEMYELINATION, "-k", "2"])
    assert result.exit_code == 0, result.output
    assert (
        "2. amyotrophic lateral sclerosis - Axonal degeneration - CNS demyelination"
        in result.output
    )
    assert (
        '"any demyelination seen is secondary to the primary axonal degeneration"  [1] ' + REF_1
        in result.output
    )
    result = CliRunner().invoke(cli, [*args, "neighbours", MS, "--format", "json"])
    assert result.exit_code == 0 and '"center": "MONDO:0005301"' in result.output
    result = CliRunner().invoke(cli, [*args, "contradictions"])
    assert result.exit_code == 0 and "0 contradiction group(s)" in result.output


def test_cli_graph_contradictions_exits_1_when_there_are_some(
    contradicted: tuple[Settings, Store], tmp_path: Path
) -> None:
    settings, _ = contradicted
    store = f"oxigraph:{tmp_path / 'store'}"
    result = CliRunner().invoke(
        cli, ["--root", settings.root, "--store", store, "graph", "contradictions"]
    )
    assert result.exit_code == 1
    assert "amyotrophic lateral sclerosis NOT is a demyelinating disease" in result.output
    assert "1 contradiction group(s)" in result.output


def test_contradictions_query_finds_the_injected_pair(contradicted: tuple[Settings, Store]) -> None:
    from medkg.queries import find_query, to_text

    _, store = contradicted
    result = find_query(ROOT, "contradictions").run(store)
    rows = [dict(zip(result.variables, map(to_text, r), strict=True)) for r in result.rows]
    assert sorted((r["negated"], r["predicate"], r["object"]) for r in rows) == [
        ("false", "rdfs:subClassOf", DEMYELINATING_DISEASE),
        ("true", "rdfs:subClassOf", DEMYELINATING_DISEASE),
    ]
    assert len({r["group"] for r in rows}) == 1
