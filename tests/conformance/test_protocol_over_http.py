"""Protocol behaviours that depend on the bytes on the wire, against the real server (waitress
hands the application the raw path and query string, unlike the in-process test client)."""

from __future__ import annotations

import requests

from ..conftest import Server


def test_a_percent_encoded_non_utf_8_byte_in_a_get_query_is_400(server: Server) -> None:
    r = requests.get(
        server.url + "/sparql?query=ASK%20%7B%20?s%20?p%20%22%FF%22%20%7D",
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert r.status_code == 400 and "0xFF" in r.json()["error"]


def test_a_non_utf_8_byte_in_the_path_is_400(server: Server) -> None:
    r = requests.get(server.url + "/entity/MONDO:%FF", timeout=30)
    assert r.status_code == 400


def test_a_query_body_in_utf_16_is_415(server: Server) -> None:
    r = requests.post(
        server.url + "/sparql",
        data="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
        timeout=30,
    )
    assert r.status_code == 415


def test_relative_iris_resolve_against_the_endpoint_iri_as_addressed(server: Server) -> None:
    r = requests.get(
        server.url + "/sparql",
        params={"query": "SELECT (<s> AS ?iri) {}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert r.status_code == 200
    assert r.json()["results"]["bindings"][0]["iri"]["value"] == server.url + "/s"
