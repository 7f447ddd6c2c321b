"""Bulk export (``medkg export``, ``GET /dump``) and nanopublications of one article."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.term import Node

from medkg.cli import cli
from medkg.config import Settings
from medkg.documents import with_decimal_point
from medkg.model import Claim
from medkg.rdf import jsonld
from medkg.store import Store
from medkg.vocab import MEDKG, NP, curie_to_iri

from .conftest import ROOT

ARTICLE = "als-demyelinating-or-axonal"
ALS_NOT_DD = Claim("MONDO:0004976", "rdfs:subClassOf", "MONDO:0002562", negated=True)


def store_graphs(store: Store) -> dict[Node, Graph]:
    """Each named graph of the store as an rdflib Graph."""
    out: dict[Node, Graph] = {}
    for g in store.graph_names():
        result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {g.n3()} {{ ?s ?p ?o }} }}")
        out[g] = Graph()
        for s, p, o in result.triples:
            out[g].add((s, p, with_decimal_point(o)))  # as documents and dumps write them
    return out


def dataset_graphs(ds: Dataset) -> dict[Node, Graph]:
    out: dict[Node, Graph] = defaultdict(Graph)
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        if str(name) != "urn:x-rdflib:default":
            out[name].add((s, p, o))
    return dict(out)


def same_graphs(a: dict[Node, Graph], b: dict[Node, Graph]) -> bool:
    """Same graph names, and each graph the same up to blank-node labels."""
    return set(a) == set(b) and all(isomorphic(a[name], b[name]) for name in a)


def union(graphs: dict[Node, Graph]) -> Graph:
    out = Graph()
    for g in graphs.values():
        out += g
    return out


@pytest.mark.parametrize(("fmt", "parser"), [("nq", "nquads"), ("trig", "trig")])
def test_dump_holds_every_quad_of_the_store(
    client: FlaskClient, built_store: Store, fmt: str, parser: str
) -> None:
    response = client.get(f"/dump?format={fmt}")
    assert response.status_code == 200 and response.is_streamed
    ds = Dataset()
    ds.parse(data=response.data, format=parser)
    assert same_graphs(dataset_graphs(ds), store_graphs(built_store))


def test_dump_jsonld_expands_to_every_quad(client: FlaskClient, built_store: Store) -> None:
    response = client.get("/dump", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    expanded = jsonld.to_dataset(json.loads(response.data))
    assert same_graphs(dataset_graphs(expanded), store_graphs(built_store))


@pytest.mark.parametrize(("fmt", "parser"), [("ttl", "turtle"), ("nt", "nt")])
def test_dump_as_triples_is_the_union_of_the_graphs(
    client: FlaskClient, built_store: Store, fmt: str, parser: str
) -> None:
    g = Graph().parse(data=client.get(f"/dump?format={fmt}").data, format=parser)
    assert isomorphic(union(store_graphs(built_store)), g)


def test_dump_defaults_to_nquads_and_refuses_what_it_cannot_write(client: FlaskClient) -> None:
    assert client.get("/dump").mimetype == "application/n-quads"
    response = client.get("/dump", headers={"Accept": "application/pdf"})
    assert response.status_code == 406 and "application/n-quads" in response.get_json()["hint"]


def test_dump_is_cached_by_version(client: FlaskClient) -> None:
    etag = client.get("/dump").headers["ETag"]
    assert client.get("/dump", headers={"If-None-Match": etag}).status_code == 304


def test_dataset_iri_is_a_303_to_the_dump(client: FlaskClient) -> None:
    response = client.get("/dataset")
    assert response.status_code == 303 and response.headers["Location"] == "/dump"


@pytest.mark.parametrize("fmt", ["nq", "trig", "ttl", "jsonld"])
def test_cli_export_writes_the_dataset(tmp_path: Path, settings: Settings, fmt: str) -> None:
    out = tmp_path / f"dump.{fmt}"
    result = CliRunner().invoke(
        cli,
        ["--root", str(ROOT), "--store", "oxigraph:", "export", "--format", fmt, "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    if fmt == "jsonld":
        ds = jsonld.to_dataset(json.loads(out.read_text(encoding="utf-8")))
    else:
        ds = Dataset()
        ds.parse(out, format={"nq": "nquads", "trig": "trig", "ttl": "turtle"}[fmt])
    claim = URIRef(f"https://w3id.org/medkg/claim/{ALS_NOT_DD.key}")
    assert any(True for _ in ds.quads((claim, RDF.subject, curie_to_iri("MONDO:0004976"), None)))


# --- nanopublications ---------------------------------------------------------------------------


def nanopub_check(ds: Dataset) -> dict[URIRef, list[str]]:
    """The validity rules of nanopublications (as nanopub-java checks them), per nanopub.

    Returns each nanopub with the rules it breaks; a valid export gives empty lists.
    """
    graphs: dict[URIRef, Graph] = {}
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        if str(name) == "urn:x-rdflib:default":
            raise AssertionError(f"triple outside any graph: {s} {p} {o}")
        graphs.setdefault(name, Graph()).add((s, p, o))
    heads = {
        name: g
        for name, g in graphs.items()
        if any(True for _ in g.triples((None, RDF.type, NP.Nanopublication)))
    }
    claimed: set[URIRef] = set()
    report: dict[URIRef, list[str]] = defaultdict(list)
    for head_name, head in heads.items():
        nps = list(head.subjects(RDF.type, NP.Nanopublication))
        np = nps[0]
        problems = report[np]
        if len(nps) != 1:
            problems.append("head graph must type exactly one np:Nanopublication")
        parts = {}
        for prop in (NP.hasAssertion, NP.hasProvenance, NP.hasPublicationInfo):
            values = list(head.objects(np, prop))
            if len(values) != 1:
                problems.append(f"exactly one {prop} required, found {len(values)}")
            parts[prop] = values[0] if values else None
        if len(head) != 4:
            problems.append(f"head graph must hold only the 4 head triples, has {len(head)}")
        names = [head_name, *parts.values()]
        if len(set(names)) != 4 or np in names:
            problems.append("head, assertion, provenance, pubinfo must be 4 distinct graphs")
        if any(not isinstance(n, URIRef) for n in names):
            problems.append("graph names must be IRIs")
        for prop, name in parts.items():
            if name is not None and not len(graphs.get(name, Graph())):
                problems.append(f"graph of {prop} is missing or empty")
        assertion, provenance, pubinfo = (parts[p] for p in list(parts))
        if provenance is not None and not any(
            True for _ in graphs.get(provenance, Graph()).triples((assertion, None, None))
        ):
            problems.append("provenance says nothing about the assertion")
        if pubinfo is not None and not any(
            True for _ in graphs.get(pubinfo, Graph()).triples((np, None, None))
        ):
            problems.append("pubinfo says nothing about the nanopublication")
        claimed |= {n for n in names if isinstance(n, URIRef)}
    stray = set(graphs) - claimed
    if stray:
        report[URIRef("urn:stray")].append(f"graphs in no nanopublication: {sorted(stray)}")
    return dict(report)


def nanopubs(client: FlaskClient, fmt: str = "trig") -> Dataset:
    response = client.get(f"/article/{ARTICLE}/nanopubs?format={fmt}")
    assert response.status_code == 200
    if fmt == "jsonld":
        return jsonld.to_dataset(json.loads(response.data))
    ds = Dataset()
    ds.parse(data=response.data, format={"trig": "trig", "nq": "nquads"}[fmt])
    return ds


@pytest.mark.parametrize("fmt", ["trig", "nq", "jsonld"])
def test_article_nanopubs_pass_the_validity_rules(client: FlaskClient, fmt: str) -> None:
    report = nanopub_check(nanopubs(client, fmt))
    assert len(report) > 30  # one per claim of the seed article
    assert {np: problems for np, problems in report.items() if problems} == {}


def test_nanopub_check_catches_broken_nanopubs(client: FlaskClient) -> None:
    ds = nanopubs(client)
    np_iri = next(s for s, _, _, _ in ds.quads((None, RDF.type, NP.Nanopublication, None)))
    head = URIRef(f"{np_iri}#Head")
    provenance = URIRef(f"{np_iri}#provenance")
    ds.remove_graph(ds.graph(provenance))
    ds.graph(head).add((np_iri, MEDKG.extra, MEDKG.triple))
    ds.graph(URIRef("urn:elsewhere")).add((np_iri, MEDKG.stray, MEDKG.triple))
    problems = nanopub_check(ds)
    assert any("missing or empty" in p for p in problems[np_iri])
    assert any("only the 4 head triples" in p for p in problems[np_iri])
    assert any("urn:elsewhere" in p for p in problems[URIRef("urn:stray")])


def test_negated_claim_nanopub_asserts_the_negation_not_the_triple(client: FlaskClient) -> None:
    ds = nanopubs(client)
    np = URIRef(f"https://w3id.org/medkg/np/{ARTICLE}/{ALS_NOT_DD.key}")
    assertion = ds.graph(URIRef(f"{np}#assertion"))
    claim = URIRef(f"https://w3id.org/medkg/claim/{ALS_NOT_DD.key}")
    assert (claim, MEDKG.negated, None) in assertion
    bare = (curie_to_iri("MONDO:0004976"), None, curie_to_iri("MONDO:0002562"))
    assert not any(True for _ in ds.quads((*bare, None)))
    provenance = ds.graph(URIRef(f"{np}#provenance"))
    quotes = {str(o) for o in provenance.objects(None, URIRef("http://www.w3.org/ns/oa#exact"))}
    assert "ALS is NOT a Demyelinating Disease" in quotes


def test_one_nanopub_by_its_iri(client: FlaskClient) -> None:
    response = client.get(f"/np/{ARTICLE}/{ALS_NOT_DD.key}?format=nq")
    assert response.status_code == 200
    ds = Dataset()
    ds.parse(data=response.data, format="nquads")
    assert list(nanopub_check(ds)) == [
        URIRef(f"https://w3id.org/medkg/np/{ARTICLE}/{ALS_NOT_DD.key}")
    ]
    assert client.get(f"/np/{ARTICLE}/nope").status_code == 404
    assert client.get("/article/nope/nanopubs").status_code == 404


def test_cli_exports_nanopubs(tmp_path: Path) -> None:
    out = tmp_path / "np.trig"
    args = ["--root", str(ROOT), "--store", "oxigraph:", "export", "--format", "trig"]
    result = CliRunner().invoke(cli, [*args, "--nanopubs", ARTICLE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    ds = Dataset()
    ds.parse(out, format="trig")
    assert not any(nanopub_check(ds).values())
