"""What only the ``sparql:URL`` backend does: endpoint selectors, unreachable stores, rewriting."""

from __future__ import annotations

import socket

import pytest
from rdflib import BNode, Literal, URIRef

from medkg.errors import ConfigError, ParameterError, StoreError
from medkg.store import open_store
from medkg.store.remote import Endpoints
from medkg.store.rewrite import bind_values


def test_query_url_ending_in_query_implies_the_update_endpoint() -> None:
    e = Endpoints.parse("http://127.0.0.1:7878/query")
    assert (e.query, e.update) == ("http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update")


def test_other_urls_take_updates_themselves_unless_told() -> None:
    assert Endpoints.parse("http://h:8890/sparql").update == "http://h:8890/sparql"
    e = Endpoints.parse("http://h/sparql#update=http://h/up&timeout=5")
    assert (e.update, e.timeout) == ("http://h/up", 5.0)


def test_selector_without_http_url_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="http"):
        open_store("sparql:localhost")


def test_unreachable_endpoint_is_a_store_error_with_a_hint() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once the socket is closed
    store = open_store(f"sparql:http://127.0.0.1:{port}/query#timeout=5")
    with pytest.raises(StoreError) as info:
        store.count()
    assert "cannot reach" in info.value.message and info.value.hint


def test_values_block_goes_into_the_where_group_not_the_template() -> None:
    q = "CONSTRUCT { ?s <http://x/p> ?o } WHERE { ?s ?p ?o }"
    out = bind_values(q, {"o": Literal(1)})
    assert out.startswith("CONSTRUCT { ?s <http://x/p> ?o } WHERE { VALUES (?o)")


def test_bare_describe_gets_a_trailing_values_block() -> None:
    out = bind_values("DESCRIBE ?x", {"x": URIRef("http://x/a")})
    assert out == "DESCRIBE ?x\nVALUES (?x) { (<http://x/a>) }"


def test_a_parameter_cannot_be_a_blank_node_or_a_broken_iri() -> None:
    with pytest.raises(ParameterError):
        bind_values("SELECT ?x {}", {"x": BNode()})
    with pytest.raises(ParameterError):
        bind_values("SELECT ?x {}", {"x": URIRef("http://x/a> } DROP ALL ; <b")})
