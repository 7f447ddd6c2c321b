"""Never stale or empty without saying so: a server rebuilds a store built from other curated
files, keeps the last good build when the files are broken (and says so at /health), and
refuses to serve nothing."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path

import pytest

from medkg.build import build_into, input_fingerprint, recorded_fingerprint
from medkg.bulk import bulk_build_into
from medkg.config import Settings, load_settings
from medkg.errors import ConfigError
from medkg.store import open_store
from medkg.web import create_app

from .conftest import ROOT

SEED = "als-demyelinating-or-axonal"
TITLE = (
    "SELECT ?t WHERE { <https://w3id.org/medkg/article/%s> <http://purl.org/dc/terms/title> ?t }"
)


def project(tmp_path: Path) -> Settings:
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return load_settings(env={}, root=str(tmp_path), store=f"oxigraph:{tmp_path / 'store'}")


def retitle(settings: Settings, title: str) -> None:
    path = settings.root_path / "data" / "claims" / f"{SEED}.yaml"
    text = path.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.lstrip().startswith("title:"))
    path.write_text(text.replace(old, old.split("title:")[0] + f"title: {title}"), "utf-8")


def build_and_release(settings: Settings) -> str:
    """Build into the on-disk store and let go of it (as a stopped server does); the title."""
    store = open_store(settings.store, settings.root_path)
    build_into(store, settings)
    title = served_title_of(store)
    store.close()
    del store
    gc.collect()  # the pyoxigraph store holds its lock until it is collected
    return title


def served_title(app: object) -> str:
    store = app.extensions["medkg"].store  # type: ignore[attr-defined]
    return str(next(iter(store.query(TITLE % SEED).rows))[0])


def test_every_build_records_the_fingerprint_of_the_files_it_read(tmp_path: Path) -> None:
    settings = project(tmp_path)
    store = open_store(settings.store, settings.root_path)
    build_into(store, settings)
    assert recorded_fingerprint(store, settings) == input_fingerprint(settings.root_path)
    retitle(settings, "Another title")
    assert recorded_fingerprint(store, settings) != input_fingerprint(settings.root_path)
    bulk_build_into(store, settings)
    assert recorded_fingerprint(store, settings) == input_fingerprint(settings.root_path)
    store.close()


def test_a_restarted_server_serves_the_edited_files(tmp_path: Path) -> None:
    settings = project(tmp_path)
    build_and_release(settings)
    retitle(settings, "Is ALS axonal? (edited)")
    app = create_app(settings)  # a restart: opens the store built before the edit
    assert app.extensions["medkg"].freshness.state == "rebuilt"
    assert served_title(app) == "Is ALS axonal? (edited)"
    assert app.test_client().get("/health").get_json()["status"] == "ok"


def test_a_broken_edit_keeps_the_last_good_build_and_health_says_degraded(
    tmp_path: Path,
) -> None:
    settings = project(tmp_path)
    before = build_and_release(settings)
    claims = settings.root_path / "data" / "claims" / f"{SEED}.yaml"
    claims.write_text(claims.read_text("utf-8") + "\n- id: broken\n  subject: [unclosed\n", "utf-8")
    app = create_app(settings)
    assert served_title(app) == before
    health = app.test_client().get("/health").get_json()
    assert health["status"] == "degraded"
    assert health["curated_files"]["state"] == "stale"
    assert "last good build is served" in health["degraded"][0]
    assert f"{SEED}.yaml" in health["degraded"][0]  # says which file


def served_title_of(store: object) -> str:
    return str(next(iter(store.query(TITLE % SEED).rows))[0])  # type: ignore[attr-defined]


def test_an_empty_store_and_no_curated_files_is_refused_with_a_hint(tmp_path: Path) -> None:
    settings = load_settings(env={}, root=str(tmp_path), store="oxigraph:")
    with pytest.raises(ConfigError) as e:
        create_app(settings)
    assert "nothing to serve" in e.value.message and str(tmp_path) in e.value.message
    assert "medkg init" in (e.value.hint or "")


def test_a_worker_in_front_of_a_built_store_serves_it_unchecked(tmp_path: Path) -> None:
    built = project(tmp_path / "project")
    store = open_store("oxigraph:", built.root_path)
    build_into(store, built)
    elsewhere = load_settings(env={}, root=str(tmp_path / "empty"), store="oxigraph:")
    app = create_app(elsewhere, store)
    health = app.test_client().get("/health").get_json()
    assert health["status"] == "ok" and health["curated_files"]["state"] == "unchecked"
