"""The seed built into the named graphs of DESIGN section 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import URIRef

from medkg.build import build_dataset, build_into
from medkg.config import Settings
from medkg.errors import BuildError
from medkg.store import Store, open_store
from medkg.vocab import MEDKG, Minter, curie_to_iri

from .conftest import ROOT

SEED = "als-demyelinating-or-axonal"
MINT = Minter()


def ask(store: Store, query: str) -> bool:
    return bool(store.query(query).boolean)


def test_every_seed_claim_quote_is_found_at_its_offsets(settings: Settings) -> None:
    built = build_dataset(settings)
    article, claims = built.articles[0]
    evidence = [e for c in claims for e in c.evidence]
    assert len(evidence) == 68
    for e in evidence:
        assert article.text[e.quote.start : e.quote.end] == e.quote.exact, e.handle


def test_quote_offsets_in_the_store_match_the_stored_text(built_store: Store) -> None:
    text = (ROOT / "data" / "articles" / f"{SEED}.txt").read_text(encoding="utf-8")
    rows = built_store.query(
        """PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?exact ?start ?end WHERE {
          ?ev oa:hasTarget ?t . ?t oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }"""
    ).to_dicts()
    assert len(rows) == 68
    for r in rows:
        assert text[int(r["start"]) : int(r["end"])] == str(r["exact"])


def test_named_graphs_of_the_contract_exist(built_store: Store) -> None:
    names = set(built_store.graph_names())
    for name in ("ontology", "truthy", "qc", f"source/{SEED}"):
        assert MINT.graph(name) in names
        assert built_store.count(MINT.graph(name)) > 0


def test_negated_claim_has_no_bare_triple_anywhere(built_store: Store) -> None:
    als, dd = curie_to_iri("MONDO:0004976").n3(), curie_to_iri("MONDO:0002562").n3()
    sub = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
    assert not ask(built_store, f"ASK {{ {als} {sub} {dd} }}")
    assert not ask(built_store, f"ASK {{ GRAPH ?g {{ {als} {sub} {dd} }} }}")
    # but the claim itself is there, negated
    assert ask(
        built_store,
        f"""PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        ASK {{ ?c rdf:subject {als} ; rdf:predicate {sub} ; rdf:object {dd} ;
               <{MEDKG.negated}> true }}""",
    )


def test_truthy_graph_holds_only_affirmed_asserted_claims(
    settings: Settings, built_store: Store
) -> None:
    built = build_dataset(settings)
    truthy = {(s, p, o) for s, p, o, _ in built.graphs[MINT.graph("truthy")]}
    for claim in built.claims:
        spo = tuple(curie_to_iri(x) for x in (claim.subject, claim.predicate, claim.object))
        affirmed_elsewhere = any(
            c.is_truthy
            and (c.subject, c.predicate, c.object) == (claim.subject, claim.predicate, claim.object)
            for c in built.claims
        )
        assert (spo in truthy) == affirmed_elsewhere, claim
    hypotheses = [c for c in built.claims if c.modality != "asserted"]
    assert hypotheses, "the seed has uncertain claims"
    assert len(truthy) == built_store.count(MINT.graph("truthy"))


def qc_subjects(store: Store, flag: URIRef) -> list[str]:
    rows = store.query(
        f"SELECT ?s WHERE {{ GRAPH {MINT.graph('qc').n3()} {{ ?s <{MEDKG.qcFlag}> {flag.n3()} }} }}"
    ).to_dicts()
    return [str(r["s"]) for r in rows]


def test_dangling_citation_6_is_flagged(built_store: Store) -> None:
    flagged = qc_subjects(built_store, MEDKG.UnresolvedCitation)
    assert MINT.article(SEED) in [URIRef(s) for s in flagged]
    evidence = {s for s in flagged if "/evidence/" in s}
    citing_6 = built_store.query(f"SELECT ?e WHERE {{ ?e <{MEDKG.citationNumber}> 6 }}").to_dicts()
    assert evidence == {str(r["e"]) for r in citing_6}
    assert len(evidence) == 8  # the three bullets that cite 6 hold eight claims


def test_2012_reference_for_as_of_2024_count_is_flagged(built_store: Store) -> None:
    flagged = qc_subjects(built_store, MEDKG.CitationPredatesClaimDate)
    assert len(flagged) == 1
    ev = flagged[0]
    rows = built_store.query(
        f"""SELECT ?year ?asof WHERE {{ ?c <{MEDKG.evidence}> <{ev}> ; <{MEDKG.asOf}> ?asof .
        <{ev}> <http://purl.org/spar/cito/citesAsEvidence>/<http://purl.org/dc/terms/date> ?year }}"""
    ).to_dicts()
    assert [(str(r["year"]), str(r["asof"])) for r in rows] == [("2012", "2024")]


def test_self_citation_of_the_publishers_own_board_is_flagged(built_store: Store) -> None:
    assert MINT.reference(SEED, 1) in [
        URIRef(s) for s in qc_subjects(built_store, MEDKG.SelfCitation)
    ]


def test_seed_has_no_contradictions(built_store: Store) -> None:
    assert qc_subjects(built_store, MEDKG.Contradicted) == []


def test_rebuild_gives_the_same_iris_and_version(settings: Settings) -> None:
    a, b = build_dataset(settings), build_dataset(settings)
    assert [c.key for c in a.claims] == [c.key for c in b.claims]
    assert a.version == b.version
    ontology = MINT.graph("ontology")  # its OWL restrictions are blank nodes, new at each parse
    assert {g: set(q) for g, q in a.graphs.items() if g != ontology} == {
        g: set(q) for g, q in b.graphs.items() if g != ontology
    }
    assert len(a.graphs[ontology]) == len(b.graphs[ontology])


def test_repeated_statements_merge_into_one_claim_with_several_evidences(
    settings: Settings,
) -> None:
    built = build_dataset(settings)
    not_dd = [
        c
        for c in built.claims
        if (c.subject, c.predicate, c.object, c.negated)
        == ("MONDO:0004976", "rdfs:subClassOf", "MONDO:0002562", True)
    ]
    assert len(not_dd) == 1
    assert len(not_dd[0].evidence) >= 3


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the curated files."""
    for sub in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / sub, tmp_path / sub)
    return tmp_path


def built_copy(project: Path) -> tuple[Settings, Store]:
    settings = Settings(root=str(project), store=f"oxigraph:{project / 'store'}")
    store = open_store(settings.store, project)
    build_into(store, settings)
    return settings, store


def snapshot(store: Store) -> dict[URIRef, int]:
    return {g: store.count(g) for g in store.graph_names()}


def test_broken_yaml_fails_with_file_line_and_leaves_the_store_as_it_was(project: Path) -> None:
    settings, store = built_copy(project)
    before = snapshot(store)
    claims = project / "data" / "claims" / f"{SEED}.yaml"
    lines = claims.read_text().splitlines()
    lines.insert(40, "  broken: [unclosed")
    claims.write_text("\n".join(lines) + "\n")
    with pytest.raises(BuildError) as err:
        build_into(store, settings)
    assert f"{claims}:4" in str(err.value)  # line 41 or 42, where the parser notices
    assert snapshot(store) == before


def test_broken_turtle_fails_with_file_line_col_and_leaves_the_store_as_it_was(
    project: Path,
) -> None:
    settings, store = built_copy(project)
    before = snapshot(store)
    terms = project / "ontology" / "terms.ttl"
    lines = terms.read_text().splitlines()
    lines[59] = 'obo:MONDO_0009999 rdfs:label "unterminated .'
    terms.write_text("\n".join(lines) + "\n")
    with pytest.raises(BuildError) as err:
        build_into(store, settings)
    assert f"{terms}:60:" in str(err.value)
    assert snapshot(store) == before


def test_quote_not_in_text_names_the_claim_line_and_the_closest_match(project: Path) -> None:
    settings, store = built_copy(project)
    claims = project / "data" / "claims" / f"{SEED}.yaml"
    text = claims.read_text()
    good = "ALS is fundamentally a disease of axonal degeneration"
    assert good in text
    claims.write_text(
        text.replace(good, "ALS is fundamentally a disease of axonal degenerashun", 1)
    )
    line = next(
        i for i, ln in enumerate(claims.read_text().splitlines(), 1) if "degenerashun" in ln
    )
    with pytest.raises(BuildError) as err:
        build_into(store, settings)
    message = str(err.value)
    assert f"{claims}:{line}:" in message
    assert "quote not found" in message and "closest match at char" in message


def test_unknown_curie_prefix_is_reported_where_it_is(project: Path) -> None:
    settings, store = built_copy(project)
    claims = project / "data" / "claims" / f"{SEED}.yaml"
    text = claims.read_text().replace("object: MONDO:0002562", "object: MONDOX:0002562", 1)
    claims.write_text(text)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "MONDOX" in ln)
    with pytest.raises(BuildError) as err:
        build_into(store, settings)
    assert f"{claims}:{line}:" in str(err.value) and "MONDOX" in str(err.value)


def test_memory_backend_builds_the_same_dataset(settings: Settings, built_store: Store) -> None:
    mem = open_store("memory:")
    build_into(mem, settings)
    assert snapshot(mem) == snapshot(built_store)
