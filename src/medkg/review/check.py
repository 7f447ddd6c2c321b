"""What ``medkg validate`` would say if a decision's files were written: checked before writing.

The checks are those a decision can break, run on what it changes: the schema, quotes at their
offsets and CURIEs of the changed claim files (every entry of them); CURIEs against the ontology
with the terms the decision adds; contradictions; OWL consistency (HermiT) when an entry becomes
an approved, affirmed class axiom; and the SHACL shapes of ``ontology/shapes.ttl`` over the
whole built dataset, focused on the claims that state the decided propositions and their
evidence (the only nodes whose shapes a decision can change: the shapes' SPARQL rules relate a
claim to others of the same subject, predicate and object). Focused, SHACL takes ~0.1 s of CPU
on the seed instead of ~3 s.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from medkg.build import BuiltDataset
from medkg.config import Settings
from medkg.consistency import check_owl
from medkg.curation.load import ClaimFile, load_claim_file
from medkg.report import ERROR, Problem
from medkg.review.files import read_inputs
from medkg.shacl import run_shapes, shape_problems
from medkg.validate import (
    Inputs,
    check_citations,
    check_contradictions,
    check_curies,
    encode_dataset,
    node_locations,
)
from medkg.vocab import Minter

Triple = tuple[str, str, str]


def check_candidates(
    settings: Settings,
    texts: dict[Path, str],
    touched: list[dict[str, Any]],
    terms: tuple[Path, str] | None = None,
) -> tuple[list[Problem], Inputs | None]:
    """Problems ``medkg validate`` would report in the files of ``texts`` (claim file -> new
    text) and the terms file of ``terms`` if they were written; ``touched`` are the decided
    entries, before and after. Also the inputs as they would be, when they are what a build
    would read (None when some other file does not parse)."""
    inputs = Inputs(settings)
    whole = read_inputs(inputs)  # every file as stored; problems elsewhere are not ours
    if terms is not None:
        path, turtle = terms
        inputs.ontology_files[path] = Graph().parse(data=turtle, format="turtle")
        inputs.ontology = Graph()
        for graph in inputs.ontology_files.values():
            inputs.ontology += graph
    loaded = {path: load_candidate(path, text, settings.root_path) for path, text in texts.items()}
    renames = {str(candidate_path(p)): str(p) for p in texts}
    # another file that does not load is not this decision's to report: checked without it
    inputs.claim_files = [
        loaded.get(f.path, f) for f in inputs.claim_files if f.path in loaded or not f.problems
    ]
    built_from = inputs if whole else None
    problems = [
        Problem(p.check, ERROR, p.message, p.where, p.hint)
        for f in loaded.values()
        for p in f.problems
    ]
    if problems:
        return mine(problems, renames), built_from
    problems += [*check_curies(inputs), *check_citations(inputs)]
    if any(p.severity == ERROR for p in problems):
        return mine(problems, renames), built_from
    inputs.built = encode_dataset(settings, inputs.ontology, inputs.claim_files)
    problems += check_contradictions(inputs)
    # about the decided claims whichever file they point at (a claim the seed also states)
    caused: list[Problem] = []
    if any(is_class_axiom(e) for e in touched):
        caused += check_owl(inputs.ontology_files, inputs.ontology, inputs.built.claims)
    if inputs.shapes is not None:
        caused += focused_shapes(settings, inputs.shapes, inputs.built, triples(touched))
    return mine(problems, renames) + mine(caused, renames, anywhere=True), built_from


def candidate_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.candidate")


def load_candidate(path: Path, text: str, root: Path) -> ClaimFile:
    """Load ``text`` as if it were ``path``: written beside it, loaded, removed (the places
    its problems and evidence name are the candidate's until ``mine`` renames them)."""
    candidate = candidate_path(path)
    try:
        candidate.write_text(text, encoding="utf-8")
        loaded = load_claim_file(candidate, root)
    finally:
        candidate.unlink(missing_ok=True)
    loaded.path = path
    return loaded


def focused_shapes(
    settings: Settings, shapes: Graph, built: BuiltDataset, decided: set[Triple]
) -> list[Problem]:
    """SHACL over the whole dataset, for the claims stating ``decided`` and their evidence."""
    mint = Minter(settings.base_iri)
    focus: list[URIRef] = []
    for c in built.claims:
        if (c.subject, c.predicate, c.object) in decided:
            focus.append(mint.claim(c.key))
            focus += [mint.evidence(ev.key) for ev in c.evidence]
    if not focus:
        return []
    results = run_shapes(shapes, built.union(), focus)
    return shape_problems(results, node_locations(built, mint))


def triples(entries: list[dict[str, Any]]) -> set[Triple]:
    return {(str(e.get("subject")), str(e.get("predicate")), str(e.get("object"))) for e in entries}


def mine(problems: list[Problem], renames: dict[str, str], anywhere: bool = False) -> list[Problem]:
    """The problems in the decided files (or nowhere in particular; ``anywhere``: all), at the
    places they will have once the candidates are written over the claim files."""
    out = []
    for p in problems:
        related = tuple(_rename(r, renames) for r in p.related)
        where = p.where
        if where is not None and where.path in renames:
            where = replace(where, path=renames[where.path])
        if anywhere or where is None or where.path in renames.values():
            out.append(replace(p, where=where, related=related))
    return out


def _rename(text: str, renames: dict[str, str]) -> str:
    for old, new in renames.items():
        text = text.replace(old, new)
    return text


def is_class_axiom(entry: dict[str, Any]) -> bool:
    """An approved, affirmed, asserted subClassOf: the only entries HermiT reads."""
    return (
        entry.get("predicate") == "rdfs:subClassOf"
        and entry.get("status") == "approved"
        and not entry.get("negated")
        and entry.get("modality", "asserted") == "asserted"
    )
