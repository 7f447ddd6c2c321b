"""The bulk loader: ``oxigraph load`` when installed at pyoxigraph's version, pyoxigraph's own
otherwise; the same store either way, progress adding up to the file, broken files refused with
their line, and the old store untouched by a failed load."""

from __future__ import annotations

from pathlib import Path

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
