"""OWL reasoning: HermiT consistency (via owlready2) and the materialised class hierarchy.

Two jobs with two engines, on purpose:

- ``check_consistency`` runs HermiT over the ontology plus the class axioms that claims assert
  (affirmed, asserted ``rdfs:subClassOf`` claims). It needs Java and takes about a second, so
  only ``medkg validate`` (and the server's watcher) run it; results are cached by content.
- ``iter_inferred_quads`` computes, in Python, what ``medkg build`` materialises into
  ``medkg:graph/inferred``: the transitive closure of ``rdfs:subClassOf`` and
  ``rdfs:subPropertyOf`` between named terms, and the types every typed node inherits. For the
  ontologies medkg curates (named-class hierarchies, disjointness) that is exactly the told
  hierarchy HermiT would classify, so build stays fast and runs without Java.
"""

from __future__ import annotations

import hashlib
import io
import shutil
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from medkg.errors import MedkgError
from medkg.model import Claim
from medkg.rdf.encode import Quad
from medkg.vocab import curie_to_iri

SUBCLASS = "rdfs:subClassOf"
#: datatypes outside the OWL 2 datatype map that HermiT refuses; their range axioms are dropped
NOT_OWL2 = {XSD.gYear, XSD.date, XSD.gYearMonth, XSD.duration}
TOP = {OWL.Thing, RDFS.Resource}


class ReasonerUnavailable(MedkgError):
    """The OWL reasoner could not run (no Java, or HermiT failed)."""

    status = 503
    exit_code = 2


def is_class_axiom(claim: Claim) -> bool:
    """An affirmed, asserted, non-deprecated ``rdfs:subClassOf`` claim: a T-box axiom."""
    return claim.predicate == SUBCLASS and claim.is_truthy


def claim_axioms(claims: Iterable[Claim]) -> Iterator[tuple[URIRef, URIRef, Claim]]:
    for c in claims:
        if is_class_axiom(c):
            yield curie_to_iri(c.subject), curie_to_iri(c.object), c


@dataclass
class Consistency:
    """What HermiT found: whether the ontology is consistent, and its unsatisfiable classes."""

    consistent: bool = True
    unsatisfiable: list[URIRef] = field(default_factory=list)


def reasoner_input(ontology: Graph, claims: Iterable[Claim]) -> bytes:
    """The ontology plus the claims' class axioms as N-Triples HermiT accepts."""
    g = Graph()
    for t in ontology:
        if t[1] == RDFS.range and t[2] in NOT_OWL2:
            continue
        g.add(t)
    for s, o, _ in claim_axioms(claims):
        g.add((s, RDFS.subClassOf, o))
    lines = sorted(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in g)
    return "".join(lines).encode("utf-8")


def check_consistency(ontology: Graph, claims: Iterable[Claim]) -> Consistency:
    """Run HermiT; raise ReasonerUnavailable when it cannot run."""
    return _hermit(reasoner_input(ontology, claims))


@lru_cache(maxsize=8)
def _hermit(data: bytes) -> Consistency:
    if shutil.which("java") is None:
        raise ReasonerUnavailable(
            "the OWL check needs Java (HermiT runs on the JVM) and no `java` is on PATH",
            hint="install a Java runtime (e.g. apt-get install default-jre-headless)",
        )
    import owlready2

    world = owlready2.World()
    name = hashlib.sha256(data).hexdigest()[:12]
    onto = world.get_ontology(f"http://medkg.invalid/check/{name}.owl")
    onto.load(fileobj=io.BytesIO(data), format="ntriples")
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        unsat = [
            URIRef(c.iri)
            for c in world.inconsistent_classes()
            if c is not owlready2.Nothing and hasattr(c, "iri")
        ]
    except owlready2.OwlReadyInconsistentOntologyError:
        return Consistency(consistent=False)
    except owlready2.OwlReadyJavaError as e:
        lines = str(e).splitlines()
        raise ReasonerUnavailable(
            f"HermiT failed: {lines[1] if len(lines) > 1 else e}",
            hint="the ontology may use a construct HermiT cannot handle; see the message",
        ) from None
    finally:
        world.close()
    return Consistency(True, sorted(unsat))


