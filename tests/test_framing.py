"""Documents framed the fast way are byte for byte the documents of the plain pyld path they
replace (the oracle, kept in ``bench/framing.py`` beside the bench that measures both): entity
documents written directly from their triples (``medkg.rdf.writer``, never by pyld), the others
by pyld made cheaper (``medkg.rdf.framing``); every document of the seed, and a synthetic
corpus's head entity pages, contradictions, claims, evidence and articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from bench.framing import plain_expanded, plain_frame
from pyld import jsonld as pyld
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from medkg.bulk import bulk_build_into
from medkg.config import Settings, load_settings
from medkg.documents import Document, Documents
from medkg.formats import by_name
from medkg.rdf import frames, framing, jsonld, writer
from medkg.rdf.framing import Expanded
from medkg.rdf.triples import Triples, from_graph
from medkg.store import Store, open_store
from medkg.synth import read_labels, synthesize

from .conftest import ROOT

MEDKG = "https://w3id.org/medkg/"
KINDS = {
    "Claim": "claim",
    "Evidence": "evidence",
    "Article": "article",
    "Reference": "reference",
    "ContradictionGroup": "contradiction",
}


def plain(doc: Document, monkeypatch: pytest.MonkeyPatch) -> str:
    """The document by the plain pyld path: its JSON text, keys in document order."""
    with monkeypatch.context() as m:
        m.setattr(jsonld, "to_expanded", plain_expanded)
        m.setattr(jsonld, "frame", plain_frame)
        data = frames.assemble(doc.graph, doc.iri, doc.kind, doc.base, doc.claim_groups)
    return json.dumps(data, ensure_ascii=False)


def fast(doc: Document) -> str:
    """The document as medkg writes it: directly (``medkg.rdf.writer``), never by pyld's
    framing (documents here have no blank nodes, RDF lists or JSON literals)."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(frames.GraphSource, "frame", _refuse)
        data = Document.data.func(doc)  # type: ignore[attr-defined]
    return json.dumps(data, ensure_ascii=False)


