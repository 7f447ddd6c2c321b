"""Differential test: ``/sparql`` answers as the engine itself does.

The same quads go into the app (by SPARQL Update, with the token) and into a plain pyoxigraph
store whose default graph holds the set union of the named graphs (medkg's default graph, see
"The stored union" in ``store.base``; Oxigraph's own ``use_default_graph_as_union`` is a bag).
Every query runs through both; each results format medkg writes must parse back to the engine's
solutions: same variables, same rows as a multiset, same term kinds, datatypes, language tags and
directions, as many distinct blank nodes. CSV keeps only lexical forms, so only those are compared.
Queries whose answer is random (RAND, UUID, BNODE) are compared by shape.
"""

from __future__ import annotations

import collections
import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from rdflib.query import Result

from medkg.config import Settings
from medkg.store import open_store

from ..conftest import ROOT
from .test_sparql_update import TOKEN

#: the dataset's ill-typed "maybe"^^xsd:boolean, read back by rdflib, warns by design
pytestmark = pytest.mark.filterwarnings("ignore:Parsing weird boolean:UserWarning")

BASE = "http://localhost/sparql"  # the endpoint's own IRI under the test client
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RESULTS = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    "csv": ("text/csv", None),
}
GRAPHS = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
}

#: every escape a format needs, language tags with regions and directions, numbers of every
#: kind with NaN, INF and -0, dates with and without time zones, ill-typed and custom literals,
#: IRIs with non-ASCII and percent-escapes, blank-node cycles, collections, a triple in 3 graphs
DATA = r"""
@prefix ex: <http://ex.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:g1 {
  ex:a ex:str "plain" , "" , "quote \" and \\ backslash" , "line\nbreak" , "tab\there" , "cr\rhere" , "crlf\r\nend" ,
       " lead and trail " , "sep\u2028para\u2029" , "emoji \U0001F600 ok" , "<tag> & 'amp'" , "a,b;c" , "ctl\u0001\u007f\u0085" , "\u00a0nbsp\u00a0" ;
       ex:lang "hello"@en , "hello"@en-US , "Hallo"@de , "bonjour"@fr-CA , ""@en ;
       ex:num 1 , 2.5 , 1.0e3 , -0 , "-0.0"^^xsd:double , "NaN"^^xsd:double , "INF"^^xsd:double , "-INF"^^xsd:float , "007"^^xsd:integer , "+3"^^xsd:int , "12345678901234567890123"^^xsd:integer , "0.1"^^xsd:decimal , "3"^^xsd:byte ;
       ex:ill "abc"^^xsd:integer , "maybe"^^xsd:boolean , "2020-13-45"^^xsd:date , " 1 "^^xsd:integer ;
       ex:bool true , "0"^^xsd:boolean , "1"^^xsd:boolean ;
       ex:dt "2020-01-02T03:04:05Z"^^xsd:dateTime , "2020-01-02T03:04:05.123+05:30"^^xsd:dateTime , "2020-01-02T03:04:05"^^xsd:dateTime , "2020-01-02"^^xsd:date , "10:00:00-08:00"^^xsd:time , "P1Y2M3DT4H5M6S"^^xsd:duration , "2020"^^xsd:gYear ;
       ex:custom "x y"^^ex:myType , "5"^^<http://ex.org/dt/é%20x> ;
       ex:list ( 1 "two" ex:three ( ) ) ;
       ex:empty () .
  <http://ex.org/ünï/cödé> ex:p <http://ex.org/pct%20esc%2Fx> , <http://ex.org/q?x=1&y=%3C%3E#frag> .
  _:b1 ex:knows _:b2 . _:b2 ex:knows _:b1 ; ex:name "B2" .
  ex:a ex:nested [ ex:inner [ ex:deep "yes" ] ] .
  ex:chain1 ex:next ex:chain2 . ex:chain2 ex:next ex:chain3 . ex:chain3 ex:next ex:chain1 .
  ex:a rdfs:label "A label"@en .
  ex:a a ex:Thing .
}
ex:g2 {
  ex:a ex:str "plain" .
  ex:a a ex:Thing , ex:Other .
  ex:b ex:num 10 , 20 , 30 ; ex:str "b" ; a ex:Thing .
  ex:c ex:num 5 ; a ex:Other ; ex:link ex:a .
  ex:d ex:num "x" .
  ex:a ex:rel ex:b . ex:b ex:rel ex:c . ex:c ex:rel ex:d .
}
<http://ex.org/graph%20with%20space> {
  ex:e ex:p "in weird graph" .
}
<http://ex.org/g3> {
  <http://ex.org/f> <http://ex.org/dir> "right"@ar--rtl , "left"@en--ltr ;
     <http://ex.org/nul> "nul\u0000x" , "bell\u0007x" ;
     <http://ex.org/str> "plain" .
  <http://ex.org/a> <http://ex.org/str> "plain" .
}
"""

