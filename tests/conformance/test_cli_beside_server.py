"""The README's command lines work while the server runs on the same store (issue 21): the
commands that read open it read-only, as it is at that moment; ``build``, which must write,
names the server's process instead of a wrong cause."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT, Server

README = (ROOT / "README.md").read_text(encoding="utf-8")
#: commands not run here: `fmt`, `ontology promote` and `import` rewrite the curated files (and
#: `import` builds), `serve` is the server beside, `ontology add` names a file the reader
#: downloads first, and `build` cannot write a store a server holds (tested below)
NOT_RUN = ("fmt", "serve", "ontology add", "ontology promote", "import", "build")
#: the README's `.venv/bin/medkg ...` lines in sh blocks, and commands it names in prose
LINES = [
    line.split("#")[0].strip()
    for block in re.findall(r"```sh\n(.*?)```", README, re.S)
    for line in block.splitlines()
    if line.startswith(".venv/bin/medkg ")
    and not any(" ".join(line.split()[1:]).startswith(command) for command in NOT_RUN)
] + [".venv/bin/medkg stats", ".venv/bin/medkg export --format nq"]


def run(server: Server, line: str) -> subprocess.CompletedProcess[str]:
    store = Path(server.log.name).parent / "store"
    env = {**os.environ, "MEDKG_ROOT": str(ROOT), "MEDKG_STORE": f"oxigraph:{store}"}
    argv = [sys.executable, "-m", "medkg", *shlex.split(line)[1:]]
    return subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_readme_has_command_lines_that_read_the_store() -> None:
    assert any(" query " in line for line in LINES) and any(" graph " in line for line in LINES)


@pytest.mark.parametrize("line", LINES)
def test_readme_command_line_works_beside_the_server(server: Server, line: str) -> None:
    done = run(server, line)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_build_beside_the_server_names_its_process(server: Server) -> None:
    done = run(server, ".venv/bin/medkg build")
    assert done.returncode == 2
    assert f"its lock is held by process {server.proc.pid}" in done.stderr
    assert f"kill {server.proc.pid}" in done.stderr
