"""``medkg validate``: every check over ``ontology/`` and ``data/`` -> one ``Report``.

Checks, in order: Turtle and YAML syntax and the claim schema (the loader's problems), CURIEs
resolve to declared terms, citations resolve, SHACL over the built graphs, OWL consistency with
HermiT, contradictions. Later checks run only on input the earlier ones could read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from medkg.build import BuiltDataset, claim_paths, encode_dataset, ontology_paths, shapes_path
from medkg.config import Settings
from medkg.consistency import check_owl
from medkg.curation.load import ClaimFile, load_claim_files
from medkg.curation.terms import Suggestions, declared_terms, unknown_curies
from medkg.errors import ConfigError, Location, MedkgError
from medkg.model import Claim
from medkg.rdf.derive import contradiction_groups, evidence_flags
from medkg.rdf.ontology import TurtleSyntaxError, read_turtle
from medkg.reasoning import ReasonerUnavailable
from medkg.report import ERROR, WARNING, Problem, Report
from medkg.shacl import check_shapes
from medkg.vocab import MEDKG, Minter


@dataclass
class Inputs:
    """What the checks share: parsed files, the merged ontology, and the build when it ran."""

    settings: Settings
    ontology_files: dict[Path, Graph] = field(default_factory=dict)
    claim_files: list[ClaimFile] = field(default_factory=list)
    shapes: Graph | None = None
    ontology: Graph = field(default_factory=Graph)
    built: BuiltDataset | None = None


def validate_project(settings: Settings) -> tuple[Report, BuiltDataset | None]:
    """Run every check; return the report and, when the input could be built, the dataset."""
    root = settings.root_path
    if not (root / "ontology").is_dir():
        raise ConfigError(
            f"{root} has no ontology/ folder: nothing to validate",
            hint="run in the project root, or point at it with --root",
        )
    inputs = Inputs(settings)
    report = Report()
    for path in [*ontology_paths(root), shapes_path(root), *claim_paths(root)]:
        if path.exists():
            report.files.append(str(path))
    report.problems += list(read_inputs(inputs))
    if any(p.severity == ERROR for p in report.problems):
        return report, None
    report.problems += list(check_curies(inputs))
    report.problems += list(check_citations(inputs))
    inputs.built = encode_dataset(settings, inputs.ontology, inputs.claim_files)
    places = node_locations(inputs.built, Minter(settings.base_iri))
    if inputs.shapes is not None:
        report.problems += check_shapes(inputs.shapes, inputs.built.union(), places)
    else:
        report.problems.append(
            Problem(
                "shacl",
                WARNING,
                "no SHACL shapes: the claim model was not checked",
                Location(str(shapes_path(root))),
                "restore ontology/shapes.ttl",
            )
        )
    try:
        report.problems += list(
            check_owl(inputs.ontology_files, inputs.ontology, inputs.built.claims)
        )
    except ReasonerUnavailable as e:
        report.not_run.append(f"OWL consistency ({e})")
    report.problems += list(check_contradictions(inputs))
    return report, inputs.built


def read_inputs(inputs: Inputs) -> Iterator[Problem]:
    """Parse the Turtle and YAML files; syntax, schema, quote and CURIE-prefix problems."""
    root = inputs.settings.root_path
    for path in ontology_paths(root):
        try:
            graph = read_turtle(path)
        except TurtleSyntaxError as e:
            yield from_error(e, "syntax")
            continue
        inputs.ontology_files[path] = graph
        inputs.ontology += graph
    if shapes_path(root).exists():
        try:
            inputs.shapes = read_turtle(shapes_path(root))
        except TurtleSyntaxError as e:
            yield from_error(e, "syntax")
    inputs.claim_files = load_claim_files(claim_paths(root), root)
    for f in inputs.claim_files:
        for p in f.problems:
            yield from_error(p, p.check)


def from_error(e: MedkgError, check: str, severity: str = ERROR) -> Problem:
    return Problem(check, severity, e.message, e.where, e.hint)


def check_curies(inputs: Inputs) -> Iterator[Problem]:
    """Every CURIE a claim uses names a term declared in ontology/ (or an RDF/OWL built-in)."""
    terms = declared_terms(inputs.ontology)
    suggestions = Suggestions(terms)
    for f in inputs.claim_files:
        for p in unknown_curies(f, terms, suggestions):
            yield Problem("curie", ERROR, p.message, p.where, p.hint)


def check_citations(inputs: Inputs) -> Iterator[Problem]:
    """Citation numbers no reference carries, and references older than the claim's date."""
    for f in inputs.claim_files:
        article = f.article
        if article is None:
            continue
        dangling: dict[int, list[Location]] = {}
        for claim in f.claims:
            for ev in claim.evidence:
                flags = evidence_flags(ev, claim, article)
                for n in ev.citations:
                    if article.reference(n) is None:
                        at = f.field_at(ev.handle, "citations") or Location(str(f.path))
                        dangling.setdefault(n, []).append(at)
                if MEDKG.CitationPredatesClaimDate in flags:
                    yield predates_problem(f, claim, ev.handle, ev.citations)
        for n, unsorted in sorted(dangling.items()):
            places = sorted(set(unsorted), key=lambda w: (w.line or 0, w.col or 0))
            also = [f"also cited at {p}" for p in places[1:]]
            yield Problem(
                "citation",
                WARNING,
                f"citation {n} resolves to no reference: {article.text_path} lists "
                f"{len(article.references)} reference(s)",
                places[0],
                "add the missing reference to `article.references`, or keep the number as "
                "printed (it is flagged medkg:UnresolvedCitation)",
                tuple(also),
            )


