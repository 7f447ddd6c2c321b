"""The README's examples, run as written against the real server (datasette's habit)."""

from __future__ import annotations

import contextlib
import io
import re

import requests

from ..conftest import ROOT, Server

README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, re.S)


def test_readme_curl_example_answers_with_the_negated_claim(server: Server) -> None:
    curl = next(b for b in blocks("sh") if "curl" in b)
    query = re.search(r"--data-urlencode 'query=(.*?)'", curl, re.S).group(1)  # type: ignore[union-attr]
    accept = re.search(r"-H 'Accept: ([^']+)'", curl).group(1)  # type: ignore[union-attr]
    r = requests.post(
        server.url + "/sparql", data={"query": query}, headers={"Accept": accept}, timeout=30
    )
    assert r.status_code == 200, r.text
    lines = r.text.strip().splitlines()
    assert lines[0].strip() == "negated,quote"
    assert any(
        line.startswith("true,") and "not a demyelinating disease" in line for line in lines[1:]
    )


def test_readme_sparqlwrapper_example_prints_negated_with_references_1_and_2(
    server: Server,
) -> None:
    code = next(b for b in blocks("python") if "SPARQLWrapper" in b)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code.replace("http://127.0.0.1:8000", server.url), {})
    printed = set(out.getvalue().strip().splitlines())
    assert "true Guideline Directed Topic Overview" in printed
    assert "true Amyotrophic Lateral Sclerosis (ALS) Diagnosis and Management" in printed
    assert not any(line.startswith("false") for line in printed)


def test_readme_sparqlstore_example_prints_the_label(server: Server) -> None:
    code = next(b for b in blocks("python") if "SPARQLStore" in b)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code.replace("http://127.0.0.1:8000", server.url), {})
    assert out.getvalue().strip().lower() == "amyotrophic lateral sclerosis"
