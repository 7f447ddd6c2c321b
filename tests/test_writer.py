"""The direct writer (``medkg.rdf.writer``) writes what pyld's plain framing writes, on random
small graphs of the terms documents hold: nodes that frames embed, match by type or by their
properties, or leave as references; cycles; literals of every shape the context compacts
differently (language tags, natives, decimals, dates, quotes and newlines); several values of
one property and several types of one node."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bench.framing import plain_expanded, plain_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medkg.rdf import frames, jsonld, writer
from medkg.rdf.triples import Lit, Triples, from_graph
from medkg.vocab import MEDKG, OA, OBO

BASE = str(MEDKG)
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
HYDRA = jsonld.HYDRA
ROOT = f"{OBO}MONDO_0004976"

NODES = [
    ROOT,
    f"{OBO}HP_0000007",
    f"{OBO}RO_0002200",
    f"{BASE}claim/c1",
    f"{BASE}claim/c2",
    f"{BASE}evidence/e1",
    f"{BASE}evidence/e1#target",
    f"{BASE}evidence/e1#quote",
    f"{BASE}reference/r1",
    f"{BASE}article/a1",
    f"{BASE}entity/MONDO:0004976?page=1",
    f"{BASE}entity/MONDO:0004976#summary",
    f"{BASE}entity/MONDO:0004976#tally-0001",
    "https://example.org/other/x",
    f"{BASE}Asserted",
]
TYPES = [
    f"{BASE}Claim",
    f"{BASE}Evidence",
    f"{BASE}Reference",
    f"{BASE}Article",
    f"{BASE}ClaimSummary",
    f"{BASE}Tally",
    f"{OA}TextQuoteSelector",
    f"{HYDRA}PartialCollectionView",
    "http://www.w3.org/2002/07/owl#Class",
]
PROPERTIES = [
    f"{RDF}subject",
    f"{RDF}predicate",
    f"{RDF}object",
    f"{RDFS}label",
    f"{RDFS}subClassOf",
    f"{BASE}negated",
    f"{BASE}modality",
    f"{BASE}evidence",
    f"{BASE}evidenceCount",
    f"{BASE}minValue",
    f"{BASE}asOf",
    f"{BASE}source",
    f"{BASE}qcFlag",
    f"{BASE}samePropositionAs",
    f"{BASE}member",
    f"{BASE}claimSummary",
    f"{BASE}tally",
    f"{BASE}tallyOf",
    f"{BASE}claimCount",
    f"{OA}hasTarget",
    f"{OA}hasSelector",
    f"{OA}exact",
    "http://purl.org/spar/cito/citesAsEvidence",
    f"{HYDRA}view",
    f"{HYDRA}first",
    f"{HYDRA}totalItems",
    "http://purl.org/dc/terms/title",
    "https://example.org/other/p",
]


def _typed(values: list[str], datatype: str = "", language: str = "") -> st.SearchStrategy[Lit]:
    return st.sampled_from(values).map(lambda v: Lit(v, datatype, language))


LITERALS = st.one_of(
    _typed(["ALS", 'a "quoted"\nline', "x\\y", "é", ""]),
    _typed(["ALS", "SLA"], language="en"),
    _typed(["SLA"], language="fr"),
    _typed(["0", "7", "+07", "-3"], f"{XSD}integer"),
    _typed(["true", "false", "1"], f"{XSD}boolean"),
    _typed(["3.0", "2.5"], f"{XSD}decimal"),
    _typed(["1e3", "INF"], f"{XSD}double"),
    _typed(["2024", "2020"], f"{XSD}gYear"),
    _typed(["2024-01-02"], f"{XSD}date"),
)
# few subjects, so that nodes have several properties and values and point at each other
SUBJECTS = st.sampled_from(NODES[:3] + NODES[5:9] + NODES[10:13])
TRIPLES = st.one_of(
    st.tuples(SUBJECTS, st.just(f"{RDF}type"), st.sampled_from(TYPES)),
    st.tuples(SUBJECTS, st.sampled_from(PROPERTIES), st.sampled_from(NODES)),
    st.tuples(SUBJECTS, st.sampled_from(PROPERTIES), LITERALS),
)
KINDS = ["entity", "claim", "evidence", "article", "reference", "contradiction"]


def written(triples: Triples, root: str, kind: str, groups: dict[str, str]) -> str:
    source = writer.TriplesSource(triples, BASE)
    return json.dumps(frames.build(source, root, kind, groups), ensure_ascii=False)


def plain(triples: Triples, root: str, kind: str, groups: dict[str, str]) -> str:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(jsonld, "to_expanded", plain_expanded)
        m.setattr(jsonld, "frame", plain_frame)
        source = frames.GraphSource(triples.to_graph(), BASE)
        return json.dumps(frames.build(source, root, kind, groups), ensure_ascii=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(TRIPLES, min_size=0, max_size=60),
    st.sampled_from([ROOT, f"{BASE}claim/c1", f"{BASE}evidence/e1", f"{BASE}article/a1"]),
    st.sampled_from(KINDS),
    st.booleans(),
)
def test_random_graphs_are_written_as_pyld_frames_them(
    rows: list[tuple[str, str, Any]], root: str, kind: str, negated_group: bool
) -> None:
    triples = Triples()
    for s, p, o in rows:
        triples.add(s, p, o)
    groups = {f"{BASE}claim/c2": "negatedClaims"} if negated_group else {}
    assert written(triples, root, kind, groups) == plain(triples, root, kind, groups)


def test_several_shapes_of_one_property_are_written_as_pyld_writes_them() -> None:
    """English, French and plain labels, typed and untyped numbers, an IRI and a string for
    one property: the term (and the value's form) depends on each value's shape."""
    g = Triples()
    for lit in (Lit("ALS", "", "en"), Lit("SLA", "", "fr"), Lit("als")):
        g.add(ROOT, f"{RDFS}label", lit)
    for lit in (Lit("1.5", f"{XSD}decimal"), Lit("2", f"{XSD}decimal"), Lit("3", f"{XSD}integer")):
        g.add(ROOT, f"{BASE}minValue", lit)
    g.add(ROOT, f"{BASE}unit", f"{OBO}UO_1")
    g.add(ROOT, f"{BASE}unit", Lit("mg"))
    data = json.loads(written(g, ROOT, "entity", {}))
    assert data["label"] == "ALS" and data["unit"] == "UO:1"
    assert written(g, ROOT, "entity", {}) == plain(g, ROOT, "entity", {})


def test_a_node_framed_twice_in_a_cycle_is_a_reference_the_second_time() -> None:
    """A claim whose evidence cites a reference that points back at the evidence: pyld embeds
    each node once on the way down and refers to it where it would recurse."""
    g = Triples()
    claim, ev, ref = f"{BASE}claim/c1", f"{BASE}evidence/e1", f"{BASE}reference/r1"
    g.add(claim, f"{RDF}type", f"{BASE}Claim")
    g.add(claim, f"{RDF}subject", ROOT)
    g.add(claim, f"{BASE}evidence", ev)
    g.add(ev, f"{RDF}type", f"{BASE}Evidence")
    g.add(ev, "http://purl.org/spar/cito/citesAsEvidence", ref)
    g.add(ref, f"{RDF}type", f"{BASE}Reference")
    g.add(ref, "https://example.org/other/p", ev)
    text = written(g, ROOT, "entity", {})
    assert text == plain(g, ROOT, "entity", {})
    shown = json.loads(text)["affirmedClaims"]["claimsAsSubject"][0]
    cited = shown["evidence"][0]["citesAsEvidence"][0]
    assert cited["@id"] == "medkg:reference/r1" and "@type" in cited


@pytest.mark.parametrize(
    "obj",
    ["_:b1", Lit("{}", "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")],
)
def test_what_the_writer_does_not_write_is_left_to_pyld(obj: Any) -> None:
    g = Triples()
    g.add(ROOT, "https://example.org/other/p", obj)
    with pytest.raises(writer.Unsupported):
        written(g, ROOT, "entity", {})


def test_triples_of_a_graph_round_trip() -> None:
    g = Triples()
    g.add(ROOT, f"{RDFS}label", Lit("ALS", "", "en"))
    g.add(ROOT, f"{BASE}minValue", Lit("3.0", f"{XSD}decimal"))
    g.add(ROOT, f"{RDF}type", "http://www.w3.org/2002/07/owl#Class")
    back = from_graph(g.to_graph())
    assert set(back) == set(g) and len(back) == 3


def claim_with_evidence(*extra: tuple[str, str, Any]) -> Triples:
    g = Triples()
    claim, ev = f"{BASE}claim/c1", f"{BASE}evidence/e1"
    g.add(claim, f"{RDF}type", f"{BASE}Claim")
    g.add(claim, f"{RDF}subject", ROOT)
    g.add(claim, f"{BASE}evidence", ev)
    g.add(ev, f"{RDF}type", f"{BASE}Evidence")
    for s, p, o in extra:
        g.add(s, p, o)
    return g


def shown_evidence(text: str) -> list[Any]:
    return list(json.loads(text)["affirmedClaims"]["claimsAsSubject"][0]["evidence"])


def test_a_node_pointing_at_itself_is_embedded_in_itself_once() -> None:
    """pyld's circular-reference check skips the parent: evidence pointing at itself is
    embedded once more inside itself, then referred to."""
    ev = f"{BASE}evidence/e1"
    g = claim_with_evidence((ev, "https://example.org/other/p", ev))
    text = written(g, ROOT, "entity", {})
    assert text == plain(g, ROOT, "entity", {})
    inner = shown_evidence(text)[0]["https://example.org/other/p"]
    assert inner["@id"] == "medkg:evidence/e1" and inner["https://example.org/other/p"] == {
        "@id": "medkg:evidence/e1"
    }


def test_a_literal_under_a_typed_frame_is_dropped_as_pyld_drops_it() -> None:
    g = claim_with_evidence((f"{BASE}claim/c1", f"{BASE}evidence", Lit("not a node")))
    text = written(g, ROOT, "entity", {})
    assert text == plain(g, ROOT, "entity", {})
    assert "not a node" not in text and len(shown_evidence(text)) == 1


def test_a_node_without_the_properties_its_frame_names_is_not_embedded() -> None:
    """Frames without a type match nodes by their properties (a view has first or last): a
    view without them is left out, as pyld leaves it out."""
    g = Triples()
    view = f"{BASE}entity/MONDO:0004976?page=1"
    g.add(ROOT, f"{HYDRA}view", view)
    g.add(view, f"{HYDRA}totalItems", Lit("3", f"{XSD}integer"))
    text = written(g, ROOT, "entity", {})
    assert text == plain(g, ROOT, "entity", {})
    assert "view" not in json.loads(text)
    g.add(view, f"{HYDRA}first", view)
    assert json.loads(written(g, ROOT, "entity", {}))["view"]["totalItems"] == 3
    assert written(g, ROOT, "entity", {}) == plain(g, ROOT, "entity", {})


def test_a_frame_with_pyld_default_embedding_is_left_to_pyld() -> None:
    g = claim_with_evidence()
    with pytest.raises(writer.Unsupported, match="@embed"):
        writer.Writer(g, BASE).frame([ROOT], {"@id": ROOT})


def test_triples_update_moves_new_subjects_and_merges_shared_ones() -> None:
    a, b = Triples(), Triples()
    a.add(ROOT, f"{RDFS}label", Lit("ALS", "", "en"))
    b.add(ROOT, f"{RDFS}label", Lit("ALS", "", "en"))  # a duplicate
    b.add(ROOT, f"{RDFS}label", Lit("SLA", "", "fr"))
    b.add(f"{BASE}claim/c1", f"{RDF}subject", ROOT)
    b.add(f"{BASE}claim/c1", "https://example.org/other/p", "_:b1")
    a.update(b)
    assert len(a) == 4 and len(list(a)) == 4 and a.blank
    assert a.has(f"{BASE}claim/c1", f"{RDF}subject", ROOT) and not a.has(ROOT, f"{RDF}subject")
    assert len(b) == 0  # used up


IRIS = [
    *NODES,
    *TYPES,
    *PROPERTIES,
    f"{OBO}MONDO_",  # a prefix's own IRI
    f"{OBO}",
    BASE,
    f"{BASE}term/MEDKG_0000001",
    f"{RDFS}label",  # a term's own IRI
    f"{RDFS}labelled",
    "http://purl.obolibrary.org/obo/mondo#exactMatch",
    "http://www.orpha.net/ORDO/Orphanet_803",
    "https://w3id.org/biolink/vocab/coexists_with",
    "https://example.org/data/claim/1",
    "urn:x:y",
]


@pytest.mark.parametrize("base", [BASE, "https://example.org/data/"])
def test_ids_and_references_compact_as_pyld_compacts_them(base: str) -> None:
    """The compact IRIs looked up by prefix are pyld's, for every term a reference can sit
    under (typed @id, @vocab or neither)."""
    from medkg.rdf.compaction import Compactor

    c = Compactor(base)
    assert c._curie(f"{OBO}MONDO_0004976") == "MONDO:0004976"  # looked up, not asked of pyld
    assert sum(c._curie(iri) is not None for iri in IRIS) > len(IRIS) // 2
    terms = ["subject", "modality", "exact", "rdf:subject", "https://example.org/other/p"]
    for iri in IRIS:
        expected = c.proc._compact_iri(c.ctx, iri, vocab=False, base="")
        assert c.id(iri) == expected, iri
        for term in terms:
            ref = c.proc._compact_value(c.ctx, term, {"@id": iri}, c.options)
            assert c.ref(term, iri) == ref, (term, iri)


def test_frames_are_remembered_without_the_documents_iris() -> None:
    """The others frame names each document's own nodes: remembering frames by them would
    keep every document's IRIs."""
    g = claim_with_evidence()
    w = writer.Writer(g, BASE)
    before = len(w.c.frames)
    for node in (f"{BASE}claim/c1", f"{BASE}evidence/e1", ROOT):
        w.frame([node], {"@id": [node], "@embed": "@never"})
    assert len(w.c.frames) <= before + 1
    assert [
        n["@id"]
        for n in w.frame(
            [ROOT, f"{BASE}claim/c1"], {"@id": [f"{BASE}claim/c1"], "@embed": "@never"}
        )
    ] == ["medkg:claim/c1"]