PREFIXES = (
    "PREFIX ex: <http://ex.org/>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)

QUERIES = [
    # basic / all terms
    "SELECT * { ?s ?p ?o }",
    "SELECT ?g ?s ?p ?o { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?s ?p ?o { GRAPH ex:g1 { ?s ?p ?o } }",
    "SELECT ?s ?p ?o { GRAPH <http://ex.org/graph%20with%20space> { ?s ?p ?o } }",
    "SELECT DISTINCT ?g { GRAPH ?g { } }",
    "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?o { ex:a ex:str ?o }",
    "SELECT ?o { ex:a ex:lang ?o }",
    "SELECT ?o { ex:a ex:num ?o }",
    "SELECT ?o { ex:a ex:ill ?o }",
    "SELECT ?o { ex:a ex:dt ?o }",
    "SELECT ?o { ex:a ex:custom ?o }",
    "SELECT ?o (LANG(?o) AS ?l) (DATATYPE(?o) AS ?d) { ?s ex:dir ?o }",
    "SELECT ?o { ?s ex:nul ?o }",
    "SELECT ?s ?o { ?s ex:knows ?o }",
    "SELECT * { ?x ex:knows ?y . ?y ex:knows ?x }",
    "SELECT ?o { ex:a ex:nested/ex:inner ?b . ?b ?p ?o }",
    "SELECT ?s ?o { ?s ex:p ?o }",
    # forms
    'ASK { ex:a ex:str "plain" }',
    'ASK { ex:a ex:str "nope" }',
    "ASK { }",
    "ASK { GRAPH ex:g2 { ex:a a ex:Other } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ex:g1 { ?s ?p ?o } }",
    "CONSTRUCT WHERE { ?s ex:str ?o }",
    "CONSTRUCT { ?s ex:label ?l } WHERE { ?s ex:lang ?l }",
    "CONSTRUCT { _:x ex:from ?s ; ex:val ?o } WHERE { ?s ex:num ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ex:g3 { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?p = ex:str) }",
    "CONSTRUCT {} WHERE { ?s ?p ?o }",
    "CONSTRUCT { ex:x ex:y ?o } WHERE { ?s ex:nope ?o }",
    "DESCRIBE ex:b",
    "DESCRIBE ?s WHERE { ?s ex:num 5 }",
    "DESCRIBE <http://ex.org/ünï/cödé>",
    "DESCRIBE ex:a",
    # projections, modifiers
    "SELECT (?o AS ?x) (STR(?o) AS ?s) (1+1 AS ?two) { ex:b ex:num ?o }",
    "SELECT DISTINCT ?s { ?s ?p ?o }",
    "SELECT REDUCED ?p { ?s ?p ?o }",
    "SELECT ?o { ?s ?p ?o FILTER(isIRI(?o) || isBlank(?o) || DATATYPE(?o) IN (xsd:string, rdf:langString)) } ORDER BY ?o",
    "SELECT ?o { ?s ?p ?o FILTER(isIRI(?o) || isNumeric(?o)) } ORDER BY DESC(?o)",
    "SELECT ?o { ex:a ex:num ?o } ORDER BY ?o",
    "SELECT ?o { ex:a ex:dt ?o } ORDER BY DESC(?o) STR(?o)",
    "SELECT ?s ?o { ?s ex:num ?o FILTER(?o != 0 && ?o = ?o) } ORDER BY ?s DESC(?o) LIMIT 3",
    "SELECT ?s ?o { ?s ex:num ?o FILTER(?o != 0 && ?o = ?o) } ORDER BY ?s ?o LIMIT 3 OFFSET 2",
    "SELECT ?s { ?s ?p ?o } ORDER BY ?s OFFSET 5 LIMIT 0",
    "SELECT ?s { ?s ?p ?o } ORDER BY ?s ?p ?o OFFSET 1000",
    "SELECT * { ?s ex:num ?o } ORDER BY (?o * 2) ?s",
    "SELECT ?x { } ",
    "SELECT * { } ",
    "SELECT ?nothing { ?s ?p ?o } LIMIT 2",
    # aggregates
    "SELECT (COUNT(*) AS ?c) { ?s ?p ?o }",
    "SELECT (COUNT(DISTINCT ?s) AS ?c) (COUNT(?o) AS ?co) { ?s ?p ?o }",
    "SELECT ?s (SUM(?o) AS ?sum) (AVG(?o) AS ?avg) (MIN(?o) AS ?min) (MAX(?o) AS ?max) { ?s ex:num ?o } GROUP BY ?s",
    "SELECT ?s (SUM(?o) AS ?sum) { ?s ex:num ?o } GROUP BY ?s HAVING (SUM(?o) > 10)",
    'SELECT ?s (GROUP_CONCAT(?o; SEPARATOR=" | ") AS ?all) { ?s ex:num ?o FILTER(isNumeric(?o) && ?o > 1) } GROUP BY ?s ORDER BY ?s',
    "SELECT (GROUP_CONCAT(DISTINCT ?l) AS ?langs) { ?s ?p ?o BIND(LANG(?o) AS ?l) }",
    "SELECT (GROUP_CONCAT(?o ; separator='\\n') AS ?x) { ex:b ex:num ?o }",
    "SELECT ?s (SAMPLE(?o) AS ?one) { ?s ex:num 5 . ?s ex:num ?o } GROUP BY ?s",
    "SELECT (COUNT(*) AS ?c) { ?s ex:nope ?o }",
    "SELECT (SUM(?o) AS ?s) (AVG(?o) AS ?a) { ?s ex:nope ?o }",
    "SELECT (MAX(?o) AS ?m) (MIN(?o) AS ?n) { ?s ?p ?o }",
    "SELECT ?p (COUNT(?o) AS ?n) { ?s ?p ?o } GROUP BY ?p HAVING (COUNT(?o) > 2) ORDER BY DESC(?n) ?p",
    "SELECT (STRLEN(?s) AS ?len) (COUNT(*) AS ?c) { ?x ex:str ?s } GROUP BY (STRLEN(?s) AS ?len2) ?s",
    "SELECT ?t (COUNT(?s) AS ?c) { ?s a ?t } GROUP BY ?t",
    "SELECT (SUM(?o) AS ?s) { ex:a ex:num ?o }",
    "SELECT (AVG(?o) AS ?s) { ?x ex:num ?o FILTER(datatype(?o) = xsd:integer) }",
    # subqueries
    "SELECT ?s ?c { { SELECT ?s (COUNT(*) AS ?c) { ?s ?p ?o } GROUP BY ?s } FILTER(?c > 3) }",
    "SELECT * { { SELECT ?s { ?s ?p ?o } ORDER BY ?s LIMIT 2 } ?s ex:str ?x }",
    "SELECT ?x { { SELECT (MAX(?o) AS ?x) { ?s ex:num ?o FILTER(datatype(?o)=xsd:integer) } } }",
    # VALUES
    "SELECT * { VALUES ?x { 1 2 3 } }",
    'SELECT * { VALUES (?x ?y) { (1 UNDEF) (UNDEF "b") (UNDEF UNDEF) (ex:a "c"@en) } }',
    "SELECT ?s ?o { ?s ex:num ?o } VALUES ?s { ex:b ex:c }",
    'SELECT ?s ?o { ?s ex:str ?o } VALUES (?s ?o) { (ex:a UNDEF) (UNDEF "b") }',
    "SELECT * { VALUES ?x { } }",
    "SELECT * { VALUES () { () () } }",
    'SELECT * { VALUES ?x { "tab\\there" "nl\\nx" "q\\"x" \'apos\\\'\' """tri"ple""" \'\'\'tri\'ple\'\'\' } }',
    "SELECT * { VALUES ?x { 1 1.0 1e0 -1 +1 .5 1.e1 0.0e-3 true false } }",
    # BIND / OPTIONAL / MINUS / UNION
    "SELECT ?s ?d { ?s ex:num ?o BIND(?o * 2 AS ?d) }",
    "SELECT ?s ?l { ?s a ex:Thing OPTIONAL { ?s rdfs:label ?l } }",
    "SELECT ?s ?l ?n { ?s a ex:Thing OPTIONAL { ?s rdfs:label ?l } OPTIONAL { ?s ex:num ?n FILTER(?n > 15) } }",
    "SELECT ?s { ?s a ex:Thing MINUS { ?s a ex:Other } }",
    "SELECT ?s { ?s a ex:Thing MINUS { ?x a ex:Other } }",
    "SELECT ?x { { ?x a ex:Thing } UNION { ?x a ex:Other } }",
    "SELECT ?x ?y { { ?x a ex:Thing } UNION { ?y a ex:Other } }",
    "SELECT ?s { ?s a ex:Thing FILTER NOT EXISTS { ?s ex:num ?n } }",
    "SELECT ?s { ?s a ex:Thing FILTER EXISTS { ?s ex:num ?n } }",
    "SELECT ?s ?o { ?s ex:num ?o OPTIONAL { ?s ex:str ?z } FILTER(!BOUND(?z)) }",
    "SELECT * { OPTIONAL { ?s ex:nope ?o } }",
    "SELECT * { ?s ex:rel ?o OPTIONAL { ?o ex:rel ?z OPTIONAL { ?z ex:rel ?w } } }",
    # paths
    "SELECT ?x ?y { ?x ex:rel/ex:rel ?y }",
    "SELECT ?x ?y { ?x ex:rel|ex:link ?y }",
    "SELECT ?y { ex:a ex:rel+ ?y }",
    "SELECT ?y { ex:a ex:rel* ?y }",
    "SELECT ?y { ex:a ex:rel? ?y }",
    "SELECT ?x { ?x ex:rel* ex:d }",
    "SELECT ?x ?y { ?x ex:next+ ?y }",
    "SELECT ?x ?y { ?x ex:next* ?y }",
    "SELECT ?x { ?x ^ex:rel ex:b }",
    "SELECT ?x ?y { ?x ^ex:rel/ex:rel ?y }",
    "SELECT ?x ?y { ?x !ex:rel ?y FILTER(?x = ex:c) }",
    "SELECT ?x ?p ?y { ?x !(ex:rel|^ex:link|rdf:type) ?y FILTER(?x = ex:c || ?y = ex:c) ?x ?p ?y }",
    "SELECT ?x ?y { ?x !^ex:link ?y }",
    "SELECT ?x ?y { ?x (ex:rel/ex:rel)* ?y FILTER(?x = ex:a) }",
    "SELECT ?e { ex:a ex:list/rdf:rest*/rdf:first ?e }",
    "SELECT ?e { ex:a ex:list/rdf:rest*/rdf:first/rdf:rest*/rdf:first ?e }",
    "SELECT ?x ?y { GRAPH ?g { ?x ex:rel+ ?y } }",
    "SELECT ?g ?x { GRAPH ?g { ?x ex:rel* ?x } }",
    "SELECT ?x ?y { ?x (ex:rel|ex:link)+ ?y }",
    "ASK { ex:a ex:rel+ ex:d }",
    "SELECT * { ex:a ex:rel* ex:a }",
    "SELECT (COUNT(*) AS ?n) { ?x ex:nope* ?x }",
    # graphs / datasets in the text
    "SELECT ?s ?o FROM ex:g2 { ?s ex:str ?o }",
    "SELECT ?g ?s FROM NAMED ex:g2 { GRAPH ?g { ?s a ex:Thing } }",
    "SELECT ?s FROM ex:g1 FROM ex:g2 { ?s a ex:Thing }",
    'SELECT ?g ?s FROM ex:g1 FROM NAMED ex:g2 { { ?s ex:str "plain" } UNION { GRAPH ?g { ?s ex:str "plain" } } }',
    'SELECT ?s (COUNT(*) AS ?n) { ?s ex:str "plain" } GROUP BY ?s',
    'SELECT ?g { GRAPH ?g { ex:a ex:str "plain" } }',
    "SELECT ?s ?o FROM <http://ex.org/nonexistent> { ?s ?p ?o }",
    "SELECT * { GRAPH ex:nonexistent { ?s ?p ?o } }",
    "SELECT * { GRAPH ?g { ex:e ?p ?o } }",
    # functions: strings
    "SELECT ?o (STRLEN(?o) AS ?n) (UCASE(?o) AS ?u) (LCASE(?o) AS ?l) { ex:a ex:str|ex:lang ?o }",
    "SELECT ?o (SUBSTR(?o, 2) AS ?a) (SUBSTR(?o, 2, 3) AS ?b) { ex:a ex:str|ex:lang ?o }",
    'SELECT ?o (STRSTARTS(?o, "l") AS ?a) (STRENDS(?o, "e") AS ?b) (CONTAINS(?o, "a") AS ?c) { ex:a ex:str|ex:lang ?o }',
    'SELECT ?o (STRBEFORE(?o, "e") AS ?a) (STRAFTER(?o, "e") AS ?b) { ex:a ex:str|ex:lang ?o }',
    'SELECT (ENCODE_FOR_URI(?o) AS ?e) (CONCAT(?o, "-", ?o) AS ?c) { ex:a ex:str|ex:lang ?o }',
    'SELECT (CONCAT("a"@en, "b"@en) AS ?x) (CONCAT("a"@en, "b") AS ?y) (CONCAT() AS ?z) {}',
    'SELECT ?o (REPLACE(?o, "[aeiou]", "_") AS ?r) (REPLACE(?o, "(.)\\\\1", "$1", "i") AS ?r2) { ex:a ex:str ?o }',
    'SELECT ?o { ex:a ex:str ?o FILTER(REGEX(?o, "^[a-z]+$")) }',
    'SELECT ?o { ex:a ex:str ?o FILTER(REGEX(?o, "QUOTE", "i")) }',
    'SELECT ?o (LANGMATCHES(LANG(?o), "en") AS ?m) (LANGMATCHES(LANG(?o), "*") AS ?any) { ex:a ex:lang ?o }',
    'SELECT (STRLANG("x", "en-GB") AS ?a) (STRDT("5", xsd:integer) AS ?b) (STRDT("z", ex:dt) AS ?c) {}',
    'SELECT (STR(ex:a) AS ?a) (STR("x"@en) AS ?b) (STR(5) AS ?c) {}',
    'SELECT (SUBSTR("\\U0001F600abc", 2, 2) AS ?a) (STRLEN("\\U0001F600") AS ?b) (UCASE("stra\\u00dfe") AS ?c) {}',
    # numeric
    "SELECT ?o (ABS(?o) AS ?a) (ROUND(?o) AS ?r) (CEIL(?o) AS ?c) (FLOOR(?o) AS ?f) { ?s ex:num ?o FILTER(isNumeric(?o)) }",
    "SELECT (1/3 AS ?a) (1.0/3 AS ?b) (1e0/3 AS ?c) (2 * 3.5 AS ?d) (-(5) AS ?e) (+5 AS ?f) (7 - 10 AS ?g) {}",
    "SELECT (1/0 AS ?a) (1.0e0/0 AS ?b) (-1e0/0 AS ?c) (0e0/0 AS ?d) {}",
    "SELECT ?o (?o = ?o AS ?self) (?o < 1 AS ?lt) { ?s ex:num ?o }",
    'SELECT (xsd:integer("42") AS ?a) (xsd:double("1.5") AS ?b) (xsd:decimal(2) AS ?c) (xsd:boolean("true") AS ?d) (xsd:string(3) AS ?e) (xsd:float("x") AS ?f) (xsd:dateTime("2020-01-01T00:00:00Z") AS ?g) {}',
    'SELECT (ISNUMERIC("abc"^^xsd:integer) AS ?a) (ISNUMERIC(1) AS ?b) {}',
    "SELECT ?o { ex:a ex:ill ?o FILTER(?o > 0) }",
    "SELECT (RAND() AS ?r) {}",
    # hashes
    "SELECT ?o (MD5(?o) AS ?a) (SHA1(?o) AS ?b) (SHA256(?o) AS ?c) (SHA384(?o) AS ?d) (SHA512(?o) AS ?e) { ex:a ex:str ?o }",
    # date/time
    "SELECT ?o (YEAR(?o) AS ?y) (MONTH(?o) AS ?m) (DAY(?o) AS ?d) (HOURS(?o) AS ?h) (MINUTES(?o) AS ?mi) (SECONDS(?o) AS ?se) (TIMEZONE(?o) AS ?tz) (TZ(?o) AS ?t) { ex:a ex:dt ?o }",
    "SELECT (BOUND(?n) AS ?b) (DATATYPE(NOW()) AS ?d) {}",
    'SELECT ("2020-01-02T00:00:00Z"^^xsd:dateTime - "2020-01-01T00:00:00Z"^^xsd:dateTime AS ?d) {}',
    'SELECT ?o { ex:a ex:dt ?o FILTER(?o > "2020-01-01T00:00:00Z"^^xsd:dateTime) }',
    # term functions
    "SELECT ?o (isIRI(?o) AS ?i) (isURI(?o) AS ?u) (isBlank(?o) AS ?b) (isLiteral(?o) AS ?l) (isNumeric(?o) AS ?n) { ?s ?p ?o }",
    'SELECT (IRI("http://ex.org/x") AS ?a) (URI("rel") AS ?b) (IRI(ex:a) AS ?c) {}',
    'SELECT (BNODE() AS ?a) (BNODE("x") AS ?b) (BNODE("x") AS ?c) {}',
    "SELECT ?s (BNODE(STR(?s)) AS ?b) { ?s a ex:Thing }",
    "SELECT (STRUUID() AS ?a) (UUID() AS ?b) {}",
    'SELECT (sameTerm(1, 1.0) AS ?a) (1 = 1.0 AS ?b) ("a"@en = "a"@EN AS ?c) (sameTerm("a", "a"^^xsd:string) AS ?d) {}',
    'SELECT (IF(true, "y", "n") AS ?a) (IF(1/0, 1, 2) AS ?b) (COALESCE(?x, 1/0, "c") AS ?c) (COALESCE() AS ?d) {}',
    'SELECT ?o { ?s ex:num ?o FILTER(?o IN (5, 10, "x")) }',
    "SELECT ?o { ?s ex:num ?o FILTER(?o NOT IN (5, 10)) }",
    'SELECT ?s { ?s ex:num ?o FILTER(?o > 5 && ?o < 25 || ?o = "x") }',
    # syntax odds
    "# leading comment\nSELECT  ?s\t# trailing\n{\r\n ?s\ta\r\nex:Thing .\n}",
    "select ?S { ?S A ex:Thing }".replace(" A ", " a "),
    "SELECT $s { $s a ex:Thing }",
    'SELECT ?s { ?s <http://ex.org/\\u0073tr> "\\u0070lain" }',
    "PREFIX e: <http://ex.org/> SELECT ?o { e:a e:str ?o }",
    "PREFIX : <http://ex.org/> SELECT ?o { :a :str ?o }",
    "PREFIX ex.y: <http://ex.org/> SELECT ?o { ex.y:a ex.y:str ?o }",
    "PREFIX e: <http://ex.org/> SELECT ?o { ?x e:p ?o FILTER(?x = e:ünï\\/cödé) }",
    "PREFIX e: <http://ex.org/> SELECT ?x { ?x e:p e:pct%20esc%2Fx }",
    "PREFIX e: <http://ex.org/> SELECT (e:a\\.b AS ?x) (e:a.b AS ?y) (e:\\~x AS ?z) {}",
    'SELECT ?s { ?s ?p "plain"^^xsd:string }',
    'SELECT ?s { ?s ?p "hello"@EN-us }',
    "SELECT ?s { ?s ?p 1 }",
    "SELECT ?s { ?s ?p 1.0e3 }",
    'SELECT ?s { ?s ?p "-0"^^xsd:double }',
    'SELECT ?s ?o { ?s ?p ?o FILTER(?o = "sep\\u2028para\\u2029") }',
    "BASE <http://ex.org/> SELECT ?o { <a> <str> ?o }",
    "BASE <http://ex.org/x/> SELECT (<../a> AS ?x) (<#f> AS ?y) (<?q> AS ?z) (<> AS ?w) {}",
    'SELECT (<rel> AS ?x) (<> AS ?y) (IRI("r") AS ?z) {}',
    "BASE <http://ex.org/> PREFIX e: <sub/> SELECT (e:x AS ?x) {}",
    "SELECT * { ?s ?p ?o FILTER(isIRI(?s) && !isBlank(?o)) } ORDER BY ?s ?p STR(?o) LANG(?o) STR(DATATYPE(?o)) LIMIT 3 OFFSET 1",
    "SELECT (COUNT(*) AS ?c) WHERE { ?s ?p ?o . ?s ?p2 ?o2 }",
    "SELECT ?x { [] ex:knows ?x }",
    'SELECT ?x { ?x ex:list ( 1 "two" ?t ?e ) }',
    "SELECT ?x { ?x ex:empty () }",
    "SELECT ?x { ?x ex:nested [ ex:inner [ ex:deep ?d ] ] }",
    "SELECT * { ?s ex:num ?o . FILTER(?o > 1) . ?s a ?t . }",
    "SELECT * { BIND(1 AS ?a) BIND(?a + 1 AS ?b) { BIND(?a AS ?c) } }",
    "SELECT * { ?s ex:str ?o } ORDER BY ?o LIMIT 1000000",
    'SELECT * { ?s ex:str ?o } LIMIT 5 VALUES ?o { "plain" "b" }',
]
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: answers that are random: compared by variables and term kinds only
RANDOM = ("RAND()", "UUID()", "BNODE(")


@pytest.fixture(scope="module")
def reference() -> ox.Store:
    store = ox.Store()
    store.load(DATA.encode(), ox.RdfFormat.TRIG)
    for q in list(store):
        store.add(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()))
    return store


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[FlaskClient]:
    from medkg.web import create_app

    store = open_store("oxigraph:", ROOT)
    app = create_app(settings.replace(update_token=TOKEN), store, build=False)
    c = app.test_client()
    source = ox.Store()
    source.load(DATA.encode(), ox.RdfFormat.TRIG)
    for g in source.named_graphs():
        triples = [ox.Triple(*q.triple) for q in source.quads_for_pattern(None, None, None, g)]
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
        update = f"INSERT DATA {{ GRAPH <{g.value}> {{ {text} }} }}"
        r = c.post("/sparql", data=update, content_type="application/sparql-update", headers=AUTH)
        assert r.status_code == 204, r.get_data(as_text=True)
    yield c
    app.extensions["medkg.endpoint"].close()


