"""The README's linked-data examples, run as written against the real server."""

from __future__ import annotations

import re

import requests
from rdflib import Dataset, Graph

from ..conftest import ROOT, Server

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Linked data", 1)[1].split("\n## ", 1)[0]
CURL = re.compile(r"curl (?:-H '([^']+)' )?'?(http://127\.0\.0\.1:8000[^' ]+)'?")


def examples() -> list[tuple[dict[str, str], str]]:
    block = re.search(r"```sh\n(.*?)```", SECTION, re.S).group(1)  # type: ignore[union-attr]
    out = []
    for line in block.splitlines():
        m = CURL.search(line)
        assert m, f"README example not understood: {line}"
        header = dict([m.group(1).split(": ", 1)]) if m.group(1) else {}
        out.append((header, m.group(2)))
    return out


def test_readme_linked_data_examples_answer_in_the_format_asked(server: Server) -> None:
    found = examples()
    assert len(found) >= 5
    for headers, url in found:
        r = requests.get(
            url.replace("http://127.0.0.1:8000", server.url), headers=headers, timeout=60
        )
        assert r.status_code == 200, (url, r.text[:300])
        if "turtle" in headers.get("Accept", ""):
            assert len(Graph().parse(data=r.text, format="turtle")) > 10
        if "trig" in headers.get("Accept", ""):
            ds = Dataset()
            ds.parse(data=r.text, format="trig")
            assert len(list(ds.graphs())) > 4


def test_linked_data_over_a_real_socket_is_cached_and_negotiated(server: Server) -> None:
    url = server.url + "/entity/MONDO:0004976"
    first = requests.get(url, headers={"Accept": "application/json"}, timeout=60)
    assert first.headers["Content-Type"].startswith("application/ld+json")
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=60)
    assert again.status_code == 304
    seen = requests.get(
        server.url + "/entity/?iri=http://purl.obolibrary.org/obo/MONDO_0004976",
        allow_redirects=False,
        timeout=60,
    )
    assert seen.status_code == 303 and seen.headers["Location"].endswith("/entity/MONDO:0004976")
    dump = requests.get(server.url + "/dump", stream=True, timeout=60)
    assert dump.headers.get("Transfer-Encoding") == "chunked"
    assert sum(len(c) for c in dump.iter_content(65536)) > 100_000
