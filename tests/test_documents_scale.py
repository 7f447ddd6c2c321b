"""Entity documents read what their page shows, not what their claims' evidence adds up to: a
claim's own triples by predicate (the summary index lists the claims' predicates), and of its
contradiction groups the members on the page. The pages are those the scans gave before."""

from __future__ import annotations

from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from medkg import documents, formats
from medkg.build import dataset_version
from medkg.bulk import bulk_build_into
from medkg.config import load_settings
from medkg.documents import Documents
from medkg.rdf import jsonld
from medkg.store import Store, open_store
from medkg.summaries import SummaryIndex, entity_index, open_index
from medkg.synth import read_labels, synthesize

from .conftest import ROOT

BASE = "https://w3id.org/medkg/"
PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX medkg: <https://w3id.org/medkg/>
"""
HEADS = """SELECT ?e (COUNT(DISTINCT ?c) AS ?n) WHERE { { ?c rdf:subject ?e } UNION
  { ?c rdf:object ?e } } GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 6"""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, SummaryIndex]:
    """A synthetic corpus (restated claims, contradictions) built by the bulk build."""
    out = tmp_path_factory.mktemp("synth")
    synthesize(out, 1500, seed=5, root=ROOT, labels=read_labels(ROOT))
    settings = load_settings(env={}, root=str(out), store="oxigraph:.medkg/store")
    store = open_store(settings.store, out)
    bulk_build_into(store, settings)
    index = open_index(store, dataset_version(store, settings))
    assert index is not None
    return store, index


def heads(store: Store) -> list[str]:
    return [str(r[0]) for r in store.query(PREFIXES + HEADS).rows]


def predicates(store: Store, where: str = "") -> list[str]:
    text = f"SELECT DISTINCT ?p WHERE {{ {where} ?c a medkg:Claim ; ?p ?o }}"
    return sorted(str(r[0]) for r in store.query(PREFIXES + text).rows)


def test_the_index_lists_the_predicates_of_the_claims(
    synthetic: tuple[Store, SummaryIndex],
) -> None:
    store, index = synthetic
    listed = index.claim_predicates()
    assert listed == predicates(store)
    assert {"medkg:evidence", "medkg:role", "medkg:qcFlag"} <= {
        p.replace(BASE, "medkg:") for p in listed
    }  # what the keyed lookups must not miss is there to be missed
    als = heads(store)[0]
    one = entity_index(store, URIRef(als), index.version)  # a store with no index beside it
    about = f"{{ ?c rdf:subject <{als}> }} UNION {{ ?c rdf:object <{als}> }} UNION "
    about += f"{{ ?c medkg:diseaseContext <{als}> }}"
    assert one.claim_predicates() == predicates(store, about)


def without_predicates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Indexes as written before they listed the claims' predicates."""
    monkeypatch.setattr(SummaryIndex, "claim_predicates", lambda self: None)


