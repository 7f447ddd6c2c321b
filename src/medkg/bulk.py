"""Bulk build for large corpora: stream article by article to one N-Quads file, then load it with
the store's bulk loader into a fresh store and swap it in.

Memory stays bounded as the corpus grows: one article is in memory at a time; the derived truthy
graph is written per claim (the store keeps one copy of a repeated triple); contradiction groups,
the only cross-article derivation, are grouped in an on-disk SQLite table. Broken input changes
nothing: every file is checked before the store is touched.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from medkg import __version__
from medkg.build import claim_paths, input_fingerprint, ontology_paths
from medkg.config import Settings
from medkg.curation.fast import load_claim_file_fast
from medkg.curation.load import load_claim_file
from medkg.curation.terms import Suggestions, declared_terms, has_unknown_curie, unknown_curies
from medkg.errors import BuildError, MedkgError
from medkg.firstpages import write_side_index
from medkg.model import Article, Claim
from medkg.rdf.derive import contradiction_key, iter_article_qc_quads
from medkg.rdf.encode import Quad, iter_article_quads, iter_graph_quads
from medkg.rdf.mappings import exact_match_representatives
from medkg.rdf.ontology import read_ontology
from medkg.reasoning import closure, edges_of, iter_inferred_quads
from medkg.store.base import Store, Streaming
from medkg.store.leftovers import temporary_folder
from medkg.summaries import summaries_from_stage
from medkg.summaries.stage import ClaimStage
from medkg.vocab import MEDKG, Minter, curie_to_iri, to_iri

if TYPE_CHECKING:
    from medkg.curated import SourceResult

log = logging.getLogger(__name__)
VOID = "http://rdfs.org/ns/void#"
MAX_SHOWN = 50
HIERARCHY = (RDFS.subClassOf, RDFS.subPropertyOf, SKOS.exactMatch)  # edges kept for inference
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt(term: Node) -> str:
    """A term in N-Triples syntax (rdflib's ``n3()`` may use triple quotes, N-Quads may not).

    >>> nt(Literal('a "b"\\nc'))
    '"a \\\\"b\\\\"\\\\nc"'
    >>> nt(Literal(3))
    '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^<{term.datatype}>"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"cannot write {term!r} as N-Triples")


def write_quads(
    out: IO[str], quads: Iterable[Quad], union: bool = False, stage: ClaimStage | None = None
) -> int:
    """Write quads as N-Quads; with ``union`` each triple goes in the default graph as well
    (for a store that keeps a stored union; the store keeps one copy of a repeated triple),
    and to ``stage`` (the summaries' triples) if given. Returns the number of quads in named
    graphs."""
    n, batch = 0, []
    for quad in quads:
        s, p, o, g = quad
        out.write(quad_lines(f"{nt(s)} {nt(p)} {nt(o)}", g, union))
        n += 1
        if stage is not None:
            batch.append(quad)
            if len(batch) >= 4096:
                stage.add_quads(batch)
                batch.clear()
    if stage is not None:
        stage.add_quads(batch)
    return n


def quad_lines(spo: str, g: URIRef, union: bool) -> str:
    """N-Quads line(s) of one triple (N-Triples terms) in graph ``g``, and in the default graph
    with ``union``."""
    return f"{spo} <{g}> .\n{spo} .\n" if union else f"{spo} <{g}> .\n"


@dataclass
class BulkResult:
    """What a bulk build wrote: counts, the version, and the N-Quads file (if kept)."""

    articles: int = 0
    claims: int = 0
    quads: int = 0
    version: str = ""
    fingerprint: str | None = None  # of the curated files read (build.input_fingerprint)
    nquads: Path | None = None
    encode_seconds: float = 0.0
    load_seconds: float = 0.0
    sources: list[SourceResult] = field(default_factory=list)


class Contradictions:
    """Claims grouped by contradiction key in an on-disk table, not in memory.

    Subjects and objects are compared up to exact matches (``aligned``: IRI -> one IRI per set
    of exact matches), so an article on MONDO:0004976 and a curated source on Orphanet:803
    contradict each other when one affirms what the other denies in the same context. The same
    grouping links a curated source's claim with another source's claim of the same
    proposition, affirmed or denied (``medkg:samePropositionAs``, see ``iter_quads``).
    """

    def __init__(self, path: Path, aligned: dict[str, str] | None = None):
        self.db = sqlite3.connect(path)
        self.db.execute(
            "CREATE TABLE c (ckey TEXT, claim TEXT, negated INTEGER, source TEXT, "
            "curated INTEGER, PRIMARY KEY (ckey, claim))"
        )
        self.aligned = aligned or {}

    def add(self, claims: Iterable[Claim], source: str = "") -> None:
        """Add an article's claims (``source``: the article's id)."""
        self.add_keyed(
            (
                (contradiction_key(c), c.key, c.negated)
                for c in claims
                if not all(e.status == "deprecated" for e in c.evidence)
            ),
            source,
        )

    def add_keyed(
        self,
        rows: Iterable[tuple[Sequence[str | None], str, bool]],
        source: str = "",
        curated: bool = False,
    ) -> None:
        """Add (``contradiction_key``, claim key, negated) rows of one source (an article, or
        a curated source when ``curated``)."""
        self.db.executemany(
            "INSERT OR IGNORE INTO c VALUES (?, ?, ?, ?, ?)",
            (
                (_digest(self._aligned(key)), claim, int(neg), source, int(curated))
                for key, claim, neg in rows
            ),
        )

    def _aligned(self, key: Sequence[str | None]) -> tuple[str | None, ...]:
        s, p, o, *context = key
        return (self.aligned.get(_iri(s), s), p, self.aligned.get(_iri(o), o), *context)

    def iter_quads(self, mint: Minter) -> Iterator[Quad]:
        """The contradiction groups of ``derive.iter_qc_quads``, group by group, then the
        claims of curated sources linked with other sources' claims of the same proposition."""
        g = mint.graph("qc")
        groups = self.db.execute(
            "SELECT ckey FROM c GROUP BY ckey HAVING COUNT(DISTINCT negated) > 1"
        )
        for (ckey,) in groups.fetchall():
            members = self.db.execute("SELECT claim FROM c WHERE ckey = ?", (ckey,))
            keys = sorted(k for (k,) in members)
            node = mint.contradiction(hashlib.sha256("|".join(keys).encode()).hexdigest()[:16])
            yield node, RDF.type, MEDKG.ContradictionGroup, g
            yield node, MEDKG["count"], Literal(len(keys)), g
            for key in keys:
                yield node, MEDKG.member, mint.claim(key), g
                yield mint.claim(key), MEDKG.qcFlag, MEDKG.Contradicted, g
        yield from self.iter_same_propositions(mint)

    def iter_same_propositions(self, mint: Minter) -> Iterator[Quad]:
        """``a medkg:samePropositionAs b`` (both ways) for claims of one contradiction key
        from two sources, one of them curated: the pages' "also stated by" and "denied by"."""
        g, same = mint.graph("qc"), MEDKG.samePropositionAs
        if self.db.execute("SELECT 1 FROM c WHERE curated = 1 LIMIT 1").fetchone() is None:
            return  # an article-only build: no grouping to do
        shared = self.db.execute(
            "SELECT ckey FROM c GROUP BY ckey "
            "HAVING COUNT(DISTINCT source) > 1 AND MAX(curated) = 1"
        )
        for (ckey,) in shared.fetchall():
            members = self.db.execute(
                "SELECT claim, source, curated FROM c WHERE ckey = ? ORDER BY claim", (ckey,)
            ).fetchall()
            for a, source_a, curated_a in members:
                for b, source_b, curated_b in members:
                    if source_a != source_b and (curated_a or curated_b):
                        yield mint.claim(a), same, mint.claim(b), g

    def close(self) -> None:
        self.db.close()


class Inference:
    """The inferred graph of ``reasoning.iter_inferred_quads``, streamed.

    Hierarchy edges (``rdfs:subClassOf``/``subPropertyOf``, from the ontology and the truthy
    graph) are few and kept in memory; every node's told types go to a side file, one line per
    node and article, and are expanded once the whole hierarchy is known.
    """

    def __init__(self, path: Path):
        self.edges = Graph()
        self.path = path
        self.types = path.open("w", encoding="utf-8")

    def add(self, quads: Iterable[Quad]) -> None:
        told: dict[Node, list[str]] = {}
        for s, p, o, _ in quads:
            if p == RDF.type and isinstance(o, URIRef):
                told.setdefault(s, []).append(str(o))
            elif p in HIERARCHY:
                self.edges.add((s, p, o))
        for node, classes in told.items():
            self.types.write(f"{nt(node)}\t{' '.join(classes)}\n")

    def iter_triples(self, g: URIRef) -> Iterator[str]:
        """The triples of the inferred graph ``g``, in N-Triples syntax without the final dot."""
        self.types.close()
        for s, p, o, _ in iter_inferred_quads(self.edges, g):
            yield f"{nt(s)} {nt(p)} {nt(o)}"
        supers = closure(edges_of(self.edges, RDFS.subClassOf))
        implied: dict[str, list[str]] = {}  # told classes -> the types they imply (few kinds)
        with self.path.open(encoding="utf-8") as f:
            for line in f:
                node, _, classes = line.rstrip("\n").partition("\t")
                if (types := implied.get(classes)) is None:
                    told = set(classes.split(" "))
                    inferred = {str(a) for c in told for a in supers.get(URIRef(c), ())} - told
                    types = implied[classes] = [f"<{RDF.type}> <{sup}>" for sup in sorted(inferred)]
                for po in types:
                    yield f"{node} {po}"


@cache
def _iri(term: str | None) -> str:
    """A claim's term (a CURIE or an IRI) as an IRI, to look up its exact matches."""
    try:
        return str(to_iri(term or ""))
    except MedkgError:
        return term or ""


def _digest(key: tuple[str | None, ...]) -> str:
    return hashlib.sha256(repr(key).encode()).hexdigest()[:24]


def iter_derived_quads(article: Article, claims: list[Claim], mint: Minter) -> Iterator[Quad]:
    """Truthy triples and per-article quality flags of one article (see ``rdf.derive``)."""
    truthy = mint.graph("truthy")
    for c in claims:
        if c.is_truthy:
            yield curie_to_iri(c.subject), curie_to_iri(c.predicate), curie_to_iri(c.object), truthy
    yield from iter_article_qc_quads(article, claims, mint)


def input_version(paths: list[Path]) -> str:
    """A hash of every input file's name and bytes (and medkg's version): same input, same id."""
    digest = hashlib.sha256(__version__.encode())
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def encode_corpus(
    settings: Settings,
    out: IO[str],
    workdir: Path,
    progress: Callable[[int, int], None] | None = None,
    union: bool = False,
    stage: ClaimStage | None = None,
) -> BulkResult:
    """Check every curated file and write the dataset as N-Quads; raise BuildError on bad input.

    ``progress(articles, claims)`` is called after each article; with ``union`` every triple is
    written in the default graph as well, for a store with a stored union; every triple goes to
    ``stage`` too, if given (the summaries' triples: see ``medkg.summaries.stage``).
    """
    root = settings.root_path
    mint = Minter(settings.base_iri)
    result = BulkResult()
    onto_paths, paths = ontology_paths(root), claim_paths(root)
    ontology = read_ontology(onto_paths)
    inference = Inference(workdir / "types.tsv")
    onto_quads = list(iter_graph_quads(ontology, mint.graph("ontology")))
    labelled = declared_terms(ontology)
    terms, suggestions = set(labelled), Suggestions(labelled)
    aligned = exact_match_representatives(ontology)
    result.quads += write_quads(out, onto_quads, union, stage)
    inference.add(onto_quads)
    del ontology, onto_quads
    problems: list[MedkgError] = []
    build = mint.graph("build")
    contradictions = Contradictions(workdir / "contradictions.sqlite", aligned)
    try:
        for path in paths:
            f = load_claim_file_fast(path, root)
            if not f.problems and has_unknown_curie(f, terms):  # read again for the positions
                f = load_claim_file(path, root)
                f.problems.extend(unknown_curies(f, terms, suggestions))
            if f.problems or f.article is None:
                problems.extend(f.problems)
                continue
            quads = list(iter_article_quads(f.article, f.claims, mint))
            quads += iter_derived_quads(f.article, f.claims, mint)
            result.quads += write_quads(out, quads, union, stage)
            inference.add(quads)
            contradictions.add(f.claims, f"article/{f.article.id}")
            source = (dataset_iri(mint), DCTERMS.source, mint.article(f.article.id), build)
            result.quads += write_quads(out, [source], union, stage)
            result.articles += 1
            result.claims += len(f.claims)
            if progress:
                progress(1, len(f.claims))
        if problems:
            raise_problems(problems)
        result.sources = _write_sources(root, mint, out, inference, contradictions, union, stage)
        result.quads += sum(s.quads for s in result.sources)
        result.quads += write_quads(out, contradictions.iter_quads(mint), union, stage)
        inferred = mint.graph("inferred")
        staged: list[str] = []
        for spo in inference.iter_triples(inferred):
            out.write(quad_lines(spo, inferred, union))
            result.quads += 1
            if stage is not None:
                staged.append(f"{spo} .")
                if len(staged) >= 4096:
                    stage.add_lines(staged, graph=False)
                    staged.clear()
        if stage is not None:
            stage.add_lines(staged, graph=False)
    finally:
        contradictions.close()
        inference.types.close()
    result.version = input_version(onto_paths + paths + _registry(root))
    result.fingerprint = input_fingerprint(root)
    result.quads += write_quads(out, iter_build_info(result, mint), union, stage)
    return result


def _write_sources(
    root: Path,
    mint: Minter,
    out: IO[str],
    inference: Inference,
    contradictions: Contradictions,
    union: bool,
    stage: ClaimStage | None = None,
) -> list[SourceResult]:
    """The curated sources registered in ``data/sources.yaml`` (see ``medkg.curated``)."""
    from medkg.curated import write_sources

    results = write_sources(root, mint, out, inference, contradictions, union, stage)
    build = mint.graph("build")
    for r in results:
        source = (dataset_iri(mint), DCTERMS.source, mint.source(r.id), build)
        write_quads(out, [source], union, stage)
    return results


def _foreign_graph(store: Store, prefix: str) -> str | None:
    """A named graph of ``store`` the build did not write (one outside ``prefix``, kept from
    the store before), or None."""
    start = Literal(prefix).n3()
    found = store.query(
        f"SELECT ?g WHERE {{ GRAPH ?g {{ }} FILTER(!STRSTARTS(STR(?g), {start})) }} LIMIT 1"
    )
    rows = list(found.rows)
    return str(rows[0][0]) if rows else None


def _registry(root: Path) -> list[Path]:
    path = root / "data" / "sources.yaml"
    return [path] if path.exists() else []


def raise_problems(problems: list[MedkgError]) -> None:
    shown = problems[:MAX_SHOWN]
    more = f" (first {MAX_SHOWN} shown)" if len(problems) > MAX_SHOWN else ""
    raise BuildError(
        f"{len(problems)} problem(s) in the curated claim files{more}",
        problems=shown,
        hint="fix them, then build again; nothing in the store changed",
    )


def dataset_iri(mint: Minter) -> URIRef:
    return URIRef(mint.base + "dataset")


def iter_build_info(result: BulkResult, mint: Minter) -> Iterator[Quad]:
    """The build graph: the version and size (quads written, repeats included)."""
    g, ds = mint.graph("build"), dataset_iri(mint)
    yield ds, RDF.type, URIRef(VOID + "Dataset"), g
    yield ds, MEDKG.version, Literal(result.version), g
    if result.fingerprint:
        yield ds, MEDKG.inputFingerprint, Literal(result.fingerprint), g
    yield ds, URIRef(VOID + "triples"), Literal(result.quads - result.articles), g


def bulk_build_into(
    store: Store,
    settings: Settings,
    keep_nquads: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    load_progress: Callable[[int], None] | None = None,
) -> BulkResult:
    """Encode the corpus to N-Quads (kept at ``keep_nquads`` if given), then swap it in.

    A store that loads while the dataset is written (``capabilities.bulk_stream``) is fed the
    encoding as it goes, unless the file is to be kept: the encoding and the loader then run on
    two cores at once. Broken input still changes nothing: the load goes into a new store that
    is swapped in only when both are done. The entity summaries go in with it; the first
    pages are left to the server (``firstpages.add_first_pages``)."""
    union = store.capabilities.stored_union
    with ExitStack() as stack:
        # held while it runs: the next build removes a killed build's folder (~100 MB at 10k)
        workdir = stack.enter_context(temporary_folder("medkg-bulk-"))
        started = time.perf_counter()
        encoded = [started]

        drop = Minter(settings.base_iri).graph("")
        stage = None
        if store.side_folder() is not None:  # the summaries are written: stage their triples
            stage = ClaimStage(workdir / "stage.sqlite", settings.base_iri)
            stack.callback(stage.close)

        summaries: list[Future[Path | None]] = []

        def encode(out: IO[str]) -> BulkResult:
            written = encode_corpus(settings, out, workdir, progress, union, stage)
            if stage is not None:  # computed while the loader finishes: it needs no store
                pool = stack.enter_context(ThreadPoolExecutor(1, "medkg-summaries"))
                file = workdir / "summaries.sqlite"
                summaries.append(pool.submit(summaries_from_stage, stage, file, written.version))
            encoded[0] = time.perf_counter()
            return written

        def side_index(built: Store, written: BulkResult) -> None:
            computed = None
            try:
                computed = summaries[0].result() if summaries else None
            except (sqlite3.Error, OSError) as e:  # the store can still be scanned
                log.warning("entity summaries from the store: the stage failed (%s)", e)
            if computed is not None and (foreign := _foreign_graph(built, drop)):
                log.info("entity summaries from the store: it keeps graph %s", foreign)
                computed = None
            # the first pages are left to the server (``firstpages.add_first_pages``): on the
            # store fresh from the loader they took a minute of the HPO import
            write_side_index(built, settings, written.version, computed, first_pages=False)

        if keep_nquads is None and store.capabilities.bulk_stream:
            streaming = cast(Streaming, store)
            result = streaming.stream_dataset(encode, drop, load_progress, union, side_index)
        else:
            nquads = keep_nquads or workdir / "dataset.nq"
            with nquads.open("w", encoding="utf-8", newline="\n") as out:
                result = encode(out)
                out.flush()
                os.fsync(out.fileno())  # written back now, not while the loader reads (1M: 10 GiB)
            store.replace_dataset(
                nquads,
                drop_prefix=drop,
                progress=load_progress,
                union_included=union,
                prepare=lambda built: side_index(built, result),
            )
        result.encode_seconds = encoded[0] - started
        result.load_seconds = time.perf_counter() - encoded[0]
        result.nquads = keep_nquads
    log.info(
        "bulk-built %d quads, %d claims (version %s)", result.quads, result.claims, result.version
    )
    return result
