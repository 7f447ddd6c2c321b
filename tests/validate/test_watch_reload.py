"""The watcher's reload step in process: a valid edit swaps in, a broken one changes nothing."""

from __future__ import annotations

import pytest

from medkg.store import open_store
from medkg.web import create_app
from medkg.web.watch import Watcher

from .conftest import COUNT_CLAIMS, NEW_CLAIM, Project


def test_reload_swaps_valid_edits_and_reports_broken_ones(project: Project) -> None:
    settings = project.settings
    store = open_store("oxigraph:", project.root)
    app = create_app(settings, store)
    state = app.extensions["medkg"]
    watcher = Watcher(state)  # not started: reload() is called by hand
    app.extensions["medkg.watch"] = watcher
    client = app.test_client()

    def claims() -> int:
        return int(store.query(COUNT_CLAIMS).to_dicts()[0]["n"])

    before, version = claims(), state.version
    project.add_claim(NEW_CLAIM)
    assert watcher.reload() is True
    assert claims() == before + 1
    assert state.version != version
    assert client.get("/health").get_json()["watch"]["status"] == "ok"

    good = state.version
    line = project.add_claim("- id: broken\n  subject: MONDO:0004977\n")
    assert watcher.reload() is False
    assert claims() == before + 1 and state.version == good
    health = client.get("/health").get_json()
    assert health["version"] == good
    watch = health["watch"]
    assert watch["status"] == "broken" and watch["serving"] == good
    problems = watch["report"]["problems"]
    assert {p["check"] for p in problems} == {"schema"}
    assert {p["where"]["line"] for p in problems} == {line}
    assert any("'predicate' is a required property" in p["message"] for p in problems)


def test_watcher_catches_up_with_edits_made_while_no_server_watched(project: Project) -> None:
    store = open_store("oxigraph:", project.root)
    app = create_app(project.settings, store)
    state = app.extensions["medkg"]
    before = int(store.query(COUNT_CLAIMS).to_dicts()[0]["n"])
    project.add_claim(NEW_CLAIM)  # edited while the server was down
    watcher = Watcher(state)
    watcher._catch_up()
    assert int(store.query(COUNT_CLAIMS).to_dicts()[0]["n"]) == before + 1
    assert watcher.status["status"] == "ok"


def test_reload_keeps_a_registered_curated_source(
    project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import tempfile
    from pathlib import Path

    from medkg.curated import register_hpo_annotations

    # the bulk build's work folder away from /tmp, which other processes may clear
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("tmp")))
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "fixture.hpoa"
    register_hpo_annotations(project.root, fixture)
    store = open_store("oxigraph:", project.root)
    app = create_app(project.settings, store)
    watcher = Watcher(app.extensions["medkg"])
    ask = "ASK { GRAPH <https://w3id.org/medkg/graph/source/hpo-annotations> { ?s ?p ?o } }"
    project.add_claim(NEW_CLAIM)
    assert watcher.reload() is True
    assert store.query(ask).boolean  # the edit is in, and the source graph with it
    assert int(store.query(COUNT_CLAIMS).to_dicts()[0]["n"]) > 8
