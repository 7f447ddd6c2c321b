"""Screening SPARQL text for its form (the outbound rule is tested in test_outbound.py)."""

from __future__ import annotations

import pytest

from medkg.endpoint.guard import screen


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
        (r"\u0041SK { }", "ASK"),
    ],
)
def test_form_is_the_first_keyword(text: str, form: str | None) -> None:
    assert screen(text).form == form
