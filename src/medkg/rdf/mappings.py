"""``ontology/mappings.sssom.tsv`` -> ``skos:*Match`` triples, read with ``sssom-pydantic``.

Claims stay on the identifiers their source used (MONDO in the articles, Orphanet and OMIM in the
HPO annotations); the mappings say which identifiers name the same thing, so queries that align
sources can follow exact matches. The file's own ``curie_map`` expands its CURIEs; nothing is
fetched.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from medkg.errors import Location
from medkg.rdf.ontology import TurtleSyntaxError

#: the SSSOM predicates medkg turns into triples (DESIGN section 2, "Mappings")
MATCHES: dict[str, URIRef] = {
    "skos:exactMatch": SKOS.exactMatch,
    "skos:closeMatch": SKOS.closeMatch,
    "skos:broadMatch": SKOS.broadMatch,
    "skos:narrowMatch": SKOS.narrowMatch,
}
HEADER_LINES_HINT = "see https://mapping-commons.github.io/sssom/ for the TSV format"


class MappingSyntaxError(TurtleSyntaxError):
    """A mapping file that cannot be read (reported wherever an ontology file's syntax is)."""


def is_mapping_file(path: Path) -> bool:
    return path.name.endswith(".sssom.tsv")


def read_mappings(path: Path) -> Graph:
    """The mappings of an SSSOM TSV file as ``skos:*Match`` triples; errors name the line."""
    import sssom_pydantic

    try:
        mappings, converter, _, errors = sssom_pydantic.read(path, return_errors=True)
    except Exception as e:  # the library raises pydantic, csv, curies and value errors alike
        raise MappingSyntaxError(
            f"cannot read the SSSOM mapping file: {e}".splitlines()[0],
            where=Location(str(path)),
            hint=HEADER_LINES_HINT,
        ) from None
    if errors:  # rows the library could not read: it would leave them out, unsaid
        error = errors[0]
        raise MappingSyntaxError(
            f"cannot read the mapping: {_reason(error.exception)}"
            + (f" (and {len(errors) - 1} more rows)" if len(errors) > 1 else ""),
            # sssom-pydantic numbers a row from the metadata's last line, not the header's
            where=Location(str(path), error.line_number + 1),
            hint="fix the row, or add its prefix to the #curie_map; " + HEADER_LINES_HINT,
        )
    graph = Graph()
    for match in MATCHES.values():  # annotations in OWL: the reasoner leaves them alone
        graph.add((match, RDF.type, OWL.AnnotationProperty))
    data_line = _first_data_line(path)
    for n, mapping in enumerate(mappings):
        where = Location(str(path), data_line + n)
        predicate = MATCHES.get(mapping.predicate.curie)
        if predicate is None:
            raise MappingSyntaxError(
                f"predicate_id {mapping.predicate.curie} is not one medkg maps",
                where=where,
                hint=f"use one of {', '.join(MATCHES)}",
            )
        s = _iri(converter.expand_reference(mapping.subject, strict=True), where)
        o = _iri(converter.expand_reference(mapping.object, strict=True), where)
        graph.add((s, predicate, o))
    return graph


def _reason(e: Exception) -> str:
    """pydantic's first error message, or the exception's kind and text (an unknown prefix
    is ``PrefixStandardizationError: NOPE``)."""
    errors = getattr(e, "errors", None)
    if callable(errors) and (found := errors()):
        return str(found[0].get("msg", e))
    return f"{type(e).__name__}: {e}"


def _iri(iri: str, where: Location) -> URIRef:
    """``iri`` if the store's IRI parser (pyoxigraph's) takes it: the curie_map's expansion of
    ``Orphanet:8<0>3`` (or a prefix mapped to ``http://x y/``) would fail the whole load."""
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as e:
        raise MappingSyntaxError(
            f"{iri!r} is not a valid IRI ({e})",
            where=where,
            hint="fix the identifier, or its prefix in the #curie_map",
        ) from None
    return URIRef(iri)


def _first_data_line(path: Path) -> int:
    """The file line of the first mapping (after the ``#`` metadata and the column header)."""
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.startswith("#"):
                return n + 1
    return 1


def exact_match_representatives(graph: Graph) -> dict[str, str]:
    """Each IRI in a ``skos:exactMatch`` -> one IRI standing for all its exact matches (the
    least, so the choice does not depend on order); IRIs with no exact match are left out.

    >>> g = Graph()
    >>> g.add((URIRef("http://b"), SKOS.exactMatch, URIRef("http://a")))  # doctest: +ELLIPSIS
    <Graph ...>
    >>> exact_match_representatives(g)
    {'http://a': 'http://a', 'http://b': 'http://a'}
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in graph.subject_objects(SKOS.exactMatch):
        ra, rb = find(str(a)), find(str(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in sorted(parent)}
