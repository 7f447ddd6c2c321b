"""Dereferenceable IRIs: each kind of resource in each format, the same triples in each."""

from __future__ import annotations

import itertools
import json
import shutil
from html.parser import HTMLParser
from typing import Any

import html5lib
import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import RDF

from medkg.model import Claim, claim_key
from medkg.rdf import jsonld
from medkg.vocab import MEDKG, curie_to_iri

ALS = "MONDO:0004976"
ALS_NOT_DD = Claim(ALS, "rdfs:subClassOf", "MONDO:0002562", negated=True)
ARTICLE = "als-demyelinating-or-axonal"
OA_EXACT = URIRef("http://www.w3.org/ns/oa#exact")
RDF_FORMATS = {
    "ttl": ("text/turtle", "turtle"),
    "nt": ("application/n-triples", "nt"),
    "rdfxml": ("application/rdf+xml", "xml"),
}


def evidence_key(client: FlaskClient) -> str:
    doc = client.get(f"/claim/{ALS_NOT_DD.key}").get_json()
    return str(doc["evidence"][0]["@id"]).rsplit("/", 1)[1]


def resource_paths(client: FlaskClient) -> dict[str, str]:
    return {
        "entity": f"/entity/{ALS}",
        "claim": f"/claim/{claim_key(ALS_NOT_DD)}",
        "evidence": f"/evidence/{evidence_key(client)}",
        "article": f"/article/{ARTICLE}",
        "reference": f"/reference/{ARTICLE}-1",
    }


