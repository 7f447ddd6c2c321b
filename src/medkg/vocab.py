"""Namespaces, IRI minting and CURIE <-> IRI conversion."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from medkg.errors import UnknownCurie

DEFAULT_BASE = "https://w3id.org/medkg/"
OBO = "http://purl.obolibrary.org/obo/"
OBO_PREFIXES = (
    "MONDO",
    "HP",
    "GO",
    "UBERON",
    "CL",
    "RO",
    "ECO",
    "UO",
    "BFO",
    "IAO",
    "NCIT",
    "CHEBI",
    "DOID",
    "PATO",
)

OA = Namespace("http://www.w3.org/ns/oa#")
CITO = Namespace("http://purl.org/spar/cito/")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
NP = Namespace("http://www.nanopub.org/nschema#")
PROV = Namespace("http://www.w3.org/ns/prov#")
PAV = Namespace("http://purl.org/pav/")
MEDKG = Namespace(DEFAULT_BASE)

#: every prefix a CURIE may use, and its expansion
PREFIXES: dict[str, str] = {
    **{p: f"{OBO}{p}_" for p in OBO_PREFIXES},
    "MEDKG": f"{DEFAULT_BASE}term/MEDKG_",
    "drugbank": "https://go.drugbank.com/drugs/",  # the drugs the ontology index ships
    "ATC": "http://www.whocc.no/atc_ddd_index/?code=",  # drug classes (as bioregistry resolves)
    "medkg": DEFAULT_BASE,
    "biolink": str(BIOLINK),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "oa": str(OA),
    "cito": str(CITO),
    "oboInOwl": str(OBOINOWL),
    "prov": str(PROV),
    "pav": str(PAV),
    "np": str(NP),
    "sd": str(SD),
}

#: prefixes claims may write that medkg expands but never compacts to: the disease identifiers of
#: the HPO annotations (``ORPHA:803``, ``OMIM:254200``, as ``phenotype.hpoa`` writes them and
#: bioregistry resolves them), so drafts grounded on them name the imported source's own IRIs,
#: shown in full like that source's claims
EXPAND_ONLY: dict[str, str] = {
    "ORPHA": "http://www.orpha.net/ORDO/Orphanet_",
    "OMIM": "https://omim.org/MIM:",
}

_CURIE = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*):(\S+)$")


def curie_to_iri(curie: str) -> URIRef:
    """Expand a CURIE with the project's prefixes.

    >>> str(curie_to_iri("MONDO:0004976"))
    'http://purl.obolibrary.org/obo/MONDO_0004976'
    """
    m = _CURIE.match(curie.strip())
    known = PREFIXES | EXPAND_ONLY
    if not m or m.group(1) not in known:
        prefix = m.group(1) if m else curie
        raise UnknownCurie(
            f"unknown CURIE {curie!r}: prefix {prefix!r} is not one medkg knows",
            hint=f"use one of {', '.join(sorted(known))}",
        )
    return URIRef(known[m.group(1)] + m.group(2))


def iri_to_curie(iri: str) -> str:
    """Compact an IRI to a CURIE, longest namespace first; unknown IRIs come back unchanged.

    >>> iri_to_curie("http://purl.obolibrary.org/obo/HP_0040078")
    'HP:0040078'
    >>> iri_to_curie("https://w3id.org/medkg/term/MEDKG_0000001")
    'MEDKG:0000001'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")) and len(iri) > len(ns):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


def is_curie(text: str) -> bool:
    m = _CURIE.match(text)
    known = m is not None and (m.group(1) in PREFIXES or m.group(1) in EXPAND_ONLY)
    return known and not text.startswith(("http:", "https:"))


def to_iri(text: str) -> URIRef:
    """Accept a CURIE or a full http(s) IRI."""
    if text.startswith(("http://", "https://")):
        return URIRef(text)
    return curie_to_iri(text)


class Minter:
    """Mint the IRIs of DESIGN section 2 under one base IRI."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base if base.endswith("/") else base + "/"
        self.ns = Namespace(self.base)

    def claim(self, key: str) -> URIRef:
        return URIRef(f"{self.base}claim/{key}")

    def evidence(self, key: str) -> URIRef:
        return URIRef(f"{self.base}evidence/{key}")

    def article(self, article_id: str) -> URIRef:
        return URIRef(f"{self.base}article/{article_id}")

    def section(self, article_id: str, position: int) -> URIRef:
        return URIRef(f"{self.base}article/{article_id}#section-{position}")

    def reference(self, article_id: str, number: int) -> URIRef:
        return URIRef(f"{self.base}reference/{article_id}-{number}")

    def source(self, source_id: str) -> URIRef:
        """A curated source (``medkg:Source``); its graph is ``source_graph(source_id)``."""
        return URIRef(f"{self.base}source/{source_id}")

    def cited(self, identifier: str) -> URIRef:
        """A reference known by its identifier (``PMID:1`` -> ``reference/pmid-1``), shared by
        every source that cites it; a web address by a hash of it."""
        prefix, sep, local = identifier.partition(":")
        if not sep or identifier.startswith(("http://", "https://")):
            return URIRef(
                f"{self.base}reference/url-{hashlib.sha256(identifier.encode()).hexdigest()[:16]}"
            )
        return URIRef(f"{self.base}reference/{prefix.lower()}-{quote(local, safe='')}")

    def graph(self, name: str) -> URIRef:
        return URIRef(f"{self.base}graph/{name}")

    def source_graph(self, article_id: str) -> URIRef:
        return self.graph(f"source/{article_id}")

    def contradiction(self, key: str) -> URIRef:
        return URIRef(f"{self.base}contradiction/{key}")