def _refuse(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("a document went through pyld's framing")


def iter_documents(docs: Documents, store: Store, per_kind: int) -> Iterator[Document]:
    """Up to ``per_kind`` documents of each kind the store holds, and its entities'."""
    for cls, kind in KINDS.items():
        rows = store.query(
            f"SELECT DISTINCT ?x WHERE {{ ?x a <{MEDKG}{cls}> }} ORDER BY ?x LIMIT {per_kind}"
        ).rows
        for (iri,) in rows:
            yield getattr(docs, kind)(str(iri).rsplit("/", 1)[-1])
    rows = store.query(
        "SELECT DISTINCT ?e WHERE { ?c <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> "
        f"|<http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?e }} ORDER BY ?e LIMIT {per_kind}"
    ).rows
    for (iri,) in rows:
        yield docs.entity(str(iri))


def test_seed_documents_are_the_plain_pyld_documents(
    settings: Settings, built_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = Documents(built_store, settings.base_iri, page_size=50)
    seen = 0
    for doc in iter_documents(docs, built_store, 1000):
        assert fast(doc) == plain(doc, monkeypatch), f"{doc.kind} {doc.iri}"
        seen += 1
    assert seen > 100  # 52 claims, 68 evidence, the article, its references, 29 entities


def test_entities_without_claims_and_cut_pages_are_the_plain_pyld_documents(
    settings: Settings, built_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Terms of the ontology no claim is about (only their label, synonyms and parents, and
    a summary of no claims), and pages cut short by their size in bytes."""
    rows = built_store.query(
        "SELECT DISTINCT ?e WHERE { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        "FILTER(isIRI(?e)) FILTER NOT EXISTS { ?c <http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        "subject>|<http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?e } } ORDER BY ?e LIMIT 25"
    ).rows
    rows = list(rows)
    assert len(rows) == 25
    docs = Documents(built_store, settings.base_iri, page_size=50)
    for (iri,) in rows:
        doc = docs.entity(str(iri))
        assert not any(doc.data.get(key) for key in jsonld.NEST_KEYS)
        assert fast(doc) == plain(doc, monkeypatch), str(iri)
    for page_bytes in (1, 6000):
        cut = Documents(built_store, settings.base_iri, page_size=10, page_bytes=page_bytes)
        doc = cut.entity("MONDO:0004976")
        assert doc.page is not None and doc.page.following, "the page stopped early"
        assert fast(doc) == plain(doc, monkeypatch)
        after = cut.entity("MONDO:0004976", after=doc.page.following)
        assert fast(after) == plain(after, monkeypatch)


def test_entity_turtle_and_json_ld_hold_the_same_triples(
    settings: Settings, built_store: Store
) -> None:
    """Turtle still comes from rdflib (made from the document's ``Triples``): parsed back, it
    is the graph the JSON-LD document expands to, and the triples the page read."""
    doc = Documents(built_store, settings.base_iri).entity("MONDO:0004976")
    assert isinstance(doc.triples, Triples)
    read = {(s, p, o) for s, p, o in doc.triples}
    turtle = Graph().parse(data=doc.serialize(by_name("ttl")).decode("utf-8"), format="turtle")
    assert isomorphic(turtle, jsonld.to_graph(doc.data))
    assert {(s, p, o) for s, p, o in from_graph(turtle)} == read and len(read) > 1000


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Store:
    out = tmp_path_factory.mktemp("synth")
    synthesize(out, 1500, seed=5, root=ROOT, labels=read_labels(ROOT))
    settings = load_settings(env={}, root=str(out), store="oxigraph:.medkg/store")
    store = open_store(settings.store, out)
    bulk_build_into(store, settings)
    return store


def test_synthetic_documents_are_the_plain_pyld_documents(
    synthetic: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = Documents(synthetic, MEDKG, page_size=50)
    kinds = set()
    for doc in iter_documents(docs, synthetic, 15):
        assert fast(doc) == plain(doc, monkeypatch), f"{doc.kind} {doc.iri}"
        kinds.add(doc.kind)
    assert kinds == {*KINDS.values(), "entity"}


def test_head_entity_pages_are_the_plain_pyld_pages(
    synthetic: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = Documents(synthetic, MEDKG, page_size=50, page_bytes=1_000_000)
    head = synthetic.query(
        "SELECT ?e (COUNT(?c) AS ?n) WHERE { ?c <http://www.w3.org/1999/02/22-rdf-syntax-ns#"
        "subject> ?e } GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 3"
    ).rows
    for iri, _ in head:
        first = docs.entity(str(iri), 1)
        assert first.page is not None and first.page.more, "the head has a second page"
        second = docs.entity(str(iri), 2)
        listed = [c for key in jsonld.NEST_KEYS for side in second.data[key].values() for c in side]
        assert len(listed) > 0
        for doc in (first, second):
            assert fast(doc) == plain(doc, monkeypatch), f"{doc.iri} page {doc.page}"


def test_the_oracle_is_the_plain_path(
    settings: Settings, built_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The oracle runs none of the fast path (so the comparisons above compare two paths)."""
    doc = Documents(built_store, settings.base_iri).entity("MONDO:0004976")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the oracle reached the fast path")

    monkeypatch.setattr(framing, "to_expanded", refuse)
    monkeypatch.setattr(framing.Framer, "_compact_iri", refuse)
    monkeypatch.setattr(Expanded, "reachable", refuse)
    monkeypatch.setattr(writer.Writer, "frame", refuse)
    assert json.loads(plain(doc, monkeypatch))["@id"] == "MONDO:0004976"
    with pytest.raises(AssertionError, match="fast path"):
        fast(doc)


def test_expanded_reachable_follows_references_only() -> None:
    g = Graph()
    g.parse(
        data="<a:x> <p:q> <a:y> . <a:y> <p:q> <a:z> . <a:z> <p:r> 1 . <a:w> <p:q> <a:x> .",
        format="turtle",
    )
    expanded = jsonld.to_expanded(g)
    assert [n["@id"] for n in expanded.reachable(["a:y"])] == ["a:y", "a:z"]
    assert [n["@id"] for n in expanded.only(["a:w", "a:z"])] == ["a:w", "a:z"]


def test_blank_nodes_frame_the_whole_graph() -> None:
    """pyld names blank nodes in the order it meets them: a subset would rename them."""
    g = Graph()
    g.parse(data="<a:x> <p:q> _:b . _:b <p:r> 1 . <a:w> <p:q> <a:x> .", format="turtle")
    expanded = jsonld.to_expanded(g)
    assert len(expanded.reachable(["a:x"])) == len(expanded) == 3


def test_values_of_one_property_in_several_shapes_compact_as_pyld_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A property with English, French and plain labels, typed and untyped numbers: the
    remembered compact IRIs depend on each value's language and type, as pyld's do."""
    g = Graph()
    g.parse(
        data="""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix m: <https://w3id.org/medkg/> .
        <http://purl.obolibrary.org/obo/MONDO_1> rdfs:label "ALS"@en, "SLA"@fr, "als" ;
          m:minValue 1.5, "2"^^xsd:decimal, 3, "x" ; m:asOf "2020"^^xsd:gYear, "2021" ;
          m:unit <http://purl.obolibrary.org/obo/UO_1>, "mg" .""",
        format="turtle",
    )
    doc = Document("entity", URIRef("http://purl.obolibrary.org/obo/MONDO_1"), g, MEDKG)
    data = json.loads(fast(doc))
    assert data["label"] == "ALS" and {"SLA", "als"} <= set(json.dumps(data).split('"'))
    assert fast(doc) == plain(doc, monkeypatch)


@pytest.mark.parametrize(
    "turtle",
    [
        '<a:x> <p:q> ( 1 "b" <a:y> ) ; <p:r> () .',  # RDF lists: pyld's own from_rdf
        """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <a:x> a <a:T>, _:t ; <p:q> true, "0"^^xsd:boolean, 7, "+07"^^xsd:integer,
          "1e3"^^xsd:double, "INF"^^xsd:double, "{}"^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON>,
          "x"@en-GB, "x", _:b ; <p:r> <a:y> . _:b <p:q> <a:x> . <a:y> <p:q> "y" .""",
    ],
)
def test_expanded_is_pyld_from_rdf(turtle: str) -> None:
    """Types, natives (and what pyld leaves typed), blank nodes and lists expand as pyld does."""
    g = Graph()
    g.parse(data=turtle, format="turtle")
    assert jsonld.to_expanded(g) == plain_expanded(g)


def test_remembered_terms_depend_on_what_a_node_id_compacts_to() -> None:
    """Two terms for one property (``@id`` and ``@vocab`` typed): pyld picks by whether the
    value's ``@id`` is itself a term, and so does the remembering processor."""
    ctx = {
        "@context": {
            "p": "https://example.org/p/",
            "byId": {"@id": "p:x", "@type": "@id"},
            "byVocab": {"@id": "p:x", "@type": "@vocab"},
            "T": "p:T",
        }
    }
    p = "https://example.org/p/"
    doc = {"@id": f"{p}s", f"{p}x": [{"@id": f"{p}T"}, {"@id": f"{p}U"}, {"@id": f"{p}T"}]}
    expected = pyld.JsonLdProcessor().compact(doc, ctx, dict(jsonld.OPTIONS))
    assert expected["byVocab"] == ["T", "T"] and expected["byId"] == "p:U"
    assert framing.Framer().compact(doc, ctx, dict(jsonld.OPTIONS)) == expected


def test_entity_page_and_document_are_written_without_pyld(
    settings: Settings, built_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The HTML page renders the same document data: neither reaches pyld's framing."""
    from medkg.web import create_app

    monkeypatch.setattr(frames.GraphSource, "frame", _refuse)
    client = create_app(settings.replace(document_cache=0), built_store).test_client()
    html = client.get("/entity/MONDO:0004976", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "amyotrophic lateral sclerosis" in html.get_data(
        as_text=True
    )
    doc = client.get("/entity/MONDO:0004976", headers={"Accept": "application/ld+json"})
    assert doc.status_code == 200 and doc.get_json()["@id"] == "MONDO:0004976"


class _NotNative:
    """A store whose results carry no pyoxigraph object (as a remote or rdflib store's)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def query(self, *args: Any, **kwargs: Any) -> Any:
        result = self.store.query(*args, **kwargs)
        result.native = None
        return result


def test_entity_documents_from_rdflib_terms_are_the_same(
    settings: Settings, built_store: Store
) -> None:
    """Stores that answer with rdflib terms (``sparql:``, ``memory:``) give the same triples
    and the same document as pyoxigraph's terms read directly."""
    direct = Documents(built_store, settings.base_iri).entity("MONDO:0004976")
    other = Documents(_NotNative(built_store), settings.base_iri).entity("MONDO:0004976")  # type: ignore[arg-type]
    assert set(other.triples) == set(direct.triples) and len(direct.triples) > 1000
    assert fast(other) == fast(direct)
