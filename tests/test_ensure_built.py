"""``ensure_built`` builds an empty store and leaves a built one alone, whether its data is in
the default graph (medkg's stores) or in named graphs only (an older medkg's)."""

from __future__ import annotations

import pytest

from medkg import build
from medkg.build import ensure_built
from medkg.config import load_settings
from medkg.store import open_store
from medkg.store.base import QueryResult

from .conftest import ROOT


def test_an_empty_store_is_built_and_a_built_one_left_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings(env={}, root=str(ROOT), store="memory:")
    store = open_store(settings.store, ROOT)
    ensure_built(store, settings)
    assert store.query("ASK { ?s ?p ?o }").boolean
    assert store.query("ASK { GRAPH ?g { ?s ?p ?o } }").boolean

    def refuse(*_: object) -> None:
        raise AssertionError("a built store was built again")

    monkeypatch.setattr(build, "build_into", refuse)
    ensure_built(store, settings)


class NamedGraphsOnly:
    """A store whose data is in named graphs only: its default graph is empty."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def query(self, text: str) -> QueryResult:
        self.asked.append(text)
        return QueryResult("boolean", boolean="GRAPH" in text)


def test_a_store_with_named_graphs_only_is_not_built_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings(env={}, root=str(ROOT), store="memory:")
    store = NamedGraphsOnly()
    monkeypatch.setattr(build, "build_into", lambda *_: pytest.fail("built again"))
    ensure_built(store, settings)  # type: ignore[arg-type]
    assert len(store.asked) == 2  # the default graph, then the named graphs
