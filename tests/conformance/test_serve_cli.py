"""`medkg serve` as a newcomer meets it: a port in use, --port 0."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ..conftest import ROOT

pytestmark = pytest.mark.server


def serve(port: int, tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "MEDKG_ROOT": str(ROOT), "MEDKG_STORE": "oxigraph:"}
    return subprocess.Popen(
        [sys.executable, "-m", "medkg", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def test_a_port_in_use_is_an_error_that_says_so_before_serving(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = serve(port, tmp_path)
        out, err = proc.communicate(timeout=90)
    assert proc.returncode == 2
    assert "serving" not in out
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port 0" in err
    assert "Traceback" not in err


def test_port_0_serves_on_a_free_port_and_says_which(tmp_path: Path) -> None:
    proc = serve(0, tmp_path)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the "serving" line comes once the socket is bound
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        port = int(match.group(1))
        assert port != 0
        deadline = time.monotonic() + 30
        while True:
            try:
                assert requests.get(f"http://127.0.0.1:{port}/health", timeout=5).ok
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
    finally:
        proc.terminate()
        proc.communicate(timeout=15)
