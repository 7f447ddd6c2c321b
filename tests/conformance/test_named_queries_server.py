"""The README's named-query and graph examples, run as written against the real server."""

from __future__ import annotations

import csv
import io
import re

import requests

from medkg.queries import load_queries

from ..conftest import ROOT, Server

README = (ROOT / "README.md").read_text(encoding="utf-8")
API_CURLS = re.findall(
    r"^curl -s (?:-H '([^']+)' )?'(http://127\.0\.0\.1:8000/api/[^']+)'$", README, re.M
)


def get(server: Server, url: str, header: str | None = None) -> requests.Response:
    headers = dict([header.split(": ", 1)]) if header else {}
    return requests.get(
        url.replace("http://127.0.0.1:8000", server.url), headers=headers, timeout=30
    )


def test_readme_api_examples_all_answer(server: Server) -> None:
    assert len(API_CURLS) == 6
    for header, url in API_CURLS:
        r = get(server, url, header or None)
        assert r.status_code == 200, (url, r.text)


def test_readme_compare_diseases_example_gives_the_stances(server: Server) -> None:
    header, url = next(c for c in API_CURLS if "compare-diseases" in c[1])
    r = get(server, url, header)
    assert r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 3  # the parameters reached the worker process that ran the query
    assert {(row["disease"], row["other"]) for row in rows} == {
        (
            "http://purl.obolibrary.org/obo/MONDO_0004976",
            "http://purl.obolibrary.org/obo/MONDO_0005301",
        )
    }
    assert {(row["stanceA"], row["stanceB"]) for row in rows} >= {
        ("NOT", "affirmed"),
        ("NOT primary", "affirmed primary"),
    }


def test_readme_path_example_explains_through_axonal_degeneration(server: Server) -> None:
    _, url = next(c for c in API_CURLS if "/graph/path" in c[1])
    paths = get(server, url).json()["paths"]
    via = [p for p in paths if [n["id"] for n in p["nodes"]][1:2] == ["HP:0040078"]]
    assert via and via[0]["hops"][1]["edges"][0]["evidence"][0]["references"][0]["number"] == 1


def test_readme_documents_every_named_query_and_graph_route() -> None:
    for name in load_queries(ROOT):
        assert f"| `{name}` |" in README, f"document queries/{name}.rq in the README's table"
    for route in (
        "/api/queries",
        "/api/graph/path",
        "/api/graph/neighbours",
        "/api/graph/contradictions",
        "/api/graph/central",
    ):
        assert route in README
    for command in (
        "medkg query",
        "medkg graph path",
        "medkg graph neighbours",
        "medkg graph contradictions",
    ):
        assert command in README


def test_readme_shell_examples_of_named_queries_and_graph_run(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shlex

    from click.testing import CliRunner

    from medkg.cli import cli

    lines = re.findall(r"^\.venv/bin/medkg ((?:graph|query) [^#\n]*)", README, re.M)
    assert len(lines) >= 5
    store = f"oxigraph:{tmp_path / 'store'}"
    for line in lines:
        result = CliRunner().invoke(
            cli, ["--root", str(ROOT), "--store", store, *shlex.split(line)]
        )
        assert result.exit_code == 0, (line, result.output)
        assert result.output.strip()