def key(t: Any, shape: bool = False) -> tuple[object, ...]:
    if t is None:
        return ("unbound",)
    if isinstance(t, ox.BlankNode):
        return ("bnode",)
    if isinstance(t, ox.NamedNode):
        return ("iri",) if shape else ("iri", t.value)
    if shape:
        return ("literal", t.datatype.value)
    return ("literal", t.value, t.datatype.value, t.language, str(t.direction))


def rows_of(solutions: ox.QuerySolutions) -> tuple[list[str], list[tuple[Any, ...]]]:
    names = [v.value for v in solutions.variables]
    return names, [tuple(s[n] for n in names) for s in solutions]


def spo(triples: Any) -> set[tuple[object, ...]]:
    return {(key(t.subject), key(t.predicate), key(t.object)) for t in triples}


def bag(rows: list[tuple[Any, ...]], shape: bool) -> collections.Counter[tuple[object, ...]]:
    return collections.Counter(tuple(key(t, shape) for t in row) for row in rows)


def bnodes(rows: list[tuple[Any, ...]]) -> int:
    return len({t.value for row in rows for t in row if isinstance(t, ox.BlankNode)})


def csv_rows(body: bytes) -> tuple[list[str], list[tuple[str, ...]]]:
    lines = list(csv.reader(io.StringIO(body.decode(), newline="")))
    width = len(lines[0])
    return lines[0], [tuple("_:" if v.startswith("_:") else v for v in r or [""] * width)
                      for r in lines[1:]]  # fmt: skip


