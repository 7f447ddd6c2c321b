"""The published JSON-LD 1.1 context, and rdflib graph <-> framed JSON-LD through pyld.

Documents embed the context inline (``/context.jsonld`` serves the same one), so a client can
expand them without fetching anything. Booleans and integers are JSON natives (``"negated":
false``, ``"referenceNumber": 1``): their JSON type is their XSD type, which is why those terms
carry no ``@type``; dates, years and decimals carry theirs.
"""

from __future__ import annotations

import json
from typing import Any

from rdflib import Dataset, Graph

from medkg.errors import MedkgError
from medkg.rdf import framing
from medkg.rdf.framing import Expanded, Framer
from medkg.vocab import BIOLINK, CITO, DEFAULT_BASE, OA, OBO, OBO_PREFIXES, OBOINOWL, PROV

HYDRA = "http://www.w3.org/ns/hydra/core#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"

ID, VOCAB = {"@type": "@id"}, {"@type": "@vocab"}
IDS, VOCABS = {"@type": "@id", "@container": "@set"}, {"@type": "@vocab", "@container": "@set"}
EN, ENS = {"@language": "en"}, {"@language": "en", "@container": "@set"}

#: compact term -> (IRI as a CURIE, extra term definition)
TERMS: dict[str, tuple[str, dict[str, Any]]] = {
    # entities
    "label": ("rdfs:label", EN),
    "exactSynonym": ("oboInOwl:hasExactSynonym", ENS),
    "relatedSynonym": ("oboInOwl:hasRelatedSynonym", ENS),
    "definition": ("skos:definition", EN),
    "comment": ("rdfs:comment", EN),
    "subClassOf": ("rdfs:subClassOf", IDS),
    # claims
    "subject": ("rdf:subject", ID),
    "predicate": ("rdf:predicate", ID),
    "object": ("rdf:object", ID),
    "negated": ("medkg:negated", {}),
    "modality": ("medkg:modality", VOCAB),
    "role": ("medkg:role", VOCAB),
    "diseaseContext": ("medkg:diseaseContext", ID),
    "anatomicalContext": ("medkg:anatomicalContext", ID),
    "count": ("medkg:count", {}),
    "asOf": ("medkg:asOf", {"@type": "xsd:gYear"}),
    "minValue": ("medkg:minValue", {"@type": "xsd:decimal"}),
    "maxValue": ("medkg:maxValue", {"@type": "xsd:decimal"}),
    "unit": ("medkg:unit", ID),
    "frequency": ("medkg:frequency", {}),
    "evidence": ("medkg:evidence", IDS),
    "qcFlag": ("medkg:qcFlag", VOCABS),
    "member": ("medkg:member", IDS),
    "samePropositionAs": ("medkg:samePropositionAs", IDS),
    # evidence
    "source": ("medkg:source", ID),
    "target": ("oa:hasTarget", ID),
    "hasSource": ("oa:hasSource", ID),
    "selector": ("oa:hasSelector", IDS),
    "exact": ("oa:exact", {}),
    "prefix": ("oa:prefix", {}),
    "suffix": ("oa:suffix", {}),
    "start": ("oa:start", {}),
    "end": ("oa:end", {}),
    "citationNumber": ("medkg:citationNumber", {"@container": "@set"}),
    "citesAsEvidence": ("cito:citesAsEvidence", IDS),
    "evidenceCode": ("medkg:evidenceCode", ID),
    "curationStatus": ("medkg:curationStatus", VOCAB),
    "reason": ("medkg:reason", {}),
    "reviewedBy": ("medkg:reviewedBy", {}),
    "reviewedOn": ("medkg:reviewedOn", {"@type": "xsd:date"}),
    "curatorHandle": ("medkg:curatorHandle", {}),
    "attribution": ("medkg:attribution", {}),
    # articles and references
    "title": ("dcterms:title", {}),
    "modified": ("dcterms:modified", {"@type": "xsd:date"}),
    "created": ("dcterms:created", {"@type": "xsd:dateTime"}),
    "contentSha256": ("medkg:contentSha256", {}),
    "headline": ("medkg:headline", {}),
    "publisher": ("medkg:publisher", {}),
    "section": ("medkg:section", IDS),
    "heading": ("medkg:heading", {}),
    "position": ("medkg:position", {}),
    "reference": ("medkg:reference", IDS),
    "referenceNumber": ("medkg:referenceNumber", {}),
    "referenceType": ("medkg:referenceType", {}),
    "publishedIn": ("dcterms:source", {}),
    "date": ("dcterms:date", {"@type": "xsd:gYear"}),
    "identifier": ("dcterms:identifier", {"@container": "@set"}),
    # reverse links: the claims, evidence and articles pointing at a node
    "claimsAsSubject": ("rdf:subject", {"@reverse": True, **IDS}),
    "claimsAsObject": ("rdf:object", {"@reverse": True, **IDS}),
    "evidenceFor": ("medkg:evidence", {"@reverse": True, **IDS}),
    "quotedBy": ("medkg:source", {"@reverse": True, **IDS}),
    "citedBy": ("cito:citesAsEvidence", {"@reverse": True, **IDS}),
    "referencedBy": ("medkg:reference", {"@reverse": True, **IDS}),
    "contradictionGroup": ("medkg:member", {"@reverse": True, **IDS}),
    # pagination (Hydra)
    "view": ("hydra:view", ID),
    "first": ("hydra:first", ID),
    "previous": ("hydra:previous", ID),
    "next": ("hydra:next", ID),
    "last": ("hydra:last", ID),
    "totalItems": ("hydra:totalItems", {}),
    # provenance (nanopublications)
    "wasDerivedFrom": ("prov:wasDerivedFrom", IDS),
    "wasAttributedTo": ("prov:wasAttributedTo", ID),
    "generatedAtTime": ("prov:generatedAtTime", {"@type": "xsd:dateTime"}),
}

