"""Screening SPARQL text for its form and for SERVICE / LOAD targets, before any engine runs."""

from __future__ import annotations

import pytest

from medkg.endpoint.guard import check_outbound, is_allowed, screen
from medkg.errors import Forbidden


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("prefix ex: <http://e/> ask { ex:a ?p ?o }", "ASK"),
        ("BASE <http://e/> CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://e/a>", "DESCRIBE"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { { SELECT ?s { ?s ?p ?o } } }", "CONSTRUCT"),
        ("INSERT DATA { <a> <b> <c> }", "UPDATE"),
        ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "UPDATE"),
        ("# SELECT in a comment\nDROP ALL", "UPDATE"),
        ("SELECT", "SELECT"),
        ("nonsense", None),
    ],
)
def test_form_is_the_first_keyword(text: str, form: str | None) -> None:
    assert screen(text).form == form


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE <http://evil/> { }" }',
        "SELECT * { ?s ?p '''SERVICE\n<http://evil/>''' }",
        "SELECT * { ?s <http://x/SERVICE> ?o }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://evil/> { }",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:SERVICE ?o . ?service ?p ?o }",
        "SELECT * { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?o }",
    ],
)
def test_service_in_strings_iris_comments_and_names_is_not_a_service(text: str) -> None:
    assert screen(text).services == ()


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "http://127.0.0.1:9/"),
        ("SELECT * { service silent <http://x/q> { ?s ?p ?o } }", "http://x/q"),
        ("SELECT * {SERVICE<http://x/q>{?s ?p ?o}}", "http://x/q"),
        ("PREFIX r: <http://remote/> SELECT * { SERVICE r:sparql { ?s ?p ?o } }", "http://remote/sparql"),
        ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", "?"),
        ("SELECT * { SERVICE undeclared:x { ?s ?p ?o } }", "?"),
        ("SELECT * { FILTER(?a<?b) SERVICE <http://x/> { ?s ?p ?o } }", "http://x/"),
        ('SELECT * { ?s ?p "a\\"" . SERVICE <http://x/> { } }', "http://x/"),
    ],
)  # fmt: skip
def test_service_targets_are_found(text: str, target: str) -> None:
    assert screen(text).services == (target,)


def test_load_targets_are_found() -> None:
    text = "LOAD <file:///etc/hostname> ; LOAD SILENT <http://x/d.ttl> INTO GRAPH <http://g>"
    assert screen(text).loads == ("file:///etc/hostname", "http://x/d.ttl")


def test_allowlist_matches_exactly_or_under_a_slash() -> None:
    allow = ["https://query.example/sparql", "https://data.example/"]
    assert is_allowed("https://query.example/sparql", allow)
    assert not is_allowed("https://query.example/sparql2", allow)
    assert is_allowed("https://data.example/x.ttl", allow)
    assert not is_allowed("https://data.example.evil/x.ttl", allow)
    assert not is_allowed("?", ["?"])


def test_file_iris_are_never_allowed_even_when_listed() -> None:
    with pytest.raises(Forbidden, match="LOAD <file:///etc/hostname> is refused"):
        check_outbound(screen("LOAD <file:///etc/hostname>"), [], ["file:///etc/hostname"])


def test_service_refusal_names_the_setting() -> None:
    with pytest.raises(Forbidden) as e:
        check_outbound(screen("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"), [], [])
    assert "service_allowlist" in (e.value.hint or "")
    check_outbound(screen("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"), ["http://x/"], [])


@pytest.mark.parametrize(
    "text",
    [
        r"SELECT * { \u0053ERVICE <http://evil/> { ?s ?p ?o } }",  # rdflib expands this first
        r"SELECT * { \U00000053ERVICE <http://evil/> { ?s ?p ?o } }",
        r'SELECT * { ?s ?p "abc\u0022" SERVICE <http://evil/> { } }',  # Oxigraph: a real SERVICE
    ],
)
def test_unicode_escapes_cannot_hide_a_service(text: str) -> None:
    assert "http://evil/" in screen(text).services


@pytest.mark.parametrize("local", [r"a\#b", r"a\'b", r"a\"b"])
def test_escaped_characters_in_prefixed_names_hide_nothing(local: str) -> None:
    text = f"PREFIX ex: <http://e/> SELECT * {{ ?s ex:{local} ?o . SERVICE <http://evil/> {{ }} }}"
    assert screen(text).services == ("http://evil/",)
