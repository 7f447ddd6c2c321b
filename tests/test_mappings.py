"""``ontology/mappings.sssom.tsv``: read with sssom-pydantic into skos matches in the ontology
graph, exact matches closed symmetrically in the inferred graph; a bad row names its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from medkg.build import build_dataset
from medkg.config import Settings
from medkg.errors import BuildError
from medkg.rdf.mappings import MappingSyntaxError, read_mappings
from medkg.vocab import Minter

ROOT = Path(__file__).resolve().parents[1]
MAPPINGS = ROOT / "ontology" / "mappings.sssom.tsv"
ALS = URIRef("http://purl.obolibrary.org/obo/MONDO_0004976")
MS = URIRef("http://purl.obolibrary.org/obo/MONDO_0005301")
ORPHA_803 = URIRef("http://www.orpha.net/ORDO/Orphanet_803")
ORPHA_802 = URIRef("http://www.orpha.net/ORDO/Orphanet_802")


def test_als_is_an_exact_match_of_orphanet_803_and_ms_of_nothing() -> None:
    graph = read_mappings(MAPPINGS)
    assert (ALS, SKOS.exactMatch, ORPHA_803) in graph
    assert not list(graph.triples((MS, None, None)))
    assert not list(graph.triples((None, None, ORPHA_802)))


def test_the_file_has_a_mapping_set_id_and_licence() -> None:
    import sssom_pydantic

    pack = sssom_pydantic.read(MAPPINGS)
    assert str(pack.mapping_set.id) == "https://w3id.org/medkg/mappings.sssom.tsv"
    assert pack.mapping_set.license is not None


def test_build_puts_matches_in_ontology_and_their_inverse_in_inferred(settings: Settings) -> None:
    built = build_dataset(settings)
    mint = Minter(settings.base_iri)
    ontology = {q[:3] for q in built.graphs[mint.graph("ontology")]}
    inferred = {q[:3] for q in built.graphs[mint.graph("inferred")]}
    assert (ALS, SKOS.exactMatch, ORPHA_803) in ontology
    assert (ORPHA_803, SKOS.exactMatch, ALS) in inferred
    assert (ORPHA_803, SKOS.exactMatch, ALS) not in ontology


def test_unknown_predicate_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sssom.tsv"
    text = MAPPINGS.read_text(encoding="utf-8")
    bad.write_text(text.replace("skos:exactMatch\tOrphanet", "skos:relatedMatch\tOrphanet"))
    with pytest.raises(MappingSyntaxError) as e:
        read_mappings(bad)
    assert (
        e.value.where is not None
        and e.value.where.line
        == text.splitlines().index(
            next(line for line in text.splitlines() if line.startswith("MONDO:0004976"))
        )
        + 1
    )
    assert "skos:relatedMatch" in e.value.message


def test_broken_mapping_file_fails_the_build_with_its_path(
    tmp_path: Path, settings: Settings
) -> None:
    for folder in ("ontology", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "ontology" / "mappings.sssom.tsv").write_text("#curie_map: [\nnot sssom\n")
    with pytest.raises(BuildError) as e:
        build_dataset(settings.replace(root=str(tmp_path)))
    assert any("mappings.sssom.tsv" in str(p.where) for p in e.value.problems)


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("Orphanet:803", "Orphanet:80 3", "spaces"),  # sssom-pydantic left the row out
        ("Orphanet:803", "NOPE:803", "NOPE"),  # a prefix the curie_map lacks: left out
        ("Orphanet:803", "Orphanet:8<0>3", "not a valid IRI"),  # the load failed
        ("Orphanet: http://www.orpha.net/ORDO/", "Orphanet: http://www.orpha.net/OR DO/", "IRI"),
    ],
)
def test_a_mapping_that_cannot_be_read_or_loaded_names_its_line(
    tmp_path: Path, old: str, new: str, what: str
) -> None:
    bad = tmp_path / "bad.sssom.tsv"
    text = MAPPINGS.read_text(encoding="utf-8")
    assert old in text
    bad.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(MappingSyntaxError) as e:
        read_mappings(bad)
    line = next(n for n, x in enumerate(text.splitlines(), 1) if x.startswith("MONDO:0004976"))
    assert str(e.value).startswith(f"{bad}:{line}: ") and what in e.value.message, e.value
