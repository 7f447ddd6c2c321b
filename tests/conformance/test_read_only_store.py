"""A store folder that cannot be written (a mounted snapshot, a read-only volume) is served
read-only, and a store that cannot be opened is refused naming the real cause (issue 15,
item 8).

Making a folder read-only for a test: root ignores permission bits, so as root the command
runs in a private mount namespace (``unshare -m``) where the folder is bind-mounted read-only
(the kernel then answers EROFS, as for a read-only volume); as any other user the folder's
permission bits are cleared. Either way the test checks that a write there really fails.
"""

from __future__ import annotations

import gc
import os
import shlex
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from medkg.build import build_into
from medkg.config import Settings
from medkg.errors import StoreError
from medkg.store.oxigraph import OxigraphStore

from ..conftest import ROOT, Background, free_port

TOKEN = "s3cret"
Wrap = Callable[[list[str]], list[str]]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Wrap]:
    """``wrap(argv)``: argv run where ``tmp_path/ro`` is read-only."""
    folder = tmp_path / "ro"
    folder.mkdir()
    changed: list[tuple[Path, int]] = []

    if os.geteuid() == 0:
        probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, text=True)
        assert probe.returncode == 0, (
            f"as root this test needs a private mount namespace: `unshare -m` says "
            f"{probe.stderr.strip()!r} (run it with CAP_SYS_ADMIN, or as another user)"
        )

    def wrap(argv: list[str]) -> list[str]:
        if os.geteuid() == 0:
            mount = f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} {folder}"
            return ["unshare", "-m", "sh", "-c", f"{mount} && exec {shlex.join(argv)}"]
        for path in [folder, *folder.rglob("*")]:
            mode = path.lstat().st_mode
            changed.append((path, mode))
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        return argv

    yield wrap
    for path, mode in reversed(changed):
        path.chmod(mode)


def env(store: Path, **more: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "MEDKG_ROOT": str(ROOT),
        "MEDKG_STORE": f"oxigraph:{store}",
        **more,
    }


def build_seed(store: Path, settings: Settings) -> None:
    opened = OxigraphStore.open(str(store), root=ROOT, selector=f"oxigraph:{store}")
    build_into(opened, settings.replace(store=f"oxigraph:{store}"))
    del opened
    gc.collect()


def test_the_folder_is_really_read_only(tmp_path: Path, read_only: Wrap) -> None:
    argv = read_only(["sh", "-c", f"touch {tmp_path / 'ro' / 'x'}"])
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0 and not (tmp_path / "ro" / "x").exists()


def test_serve_a_read_only_store_read_only(
    tmp_path: Path, read_only: Wrap, settings: Settings
) -> None:
    store = tmp_path / "ro" / "store"
    build_seed(store, settings)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [sys.executable, "-m", "medkg", "serve", "--watch", "--port", str(port)]
    server = Background()
    server.start(
        read_only(argv),
        tmp_path / "server.log",
        url + "/health",
        timeout=60,
        need_ok=True,
        env=env(store, MEDKG_UPDATE_TOKEN=TOKEN, TMPDIR=str(tmp_path)),
    )
    try:
        ask = "ASK { ?claim <https://w3id.org/medkg/negated> true }"
        answer = requests.get(url + "/sparql", params={"query": ask}, timeout=30)
        assert answer.status_code == 200 and answer.json()["boolean"] is True
        auth = {"Authorization": f"Bearer {TOKEN}"}
        update = "INSERT DATA { GRAPH <http://example.org/g> { <http://a> <http://b> <http://c> } }"
        refused = requests.post(url + "/sparql", data={"update": update}, headers=auth, timeout=30)
        assert refused.status_code == 503, refused.text
        assert "read-only" in refused.json()["error"]
        put = requests.put(
            url + "/store?graph=http://example.org/g",
            data="<http://a> <http://b> <http://c> .",
            headers=auth | {"Content-Type": "application/n-triples"},
            timeout=30,
        )
        assert put.status_code == 503 and "read-only" in put.json()["error"]
        again = requests.get(url + "/sparql", params={"query": "ASK { <http://a> ?p ?o }"})
        assert again.json()["boolean"] is False
    finally:
        server.stop()
    log = (tmp_path / "server.log").read_text()
    reason = "read-only file system" if os.geteuid() == 0 else "not writable by this user"
    assert reason in log and "--watch is off" in log
    assert "serving it read-only; SPARQL Update, the Graph Store writes, --watch" in log


def test_cli_reads_a_read_only_store_and_refuses_to_create_one_there(
    tmp_path: Path, read_only: Wrap, settings: Settings
) -> None:
    store, empty = tmp_path / "ro" / "store", tmp_path / "ro" / "empty"
    build_seed(store, settings)
    OxigraphStore.open(str(empty), root=ROOT, selector=f"oxigraph:{empty}").close()
    gc.collect()
    stats = [sys.executable, "-m", "medkg", "stats"]
    done = subprocess.run(
        read_only(stats), env=env(store), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "/graph/truthy" in done.stdout
    missing = tmp_path / "ro" / "missing"
    done = subprocess.run(
        read_only(stats), env=env(missing), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert f"cannot create a store at {missing}" in done.stderr
    assert not missing.exists()
    query = [sys.executable, "-m", "medkg", "query", "negated-claims"]
    done = subprocess.run(
        read_only(query), env=env(empty), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "is empty and read-only" in done.stderr
    pages = [sys.executable, "-m", "medkg", "first-pages"]  # they would be its server's to add
    done = subprocess.run(
        read_only(pages), env=env(store), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "is opened read-only: its first pages" in done.stderr


def test_a_lock_held_by_another_process_is_named(tmp_path: Path) -> None:
    store = tmp_path / "store"
    hold = "import pyoxigraph, sys, time; s = pyoxigraph.Store(sys.argv[1]); print(1, flush=True); time.sleep(60)"
    proc = subprocess.Popen(
        [sys.executable, "-c", hold, str(store)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "1\n"
        with pytest.raises(StoreError) as info:
            OxigraphStore.open(str(store), root=ROOT, selector=f"oxigraph:{store}")
        assert f"lock is held by process {proc.pid}" in str(info.value)
        assert f"kill {proc.pid}" in (info.value.hint or "")
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_a_folder_that_is_not_a_store_is_refused_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(StoreError) as info:
        OxigraphStore.open(str(folder), root=ROOT, selector=f"oxigraph:{folder}")
    assert "is not an Oxigraph store" in str(info.value) and "notes.txt" in str(info.value)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
