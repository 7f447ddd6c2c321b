"""Install anywhere: the built wheel, in a fresh virtual environment, starts a project with
`medkg init` and serves the seed with a working query page."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import requests

from ..conftest import ROOT

pytestmark = pytest.mark.server


def run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=True, **kwargs)  # type: ignore[call-overload,no-any-return]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel built from this checkout; the dependencies are read from
    the test environment's site-packages (a .pth), so nothing but the wheel is installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(tmp / "dist"),
            str(ROOT),
        ]
    )
    (wheel,) = (tmp / "dist").glob("medkg-*.whl")
    venv = tmp / "venv"
    run([sys.executable, "-m", "venv", str(venv)])
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    pip = [
        str(venv / "bin" / "pip"),
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        "--ignore-installed",
    ]
    run([*pip, str(wheel)], env=clean_env())  # ignore the checkout's editable install
    return venv


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONPATH", "MEDKG_"))}


def test_the_wheel_is_what_runs_and_carries_license_and_version(venv: Path) -> None:
    code = "import medkg, importlib.metadata as m; print(medkg.__file__); print(m.version('medkg')); print(m.metadata('medkg')['License-Expression'])"
    out = run([str(venv / "bin" / "python"), "-c", code], env=clean_env(), cwd=venv).stdout
    where, version, licence = out.splitlines()
    assert where.startswith(str(venv)), "the test must exercise the wheel, not the checkout"
    assert (
        version
        == run([sys.executable, "-c", "import medkg; print(medkg.__version__)"]).stdout.strip()
    )
    assert licence == "MIT"


def test_init_then_serve_from_a_pip_install(venv: Path, tmp_path: Path) -> None:
    medkg = str(venv / "bin" / "medkg")
    out = run([medkg, "init", str(tmp_path / "proj")], env=clean_env(), cwd=tmp_path).stdout
    assert "created" in out
    assert (tmp_path / "proj" / "data" / "claims" / "als-demyelinating-or-axonal.yaml").is_file()
    again = subprocess.run(
        [medkg, "init", str(tmp_path / "proj")], capture_output=True, text=True, env=clean_env()
    )
    assert again.returncode == 2 and "already holds a project" in again.stderr
    proc = subprocess.Popen(
        [medkg, "--root", "proj", "--store", "oxigraph:", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=clean_env(),
        cwd=tmp_path,
    )
    try:
        assert proc.stdout is not None
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", proc.stdout.readline())
        assert match
        url = f"http://127.0.0.1:{match.group(1)}"
        deadline = time.monotonic() + 60
        while True:
            try:
                page = requests.get(url + "/", timeout=10)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.3)
        assert page.status_code == 200 and "vendor/yasgui.min.js" in page.text
        assert requests.get(url + "/static/vendor/yasgui.min.js", timeout=10).status_code == 200
        ask = "ASK { ?c <https://w3id.org/medkg/negated> true }"
        answer = requests.get(
            url + "/sparql",
            params={"query": ask},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert answer.json()["boolean"] is True
    finally:
        proc.terminate()
        proc.communicate(timeout=15)
