"""The claim graph as a networkx MultiDiGraph: paths, neighbourhoods, centrality, contradictions.

``projection`` reads the store into the graph once per dataset version; ``questions`` answers
questions over restricted views of it.
"""

from medkg.graph.projection import ClaimGraph, Restriction, edge_json, project
from medkg.graph.questions import (
    central,
    contradictions,
    default_context,
    neighbours,
    path_restriction,
    paths,
)

__all__ = [
    "ClaimGraph",
    "Restriction",
    "central",
    "contradictions",
    "default_context",
    "edge_json",
    "neighbours",
    "path_restriction",
    "paths",
    "project",
]
