"""The bulk loader: ``oxigraph load`` when installed at pyoxigraph's version, pyoxigraph's own
otherwise; the same store either way, progress adding up to the file, broken files refused with
their line, and the old store untouched by a failed load. Streamed: the loader reads the
dataset from a pipe while it is written, with the same outcomes, and a writer's exception
stops it and leaves the old store as it was."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

import pyoxigraph as ox
import pytest

from medkg.errors import StoreError
from medkg.store import bulkload
from medkg.store.oxigraph import OxigraphStore

G = "http://example.org/g"


def nquads(path: Path, n: int) -> Path:
    lines = (f'<http://e/s{i}> <http://e/p> "v{i}" <{G}{i % 3}> .\n' for i in range(n))
    path.write_text("".join(lines), encoding="utf-8")
    return path


def contents(store: ox.Store) -> set[str]:
    return {str(q) for q in store.quads_for_pattern(None, None, None, None)}


@pytest.fixture(params=["oxigraph load", "pyoxigraph"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test that takes it runs with the command and with pyoxigraph's loader."""
    if request.param == "pyoxigraph":
        monkeypatch.setattr(bulkload, "oxigraph_command", lambda: None)
    return str(request.param)


def test_the_oxigraph_command_of_pyoxigraphs_version_is_installed() -> None:
    """The test environment has it (the `oxigraph` package), so the tests below use it."""
    command = bulkload.oxigraph_command()
    assert command is not None and Path(command).name == "oxigraph"


def test_both_loaders_give_the_same_store_and_report_every_byte(
    tmp_path: Path, loader: str
) -> None:
    nq = nquads(tmp_path / "in.nq", 3000)
    seen: list[int] = []
    store = bulkload.load_fresh(tmp_path / "store", nq, seen.append)
    expected = ox.Store()
    expected.load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    assert contents(store) == contents(expected) and len(store) == 3000
    assert sum(seen) == nq.stat().st_size and all(n >= 0 for n in seen)


def test_the_command_reports_progress_in_steps_before_the_end(tmp_path: Path) -> None:
    """`oxigraph load` says how many lines it loaded every ~977k: a bar moves before the end."""
    nq = nquads(tmp_path / "in.nq", 1_050_000)
    seen: list[int] = []
    bulkload.load_fresh(tmp_path / "store", nq, seen.append)
    assert len(seen) >= 2 and sum(seen) == nq.stat().st_size


def test_a_broken_file_is_refused_with_its_line_and_the_old_store_is_kept(
    tmp_path: Path, loader: str
) -> None:
    path = tmp_path / "store"
    store = OxigraphStore(ox.Store(str(path)), f"oxigraph:{path}", path)
    store.replace_dataset(nquads(tmp_path / "good.nq", 10))
    before = contents(store.ox)
    bad = tmp_path / "bad.nq"
    bad.write_text(nquads(tmp_path / "x.nq", 4).read_text() + '<http://a> <http://b> "open\n')
    with pytest.raises(StoreError) as info:
        store.replace_dataset(bad)
    assert "line 5" in str(info.value) and str(bad) in str(info.value)
    assert contents(store.ox) == before
    version = path.resolve().name  # the folder the store's link names (see store.swap)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["bad.nq", "good.nq", "store", version, "x.nq"]
    )


def test_a_command_of_another_version_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "oxigraph"
    fake.write_text("#!/bin/sh\necho oxigraph 0.0.1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(bulkload.sys, "executable", str(tmp_path / "python"))
    bulkload.oxigraph_command.cache_clear()
    try:
        assert bulkload.oxigraph_command() is None
    finally:
        bulkload.oxigraph_command.cache_clear()


def writer(text: str, fail: Exception | None = None) -> tuple[list[bool], object]:
    """A ``write`` for ``stream_dataset``: ``text`` in two halves; whether it wrote to a pipe."""
    piped: list[bool] = []

    def write(out: IO[str]) -> str:
        piped.append(stat.S_ISFIFO(os.fstat(out.fileno()).st_mode))
        half = text.index("\n", len(text) // 2) + 1
        out.write(text[:half])
        if fail is not None:
            raise fail
        out.write(text[half:])
        return "done"

    return piped, write


def test_a_streamed_load_reads_a_pipe_while_it_is_written(tmp_path: Path) -> None:
    text = nquads(tmp_path / "a.nq", 5000).read_text(encoding="utf-8")
    store = OxigraphStore.open(str(tmp_path / "store"), root=tmp_path, selector="oxigraph:s")
    seen: list[int] = []
    prepared: list[object] = []
    piped, write = writer(text)
    got = store.stream_dataset(
        write, progress=seen.append, prepare=lambda built, w: prepared.append(w)
    )
    assert got == "done" and prepared == ["done"] and piped == [True]
    assert sum(seen) == len(text.encode())
    by_file = bulkload.load_fresh(tmp_path / "file", tmp_path / "a.nq", None)
    named = {q for q in contents(store.ox) if q.rstrip(">").endswith(tuple("012"))}
    assert named == contents(by_file)
    assert store.count() == 5000  # and each triple in the stored union (see test_bulk)
    store.close()


def test_without_the_command_a_streamed_load_writes_a_file_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulkload, "oxigraph_command", lambda: None)
    text = nquads(tmp_path / "a.nq", 300).read_text(encoding="utf-8")
    piped, write = writer(text)
    fresh, got = bulkload.load_streamed(tmp_path / "store", write, None)
    assert got == "done" and piped == [False] and len(contents(fresh)) == 300


def test_a_broken_streamed_line_is_refused_with_its_line_and_the_store_kept(
    tmp_path: Path,
) -> None:
    store = OxigraphStore.open(str(tmp_path / "store"), root=tmp_path, selector="oxigraph:s")
    store.stream_dataset(writer(nquads(tmp_path / "a.nq", 10).read_text(encoding="utf-8"))[1])
    before = contents(store.ox)
    broken = "".join(f'<http://e/s{i}> <http://e/p> "v" <{G}> .\n' for i in range(20000))
    broken += '<http://e/s> <http://e/p> "never closed <http://e/g> .\n'
    with pytest.raises(StoreError) as info:
        store.stream_dataset(writer(broken)[1])
    assert "line 20001" in str(info.value) and "nothing in the store changed" in info.value.hint
    assert contents(store.ox) == before
    assert not [p for p in tmp_path.iterdir() if ".building" in p.name]
    store.close()


def test_a_writers_exception_stops_the_loader_and_passes_on_unchanged(tmp_path: Path) -> None:
    store = OxigraphStore.open(str(tmp_path / "store"), root=tmp_path, selector="oxigraph:s")
    text = nquads(tmp_path / "a.nq", 4000).read_text(encoding="utf-8")
    store.stream_dataset(writer(text)[1])
    before = contents(store.ox)
    piped, write = writer(text.replace('"v', '"w'), fail=KeyError("the writer's own"))
    with pytest.raises(KeyError, match="the writer's own"):
        store.stream_dataset(write)
    assert piped == [True] and contents(store.ox) == before
    assert not [p for p in tmp_path.iterdir() if ".building" in p.name]
    store.close()