def disjoint_pairs(graph: Graph) -> Iterator[tuple[URIRef, URIRef, Node]]:
    """Pairs of named classes declared disjoint, with the node that declares it."""
    for a, b in graph.subject_objects(OWL.disjointWith):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            yield a, b, a
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members_list = graph.value(node, OWL.members)
        if members_list is None:
            continue
        members = [m for m in Collection(graph, members_list) if isinstance(m, URIRef)]
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                yield a, b, node


def superclass_paths(edges: dict[URIRef, list[URIRef]], start: URIRef) -> dict[URIRef, URIRef]:
    """Breadth-first parents: each ancestor of ``start`` -> the node it was reached from."""
    parent: dict[URIRef, URIRef] = {}
    todo = deque([start])
    while todo:
        node = todo.popleft()
        for sup in edges.get(node, []):
            if sup not in parent and sup != start:
                parent[sup] = node
                todo.append(sup)
    return parent


def closure(edges: dict[URIRef, list[URIRef]]) -> dict[URIRef, set[URIRef]]:
    """Every node's strict ancestors."""
    return {n: set(superclass_paths(edges, n)) for n in edges}


def edges_of(graph: Graph, predicate: URIRef) -> dict[URIRef, list[URIRef]]:
    edges: dict[URIRef, list[URIRef]] = {}
    for s, o in graph.subject_objects(predicate):
        if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o and o not in TOP:
            edges.setdefault(s, []).append(o)
    return edges


def iter_inferred_quads(graph: Graph, g: URIRef) -> Iterator[Quad]:
    """What the told hierarchy entails and ``graph`` does not already say, in graph ``g``.

    ``graph`` is everything built so far (ontology, sources, truthy). Yields the closure of
    ``rdfs:subClassOf`` and ``rdfs:subPropertyOf`` and, for every ``x rdf:type C``, the types
    ``x`` inherits from ``C``'s ancestors; and each ``skos:exactMatch`` the other way round.
    """
    for predicate in (RDFS.subClassOf, RDFS.subPropertyOf):
        for node, ancestors in sorted(closure(edges_of(graph, predicate)).items()):
            for sup in sorted(ancestors):
                if (node, predicate, sup) not in graph:
                    yield node, predicate, sup, g
    supers = closure(edges_of(graph, RDFS.subClassOf))
    types: set[tuple[Node, URIRef]] = set()
    for x, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef):
            types |= {(x, sup) for sup in supers.get(cls, ()) if (x, RDF.type, sup) not in graph}
    for x, sup in sorted(types):
        yield x, RDF.type, sup, g
    for a, b in sorted(graph.subject_objects(SKOS.exactMatch)):  # symmetric closure
        if (b, SKOS.exactMatch, a) not in graph:
            yield b, SKOS.exactMatch, a, g


@dataclass(frozen=True)
class Edge:
    """A told ``sub rdfs:subClassOf sup`` and where it comes from (a file line or a claim)."""

    sub: URIRef
    sup: URIRef
    origin: object = None


@dataclass(frozen=True)
class Clash:
    """Why a class is unsatisfiable: it reaches two disjoint classes by these two chains."""

    cls: URIRef
    first: tuple[Edge, ...]
    second: tuple[Edge, ...]
    disjointness: object = None


def chains(edges: dict[URIRef, list[Edge]], start: URIRef) -> dict[URIRef, tuple[Edge, ...]]:
    """For each ancestor of ``start``, one shortest chain of edges that reaches it."""
    found: dict[URIRef, tuple[Edge, ...]] = {start: ()}
    todo = deque([start])
    while todo:
        node = todo.popleft()
        for e in edges.get(node, []):
            if e.sup not in found:
                found[e.sup] = (*found[node], e)
                todo.append(e.sup)
    return found


def explain(
    cls: URIRef, edges: dict[URIRef, list[Edge]], pairs: Iterable[tuple[URIRef, URIRef, object]]
) -> Clash | None:
    """The disjointness ``cls`` falls under through its told superclasses, if any."""
    reach = chains(edges, cls)
    for a, b, where in pairs:
        if a in reach and b in reach:
            return Clash(cls, reach[a], reach[b], where)
    return None