#: grouping keys of entity documents: JSON-LD ``@nest`` keys, so they carry no triples
NEST_KEYS = ("affirmedClaims", "negatedClaims", "hypotheses")


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Every CURIE prefix of the context and its namespace.

    The medkg vocabulary and minted terms stay under ``https://w3id.org/medkg/`` whatever the
    deployment's base; a deployment minting claims under another base gets the prefix ``data:``.
    """
    out = {p: f"{OBO}{p}_" for p in OBO_PREFIXES}
    if base != DEFAULT_BASE:
        out["data"] = base
    out.update(
        {
            "MEDKG": f"{DEFAULT_BASE}term/MEDKG_",
            "medkg": DEFAULT_BASE,
            "obo": OBO,
            "biolink": str(BIOLINK),
            "rdf": RDF,
            "rdfs": RDFS,
            "owl": "http://www.w3.org/2002/07/owl#",
            "xsd": XSD,
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "dcterms": "http://purl.org/dc/terms/",
            "oa": str(OA),
            "cito": str(CITO),
            "oboInOwl": str(OBOINOWL),
            "prov": str(PROV),
            "np": "http://www.nanopub.org/nschema#",
            "hydra": HYDRA,
        }
    )
    return out


def context(base: str = DEFAULT_BASE) -> dict[str, Any]:
    """The JSON-LD 1.1 context (the value of ``@context``) for IRIs minted under ``base``.

    >>> ctx = context()
    >>> ctx["MONDO"]
    {'@id': 'http://purl.obolibrary.org/obo/MONDO_', '@prefix': True}
    >>> ctx["negated"]
    {'@id': 'medkg:negated'}
    """
    # "@type" is always an array: the types a node has depend on what the reasoner infers
    ctx: dict[str, Any] = {
        "@version": 1.1,
        "@vocab": DEFAULT_BASE,
        "@type": {"@container": "@set"},
    }
    for name, ns in prefixes(base).items():
        # OBO namespaces end in "_", which JSON-LD 1.1 uses as a prefix only when told to
        ctx[name] = {"@id": ns, "@prefix": True} if ns.endswith("_") else ns
    for term, (curie, extra) in TERMS.items():
        definition = {k: v for k, v in extra.items() if k != "@reverse"}
        if extra.get("@reverse"):
            ctx[term] = {"@reverse": curie, **definition}
        else:
            ctx[term] = {"@id": curie, **definition}
    for key in NEST_KEYS:
        ctx[key] = "@nest"
    return ctx


def _no_remote(url: str, options: dict[str, Any] | None = None) -> Any:
    raise MedkgError(f"medkg does not fetch remote JSON-LD contexts ({url})")


OPTIONS: dict[str, Any] = {"documentLoader": _no_remote}


def to_expanded(graph: Graph) -> Expanded:
    """A graph as expanded JSON-LD (natives for booleans and integers), in a stable order.

    The triples go to pyld as the parsed dataset its N-Quads reader gives, with no text in
    between: that reader checks each triple against every one before it for duplicates (an
    rdflib graph has none), which took 25 s of a 35 s entity document at 10k claims.
    """
    return framing.to_expanded(graph, OPTIONS)


def frame(
    expanded: list[dict[str, Any]],
    shape: dict[str, Any],
    base: str = DEFAULT_BASE,
    framer: Framer | None = None,
) -> list[dict[str, Any]]:
    """The nodes matching ``shape`` (a frame without ``@context``), framed and compacted;
    ``expanded`` is expanded JSON-LD (as ``to_expanded`` gives it). A document's frames share
    one ``framer``, which remembers what it compacted."""
    ctx = context(base)
    framed = (framer or Framer()).frame(
        expanded if isinstance(expanded, Expanded) else Expanded(expanded),
        {"@context": ctx, **shape},
        {**OPTIONS, "omitDefault": True, "omitGraph": False, "pruneBlankNodeIdentifiers": True},
    )
    return list(framed.get("@graph", []))


def compact(expanded: list[dict[str, Any]], base: str = DEFAULT_BASE) -> dict[str, Any]:
    """Expanded JSON-LD compacted with the context (used for dumps, not documents)."""
    from pyld import jsonld  # here, not at import: pyld loads requests (0.1-0.2 s a command)

    return jsonld.compact(expanded, {"@context": context(base)}, OPTIONS)


def to_graph(document: dict[str, Any] | list[Any]) -> Graph:
    """Expand a JSON-LD document (inline context) with pyld into an rdflib graph.

    Named graphs, if any, are merged: use ``to_dataset`` to keep them.
    """
    from pyld import jsonld

    nquads = jsonld.to_rdf(document, {**OPTIONS, "format": "application/n-quads"})
    graph = Graph()
    try:
        graph.parse(data=nquads or "", format="nt")
    except Exception:  # a quad with a graph name: not N-Triples
        graph = Graph()
        for s, p, o, _ in to_dataset(document).quads((None, None, None, None)):
            graph.add((s, p, o))
    return graph


def to_dataset(document: dict[str, Any] | list[Any]) -> Dataset:
    """Expand a JSON-LD document (inline context) with pyld into an rdflib Dataset."""
    from pyld import jsonld

    nquads = jsonld.to_rdf(document, {**OPTIONS, "format": "application/n-quads"})
    dataset = Dataset()
    dataset.parse(data=nquads or "", format="nquads")
    return dataset


def dumps(document: Any) -> str:
    """JSON text of a document, stable for caching (keys in document order)."""
    return json.dumps(document, ensure_ascii=False, indent=1)
