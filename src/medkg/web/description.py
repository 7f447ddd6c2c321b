"""The SPARQL 1.1 Service Description served by ``GET /sparql`` without a query."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, Namespace

from medkg.build import dataset_sources
from medkg.config import Settings
from medkg.store import Store
from medkg.store.base import default_graph_size, graph_sizes
from medkg.vocab import MEDKG, PAV, SD

VOID = Namespace("http://rdfs.org/ns/void#")
W3F = Namespace("http://www.w3.org/ns/formats/")
RESULT_FORMATS = (
    "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
    "Turtle", "N-Triples", "RDF_XML", "JSON-LD", "N-Quads", "TriG",
)  # fmt: skip


def service_description(endpoint: str, store: Store, settings: Settings) -> Graph:
    """What this endpoint speaks, its formats and features, and the dataset it serves."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("formats", W3F)
    service = URIRef(endpoint + "#service")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if settings.update_token:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    for name in RESULT_FORMATS:
        g.add((service, SD.resultFormat, W3F[name]))
    dataset = BNode("dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(default_graph_size(store))))
    for source in dataset_sources(store):  # curated sources and the acknowledgement they ask
        node = URIRef(source["source"])
        g.add((dataset, DCTERMS.source, node))
        g.add((node, DCTERMS.title, Literal(source["title"])))
        g.add((node, PAV.version, Literal(source["release"])))
        g.add((node, DCTERMS.license, URIRef(source["license"])))
        g.add((node, MEDKG.attribution, Literal(source["attribution"])))
    for name, size in sorted(graph_sizes(store).items()):
        named = BNode()
        graph = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, name))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(size)))
    return g