def csv_text(t: Any) -> str:
    return "" if t is None else "_:" if isinstance(t, ox.BlankNode) else t.value


def ask(client: FlaskClient, query: str, accept: str, how: str, params: dict[str, Any]) -> Any:
    headers = {"Accept": accept}
    if how == "get":
        r = client.get("/sparql", query_string={"query": query, **params}, headers=headers)
    elif how == "form":
        r = client.post("/sparql", data={"query": query, **params}, headers=headers)
    else:
        r = client.post("/sparql", query_string=params, data=query.encode(),
                        content_type="application/sparql-query", headers=headers)  # fmt: skip
    assert r.status_code == 200, r.get_data(as_text=True)
    return r


def same_as_engine(
    client: FlaskClient, reference: ox.Store, query: str, how: str = "get", **params: Any
) -> None:
    dataset: dict[str, Any] = {}
    if "default-graph-uri" in params:
        dataset["default_graph"] = [ox.NamedNode(g) for g in params["default-graph-uri"]]
    if "named-graph-uri" in params:
        dataset["named_graphs"] = [ox.NamedNode(g) for g in params["named-graph-uri"]]
    want = reference.query(query, base_iri=BASE, **dataset)
    shape = any(word in query for word in RANDOM)
    if isinstance(want, ox.QueryBoolean):
        for name, (accept, native) in RESULTS.items():
            body = ask(client, query, accept, how, params).data
            got = body.strip() == b"true" if native is None else bool(
                ox.parse_query_results(body, native))  # fmt: skip
            assert got == bool(want), name
        return
    if isinstance(want, ox.QueryTriples):
        expected = spo(want)
        for name, (accept, rdf) in GRAPHS.items():
            body = ask(client, query, accept, how, params).data
            assert spo(ox.parse(body, rdf)) == expected, name
        return
    names, rows = rows_of(want)
    for name, (accept, native) in RESULTS.items():
        body = ask(client, query, accept, how, params).data
        if native is None:
            header, texts = csv_rows(body)
            assert header == names
            if not shape:
                wanted = [tuple(csv_text(t) for t in row) for row in rows]
                assert collections.Counter(texts) == collections.Counter(wanted), name
            continue
        parsed = ox.parse_query_results(body, native)
        assert isinstance(parsed, ox.QuerySolutions)
        got_names, got = rows_of(parsed)
        assert got_names == names, name
        assert bag(got, shape) == bag(rows, shape), name
        assert bnodes(got) == bnodes(rows), name
        # rdflib's parsers read the same document (XML 1.0 cannot hold C0 controls at all:
        # Oxigraph writes them raw and so does medkg; rdflib's TSV parser drops empty rows)
        if name == "json" or (name == "xml" and not CONTROLS.search(body.decode())):
            assert len(Result.parse(io.BytesIO(body), format=name)) == len(rows), name