def predates_problem(
    f: ClaimFile, claim: Claim, handle: str | None, cited: tuple[int, ...]
) -> Problem:
    assert f.article is not None
    as_of = claim.qualifiers.as_of
    old = [
        f"reference {r.number} ({r.year})"
        for n in cited
        if (r := f.article.reference(n)) and r.year and as_of and r.year < as_of
    ]
    return Problem(
        "citation",
        WARNING,
        f"claim {handle!r} holds as of {as_of} but cites {', '.join(old)}",
        f.field_at(handle, "as_of"),
        "cite a source from that year or later, or correct `as_of` "
        "(it is flagged medkg:CitationPredatesClaimDate)",
    )


def check_contradictions(inputs: Inputs) -> Iterator[Problem]:
    """Claims that state one proposition in one context with opposite polarity."""
    assert inputs.built is not None
    for group in contradiction_groups(inputs.built.claims):
        sides = []
        for c in sorted(group, key=lambda c: c.negated):
            for ev in c.evidence:
                said = "denies" if c.negated else "states"
                sides.append(
                    f"{ev.where or ev.article_id}: {said} {ev.quote.exact!r} "
                    f"[{ev.article_id}, citations {list(ev.citations) or 'none'}]"
                )
        first = group[0]
        articles = {ev.article_id for c in group for ev in c.evidence}
        where = contradiction_site(group)
        yield Problem(
            "contradiction",
            ERROR if len(articles) == 1 else WARNING,
            f"contradiction: {first.subject} {first.predicate} {first.object} is both stated "
            "and denied in the same context",
            where,
            "if the contexts differ, add the qualifier that tells them apart (role, "
            "disease_context, anatomical_context); otherwise deprecate one side with a reason",
            tuple(sides),
        )


def contradiction_site(group: list[Claim]) -> Location | None:
    """Point at the side stated fewest times (likely the new entry), its last-written place."""
    sides = [[c for c in group if c.negated == polarity] for polarity in (False, True)]
    fewest = min(sides, key=lambda side: sum(len(c.evidence) for c in side))
    places = [ev.where for c in fewest for ev in c.evidence if ev.where]
    return max(places, key=lambda w: (w.path, w.line or 0), default=None)


def node_locations(built: BuiltDataset, mint: Minter) -> dict[URIRef, Location]:
    """Where each minted node (article, reference, section, claim, evidence) was curated."""
    places: dict[URIRef, Location] = {}
    for article, claims in built.articles:
        if article.where:
            places[mint.article(article.id)] = article.where
        for r in article.references:
            if r.where:
                places[mint.reference(article.id, r.number)] = r.where
        for s in article.sections:
            if s.where:
                places[mint.section(article.id, s.position)] = s.where
        for c in claims:
            for ev in c.evidence:
                if ev.where:
                    places.setdefault(mint.claim(c.key), ev.where)
                    places[mint.evidence(ev.key)] = ev.where
    return places
