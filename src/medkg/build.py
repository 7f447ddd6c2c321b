"""Build ``ontology/`` + ``data/`` into the named graphs; build aside, swap in only if valid."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF
from rdflib.term import Node

from medkg.config import Settings
from medkg.curation.load import ClaimFile, load_claim_files, require_clean
from medkg.curation.terms import Suggestions, declared_terms, unknown_curies
from medkg.errors import StoreError
from medkg.firstpages import write_side_index
from medkg.model import Article, Claim, merge_claims
from medkg.rdf.derive import iter_qc_quads, iter_truthy_quads
from medkg.rdf.encode import Quad, iter_article_quads, iter_graph_quads
from medkg.rdf.ontology import read_ontology
from medkg.reasoning import iter_inferred_quads
from medkg.store.base import Store
from medkg.summaries import stored_version
from medkg.vocab import MEDKG, Minter

log = logging.getLogger(__name__)


@dataclass
class BuiltDataset:
    """Everything one build produced, graph by graph, and the dataset's version."""

    graphs: dict[URIRef, list[Quad]] = field(default_factory=dict)
    articles: list[tuple[Article, list[Claim]]] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    version: str = ""

    def content_hash(self) -> str:
        """A hash of every quad built so far, independent of order."""
        digest = hashlib.sha256()
        for g in sorted(self.graphs):
            for line in sorted(" ".join(_stable(t) for t in q[:3]) for q in self.graphs[g]):
                digest.update(f"{g} {line}\n".encode())
        return digest.hexdigest()[:16]

    def union(self) -> Graph:
        """Every graph built so far as one rdflib Graph (what the SPARQL default graph sees)."""
        union = Graph()
        for quads in self.graphs.values():
            for s, p, o, _ in quads:
                union.add((s, p, o))
        return union

    def quad_count(self) -> int:
        return sum(len(q) for q in self.graphs.values())


def _stable(term: Node) -> str:
    """A term's N3, with blank-node labels (new at every parse) left out."""
    return "_:" if isinstance(term, BNode) else term.n3()


SHAPES = "shapes.ttl"


def ontology_paths(root: Path) -> list[Path]:
    """The ontology's Turtle files, then its SSSOM mapping files; the SHACL shapes describe the
    data and stay out of it."""
    folder = root / "ontology"
    turtle = sorted(p for p in folder.glob("*.ttl") if p.name != SHAPES)
    return turtle + sorted(folder.glob("*.sssom.tsv"))


def shapes_path(root: Path) -> Path:
    return root / "ontology" / SHAPES


def claim_paths(root: Path) -> list[Path]:
    return sorted((root / "data" / "claims").glob("*.yaml"))


def input_paths(root: Path) -> list[Path]:
    """The curated files a build reads: the ontology, claim files, article texts and the
    registry of curated sources (whose files carry their own sha256 in it)."""
    articles = sorted((root / "data" / "articles").glob("*.txt"))
    sources = [p for p in [root / "data" / "sources.yaml"] if p.is_file()]
    mappings = sorted((root / "ontology").glob("*.sssom.tsv"))
    return ontology_paths(root) + mappings + claim_paths(root) + articles + sources


def input_fingerprint(root: Path) -> str | None:
    """A hash of every curated file's path and bytes (None when there are none), recorded by
    each build so a server can tell that the files changed since (``medkg:inputFingerprint``)."""
    paths = input_paths(root)
    if not paths:
        return None
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        with path.open("rb") as f:
            digest.update(hashlib.file_digest(f, "sha256").digest())
    return digest.hexdigest()[:32]


def recorded_fingerprint(store: Store, settings: Settings) -> str | None:
    """The input fingerprint the store's last build recorded, or None."""
    ds = URIRef(Minter(settings.base_iri).base + "dataset")
    q = f"SELECT ?f WHERE {{ {ds.n3()} {MEDKG.inputFingerprint.n3()} ?f }} LIMIT 1"
    rows = list(store.query(q).rows)
    return str(rows[0][0]) if rows and rows[0][0] is not None else None


def build_dataset(settings: Settings) -> BuiltDataset:
    """Read and check every curated file and encode the dataset; raises BuildError on bad input."""
    root = settings.root_path
    ontology = read_ontology(ontology_paths(root))
    files = load_claim_files(claim_paths(root), root)
    terms = declared_terms(ontology)
    suggestions = Suggestions(terms)
    for f in files:
        if not f.problems:  # the same CURIE check as `medkg validate`: a build accepts no less
            f.problems.extend(unknown_curies(f, terms, suggestions))
    require_clean(files)
    return encode_dataset(settings, ontology, files)


