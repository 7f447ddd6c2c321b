"""How many claims fit in a page's size in bytes (``page_bytes``): a head entity's claim can
hold a hundred sentences, so a page of 50 such claims ran to 825 KB of JSON-LD."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node


def fit_bytes(
    claims: Graph, keys: list[str], limit: int, at_least_one: bool = True
) -> tuple[list[str], int]:
    """The first of ``keys`` whose descriptions in ``claims`` (claim, evidence, targets,
    selectors, references: what a claim's node reaches) fit in ``limit`` bytes of N-Triples,
    and their size; at least one when asked, so a page always moves on. ``limit`` 0: all."""
    if not limit:
        return keys, 0
    kept: list[str] = []
    used = 0
    for key in keys:
        seen: set[Node] = set()
        todo: list[Node] = [URIRef(key)]
        size = 0
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for _, p, o in claims.triples((node, None, None)):
                size += len(node.n3()) + len(p.n3()) + len(o.n3()) + 4
                if p != RDF.type and not isinstance(o, Literal) and o not in seen:
                    todo.append(o)
        if (kept or not at_least_one) and used + size > limit:
            break
        kept.append(key)
        used += size
    return kept, used
