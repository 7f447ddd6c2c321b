"""The README's command lines work while the server runs on the same store (issue 21): the
commands that read open it read-only, as it is at that moment; ``build`` has the server build
(it is the store's only writer). The server serves a copy of the project, so nothing here
writes the repository's curated files."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import ROOT, Server
from ..validate.conftest import Project

README = (ROOT / "README.md").read_text(encoding="utf-8")
#: commands not run here: `fmt`, `ontology promote` and `import` rewrite the curated files (and
#: `import` reads all of HPO's annotations, minutes; its build is `build --bulk`'s, run below),
#: `serve` is the server beside, `ontology add` names a file the reader downloads first
NOT_RUN = ("fmt", "serve", "ontology add", "ontology promote", "import")
#: the README's `.venv/bin/medkg ...` lines in sh blocks, and commands it names in prose
LINES = [
    line.split("#")[0].strip()
    for block in re.findall(r"```sh\n(.*?)```", README, re.S)
    for line in block.splitlines()
    if line.startswith(".venv/bin/medkg ")
    and not any(" ".join(line.split()[1:]).startswith(command) for command in NOT_RUN)
] + [
    ".venv/bin/medkg stats",
    ".venv/bin/medkg export --format nq",
    ".venv/bin/medkg build --bulk",
]


@pytest.fixture(scope="module")
def beside(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, Server]]:
    """A server on a copy of the project, and the copy."""
    tmp = tmp_path_factory.mktemp("beside")
    project = Project(tmp / "project")
    srv = Server(tmp, env={"MEDKG_ROOT": str(project.root)})
    yield project, srv
    srv.stop()


def run(beside: tuple[Project, Server], line: str) -> subprocess.CompletedProcess[str]:
    """Run a README line as written, from the repository (its paths are relative to it), on
    the copy the server serves."""
    project, server = beside
    store = Path(server.log.name).parent / "store"
    env = {**os.environ, "MEDKG_ROOT": str(project.root), "MEDKG_STORE": f"oxigraph:{store}"}
    argv = [sys.executable, "-m", "medkg", *shlex.split(line)[1:]]
    return subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_readme_has_command_lines_that_read_the_store() -> None:
    assert any(" query " in line for line in LINES) and any(" graph " in line for line in LINES)


@pytest.mark.parametrize("line", LINES)
def test_readme_command_line_works_beside_the_server(
    beside: tuple[Project, Server], line: str
) -> None:
    done = run(beside, line)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_the_readme_build_line_is_run() -> None:
    assert ".venv/bin/medkg build" in LINES


def test_build_beside_a_process_that_left_no_server_file_names_it(
    beside: tuple[Project, Server],
) -> None:
    """A store held by a process that is not a server we can ask (here: a server file naming
    another process) is refused, naming the process that holds it."""
    server = beside[1]
    info = Path(server.log.name).parent / "store.server.json"
    real = info.read_text()
    info.write_text(json.dumps({**json.loads(real), "pid": 1}))
    try:
        done = run(beside, ".venv/bin/medkg build")
    finally:
        info.write_text(real)
    assert done.returncode == 2
    assert f"its lock is held by process {server.proc.pid}" in done.stderr
    assert f"kill {server.proc.pid}" in done.stderr
