"""Issue 15: a claim file with an alias bomb, deep nesting or a huge size fails fast at its
file:line, in validate, build and the watcher (which keeps serving the last good graph)."""

from __future__ import annotations

import time

import pytest

from medkg.build import build_into
from medkg.errors import BuildError
from medkg.store import open_store
from medkg.web import create_app
from medkg.web.watch import Watcher

from .conftest import COUNT_CLAIMS, Project

#: nine levels of nine aliases: 9**9 (387 million) strings once expanded
BOMB = "".join(
    f"bomb{i}: &b{i} [" + ", ".join([f"*b{i - 1}" if i else '"x"'] * 9) + "]\n" for i in range(9)
)


def test_alias_bomb_is_refused_at_its_line_in_under_a_second(project: Project) -> None:
    line = project.append(project.claims, BOMB)
    started = time.perf_counter()
    report = project.validate()
    problems = [p for p in report.problems if "alias" in p.message]
    assert time.perf_counter() - started < 30  # the whole validation; the refusal is at once
    assert len(problems) == 1
    assert problems[0].where is not None and problems[0].where.line == line + 1
    assert "*b0" in problems[0].message


def test_build_fails_fast_on_an_alias_bomb(project: Project) -> None:
    project.append(project.claims, BOMB)
    started = time.perf_counter()
    with pytest.raises(BuildError) as caught:
        build_into(open_store("memory:", project.root), project.settings)
    assert time.perf_counter() - started < 30
    assert "alias *b0 refused" in str(caught.value) and f"{project.claims}:" in str(caught.value)


def test_deeply_nested_claim_file_is_refused_with_its_place(project: Project) -> None:
    line = project.append(project.claims, "deep: " + "[" * 5000 + "]" * 5000 + "\n")
    report = project.validate()
    problems = [p for p in report.problems if "levels deep" in p.message]
    assert len(problems) == 1 and problems[0].where is not None
    assert problems[0].where.line == line


def test_huge_claim_file_is_refused_before_it_is_read(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("medkg.limits.yamlfile.MAX_FILE_BYTES", 1000)
    report = project.validate()
    assert any("a curated file may have at most 1000" in p.message for p in report.problems)


def test_watcher_keeps_serving_the_last_good_graph_after_an_alias_bomb(project: Project) -> None:
    store = open_store("oxigraph:", project.root)
    app = create_app(project.settings, store)
    state = app.extensions["medkg"]
    watcher = Watcher(state)
    app.extensions["medkg.watch"] = watcher
    before, good = store.query(COUNT_CLAIMS).to_dicts()[0]["n"], state.version
    project.append(project.claims, BOMB)
    started = time.perf_counter()
    assert watcher.reload() is False
    assert time.perf_counter() - started < 30
    assert store.query(COUNT_CLAIMS).to_dicts()[0]["n"] == before and state.version == good
    watch = app.test_client().get("/health").get_json()["watch"]
    assert watch["status"] == "broken" and watch["serving"] == good
    assert any("alias" in p["message"] for p in watch["report"]["problems"])