@pytest.mark.parametrize("kind", ["entity", "claim", "evidence", "article", "reference"])
def test_jsonld_expanded_with_pyld_is_the_same_graph_as_each_rdf_format(
    client: FlaskClient, kind: str
) -> None:
    path = resource_paths(client)[kind]
    response = client.get(path, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    from_jsonld = jsonld.to_graph(json.loads(response.data))
    assert len(from_jsonld) > 10
    # a client using rdflib's own JSON-LD parser reads the same triples
    assert isomorphic(from_jsonld, Graph().parse(data=response.data, format="json-ld"))
    for name, (media_type, parser) in RDF_FORMATS.items():
        r = client.get(path, headers={"Accept": media_type})
        assert r.status_code == 200 and r.mimetype == media_type, name
        other = Graph().parse(data=r.data, format=parser)
        assert isomorphic(from_jsonld, other), f"{kind}: JSON-LD and {name} differ"


@pytest.mark.parametrize("kind", ["entity", "claim", "evidence", "article", "reference"])
def test_every_kind_renders_an_html_page_for_browsers(client: FlaskClient, kind: str) -> None:
    path = resource_paths(client)[kind]
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(path, headers={"Accept": browser})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html5lib.HTMLParser(strict=True).parse(response.data)  # raises on any HTML parse error
    page = PageCheck.parse(response.get_data(as_text=True))
    assert page.lang == "en" and page.title and page.h1
    assert page.unclosed == [] and page.mismatched == []
    if kind in ("entity", "claim", "evidence"):
        text = response.get_data(as_text=True)
        assert '<article class="claim">' in text and "<blockquote" in text
    levels = page.heading_levels
    assert levels[0] == 1 and all(b <= a + 1 for a, b in itertools.pairwise(levels))


class PageCheck(HTMLParser):
    """Enough of an HTML checker: balanced elements, a language, a title and one h1."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.mismatched: list[str] = []
        self.lang = ""
        self.title = ""
        self.h1 = ""
        self.heading_levels: list[int] = []
        self._in: str | None = None

    @classmethod
    def parse(cls, text: str) -> PageCheck:
        page = cls()
        page.feed(text)
        page.close()
        return page

    @property
    def unclosed(self) -> list[str]:
        return self.stack

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        if tag in ("title", "h1"):
            self._in = tag
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.heading_levels.append(int(tag[1]))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self._in = None
        if not self.stack or self.stack[-1] != tag:
            self.mismatched.append(tag)
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data


def test_als_entity_document_holds_the_negated_demyelinating_claim_with_quote_and_refs(
    client: FlaskClient,
) -> None:
    doc = client.get(f"/entity/{ALS}", headers={"Accept": "application/json"}).get_json()
    assert doc["label"] == "amyotrophic lateral sclerosis"
    assert "ALS" in doc["exactSynonym"]
    assert {"MONDO:0020128", "MONDO:0005559"} <= set(doc["subClassOf"])  # inferred ancestors
    negated = doc["negatedClaims"]["claimsAsSubject"]
    claim = next(c for c in negated if c["object"] == "MONDO:0002562")
    assert claim["subject"] == ALS and claim["predicate"] == "rdfs:subClassOf"
    assert claim["negated"] is True and claim["modality"] == "Asserted"
    quoted = {
        sel["exact"]: ev
        for ev in claim["evidence"]
        for sel in ev["target"]["selector"]
        if "exact" in sel
    }
    ev = quoted[
        "ALS is fundamentally a disease of axonal degeneration affecting motor neurons, "
        "not a demyelinating disease."
    ]
    refs = {r["referenceNumber"]: r for r in ev["citesAsEvidence"]}
    assert set(refs) == {1, 2} and ev["citationNumber"] == [1, 2]
    assert refs[1]["title"] == "Guideline Directed Topic Overview"
    assert refs[2]["date"] == "2025" and refs[2]["publishedIn"].startswith("Praxis")
    labels = {n["@id"]: n.get("label") for n in doc["@included"]}
    assert labels["rdfs:subClassOf"] == "is a"
    assert labels["MONDO:0002562"] == "demyelinating disease"
    assert all(c["negated"] is False for c in doc["affirmedClaims"]["claimsAsSubject"])


def test_the_negated_claim_never_appears_affirmed_in_the_entity_turtle(
    client: FlaskClient,
) -> None:
    g = Graph().parse(data=client.get(f"/entity/{ALS}?format=ttl").data, format="turtle")
    als, dd = curie_to_iri(ALS), curie_to_iri("MONDO:0002562")
    assert (als, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), dd) not in g
    claim = URIRef(f"https://w3id.org/medkg/claim/{ALS_NOT_DD.key}")
    assert (claim, MEDKG.negated, Literal(True)) in g
    assert (claim, RDF.subject, als) in g


def test_context_compacts_to_curies_and_plain_booleans(client: FlaskClient) -> None:
    response = client.get("/context.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    ctx = response.get_json()["@context"]
    assert ctx["@version"] == 1.1
    for prefix in ("MONDO", "HP", "GO", "UBERON", "CL", "RO", "ECO"):
        assert ctx[prefix] == {"@id": f"http://purl.obolibrary.org/obo/{prefix}_", "@prefix": True}
    from pyld import jsonld as pyld

    expanded = [
        {
            "@id": "https://w3id.org/medkg/claim/x",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject": [
                {"@id": "http://purl.obolibrary.org/obo/MONDO_0004976"}
            ],
            "https://w3id.org/medkg/negated": [{"@value": False}],
        }
    ]
    compacted = pyld.compact(expanded, {"@context": ctx})
    assert compacted["subject"] == "MONDO:0004976"
    assert compacted["negated"] is False


def test_article_and_reference_list_what_points_at_them(client: FlaskClient) -> None:
    article = client.get(f"/article/{ARTICLE}").get_json()
    assert len(article["quotedBy"]) > 30 and all(
        q.startswith("medkg:evidence/") for q in article["quotedBy"]
    )
    assert [r["referenceNumber"] for r in article["reference"]] == [1, 2, 3, 4, 5]
    assert "UnresolvedCitation" in article["qcFlag"]  # the article cites 6 but lists 5
    ref = client.get(f"/reference/{ARTICLE}-1").get_json()
    assert ref["referencedBy"][0]["@id"] == f"medkg:article/{ARTICLE}"
    assert ref["citedBy"] and ref["qcFlag"] == ["SelfCitation"]


def test_claim_document_shape_is_stable_across_requests(client: FlaskClient) -> None:
    path = f"/claim/{ALS_NOT_DD.key}"
    first, second = client.get(path).data, client.get(path).data
    assert first == second
    doc = json.loads(first)
    assert doc["@id"] == f"medkg:claim/{ALS_NOT_DD.key}" and "Claim" in doc["@type"]
    assert isinstance(doc["evidence"], list) and isinstance(doc["evidence"][0], dict)


def test_entity_by_full_iri_is_a_303_to_the_curie(client: FlaskClient) -> None:
    iri = "http://purl.obolibrary.org/obo/MONDO_0004976"
    for path in (f"/entity/{iri}", f"/entity/?iri={iri}&format=ttl"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["Location"].startswith(f"/entity/{ALS}")
    assert client.get(f"/entity/?iri={iri}&format=ttl").headers["Location"].endswith("format=ttl")


def test_entity_lookup_of_a_minted_iri_is_a_303_to_its_own_url(client: FlaskClient) -> None:
    iri = f"https://w3id.org/medkg/claim/{ALS_NOT_DD.key}"
    for path in (f"/entity/?iri={iri}", f"/entity/medkg:claim/{ALS_NOT_DD.key}"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"] == f"/claim/{ALS_NOT_DD.key}"
    merged = client.get("/entity/http:/purl.obolibrary.org/obo/MONDO_0004976")
    assert merged.status_code == 303 and merged.headers["Location"] == f"/entity/{ALS}"


def test_documents_can_be_read_by_other_sites(client: FlaskClient) -> None:
    response = client.get(f"/entity/{ALS}")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_minted_term_iri_is_a_303_to_its_entity(client: FlaskClient) -> None:
    response = client.get("/term/MEDKG_0000001")
    assert response.status_code == 303 and response.headers["Location"] == "/entity/MEDKG:0000001"
    doc = client.get("/entity/MEDKG:0000001").get_json()
    assert doc["label"] == "glutamate excitotoxicity"


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/entity/MONDO:9999999", "medkg knows nothing about MONDO:9999999"),
        ("/entity/NOPE:1", "prefix 'NOPE' is not one medkg knows"),
        ("/claim/0000", "no claim"),
        ("/evidence/0000", "no evidence"),
        ("/article/nope", "no article"),
        ("/reference/nope-1", "no reference"),
        ("/term/XYZ", "no term"),
    ],
)
def test_unknown_resources_are_404_with_a_helpful_message(
    client: FlaskClient, path: str, says: str
) -> None:
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    body = response.get_json()
    assert says in body["error"] and body["hint"]


def test_unknown_curie_prefix_hint_lists_the_known_prefixes(client: FlaskClient) -> None:
    body = client.get("/entity/NOPE:1").get_json()
    assert "MONDO" in body["hint"] and "HP" in body["hint"]


@pytest.mark.parametrize(
    ("query", "accept"), [("?format=pdf", None), ("", "image/png"), ("", "application/pdf")]
)
def test_unknown_formats_are_406_listing_what_is_offered(
    client: FlaskClient, query: str, accept: str | None
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get(f"/entity/{ALS}{query}", headers=headers)
    assert response.status_code == 406
    hint = response.get_json()["hint"] if response.is_json else response.get_data(as_text=True)
    for offered in ("application/ld+json", "text/turtle", "application/n-triples", "text/html"):
        assert offered in hint


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/ld+json"),
        ("application/json", "application/ld+json"),
        ("*/*", "application/ld+json"),
        ("text/turtle;q=0.9, application/rdf+xml", "application/rdf+xml"),
        ("text/turtle, application/ld+json;q=0.5", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
    ],
)
def test_negotiation_honours_q_values(
    client: FlaskClient, accept: str | None, expected: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get(f"/reference/{ARTICLE}-2", headers=headers)
    assert response.status_code == 200 and response.mimetype == expected
    assert "Accept" in response.headers["Vary"]


def test_format_parameter_wins_over_accept(client: FlaskClient) -> None:
    response = client.get(f"/article/{ARTICLE}?format=nt", headers={"Accept": "text/html"})
    assert response.mimetype == "application/n-triples"


def test_etag_and_last_modified_give_304(client: FlaskClient) -> None:
    path = f"/claim/{ALS_NOT_DD.key}"
    first = client.get(path)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    other_format = client.get(path, headers={"If-None-Match": etag, "Accept": "text/turtle"})
    assert other_format.status_code == 200 and other_format.headers["ETag"] != etag
    stale = client.get(path, headers={"If-None-Match": '"older-jsonld"'})
    assert stale.status_code == 200


def test_etag_is_tied_to_the_dataset_version(app: Any, client: FlaskClient) -> None:
    etag = client.get(f"/article/{ARTICLE}").headers["ETag"]
    assert app.extensions["medkg"].version in etag


def test_large_neighbourhoods_paginate(settings: Any, built_store: Any) -> None:
    from medkg.web import create_app

    small = create_app(settings.replace(page_size=10), built_store).test_client()
    first = small.get(f"/entity/{ALS}").get_json()
    total = first["view"]["totalItems"]
    assert total > 20
    seen: list[str] = []
    page, doc = 1, first
    while True:
        claims = [c for g in jsonld.NEST_KEYS for d in doc[g].values() for c in d]
        assert 0 < len(claims) <= 10
        seen += [c["@id"] for c in claims]
        if "next" not in doc["view"]:
            break
        assert doc["view"]["next"].endswith(f"?page={page + 1}")
        page += 1
        doc = small.get(f"/entity/{ALS}?page={page}").get_json()
    assert len(seen) == len(set(seen)) == total
    assert doc["view"]["previous"].endswith(f"?page={page - 1}")
    assert small.get(f"/entity/{ALS}?page={page + 1}").status_code == 404
    assert small.get(f"/entity/{ALS}?page=zero").status_code == 400


def test_turtle_uses_the_curie_prefixes(client: FlaskClient) -> None:
    text = client.get(f"/entity/{ALS}?format=ttl").get_data(as_text=True)
    assert "@prefix MONDO:" in text or "PREFIX MONDO:" in text


def test_documents_are_canonical_per_version(client: FlaskClient) -> None:
    a = Graph().parse(data=client.get(f"/article/{ARTICLE}?format=ttl").data, format="turtle")
    b = Graph().parse(data=client.get(f"/article/{ARTICLE}?format=nt").data, format="nt")
    assert to_isomorphic(a) == to_isomorphic(b)


@pytest.fixture(scope="module")
def contradicted(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """The seed plus one claim that affirms what the headline denies: a contradiction group."""
    from medkg.build import build_into
    from medkg.config import load_settings
    from medkg.store import open_store
    from medkg.web import create_app

    from .conftest import ROOT

    root = tmp_path_factory.mktemp("contradicted")
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, root / part)
    claims = root / "data" / "claims" / f"{ARTICLE}.yaml"
    claims.write_text(
        claims.read_text(encoding="utf-8")
        + "\n- id: test-als-is-demyelinating\n  subject: MONDO:0004976\n"
        "  predicate: rdfs:subClassOf\n  object: MONDO:0002562\n  negated: false\n"
        "  quote: ALS is NOT a Demyelinating Disease\n  citations: []\n",
        encoding="utf-8",
    )
    settings = load_settings(env={}, root=str(root), store="oxigraph:")
    store = open_store("oxigraph:", root)
    build_into(store, settings)
    return create_app(settings, store).test_client()


def test_contradiction_group_dereferences_with_both_polarities(contradicted: FlaskClient) -> None:
    claim = contradicted.get(f"/claim/{ALS_NOT_DD.key}").get_json()
    assert "Contradicted" in claim["qcFlag"]
    (group,) = claim["contradictionGroup"]
    assert group["@type"] == ["ContradictionGroup"] and len(group["member"]) == 1  # the other one
    path = "/" + group["@id"].removeprefix("medkg:")
    doc = contradicted.get(path).get_json()
    assert doc["@type"] == ["ContradictionGroup"] and doc["count"] == 2
    assert sorted(m["negated"] for m in doc["member"]) == [False, True]
    assert all(m["evidence"][0]["target"]["selector"] for m in doc["member"])
    turtle = Graph().parse(data=contradicted.get(path + "?format=ttl").data, format="turtle")
    assert isomorphic(jsonld.to_graph(doc), turtle)
    assert contradicted.get("/contradiction/0000").status_code == 404


def test_vocabulary_terms_and_named_graphs_dereference(client: FlaskClient) -> None:
    response = client.get("/Claim")
    assert response.status_code == 303 and response.headers["Location"] == "/entity/medkg:Claim"
    assert client.get("/entity/medkg:Claim").get_json()["label"] == "claim"
    assert client.get("/no-such-thing").status_code == 404
    qc = Graph().parse(data=client.get("/graph/qc?format=ttl").data, format="turtle")
    flagged = URIRef(f"https://w3id.org/medkg/reference/{ARTICLE}-1")
    assert (flagged, MEDKG.qcFlag, MEDKG.SelfCitation) in qc
    as_jsonld = jsonld.to_graph(client.get("/graph/qc").get_json())
    assert isomorphic(qc, as_jsonld)
    assert client.get("/graph/nope").status_code == 404


def test_response_cache_serves_what_a_fresh_build_would(
    settings: Any, built_store: Any, client: FlaskClient
) -> None:
    from medkg.web import create_app

    uncached = create_app(settings.replace(document_cache=0), built_store).test_client()
    for path in (f"/entity/{ALS}?format=ttl", f"/entity/{ALS}?page=1", f"/article/{ARTICLE}"):
        first, again = client.get(path).data, client.get(path).data
        assert first == again == uncached.get(path).data


def test_response_cache_is_per_dataset_version(app: Any, client: FlaskClient) -> None:
    path = f"/claim/{ALS_NOT_DD.key}"
    before = client.get(path)
    app.extensions["medkg"].version = "another-version"
    after = client.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's Dataset internals
def test_documents_are_the_same_on_every_store_backend(settings: Any, client: FlaskClient) -> None:
    from medkg.web import create_app

    memory = create_app(settings.replace(store="memory:")).test_client()
    for kind, path in resource_paths(client).items():
        for fmt in ("jsonld", "nt"):
            a, b = client.get(f"{path}?format={fmt}"), memory.get(f"{path}?format={fmt}")
            assert a.status_code == b.status_code == 200, (kind, fmt)
            if fmt == "jsonld":
                assert a.get_json() == b.get_json(), kind
            else:
                assert isomorphic(
                    Graph().parse(data=a.data, format="nt"), Graph().parse(data=b.data, format="nt")
                )


def test_a_deployment_with_its_own_base_iri_serves_the_same_documents(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from medkg.build import build_into
    from medkg.config import load_settings
    from medkg.store import open_store
    from medkg.web import create_app

    from .conftest import ROOT

    base = "http://kg.example.org/"
    settings = load_settings(env={}, root=str(ROOT), store="oxigraph:", base_iri=base)
    store = open_store("oxigraph:", ROOT)
    build_into(store, settings)
    client = create_app(settings, store).test_client()
    doc = client.get(f"/claim/{ALS_NOT_DD.key}").get_json()
    assert doc["@id"] == f"data:claim/{ALS_NOT_DD.key}" and doc["negated"] is True
    assert doc["evidence"][0]["source"] == f"data:article/{ARTICLE}"
    turtle = Graph().parse(data=client.get(f"/claim/{ALS_NOT_DD.key}?format=ttl").data)
    assert isomorphic(jsonld.to_graph(doc), turtle)
    assert (URIRef(f"{base}claim/{ALS_NOT_DD.key}"), MEDKG.negated, Literal(True)) in turtle
    entity = client.get(f"/entity/{ALS}").get_json()
    assert entity["negatedClaims"]["claimsAsSubject"]
    assert entity["view"]["@id"] == f"data:entity/{ALS}?page=1"