@pytest.mark.parametrize("query", QUERIES)
def test_query_answers_as_the_engine(client: FlaskClient, reference: ox.Store, query: str) -> None:
    same_as_engine(client, reference, PREFIXES + query)


@pytest.mark.parametrize("how", ["get", "form", "direct"])
@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("SELECT ?s ?o { ?s ex:str ?o }", {"default-graph-uri": ["http://ex.org/g2"]}),
        ("SELECT ?g ?s { GRAPH ?g { ?s ex:str ?o } }", {"named-graph-uri": ["http://ex.org/g2"]}),
        (
            "SELECT ?g ?s ?o { { ?s ex:str ?o } UNION { GRAPH ?g { ?s a ?o } } }",
            {
                "default-graph-uri": ["http://ex.org/g1", "http://ex.org/g3"],
                "named-graph-uri": ["http://ex.org/g2", "http://ex.org/graph%20with%20space"],
            },
        ),
        ("CONSTRUCT WHERE { ?s ex:num ?o }", {"default-graph-uri": ["http://ex.org/g2"]}),
        ("ASK { ex:f ?p ?o }", {"default-graph-uri": ["http://ex.org/g1"]}),
    ],
)
def test_protocol_dataset_answers_as_the_engine(
    client: FlaskClient, reference: ox.Store, query: str, params: dict[str, Any], how: str
) -> None:
    same_as_engine(client, reference, PREFIXES + query, how, **params)