@pytest.mark.parametrize("size", [4, 50])
@pytest.mark.parametrize("heavy", [0, 3])
def test_claims_read_by_predicate_give_the_pages_the_scan_gave(
    synthetic: tuple[Store, SummaryIndex], size: int, heavy: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Claims with more than ``heavy`` evidence links are read by predicate (0: all of them),
    the others whole, as all were before the index listed the predicates."""
    store, index = synthetic
    monkeypatch.setattr(documents, "HEAVY", heavy)
    counts = [
        n for n, _ in index.shown([c for c, _ in index.page(heads(store)[0], 0, 50)]).values()
    ]
    assert min(counts) <= heavy < max(counts) or heavy == 0  # both kinds on a page
    docs = Documents(store, BASE, page_size=size)
    keyed = {(e, n): jsonld.dumps(docs.entity(e, n).data) for e in heads(store) for n in (1, 2)}
    without_predicates(monkeypatch)
    scanned = {(e, n): jsonld.dumps(docs.entity(e, n).data) for e in heads(store) for n in (1, 2)}
    assert keyed == scanned
    assert all('"role"' in page or '"qcFlag"' in page for page in keyed.values())


def group_nodes(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in data.get("@included", []) if "ContradictionGroup" in n.get("@type", [])]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_a_group_on_an_entity_page_lists_its_members_on_the_page_and_counts_all(
    synthetic: tuple[Store, SummaryIndex],
) -> None:
    store, _ = synthetic
    docs = Documents(store, BASE, page_size=4)
    cut = 0
    for entity in heads(store):
        for number in (1, 2, 3):
            doc = docs.entity(entity, number)
            on_page = {c.removeprefix(BASE + "claim/") for c in doc.claim_groups}
            for group in group_nodes(doc.data):
                key = group["@id"].removeprefix("medkg:contradiction/")
                whole = docs.contradiction(key).data
                members = {m["@id"].removeprefix("medkg:claim/") for m in whole["member"]}
                assert group["count"] == whole["count"] == len(members)
                listed = {m.removeprefix("medkg:claim/") for m in as_list(group["member"])}
                assert listed == members & on_page and listed  # the page's, and only those
                cut += len(listed) < len(members)
            turtle = Graph().parse(data=doc.serialize(formats.by_name("ttl")), format="turtle")
            assert isomorphic(turtle, jsonld.to_graph(doc.data))  # the same triples
    assert cut, "no group had members off the page: the corpus does not test the cut"


EVIDENCE_COUNTS = """SELECT ?c (COUNT(?ev) AS ?n) WHERE { ?c medkg:evidence ?ev }
  GROUP BY ?c ORDER BY DESC(?n) ?c"""


def heaviest(store: Store) -> tuple[str, str]:
    """The claim with the most evidence, and how much."""
    claim, count = next(iter(store.query(PREFIXES + EVIDENCE_COUNTS).rows))
    return str(claim), str(count)


def evidence_of(store: Store, claim: str) -> list[str]:
    rows = store.query(PREFIXES + f"SELECT ?ev WHERE {{ <{claim}> medkg:evidence ?ev }}").rows
    return sorted(str(r[0]) for r in rows)


def nodes_of(doc: documents.Document, kind: str) -> list[dict[str, Any]]:
    return [e for e in as_list(doc.data.get("evidence", [])) if isinstance(e, dict)]


def test_a_claim_with_more_evidence_than_a_page_is_paged_by_its_next_links(
    synthetic: tuple[Store, SummaryIndex],
) -> None:
    """Following ``next`` from the claim's own document visits each of its evidence once, with
    its quote, a page at a time; each page holds the same triples in JSON-LD and Turtle."""
    store, _ = synthetic
    claim, count = heaviest(store)
    assert int(count) > 8, "the corpus has no claim with several pages of evidence"
    docs = Documents(store, BASE, page_size=4)
    key, after, seen, pages = claim.rsplit("/", 1)[1], None, [], 0
    while True:
        doc = docs.claim(key, after)
        pages += 1
        view = doc.data["view"]
        assert doc.data["evidenceCount"] == view["totalItems"] == int(count)
        shown = nodes_of(doc, "evidence")
        assert 0 < len(shown) <= 4 and all(e["target"]["selector"] for e in shown)
        seen += [e["@id"] for e in shown]
        turtle = Graph().parse(data=doc.serialize(formats.by_name("ttl")), format="turtle")
        assert isomorphic(turtle, jsonld.to_graph(doc.data))  # the same triples
        if "next" not in view:
            break
        after = view["next"].rsplit("?after=", 1)[1]
        assert pages < 100
    assert pages == -(-int(count) // 4)
    assert [e.replace("medkg:", BASE) for e in seen] == evidence_of(store, claim)
    with pytest.raises(documents.NotFound, match="no evidence after"):
        docs.claim(key, evidence_of(store, claim)[-1].rsplit("/", 1)[1])
    with pytest.raises(documents.EntityNotFound, match="not a medkg identifier"):
        docs.claim(key, "x y")


def test_a_claim_that_fits_its_page_is_its_whole_description(
    synthetic: tuple[Store, SummaryIndex],
) -> None:
    store, _ = synthetic
    claim, count = heaviest(store)
    docs = Documents(store, BASE, page_size=int(count))
    doc = docs.claim(claim.rsplit("/", 1)[1])
    whole = docs.claims_graph([URIRef(claim)])
    assert isomorphic(jsonld.to_graph(doc.data), whole) and "view" not in doc.data
    assert len(nodes_of(doc, "evidence")) == int(count)


def test_a_contradiction_outlines_its_members_with_more_evidence_than_a_page(
    synthetic: tuple[Store, SummaryIndex],
) -> None:
    store, _ = synthetic
    rows = store.query(PREFIXES + "SELECT DISTINCT ?g WHERE { ?g medkg:member ?c }").rows
    docs = Documents(store, BASE, page_size=4)
    outlined = whole = 0
    for (group,) in rows:
        doc = docs.contradiction(str(group).rsplit("/", 1)[1])
        members = doc.data["member"]
        assert len(members) == doc.data["count"]
        for member in members:
            total = len(evidence_of(store, member["@id"].replace("medkg:", BASE)))
            shown = [e for e in as_list(member["evidence"]) if isinstance(e, dict)]
            if total > 4:
                assert member["evidenceCount"] == total and len(shown) == 3
                outlined += 1
            else:
                assert len(shown) == total and "evidenceCount" not in member
                whole += 1
        turtle = Graph().parse(data=doc.serialize(formats.by_name("ttl")), format="turtle")
        assert isomorphic(turtle, jsonld.to_graph(doc.data))
    assert outlined and whole, "the corpus does not have both kinds of member"


def test_an_evidence_names_its_claim_and_counts_the_claims_other_evidence(
    synthetic: tuple[Store, SummaryIndex],
) -> None:
    store, _ = synthetic
    claim, count = heaviest(store)
    evidence = evidence_of(store, claim)[0]
    doc = Documents(store, BASE).evidence(evidence.rsplit("/", 1)[1])
    links = list(doc.graph.triples((None, documents.MEDKG.evidence, None)))
    assert [(str(s), str(o)) for s, _, o in links] == [(claim, evidence)]
    (supported,) = doc.data["evidenceFor"]
    assert supported["evidenceCount"] == int(count) > 1


def test_an_article_states_its_claims_with_its_own_evidence_and_counts_the_rest(
    synthetic: tuple[Store, SummaryIndex],
) -> None:
    store, _ = synthetic
    claim, count = heaviest(store)
    query = f"SELECT ?a WHERE {{ <{claim}> medkg:evidence ?e . ?e medkg:source ?a }} LIMIT 1"
    (article,) = next(iter(store.query(PREFIXES + query).rows))
    own = f"SELECT ?c ?e WHERE {{ ?e medkg:source <{article}> . ?c medkg:evidence ?e }}"
    expected = {(str(c), str(e)) for c, e in store.query(PREFIXES + own).rows}
    triples = Documents(store, BASE).stated_in(URIRef(str(article)))
    graph = triples.to_graph({})
    links = {(str(s), str(o)) for s, _, o in graph.triples((None, documents.MEDKG.evidence, None))}
    assert links == expected
    counts = {
        str(s): int(o) for s, _, o in graph.triples((None, documents.MEDKG.evidenceCount, None))
    }
    assert counts[claim] == int(count) > sum(1 for c, _ in links if c == claim)
    assert set(counts) == {c for c, _ in expected}
