"""Pages, documents and the dump are gzipped for clients that accept it."""

from __future__ import annotations

import gzip
from typing import Any

GZ = {"Accept-Encoding": "gzip"}


def test_pages_are_gzipped_and_still_revalidate(client: Any) -> None:
    response = client.get("/entity/MONDO:0004976", headers={**GZ, "Accept": "text/html"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    page = gzip.decompress(response.get_data()).decode("utf-8")
    assert "amyotrophic lateral sclerosis" in page
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')  # the gzipped bytes are another representation
    again = client.get(
        "/entity/MONDO:0004976", headers={**GZ, "Accept": "text/html", "If-None-Match": etag}
    )
    assert again.status_code == 304


def test_the_dump_streams_gzipped(client: Any) -> None:
    response = client.get("/dump", headers=GZ)
    assert response.headers["Content-Encoding"] == "gzip" and response.is_streamed
    quads = gzip.decompress(response.get_data()).decode("utf-8").splitlines()
    assert len(quads) > 1000 and all(line.endswith(" .") for line in quads if line)


def test_identity_when_gzip_is_not_accepted(client: Any) -> None:
    response = client.get("/entity/MONDO:0004976", headers={"Accept": "text/html"})
    assert "Content-Encoding" not in response.headers
    assert b"amyotrophic lateral sclerosis" in response.get_data()


def test_sparql_results_are_gzipped_once(client: Any) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 200"
    response = client.get("/sparql", query_string={"query": query}, headers=GZ)
    assert response.headers["Content-Encoding"] == "gzip"
    assert b'"bindings"' in gzip.decompress(response.get_data())


def test_static_files_are_sent_as_they_are(client: Any) -> None:
    response = client.get("/static/search.js", headers=GZ)
    assert response.status_code == 200
    assert b"api" in response.get_data()
