"""Read the curated Turtle files of ``ontology/`` with precise syntax errors."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from medkg.errors import BuildError, Location, MedkgError
from medkg.terms import to_triple


class TurtleSyntaxError(MedkgError):
    status = 422
    exit_code = 1


def read_turtle(path: Path) -> Graph:
    """Parse one Turtle file into an rdflib Graph; a syntax error names file:line:col."""
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
