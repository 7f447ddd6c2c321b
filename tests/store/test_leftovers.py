"""What killed builds leave (a store folder beside the store, N-Quads in the temporary folder)
is removed by the next build; what a live build holds is never removed (issue 15, item 6)."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from medkg.bulk import bulk_build_into
from medkg.config import load_settings
from medkg.store.leftovers import temporary_folder
from medkg.store.oxigraph import OxigraphStore
from medkg.synth import synthesize

ROOT = Path(__file__).resolve().parents[2]
ENV = os.environ | {"PYTHONPATH": str(ROOT / "src")}

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from medkg.store.leftovers import Held
    Path(sys.argv[1]).mkdir()
    lock = Held(Path(sys.argv[1]))
    print("holding", flush=True)
    time.sleep(120)
    """
)

KILLED_BULK = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from medkg.bulk import bulk_build_into
    from medkg.config import load_settings
    from medkg.store import swap
    from medkg.store.oxigraph import OxigraphStore

    def kill(step):
        os.kill(os.getpid(), signal.SIGKILL)

    swap.on_step = kill  # dies at the first step of the swap, the N-Quads written and loaded
    settings = load_settings(env={}, root=sys.argv[1], store="oxigraph:")
    store = OxigraphStore.open(sys.argv[2], root=Path("."), selector="oxigraph:" + sys.argv[2])
    bulk_build_into(store, settings)
    """
)


@pytest.fixture
def live_build() -> Iterator[Callable[[Path], subprocess.Popen[str]]]:
    """Another process, alive, holding a folder as a running build does."""
    procs: list[subprocess.Popen[str]] = []

    def start(folder: Path) -> subprocess.Popen[str]:
        cmd = [sys.executable, "-c", HOLD, str(folder)]
        proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, text=True)
        procs.append(proc)
        assert proc.stdout is not None and proc.stdout.readline() == "holding\n"
        return proc

    yield start
    for proc in procs:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def tmpdir_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "tmp"
    home.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(home))
    return home


def test_a_temporary_folder_removes_abandoned_ones_and_keeps_live_ones(
    tmpdir_here: Path, live_build: Callable[[Path], object]
) -> None:
    abandoned = tmpdir_here / "medkg-bulk-4242-abc"
    abandoned.mkdir()
    (abandoned / "dataset.nq").write_text("<a> <b> <c> .\n")
    old_style = tmpdir_here / "medkg-bulk-xyz"  # named by medkg before this change
    old_style.mkdir()
    live = tmpdir_here / "medkg-bulk-1-live"
    live_build(live)
    with temporary_folder("medkg-bulk-") as mine:
        assert mine.is_dir() and mine.name.startswith(f"medkg-bulk-{os.getpid()}-")
        assert sorted(p.name for p in tmpdir_here.iterdir()) == sorted([live.name, mine.name])
    assert [p.name for p in tmpdir_here.iterdir()] == [live.name]


def test_a_killed_bulk_builds_work_folder_is_removed_by_the_next_build(
    tmp_path: Path, tmpdir_here: Path
) -> None:
    """The work folder holds the encoding's side files; the N-Quads went to the loader's pipe
    (an on-disk Oxigraph store streams), never to a file."""
    corpus = tmp_path / "corpus"
    synthesize(corpus, 40, seed=2, root=ROOT, labels={})
    path = tmp_path / "store"
    env = ENV | {"TMPDIR": str(tmpdir_here)}
    cmd = [sys.executable, "-c", KILLED_BULK, str(corpus), str(path)]
    assert subprocess.run(cmd, env=env, timeout=300).returncode == -signal.SIGKILL
    (left,) = tmpdir_here.glob("medkg-bulk-*")
    assert {p.name for p in left.iterdir()} >= {"types.tsv", "contradictions.sqlite"}
    assert not (left / "dataset.nq").exists()
    assert list(tmp_path.glob("store.building-*"))
    settings = load_settings(env={}, root=str(corpus), store="oxigraph:")
    store = OxigraphStore.open(str(path), root=Path("."), selector=f"oxigraph:{path}")
    result = bulk_build_into(store, settings)
    assert result.claims == 40
    assert list(tmpdir_here.iterdir()) == []
    assert not list(tmp_path.glob("store.building-*"))
    del store
    gc.collect()


def test_a_build_keeps_another_live_builds_folder_beside_the_store(
    tmp_path: Path, live_build: Callable[[Path], object]
) -> None:
    path = tmp_path / "store"
    store = OxigraphStore.open(str(path), root=Path("."), selector=f"oxigraph:{path}")
    abandoned = tmp_path / "store.building-4242"
    abandoned.mkdir()
    live = tmp_path / "store.building-1"
    live_build(live)
    nq = tmp_path / "in.nq"
    nq.write_text("<http://e/s> <http://e/p> <http://e/o> <http://e/g> .\n")
    store.replace_dataset(nq)
    assert live.is_dir() and not abandoned.exists()
    assert store.count() == 1
