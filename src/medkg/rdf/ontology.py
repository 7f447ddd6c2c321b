"""Read the curated Turtle files of ``ontology/`` with precise syntax errors."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from medkg.errors import BuildError, Location, MedkgError
from medkg.terms import to_triple


class TurtleSyntaxError(MedkgError):
    status = 422
    exit_code = 1


def read_turtle(path: Path) -> Graph:
    """Parse one Turtle file into an rdflib Graph; a syntax error names file:line:col.

    An SSSOM mapping file (``*.sssom.tsv``) is read as its ``skos:*Match`` triples."""
    if path.name.endswith(".sssom.tsv"):
        from medkg.rdf.mappings import read_mappings

        return read_mappings(path)
    graph = Graph()
    try:
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            graph.add(to_triple(t))
    except SyntaxError as e:
        raise TurtleSyntaxError(
            f"Turtle syntax error: {e.msg}",
            where=Location(str(path), e.lineno, e.offset),
            hint="fix the Turtle at that position",
        ) from None
    except OSError as e:
        raise TurtleSyntaxError(f"cannot read: {e.strerror}", where=Location(str(path))) from None
    return graph


def read_ontology(paths: list[Path]) -> Graph:
    """Merge the ontology files; every broken file is reported, not just the first."""
    merged = Graph()
    problems: list[MedkgError] = []
    for path in paths:
        try:
            merged += read_turtle(path)
        except TurtleSyntaxError as e:
            problems.append(e)
    if problems:
        raise BuildError(
            f"{len(problems)} broken ontology file(s)",
            problems=problems,
            hint="fix them, then build again",
        )
    return merged


_PREFIX = re.compile(r"^\s*@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.", re.IGNORECASE)
_SUBJECT = re.compile(r"^(<[^>]+>|[A-Za-z][\w.-]*:[\w.-]*|[A-Za-z]*:[\w.-]+)")


def term_lines(path: Path) -> dict[URIRef, int]:
    """The line where each subject block of a Turtle file starts, for pointing at a term.

    Only blocks that start at column 0 with an IRI or a prefixed name count; good enough to
    show a curator where a class or an axiom is written.
    """
    prefixes: dict[str, str] = {}
    lines: dict[URIRef, int] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return lines
    for n, line in enumerate(text.splitlines(), start=1):
        if m := _PREFIX.match(line):
            prefixes[m.group(1) or ""] = m.group(2)
        elif m := _SUBJECT.match(line):
            token = m.group(1)
            if token.startswith("<"):
                iri = token[1:-1]
            else:
                prefix, _, local = token.partition(":")
                if prefix not in prefixes:
                    continue
                iri = prefixes[prefix] + local
            lines.setdefault(URIRef(iri), n)
    return lines
