"""Query workers run under jemalloc when it is installed (`make setup` installs it), and say
so when they cannot."""

from __future__ import annotations

import logging
from pathlib import Path

import pyoxigraph as ox
import pytest

from medkg.config import Settings
from medkg.endpoint import allocator as malloc
from medkg.endpoint.allocator import worker_environment
from medkg.endpoint.execute import make_executor
from medkg.endpoint.job import Job
from medkg.endpoint.pool import WorkerPool
from medkg.errors import ConfigError
from medkg.formats import by_name
from medkg.store import open_store
from medkg.store.oxigraph import OxigraphStore

from ..conftest import ROOT


def test_jemalloc_is_preloaded_with_prompt_page_return(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(malloc.ctypes.util, "find_library", lambda name: f"lib{name}.so.2")
    monkeypatch.setenv("LD_PRELOAD", "libother.so")
    monkeypatch.delenv("MALLOC_CONF", raising=False)
    env = worker_environment("jemalloc")
    assert env["LD_PRELOAD"] == "libjemalloc.so.2 libother.so"
    assert "dirty_decay_ms" in env["MALLOC_CONF"]


def test_without_jemalloc_workers_use_the_system_malloc_and_say_so(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(malloc.ctypes.util, "find_library", lambda name: None)
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    with caplog.at_level(logging.WARNING, logger="medkg.endpoint.allocator"):
        env = worker_environment("jemalloc")
    assert "LD_PRELOAD" not in env
    assert "libjemalloc2" in caplog.text
    assert "LD_PRELOAD" not in worker_environment("system")


def test_an_unknown_allocator_is_refused_when_the_server_starts(
    settings: Settings, tmp_path: Path
) -> None:
    store = open_store(f"oxigraph:{tmp_path / 'store'}", ROOT)
    with pytest.raises(ConfigError, match="query_allocator is 'tcmalloc'") as e:
        make_executor(store, settings.replace(query_workers=1, query_allocator="tcmalloc"))
    assert "jemalloc, system" in (e.value.hint or "")


def mapped_libraries(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.parametrize("allocator", ["jemalloc", "system"])
def test_a_real_worker_runs_queries_under_the_chosen_malloc(tmp_path: Path, allocator: str) -> None:
    assert malloc.jemalloc_library(), "jemalloc is not installed: run `make setup`"
    store = OxigraphStore(ox.Store(str(tmp_path / "store")), "oxigraph:store", tmp_path / "store")
    store.ox.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    workers = WorkerPool(store, size=1, timeout=60, allocator=allocator)
    try:
        done = workers.run(Job("SELECT * { ?s ?p ?o }", formats={"results": by_name("json")}), "v1")
        assert done.written.rows == 1
        (pid,) = workers.stats()["pids"]
        assert ("libjemalloc" in mapped_libraries(pid)) is (allocator == "jemalloc")
    finally:
        workers.close()
        store.close()
