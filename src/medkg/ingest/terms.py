"""Copy the terms approved claims use from the ontology index into ``ontology/terms.ttl``.

A claim a curator approved may name a term the curated slim lacks (an HPO phenotype, a
DrugBank drug, a MONDO disease from a registered file). ``promote_terms`` appends each such
term with its label, synonyms and direct parents as the index holds them (the parents with
their labels too), so the served graph gains exactly the terms claims use and nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDFS

from medkg.build import claim_paths, ontology_paths
from medkg.curation.load import read_yaml
from medkg.errors import Location, MedkgError
from medkg.ontologies.index import OntologyIndex, TermInfo
from medkg.rdf.ontology import read_ontology, read_turtle
from medkg.vocab import curie_to_iri, is_curie

#: the claim fields that name entities (predicates and units are vocabulary, not terms)
ENTITY_FIELDS = ("subject", "object", "disease_context", "anatomical_context")
_SYNONYM = {
    "exact": "oboInOwl:hasExactSynonym",
    "abbreviation": "oboInOwl:hasExactSynonym",
    "related": "oboInOwl:hasRelatedSynonym",
}


class PromoteError(MedkgError):
    status = 422
    exit_code = 1


@dataclass
class PromoteReport:
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    turtle: str = ""


def approved_curies(paths: list[Path], statuses: tuple[str, ...] = ("approved",)) -> list[str]:
    """Entity CURIEs of the claims of ``paths`` with one of ``statuses``, in file order, once."""
    found: dict[str, None] = {}
    for path in paths:
        doc: Any = read_yaml(path) or {}
        for claim in doc.get("claims") or []:
            if claim.get("status", "approved") not in statuses:
                continue
            for key in ENTITY_FIELDS:
                value = claim.get(key)
                if isinstance(value, str) and is_curie(value):
                    found[value] = None
    return list(found)


def promote_terms(
    root: Path,
    index: OntologyIndex,
    paths: list[Path] | None = None,
    *,
    write: bool = True,
    statuses: tuple[str, ...] = ("approved",),
) -> PromoteReport:
    """Append to ``ontology/terms.ttl`` every term the claims (of ``statuses``) use that
    ontology/ lacks."""
    declared = {str(s) for s in read_ontology(ontology_paths(root)).subjects(RDFS.label, None)}
    curies = approved_curies(paths if paths is not None else claim_paths(root), statuses)
    report = terms_from_index(index, curies, declared)
    if report.turtle and write:
        _append(root / "ontology" / "terms.ttl", report.turtle)
    return report


def terms_from_index(
    index: OntologyIndex,
    curies: list[str],
    declared: set[str],
    by: str = "`medkg ontology promote`",
) -> PromoteReport:
    """The Turtle declaring each of ``curies`` that ``declared`` (IRIs) lacks, and their
    direct parents, from the index; ``missing`` names those the index does not know."""
    report = PromoteReport()
    blocks = []
    for curie in curies:
        if str(curie_to_iri(curie)) in declared:
            continue
        info = index.term(curie)
        if info is None:
            report.missing.append(curie)
            continue
        blocks.append(term_turtle(info))
        declared.add(str(curie_to_iri(curie)))
        report.added.append(curie)
        for parent in info.parents:
            p = index.term(parent)
            if p is not None and str(curie_to_iri(parent)) not in declared:
                blocks.append(term_turtle(TermInfo(p.curie, p.label, p.kind, p.source)))
                declared.add(str(curie_to_iri(parent)))
                report.added.append(parent)
    if blocks:
        header = f"\n# --- added by {by} on {date.today().isoformat()} ---\n"
        report.turtle = header + "\n".join(blocks)
    return report


def term_turtle(info: TermInfo) -> str:
    """One class in the slim's layout: label, synonyms by scope, direct parents."""
    lines = [f"{URIRef(curie_to_iri(info.curie)).n3()}", "    a owl:Class ;"]
    lines.append(f"    rdfs:label {Literal(info.label, lang='en').n3()} ;")
    by_property: dict[str, list[str]] = {}
    for text, scope in sorted(set(info.synonyms)):
        if scope in _SYNONYM and text != info.label:
            by_property.setdefault(_SYNONYM[scope], []).append(Literal(text, lang="en").n3())
    for prop, values in by_property.items():
        lines.append(f"    {prop} {', '.join(values)} ;")
    parents = [URIRef(curie_to_iri(p)).n3() for p in info.parents if is_curie(p)]
    if parents:
        lines.append(f"    rdfs:subClassOf {', '.join(parents)} ;")
    lines.append(f"    rdfs:comment {Literal(f'From the {info.source} index.', lang='en').n3()} .")
    return "\n".join(lines) + "\n"


def _append(path: Path, turtle: str) -> None:
    """Append, then check the file still parses; put the old text back if it does not."""
    old = path.read_text("utf-8")
    path.write_text(old.rstrip("\n") + "\n" + turtle, "utf-8")
    try:
        read_turtle(path)
    except MedkgError as e:
        path.write_text(old, "utf-8")
        raise PromoteError(
            f"the promoted terms would break {path.name}: {e}",
            where=Location(str(path)),
            hint="report this: a term's label or synonym did not serialise; file left as it was",
        ) from None
