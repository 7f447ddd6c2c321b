"""A bulk swap killed at any step leaves the store's path naming a complete store (old or new),
never an empty one; what killed builds leave is removed by the next build (issue 15, item 6).

Each kill is real: a child process runs ``replace_dataset`` with ``store.swap.on_step`` set to
SIGKILL itself at one named step, then this process opens the store afresh.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest

from medkg.errors import StoreError
from medkg.store.oxigraph import OxigraphStore
from medkg.store.swap import swap_in

ROOT = Path(__file__).resolve().parents[2]
G = "http://example.org/g"
OLD, NEW = 7, 11  # quads in the old and the new dataset: a fresh open tells them apart
#: the steps of a swap in order; those before "switched" leave the old store, the rest the new
STEPS = ("built", "named", "linked", "moved", "switched", "reopened", "removed")
NEW_FROM = STEPS.index("moved")

CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from medkg.store import swap
    from medkg.store.oxigraph import OxigraphStore

    path, nquads, kill_at, exchange = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]

    def kill(step):
        if step == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    swap.on_step = kill
    if exchange == "no":  # a system or filesystem without renameat2(RENAME_EXCHANGE)
        swap.renameat2 = lambda: None
    store = OxigraphStore.open(str(path), root=Path("."), selector="oxigraph:" + str(path))
    progress = (lambda n: kill("loading")) if kill_at == "loading" else None
    store.replace_dataset(nquads, drop_prefix="http://example.org/g", progress=progress)
    """
)


def nquads(path: Path, n: int, tag: str) -> Path:
    lines = (f'<http://e/s{i}> <http://e/p> "{tag}{i}" <{G}{i % 3}> .\n' for i in range(n))
    path.write_text("".join(lines), encoding="utf-8")
    return path


def values(path: Path) -> set[str]:
    """The literals of the named graphs in the store at ``path``, opened as medkg opens it."""
    store = OxigraphStore.open(str(path), root=Path("."), selector=f"oxigraph:{path}")
    found = {
        getattr(q.object, "value", "")
        for q in store.ox.quads_for_pattern(None, None, None, None)
        if isinstance(q.graph_name, ox.NamedNode)
    }
    del store
    gc.collect()  # let go of the store's lock
    return found


def expected(tag: str, n: int) -> set[str]:
    return {f"{tag}{i}" for i in range(n)}


def make_old_store(path: Path, tmp: Path, layout: str) -> None:
    """The old dataset at ``path``, as a plain folder (medkg before this change) or a link."""
    if layout == "plain folder":
        old = ox.Store(str(path))
        old.load(path=str(nquads(tmp / "old.nq", OLD, "old")), format=ox.RdfFormat.N_QUADS)
        old.flush()
        del old
    else:
        store = OxigraphStore.open(str(path), root=Path("."), selector=f"oxigraph:{path}")
        store.replace_dataset(nquads(tmp / "old.nq", OLD, "old"), drop_prefix=G)
        del store
    gc.collect()
    assert path.is_symlink() == (layout == "link")


def run_child(path: Path, new: Path, kill_at: str, exchange: str) -> int:
    env = os.environ | {"PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-c", CHILD, str(path), str(new), kill_at, exchange]
    return subprocess.run(cmd, env=env, timeout=120, capture_output=True).returncode


#: every step on a store that is already a link; on a plain folder, the steps where its swap
#: differs (exchanged with the link in one call, or renamed away when that call is missing)
CASES = [
    *(("link", "yes", step) for step in ("loading", *STEPS) if step != "moved"),
    *(("plain folder", "yes", step) for step in ("linked", "switched", "removed")),
    *(("plain folder", "no", step) for step in ("linked", "moved", "switched", "removed")),
]


@pytest.mark.parametrize(("layout", "exchange", "kill_at"), CASES)
def test_a_swap_killed_at_any_step_leaves_a_complete_store(
    tmp_path: Path, layout: str, exchange: str, kill_at: str
) -> None:
    path = tmp_path / "store"
    make_old_store(path, tmp_path, layout)
    new = nquads(tmp_path / "new.nq", NEW, "new")
    code = run_child(path, new, kill_at, exchange)
    # "moved" exists only where a plain folder is renamed away without renameat2
    reached = kill_at != "moved" or (layout, exchange) == ("plain folder", "no")
    assert code == (-signal.SIGKILL if reached else 0)
    if kill_at == "loading":  # a killed load leaves its folder
        assert list(tmp_path.glob("store.building-*"))
    new_wins = not reached or (kill_at != "loading" and STEPS.index(kill_at) >= NEW_FROM)
    assert values(path) == (expected("new", NEW) if new_wins else expected("old", OLD))
    # the next build removes what the killed one left beside the store
    store = OxigraphStore.open(str(path), root=Path("."), selector=f"oxigraph:{path}")
    store.replace_dataset(nquads(tmp_path / "next.nq", 3, "next"), drop_prefix=G)
    del store
    gc.collect()
    assert path.is_symlink()
    beside = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("store"))
    assert beside == ["store", path.resolve().name]
    assert values(path) == expected("next", 3)


def test_the_state_an_older_medkgs_killed_swap_left_is_recovered(tmp_path: Path) -> None:
    """The issue's reproduction: killed between its two renames, medkg left only
    ``store.old-PID`` and ``store.building-PID``, and the next open made an empty store."""
    old = ox.Store(str(tmp_path / "store.old-4242"))
    old.load(path=str(nquads(tmp_path / "old.nq", OLD, "old")), format=ox.RdfFormat.N_QUADS)
    old.flush()
    del old
    ox.Store(str(tmp_path / "store.building-4242")).flush()
    gc.collect()
    assert values(tmp_path / "store") == expected("old", OLD)


def test_a_swap_that_fails_keeps_the_old_store(tmp_path: Path) -> None:
    """An error (not a kill) in the middle of a swap: the path still names the old store."""
    path = tmp_path / "store"
    make_old_store(path, tmp_path, "link")
    built = tmp_path / "store.building-1"
    ox.Store(str(built)).flush()
    gc.collect()
    (tmp_path / "store.next").mkdir()  # a folder where the swap makes its link: it fails
    (tmp_path / "store.next" / "x").write_text("x")
    with pytest.raises(OSError):
        swap_in(path, built)
    assert values(path) == expected("old", OLD)


def test_a_link_to_a_missing_version_is_refused_not_replaced_by_an_empty_store(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store"
    path.symlink_to("store.v-gone")
    with pytest.raises(StoreError) as info:
        OxigraphStore.open(str(path), root=Path("."), selector=f"oxigraph:{path}")
    assert "store.v-gone, which does not exist" in str(info.value)
    assert not (tmp_path / "store.v-gone").exists()
