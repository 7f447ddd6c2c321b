"""A decision is checked as ``medkg validate`` would check it before anything is written, and
the terms it chooses from the ontology index enter ``ontology/terms.ttl``.

The project of ``conftest``: the seed plus the ``draft-demyelinating`` drafts.
"""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from rdflib import Graph, Literal
from rdflib.namespace import RDFS

from medkg.config import Settings
from medkg.curation.review import dump, find_entry, parse
from medkg.ontologies.registry import open_index
from medkg.validate import validate_project
from medkg.vocab import curie_to_iri

from .conftest import AUTH, CLAIMS, CSV_HEADER, HEADLINE, PHENOTYPE, get, key_of, post

OBO = "http://purl.obolibrary.org/obo/"
SYNONYM = "http://www.geneontology.org/formats/oboInOwl#hasExactSynonym"


def test_a_decision_that_would_fail_validation_is_refused_with_the_report(
    client: FlaskClient, root: Path
) -> None:
    before = (root / CLAIMS).read_bytes()
    phenotype, shared = key_of(client, PHENOTYPE), key_of(client, HEADLINE)
    version = get(client, phenotype)["version"]
    unknown = post(
        client, phenotype, decision="edit", claim={"object": "HP:9999999"}, version=version
    )
    assert unknown.status_code == 422
    body = unknown.get_json()
    assert "would fail medkg validate" in body["error"] and "nothing was written" in body["error"]
    [problem] = body["problems"]
    assert problem["check"] == "curie" and "HP:9999999" in problem["message"]
    assert problem["where"]["path"] == str(root / CLAIMS) and problem["where"]["line"] > 0
    moved = post(
        client, phenotype, decision="edit", claim={"quote": "axons were fine"}, version=version
    )
    assert moved.status_code == 422
    assert moved.get_json()["problems"][0]["check"] == "quote"
    # ALS subClassOf demyelinating disease contradicts the curated axioms: HermiT says so
    axiom = post(client, shared, decision="accept", version=version)
    assert axiom.status_code == 422
    assert axiom.get_json()["problems"][0]["check"] == "owl"
    assert (root / CLAIMS).read_bytes() == before
    log = client.get("/api/curation/log.csv", headers=AUTH).get_data(as_text=True)
    assert log == CSV_HEADER


def test_a_decision_that_passes_the_schema_but_fails_shacl_is_refused_byte_for_byte(
    client: FlaskClient, root: Path, settings: Settings
) -> None:
    """ "ALS is not a motor neuron disease", approved: terms.ttl states ALS subClassOf motor
    neuron disease, so the negated claim's triple stands bare (the negation rule)."""
    before = (root / CLAIMS).read_bytes()
    terms_before = (root / "ontology" / "terms.ttl").read_bytes()
    denial = {"predicate": "rdfs:subClassOf", "object": "MONDO:0020128", "negated": True}
    key = key_of(client, PHENOTYPE)
    refused = post(client, key, decision="edit", claim=denial, version=get(client, key)["version"])
    assert refused.status_code == 422, refused.get_json()
    problems = refused.get_json()["problems"]
    assert {p["check"] for p in problems} == {"shacl"}
    assert any("negation rule" in p["message"] for p in problems)
    assert all(p["where"]["path"] == str(root / CLAIMS) for p in problems)
    assert (root / CLAIMS).read_bytes() == before
    assert (root / "ontology" / "terms.ttl").read_bytes() == terms_before

    # medkg validate says the same of the file written by hand
    doc = parse(before.decode("utf-8"))
    entry = find_entry(doc, PHENOTYPE.rpartition("/")[2], "test")
    entry.update({**denial, "status": "approved", "evidence_code": "ECO:0000304"})
    (root / CLAIMS).write_text(dump(doc), encoding="utf-8")
    report, _ = validate_project(settings)
    assert [p.check for p in report.errors] == ["shacl"] * len(problems)
    assert any("negation rule" in p.message for p in report.errors)


def test_an_accepted_draft_declares_its_new_index_term_in_terms_ttl(
    client: FlaskClient, root: Path, settings: Settings
) -> None:
    """A draft naming an HPO term that ontology/ lacks (optic atrophy): accepted, the term
    enters terms.ttl with the index's label, synonyms and parents, and validate is clean."""
    curie, iri = "HP:0000648", curie_to_iri("HP:0000648")
    terms_ttl = root / "ontology" / "terms.ttl"
    assert str(iri) not in terms_ttl.read_text("utf-8")
    doc = parse((root / CLAIMS).read_text("utf-8"))
    find_entry(doc, PHENOTYPE.rpartition("/")[2], "test")["object"] = curie
    (root / CLAIMS).write_text(dump(doc), encoding="utf-8")  # as an ingest would draft it
    key = key_of(client, PHENOTYPE)

    accepted = post(client, key, decision="accept", version=get(client, key)["version"])
    assert accepted.status_code == 200, accepted.get_json()
    index = open_index(root, refresh=False)
    try:
        info = index.term(curie)
    finally:
        index.close()
    assert info is not None and info.source == "hp"
    assert accepted.get_json()["terms_added"][0] == curie
    g = Graph().parse(terms_ttl, format="turtle")
    assert (
        g.value(iri, RDFS.label)
        == Literal(info.label, lang="en")
        == Literal("Optic atrophy", lang="en")
    )
    exact = {str(s) for s in g.objects(iri, curie_to_iri("oboInOwl:hasExactSynonym"))}
    assert exact and exact == {t for t, scope in info.synonyms if scope == "exact"} - {info.label}
    parents = {str(p) for p in g.objects(iri, RDFS.subClassOf)}
    assert parents == {str(curie_to_iri(p)) for p in info.parents}
    for parent in info.parents:  # declared too, with their labels
        assert g.value(curie_to_iri(parent), RDFS.label) is not None
    report, _ = validate_project(settings)
    assert report.errors == [], report.to_text()
    assert accepted.get_json()["labels"][curie] == "Optic atrophy"  # served at once


def test_grounding_candidates_come_from_the_full_ontologies_as_you_type(
    client: FlaskClient, root: Path
) -> None:
    def candidates(q: str) -> list[dict[str, str]]:
        response = client.get("/api/curation/candidates", query_string={"q": q}, headers=AUTH)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["source"] == "ontology index"
        results: list[dict[str, str]] = body["results"]
        return results

    typed = candidates("optic atr")  # a prefix of a term the served graph does not have
    assert typed[0]["curie"] == "HP:0000648" and typed[0]["label"] == "Optic atrophy"
    assert "HP_0000648" not in (root / "ontology" / "terms.ttl").read_text("utf-8")
    inside = candidates("neuritis")  # a word inside a name
    assert "HP:0100653" in [c["curie"] for c in inside]
    assert candidates("HP:0100653")[0]["label"] == "Optic neuritis"
    assert len(candidates("a")) == 10
    assert client.get("/api/curation/candidates?q=", headers=AUTH).status_code == 400
    assert client.get("/api/curation/candidates?q=x&limit=99", headers=AUTH).status_code == 400
