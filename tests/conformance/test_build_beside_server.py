"""``medkg build`` beside a real ``medkg serve`` on 127.0.0.1 over a copy of the project: the
server builds the edit and serves it without a restart; a broken edit fails the command with
file:line and the server keeps serving the last good data; nobody without the secret can ask."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ..conftest import Server
from ..validate.conftest import NEW_CLAIM, Project
from .test_watch import asks, claim_count

HPOA = Path(__file__).resolve().parents[1] / "fixtures" / "sources" / "fixture.hpoa"


def medkg(project: Project, store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MEDKG_ROOT": str(project.root), "MEDKG_STORE": f"oxigraph:{store}"}
    argv = [sys.executable, "-m", "medkg", *args]
    return subprocess.run(
        argv, env=env, cwd=project.root, capture_output=True, text=True, timeout=600
    )


def medkg_build(project: Project, store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return medkg(project, store, "build", *args)


def serve(tmp_path: Path, project: Project) -> Server:
    """A server on the copy, its bulk builds' work folders in a temporary folder of its own."""
    (tmp_path / "tmp").mkdir()
    return Server(tmp_path, env={"MEDKG_ROOT": str(project.root), "TMPDIR": str(tmp_path / "tmp")})


@pytest.mark.server
def test_build_beside_the_server_is_served_and_a_broken_one_keeps_the_last_good(
    tmp_path: Path,
) -> None:
    project = Project(tmp_path / "project")
    store = tmp_path / "store"
    srv = serve(tmp_path, project)
    try:
        info = Path(f"{store}.server.json")
        assert stat.S_IMODE(info.stat().st_mode) == 0o600
        assert json.loads(info.read_text())["pid"] == srv.proc.pid
        before = claim_count(srv.url)
        assert not asks(srv.url)

        project.add_claim(NEW_CLAIM)
        done = medkg_build(project, store)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("built ") and "version" in done.stdout
        assert f"(process {srv.proc.pid}) holds the store" in done.stderr
        assert asks(srv.url) and claim_count(srv.url) == before + 1
        good = requests.get(srv.url + "/health", timeout=10).json()["version"]
        assert done.stdout.rstrip().endswith(f"version {good}")

        line = project.add_claim("- id: broken\n  subject: [MONDO:0004976\n")
        done = medkg_build(project, store)
        assert done.returncode == 1
        assert f"{project.claims}:{line + 1}:" in done.stderr
        assert "YAML syntax error" in done.stderr
        assert asks(srv.url) and claim_count(srv.url) == before + 1, "the last good data serves"
        health = requests.get(srv.url + "/health", timeout=10).json()
        assert health["version"] == good and health["status"] == "degraded"

        project.claims.write_text(  # drop the broken entry and the new claim: the seed again
            project.claims.read_text().split("- id: ms-has-phenotype-axonal-injury")[0]
        )
        kept = tmp_path / "kept.nq"
        done = medkg_build(project, store, "--bulk", "--nquads", str(kept))
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("bulk-built ") and f"N-Quads kept at {kept}" in done.stdout
        assert kept.stat().st_size > 0
        assert not asks(srv.url) and claim_count(srv.url) == before
        assert srv.proc.poll() is None, "the server kept running"
    finally:
        srv.stop()
    # the server is gone, its file is not (SIGTERM): a build now opens the store itself
    done = medkg_build(project, store)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("built ") and "holds the store" not in done.stderr


@pytest.mark.server
def test_without_the_secret_the_server_builds_nothing_and_shows_no_build(tmp_path: Path) -> None:
    project = Project(tmp_path / "project")
    srv = serve(tmp_path, project)
    try:
        project.add_claim(NEW_CLAIM)
        body = {"root": str(project.root)}
        r = requests.post(srv.url + "/api/builds", json=body, timeout=10)
        assert r.status_code == 401
        wrong = {"Authorization": "Bearer " + "x" * 43}
        r = requests.post(srv.url + "/api/builds", json=body, headers=wrong, timeout=10)
        assert r.status_code == 403
        assert requests.get(srv.url + "/api/builds/0", timeout=10).status_code == 401
        assert not asks(srv.url), "nothing was built"
        secret = json.loads(Path(f"{tmp_path / 'store'}.server.json").read_text())["secret"]
        right = {"Authorization": f"Bearer {secret}"}
        r = requests.post(srv.url + "/api/builds", json=body, headers=right, timeout=10)
        assert r.status_code == 202
        status = srv.url + r.headers["Location"]
        assert requests.get(status, timeout=10).status_code == 401
        assert requests.get(status, headers=wrong, timeout=10).status_code == 403
        assert requests.get(status, headers=right, timeout=10).status_code == 200
    finally:
        srv.stop()


@pytest.mark.server
def test_import_beside_the_server_registers_and_the_server_builds_the_source(
    tmp_path: Path,
) -> None:
    project = Project(tmp_path / "project")
    hpoa = project.root / "fixture.hpoa"
    shutil.copy(HPOA, hpoa)
    srv = serve(tmp_path, project)
    try:
        done = medkg(project, tmp_path / "store", "import", "hpo-annotations", "--hpoa", str(hpoa))
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("registered hpo-annotations")
        assert "bulk-built " in done.stdout and "source hpo-annotations" in done.stdout
        assert "fixture.hpoa:13:5" in done.stderr  # a bad row, reported as a build here would
        [source] = requests.get(srv.url + "/health", timeout=10).json()["sources"]
        assert "Human Phenotype Ontology" in source["attribution"]
    finally:
        srv.stop()
