"""``/api/builds`` in process: only this machine with the server's secret may ask; the build
reports what a standalone ``medkg build`` prints, and a broken one changes nothing served."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from medkg.config import load_settings
from medkg.store import open_store

from ..validate.conftest import NEW_CLAIM, Project

HAS_NEW = (
    "ASK { <http://purl.obolibrary.org/obo/MONDO_0005301> "
    "<http://purl.obolibrary.org/obo/RO_0002200> <http://purl.obolibrary.org/obo/HP_0040078> }"
)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "project")


@pytest.fixture
def app(project: Project) -> Flask:
    from medkg.web import create_app

    settings = load_settings(env={}, root=str(project.root), store="oxigraph:")
    return create_app(settings, open_store("oxigraph:", project.root))


def secret(app: Flask) -> dict[str, str]:
    return {"Authorization": f"Bearer {app.extensions['medkg.builds'].secret}"}


def build(client: FlaskClient, app: Flask, project: Project, **body: Any) -> dict[str, Any]:
    """Ask for a build as `medkg build` does and wait for its report."""
    r = client.post("/api/builds", json={"root": str(project.root), **body}, headers=secret(app))
    assert r.status_code == 202, r.get_json()
    job = r.get_json()
    assert r.headers["Location"] == f"/api/builds/{job['id']}"
    deadline = time.monotonic() + 120
    while job["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline, "the build never finished"
        time.sleep(0.1)
        job = client.get(r.headers["Location"], headers=secret(app)).get_json()
    return job


def served(app: Flask) -> bool:
    return bool(app.extensions["medkg"].store.query(HAS_NEW).boolean)


def test_build_swaps_the_edit_in_and_reports_as_medkg_build(app: Flask, project: Project) -> None:
    client = app.test_client()
    before = client.get("/health").get_json()["version"]
    project.add_claim(NEW_CLAIM)
    job = build(client, app, project)
    assert job["state"] == "done" and job["exit_code"] == 0 and job["error"] is None
    assert job["progress"] == {}  # a build that does not stream reports none
    [line] = job["stdout"]
    assert line.startswith("built ") and line.endswith(f"version {job['serving']}")
    health = client.get("/health").get_json()
    assert health["version"] == job["serving"] != before
    assert served(app)


def test_broken_edit_fails_with_file_and_line_and_the_last_build_keeps_serving(
    app: Flask, project: Project
) -> None:
    client = app.test_client()
    project.add_claim(NEW_CLAIM)
    good = build(client, app, project)["serving"]
    line = project.add_claim("- id: broken\n  subject: [MONDO:0004976\n")
    job = build(client, app, project)
    assert job["state"] == "failed" and job["exit_code"] == 1
    assert f"{project.claims}:{line + 1}:" in job["error"]
    assert job["serving"] == good and served(app)
    health = client.get("/health").get_json()
    assert health["status"] == "degraded"
    assert "do not build" in health["curated_files"]["reason"]

    project.claims.write_text(project.claims.read_text().split("- id: broken")[0])
    assert build(client, app, project)["exit_code"] == 0
    assert client.get("/health").get_json()["status"] == "ok"


def test_a_watched_reload_clears_what_a_failed_build_reported(project: Project) -> None:
    from medkg.web import create_app

    settings = load_settings(env={}, root=str(project.root), store="oxigraph:")
    app = create_app(settings.replace(watch=True), open_store("oxigraph:", project.root))
    watcher = app.extensions["medkg.watch"]
    try:
        client = app.test_client()
        project.add_claim("- id: broken\n  subject: [MONDO:0004976\n")
        assert build(client, app, project)["exit_code"] == 1
        assert client.get("/health").get_json()["curated_files"]["state"] == "stale"
        project.claims.write_text(project.claims.read_text().split("- id: broken")[0] + NEW_CLAIM)
        deadline = time.monotonic() + 120
        while client.get("/health").get_json()["status"] != "ok":
            assert time.monotonic() < deadline, "/health still degraded after the reload"
            time.sleep(0.2)
        assert served(app)
        assert client.get("/health").get_json()["curated_files"]["state"] == "current"
    finally:
        watcher.stop()


def test_bulk_build_with_kept_nquads(app: Flask, project: Project, tmp_path: Path) -> None:
    client = app.test_client()
    project.add_claim(NEW_CLAIM)
    nquads = tmp_path / "kept.nq"
    job = build(client, app, project, bulk=True, nquads=str(nquads))
    assert job["exit_code"] == 0, job["error"]
    assert job["stdout"][0].startswith("bulk-built ")
    assert job["stdout"][0].endswith(f"; N-Quads kept at {nquads}")
    assert "HP_0040078" in nquads.read_text(encoding="utf-8")
    progress = job["progress"]
    assert progress["articles"] == progress["total"] == 1 and progress["claims"] > 50
    assert progress["loaded"] > 0
    assert served(app)


def test_without_the_secret_no_build_is_started(app: Flask, project: Project) -> None:
    client = app.test_client()
    body = {"root": str(project.root)}
    project.add_claim(NEW_CLAIM)
    r = client.post("/api/builds", json=body)
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    r = client.post("/api/builds", json=body, headers={"Authorization": "Bearer guessed"})
    assert r.status_code == 403
    assert client.get("/api/builds/anything").status_code == 401
    time.sleep(0.5)
    assert not served(app)


def test_from_another_host_the_route_is_not_found_even_with_the_secret(
    app: Flask, project: Project
) -> None:
    client = app.test_client()
    away = {"REMOTE_ADDR": "203.0.113.9"}
    body = {"root": str(project.root)}
    r = client.post("/api/builds", json=body, headers=secret(app), environ_base=away)
    assert r.status_code == 404
    r = client.post("/api/builds", json=body, environ_base={"REMOTE_ADDR": "::1"})
    assert r.status_code == 401  # IPv6 loopback is this machine


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "must be a JSON object"),
        ({"root": "ROOT", "bulk": "yes"}, "'bulk' must be true or false"),
        ({"root": "ROOT", "nquads": "relative.nq"}, "'nquads' must be an absolute path"),
        ({"root": "/elsewhere"}, "this server builds the curated files under"),
        ({}, "this server builds the curated files under"),
    ],
)
def test_a_bad_build_request_is_400_naming_what(
    app: Flask, project: Project, body: Any, message: str
) -> None:
    if isinstance(body, dict) and body.get("root") == "ROOT":
        body["root"] = str(project.root)
    r = app.test_client().post("/api/builds", json=body, headers=secret(app))
    assert r.status_code == 400
    assert message in r.get_json()["error"]
