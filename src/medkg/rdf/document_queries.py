"""The SPARQL the linked-data documents are built by (``medkg.documents``): what each kind of
document reads of the store, and why it is written the way it is (each comment says what an
easier form cost at the head). Templates are filled with ``%`` (IRIs as ``<...>``, lists of
them as ``VALUES`` bodies); the common prefixes are ``PREFIXES``, ``medkg:`` is declared by the
caller.
"""

from __future__ import annotations

from collections.abc import Iterable

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX oboInOwl: <http://www.geneontology.org/formats/oboInOwl#>
"""

ENTITY = """CONSTRUCT { ?e ?p ?o . ?e rdfs:subClassOf ?sup . ?sup rdfs:label ?sl . }
WHERE {
  VALUES ?e { %s }
  { ?e ?p ?o . FILTER(!isBlank(?o) && ?p IN (rdf:type, rdfs:label, oboInOwl:hasExactSynonym,
      oboInOwl:hasRelatedSynonym, skos:definition)) }
  UNION { ?e rdfs:subClassOf+ ?sup . FILTER(isIRI(?sup)) OPTIONAL { ?sup rdfs:label ?sl } }
}"""

# the labels of a claim's terms: an OPTIONAL after the claim's own triples, not a join, since
# Oxigraph joined `?term rdfs:label ?tl` over every label first (29 s for the 50 claims of the
# ALS document's first page at 100k synthetic claims; 10 ms this way)
LABELLED = "FILTER(?lp IN (rdf:subject, rdf:predicate, rdf:object, medkg:diseaseContext, \
medkg:anatomicalContext, medkg:unit))"
#: the same properties as keys to look up (``keyed``): a FILTER reads every triple of the claim
#: first, and a head claim has thousands (its ``medkg:evidence`` links: 34 ms per page of ALS
#: at 1M claims)
LABELLED_BY = ("rdf:subject", "rdf:predicate", "rdf:object", "medkg:diseaseContext",
               "medkg:anatomicalContext", "medkg:unit")  # fmt: skip

# a claim's peers (other sources' claims of the same proposition, ``medkg.peers``) come with
# what their line says: polarity, subject, frequency, each evidence's source and code (the
# patterns of CLAIMS and CLAIMS_SHOWN, which construct them as ?peer, ?pev, ?ps and ?pf)
PEER = """UNION { ?c medkg:samePropositionAs ?peer . ?peer ?pp ?po .
          FILTER(?pp IN (rdf:subject, medkg:negated, medkg:frequency, medkg:frequencyCount,
                         medkg:frequencyTotal, medkg:frequencyPercent)) }
  UNION { ?c medkg:samePropositionAs ?peer . ?peer medkg:evidence ?pev .
          ?pev medkg:source ?ps . OPTIONAL { ?pev medkg:evidenceCode ?pc }
          OPTIONAL { ?ps dcterms:title ?pt } OPTIONAL { ?ps medkg:attribution ?pa } }
  UNION { ?c medkg:samePropositionAs/medkg:frequency ?pf . ?pf rdfs:label ?pfl }"""

CLAIMS = """CONSTRUCT {
  ?c ?cp ?co . ?ev ?ep ?eo . ?t ?tp ?to . ?sel ?sp ?so . ?ref ?rp ?ro .
  ?term rdfs:label ?tl . ?art dcterms:title ?at . ?art medkg:attribution ?aa . ?grp ?gp ?go .
  ?peer ?pp ?po . ?peer medkg:evidence ?pev . ?pev medkg:source ?ps . ?pev medkg:evidenceCode ?pc .
  ?ps dcterms:title ?pt . ?ps medkg:attribution ?pa . ?pf rdfs:label ?pfl .
} WHERE {
  VALUES ?c { %s }
  { ?c ?cp ?co }
  UNION { ?c medkg:evidence ?ev . ?ev ?ep ?eo }
  UNION { ?c medkg:evidence/oa:hasTarget ?t . ?t ?tp ?to }
  UNION { ?c medkg:evidence/oa:hasTarget/oa:hasSelector ?sel . ?sel ?sp ?so }
  UNION { ?c medkg:evidence/cito:citesAsEvidence ?ref . ?ref ?rp ?ro }
  UNION { ?c medkg:evidence/medkg:source ?art . ?art dcterms:title ?at }
  UNION { ?c medkg:evidence/medkg:source ?art . ?art medkg:attribution ?aa }
  UNION { ?grp medkg:member ?c ; ?gp ?go }
  UNION { ?c ?lp ?term . %s OPTIONAL { ?term rdfs:label ?tl } FILTER(BOUND(?tl)) }
  %s
}"""

#: claims as an entity page shows them: all but their evidence, and the evidence the summary
#: index says to show (``?c medkg:evidence ?ev`` pairs): a claim restated by thousands of
#: sentences shows a few, and its count. Their contradiction groups come with their own
#: triples and the members on the page (a group's ``count`` says how many it has; its own
#: document lists them all): at 1M claims the head's groups have up to 300 members each.
#: The claims are in two lists: a claim with many evidence links (``medkg.documents.HEAVY``)
#: has its own triples and labelled terms looked up by predicate (``keyed``), since reading its
#: triples would read past all its links (62 ms for ALS's first page at 1M claims); the others are
#: read whole, which is cheaper than a dozen lookups for a dozen triples.
CLAIMS_SHOWN = """CONSTRUCT {
  ?c ?cp ?co . ?c medkg:evidence ?ev . ?ev ?ep ?eo . ?t ?tp ?to . ?sel ?sp ?so .
  ?ref ?rp ?ro . ?term rdfs:label ?tl . ?art dcterms:title ?at . ?art medkg:attribution ?aa .
  ?grp ?gp ?go . ?grp medkg:member ?c .
  ?peer ?pp ?po . ?peer medkg:evidence ?pev . ?pev medkg:source ?ps . ?pev medkg:evidenceCode ?pc .
  ?ps dcterms:title ?pt . ?ps medkg:attribution ?pa . ?pf rdfs:label ?pfl .
} WHERE {
  %s
  { VALUES ?c { %s }
    { ?grp medkg:member ?c . ?grp ?gp ?go FILTER(?gp != medkg:member) }
    UNION { ?grp medkg:member ?c }
    %s }
  UNION { VALUES (?c ?ev) { %s }
    { ?ev ?ep ?eo }
    UNION { ?ev oa:hasTarget ?t . ?t ?tp ?to }
    UNION { ?ev oa:hasTarget/oa:hasSelector ?sel . ?sel ?sp ?so }
    UNION { ?ev cito:citesAsEvidence ?ref . ?ref ?rp ?ro }
    UNION { ?ev medkg:source ?art . ?art dcterms:title ?at }
    UNION { ?ev medkg:source ?art . ?art medkg:attribution ?aa } }
}"""
#: the first part of CLAIMS_SHOWN for claims read whole, then for claims looked up by key (each
#: only when it has claims: rdflib's engine fails on an empty ``VALUES``)
READ_WHOLE = """{ VALUES ?c { %s }
    { ?c ?cp ?co FILTER(?cp != medkg:evidence) }
    UNION { ?c ?lp ?term . %s OPTIONAL { ?term rdfs:label ?tl } FILTER(BOUND(?tl)) } } UNION"""
READ_BY_KEY = """{ VALUES ?c { %s }
    { %s }
    UNION { { %s } OPTIONAL { ?term rdfs:label ?tl } FILTER(BOUND(?tl)) } } UNION"""


def keyed(subject: str, predicates: Iterable[str], var: str | None, obj: str) -> str:
    """``subject P obj`` for each of ``predicates`` (IRIs or prefixed names), as a UNION of
    lookups by key, binding ``var`` to P: Oxigraph reads every triple of the subject for a
    ``FILTER(?p IN ...)``, and for ``VALUES ?p`` every triple with that predicate (3 s at 100k
    claims), whatever binds the subject."""
    bind = (lambda p: f" BIND({p} AS {var})") if var else (lambda p: "")
    return " UNION ".join(f"{{ {subject} {p} {obj}{bind(p)} }}" for p in predicates)


EVIDENCE = """CONSTRUCT {
  ?ev ?ep ?eo . ?t ?tp ?to . ?sel ?sp ?so . ?ref ?rp ?ro .
  ?c ?cp ?co . ?c medkg:evidence ?ev . ?term rdfs:label ?tl . ?art dcterms:title ?at .
  ?art medkg:attribution ?aa .
} WHERE {
  VALUES ?ev { %s }
  { ?ev ?ep ?eo }
  UNION { ?ev oa:hasTarget ?t . ?t ?tp ?to }
  UNION { ?ev oa:hasTarget/oa:hasSelector ?sel . ?sel ?sp ?so }
  UNION { ?ev cito:citesAsEvidence ?ref . ?ref ?rp ?ro }
  UNION { ?ev medkg:source ?art . ?art dcterms:title ?at }
  UNION { ?ev medkg:source ?art . ?art medkg:attribution ?aa }
  UNION { ?c medkg:evidence ?ev ; ?cp ?co FILTER(?cp != medkg:evidence) }
  UNION { ?c medkg:evidence ?ev ; ?lp ?term . %s OPTIONAL { ?term rdfs:label ?tl }
          FILTER(BOUND(?tl)) }
}"""

#: a claim's evidence (``Documents.claim`` sorts it itself: Oxigraph's ORDER BY took 300 ms
#: for the 7.5k of the head claim at 1M claims, reading them 30 ms)
EVIDENCE_OF = "SELECT ?ev WHERE { %s medkg:evidence ?ev }"

#: the claims an evidence supports, and how much evidence each has in all (the evidence
#: document names its own claims, not their thousands of other sentences at the head)
SUPPORTED = """SELECT ?c (COUNT(?other) AS ?n) WHERE { ?c medkg:evidence %s , ?other }
GROUP BY ?c"""

#: the claims an article states: their evidence in it, and how much evidence each has
STATED_IN = """SELECT ?c ?ev ?n WHERE {
  { SELECT ?c (COUNT(?all) AS ?n) WHERE {
      { SELECT DISTINCT ?c WHERE { ?e medkg:source %s . ?c medkg:evidence ?e } }
      ?c medkg:evidence ?all } GROUP BY ?c }
  ?c medkg:evidence ?ev . ?ev medkg:source %s }"""

#: a contradiction group's members, and how much evidence each has
MEMBERS = """SELECT ?c (COUNT(?ev) AS ?n) WHERE { %s medkg:member ?c . ?c medkg:evidence ?ev }
GROUP BY ?c"""

#: labels and titles of the terms and sources a summary counts by
NAMES = """CONSTRUCT { ?v rdfs:label ?l . ?v dcterms:title ?t . } WHERE {
  VALUES ?v { %s } { ?v rdfs:label ?l } UNION { ?v dcterms:title ?t }
}"""

NODE = """CONSTRUCT { ?n ?p ?o . ?x ?xp ?xo . ?back ?bp ?n . ?back dcterms:title ?bt .
  ?back medkg:source ?src . ?src medkg:attribution ?aa . }
WHERE {
  VALUES ?n { %s }
  { ?n ?p ?o }
  UNION { ?n ?down ?x . ?x ?xp ?xo . FILTER(?down IN (medkg:section, medkg:reference)) }
  UNION { ?back ?bp ?n . FILTER(?bp IN (medkg:source, cito:citesAsEvidence, medkg:reference))
          OPTIONAL { ?back dcterms:title ?bt } }
  UNION { ?back cito:citesAsEvidence ?n ; medkg:source ?src . ?src medkg:attribution ?aa }
}"""
