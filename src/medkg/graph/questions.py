"""Questions about the shape of the claim graph: paths that explain, neighbourhoods,
centrality and contradiction groups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from itertools import islice, pairwise
from typing import Any

import networkx as nx

from medkg.errors import BadRequest
from medkg.graph.projection import (
    ClaimGraph,
    Restriction,
    edge_json,
    node_json,
)
from medkg.vocab import iri_to_curie


def path_restriction(
    cg: ClaimGraph,
    start: str,
    context: str | None = None,
    *,
    asserted_only: bool = True,
    predicates: Iterable[str] = (),
    sources: Iterable[str] = (),
    drafts: bool = False,
) -> Restriction:
    """The claims a path from ``start`` may use as links: affirmed ones, asserted by default,
    approved unless ``drafts``, and, unless ``context`` says otherwise (a disease CURIE, or
    ``any``), none made in the context of a disease other than ``start`` when ``start`` is
    such a disease."""
    ctx = default_context(cg, start, drafts) if context is None else context
    return Restriction.parse(
        affirmed_only=True,
        asserted_only=asserted_only,
        predicates=predicates,
        sources=sources,
        context=None if ctx == "any" else ctx,
        drafts=drafts,
    )


def default_context(cg: ClaimGraph, entity: str, drafts: bool = False) -> str | None:
    """The entity itself when some claim (approved, or any with ``drafts``) is made in its
    context (a disease), else None."""
    iri = cg.node(entity)
    view = cg.view(Restriction(drafts=drafts))
    contexts = {e["qualifiers"].get("disease_context") for *_, e in view.edges(data=True)}
    return iri if iri in contexts else None


MAX_K = 20
MAX_DEPTH = 4


def paths(
    cg: ClaimGraph, start: str, end: str, k: int = 5, restriction: Restriction | None = None
) -> list[dict[str, Any]]:
    """The ``k`` shortest explanations linking two entities, fewest hops first.

    A path may walk a claim against its direction (object -> subject); each edge says which
    way it was walked. Only affirmed claims are links, never negated ones; the restriction
    may narrow them further. Between paths with as many hops, the one whose links have more
    evidence comes first.
    """
    if not 1 <= k <= MAX_K:
        raise BadRequest(f"k must be between 1 and {MAX_K}, got {k}")
    u, v = cg.node(start), cg.node(end)
    if u == v:
        raise BadRequest("from and to are the same entity", hint="pass two different entities")
    r = restriction or Restriction()
    view = cg.view(replace(r, affirmed_only=True))
    hops = nx.Graph()
    for a, b, data in view.edges(data=True):
        if a != b:
            weight = hops.get_edge_data(a, b, {"evidence": 0})["evidence"] + len(data["evidence"])
            hops.add_edge(a, b, evidence=weight)
    for _, _, d in hops.edges(data=True):
        d["weight"] = 1 + 1 / (1 + d["evidence"])  # hops first, then more evidence
    if u not in hops or v not in hops:
        return []
    try:
        found = list(islice(nx.shortest_simple_paths(hops, u, v, weight="weight"), k))
    except nx.NetworkXNoPath:
        return []
    return [path_json(view, p) for p in found]


def path_json(view: nx.MultiDiGraph, nodes: list[str]) -> dict[str, Any]:
    """A path as its nodes and hops; each hop lists every claim linking its two entities."""
    hops = []
    for a, b in pairwise(nodes):
        edges = [
            {**edge_json(view, a, b, key), "direction": "forward"}
            for key in (view.get_edge_data(a, b) or {})
        ] + [
            {**edge_json(view, b, a, key), "direction": "backward"}
            for key in (view.get_edge_data(b, a) or {})
        ]
        edges.sort(key=lambda e: (-len(e["evidence"]), e["claim"]))
        hops.append({"from": iri_to_curie(a), "to": iri_to_curie(b), "edges": edges})
    return {
        "length": len(hops),
        "nodes": [node_json(view, n) for n in nodes],
        "hops": hops,
    }


def neighbours(
    cg: ClaimGraph, center: str, depth: int = 1, restriction: Restriction | None = None
) -> dict[str, Any]:
    """The entities within ``depth`` claims of one entity, and the claims among them."""
    if not 1 <= depth <= MAX_DEPTH:
        raise BadRequest(f"depth must be between 1 and {MAX_DEPTH}, got {depth}")
    c = cg.node(center)
    view = cg.view(restriction)
    dist = nx.single_source_shortest_path_length(view.to_undirected(as_view=True), c, depth)
    nodes = [node_json(view, n, depth=d) for n, d in sorted(dist.items(), key=lambda x: x[::-1])]
    edges = []
    for u, v, key in view.edges(keys=True):
        if u in dist and v in dist:
            e = edge_json(view, u, v, key)
            e["evidence_count"] = len(e.pop("evidence"))
            edges.append({"id": key, "source": e["subject"], "target": e["object"], **e})
    return {"center": iri_to_curie(c), "depth": depth, "nodes": nodes, "edges": edges}


def central(
    cg: ClaimGraph, limit: int = 10, restriction: Restriction | None = None
) -> dict[str, Any]:
    """The most-connected entities (distinct neighbours) and the most-cited (distinct
    references behind the claims they are in)."""
    view = cg.view(restriction)
    others = max(len(view) - 1, 1)
    connected, cited = [], []
    for n in view.nodes:
        incident = list(view.in_edges(n, data=True)) + list(view.out_edges(n, data=True))
        if not incident:
            continue
        evidence = {e["evidence"] for *_, d in incident for e in d["evidence"]}
        refs = {
            r["reference"] for *_, d in incident for e in d["evidence"] for r in e["references"]
        }
        linked = (set(view.predecessors(n)) | set(view.successors(n))) - {n}
        connected.append(
            node_json(
                view,
                n,
                neighbours=len(linked),
                claims=len(incident),
                centrality=round(len(linked) / others, 4),  # degree centrality, simple graph
            )
        )
        cited.append(node_json(view, n, references=len(refs), evidence=len(evidence)))
    connected.sort(key=lambda x: (-x["neighbours"], -x["claims"], x["id"]))
    cited.sort(key=lambda x: (-x["references"], -x["evidence"], x["id"]))
    return {"most_connected": connected[:limit], "most_cited": cited[:limit]}


def contradictions(cg: ClaimGraph) -> list[dict[str, Any]]:
    """The contradiction groups of the qc graph (rule: medkg.rdf.derive.contradiction_groups),
    each with its member claims and their evidence."""
    g = cg.graph
    out = []
    for group, members in sorted(g.graph.get("contradictions", {}).items()):
        ends = g.graph["claims"]
        claims = [edge_json(g, ends[m][0], ends[m][1], m) for m in members if m in ends]
        claims.sort(key=lambda e: (e["negated"], e["claim"]))
        out.append({"group": group, "claims": claims})
    return out