def encode_dataset(settings: Settings, ontology: Graph, files: list[ClaimFile]) -> BuiltDataset:
    """Encode checked input (clean claim files) into every named graph."""
    mint = Minter(settings.base_iri)
    built = BuiltDataset()
    built.graphs[mint.graph("ontology")] = list(iter_graph_quads(ontology, mint.graph("ontology")))
    for f in files:
        assert f.article is not None  # require_clean guarantees it
        built.articles.append((f.article, f.claims))
        g = mint.source_graph(f.article.id)
        built.graphs[g] = list(iter_article_quads(f.article, f.claims, mint))
    built.claims = merge_claims([c for _, cs in built.articles for c in cs])
    built.graphs[mint.graph("truthy")] = list(iter_truthy_quads(built.claims, mint))
    built.graphs[mint.graph("qc")] = list(iter_qc_quads(built.articles, built.claims, mint))
    built.graphs[mint.graph("inferred")] = list(_inferred(built, mint))
    built.version = built.content_hash()
    fingerprint = input_fingerprint(settings.root_path)
    built.graphs[mint.graph("build")] = list(_build_info(built, mint, fingerprint))
    return built


def _inferred(built: BuiltDataset, mint: Minter) -> Iterator[Quad]:
    """The reasoner's layer: hierarchy closure and inherited types over everything built."""
    return iter_inferred_quads(built.union(), mint.graph("inferred"))


def _build_info(built: BuiltDataset, mint: Minter, fingerprint: str | None) -> Iterator[Quad]:
    g = mint.graph("build")
    ds = URIRef(mint.base + "dataset")
    yield ds, RDF.type, URIRef("http://rdfs.org/ns/void#Dataset"), g
    yield ds, MEDKG.version, Literal(built.version), g
    if fingerprint:
        yield ds, MEDKG.inputFingerprint, Literal(fingerprint), g
    yield ds, URIRef("http://rdfs.org/ns/void#triples"), Literal(built.quad_count()), g
    for article, _ in built.articles:
        yield ds, DCTERMS.source, mint.article(article.id), g


def build_into(store: Store, settings: Settings, built: BuiltDataset | None = None) -> BuiltDataset:
    """Build aside (or take a dataset already built), then replace every medkg graph in one
    atomic swap."""
    built = built or build_dataset(settings)
    store.replace_graphs(built.graphs, drop_prefix=Minter(settings.base_iri).graph(""))
    write_side_index(store, settings, built.version)  # the write above removed the last build's
    log.info(
        "built %d quads in %d graphs (version %s)",
        built.quad_count(),
        len(built.graphs),
        built.version,
    )
    return built


def ensure_built(store: Store, settings: Settings) -> None:
    """Build the dataset into an empty store; leave a store that has data alone (asked, not
    counted: counting scans the store, 7 s at a million claims). The default graph is asked
    first: medkg's stores keep it (the set union of the graphs), and Oxigraph answers an ASK
    of it at once, while ``GRAPH ?g`` took 6-7 s at a million claims; a store that keeps only
    named graphs (an older medkg's) is asked those after."""
    if not (
        store.query("ASK { ?s ?p ?o }").boolean
        or store.query("ASK { GRAPH ?g { ?s ?p ?o } }").boolean
    ):
        if not store.capabilities.supports_update:
            raise StoreError(
                f"the store {store.selector} is empty and read-only: nothing can be built into it",
                hint="build where the store can be written, then serve that folder read-only",
            )
        build_into(store, settings)


def dataset_size(store: Store, settings: Settings) -> int | None:
    """The number of quads the last build recorded (``void:triples``), or None if unbuilt."""
    ds = URIRef(Minter(settings.base_iri).base + "dataset")
    void = URIRef("http://rdfs.org/ns/void#triples")
    result = store.query(f"SELECT ?n WHERE {{ {ds.n3()} {void.n3()} ?n }} LIMIT 1")
    rows = list(result.rows)
    return int(str(rows[0][0])) if rows and rows[0][0] is not None else None


def dataset_version(store: Store, settings: Settings) -> str | None:
    """The version recorded by the last build, or None for an unbuilt store."""
    return stored_version(store, Minter(settings.base_iri).base)


def dataset_sources(store: Store) -> list[dict[str, str]]:
    """The curated sources in the store (``medkg:Source``) with the attribution each requires,
    for ``/health`` and the service description."""
    result = store.query(
        f"""SELECT ?source ?title ?version ?license ?attribution WHERE {{
          ?source a {MEDKG.Source.n3()} ; <{DCTERMS.title}> ?title ;
            <http://purl.org/pav/version> ?version ; <{DCTERMS.license}> ?license ;
            {MEDKG.attribution.n3()} ?attribution }} ORDER BY ?source"""
    )
    keys = ("source", "title", "release", "license", "attribution")
    return [dict(zip(keys, map(str, row), strict=True)) for row in result.rows]