def test_a_triple_in_several_graphs_is_one_triple_of_the_default_graph(
    client: FlaskClient,
) -> None:
    """Where medkg differs from ``use_default_graph_as_union`` on purpose: a set, not a bag."""
    query = 'SELECT (COUNT(*) AS ?n) { <http://ex.org/a> <http://ex.org/str> "plain" }'
    r = ask(client, query, "application/sparql-results+json", "get", {})
    assert r.get_json(force=True)["results"]["bindings"][0]["n"]["value"] == "1"
    bag_union = ox.Store()
    bag_union.load(DATA.encode(), ox.RdfFormat.TRIG)
    counted = bag_union.query(query, use_default_graph_as_union=True)
    assert isinstance(counted, ox.QuerySolutions)
    assert next(iter(counted))["n"].value == "3"


@pytest.mark.parametrize("fmt", [*RESULTS, *GRAPHS])
def test_rows_past_max_rows_are_cut_signalled_and_still_valid(
    client: FlaskClient, reference: ox.Store, fmt: str
) -> None:
    """The cut keeps a valid document of the first rows, each one the engine's, and says so."""
    endpoint = client.application.extensions["medkg.endpoint"]
    settings = endpoint.settings
    endpoint.settings = settings.replace(max_rows=3)
    try:
        form = "CONSTRUCT { ?s ?p ?o }" if fmt in GRAPHS else "SELECT *"
        where = "{ ?s ?p ?o FILTER(?p IN (ex:dir, ex:str, ex:nul, ex:knows)) }"
        query = f"{PREFIXES}{form} WHERE {where}"
        accept, parser = {**RESULTS, **GRAPHS}[fmt]
        r = ask(client, query, accept, "get", {})
        assert r.headers["X-Medkg-Truncated"] == "true" and r.headers["X-Medkg-Rows"] == "3"
        want = reference.query(query, base_iri=BASE)
        if fmt == "csv":
            _, texts = csv_rows(r.data)
            assert len(texts) == 3
        elif fmt in GRAPHS:
            triples = list(ox.parse(r.data, parser))
            assert len(triples) == 3 and spo(triples) <= spo(want)
        else:
            assert isinstance(want, ox.QuerySolutions)
            parsed = ox.parse_query_results(r.data, parser)
            assert isinstance(parsed, ox.QuerySolutions)
            got = bag(rows_of(parsed)[1], False)
            assert sum(got.values()) == 3 and not got - bag(rows_of(want)[1], False)
    finally:
        endpoint.settings = settings


@pytest.mark.parametrize("fmt", RESULTS)
def test_an_empty_result_still_names_its_variables(client: FlaskClient, fmt: str) -> None:
    accept, native = RESULTS[fmt]
    r = ask(client, "SELECT ?s ?o { ?s <http://ex.org/nope> ?o }", accept, "get", {})
    if native is None:
        assert r.data == b"s,o\r\n"
        return
    parsed = ox.parse_query_results(r.data, native)
    assert isinstance(parsed, ox.QuerySolutions)
    assert [v.value for v in parsed.variables] == ["s", "o"] and not list(parsed)
