"""Every setting is documented: help text, and a line in ``medkg settings``."""

from __future__ import annotations

from dataclasses import fields

from click.testing import CliRunner

from medkg.cli import cli
from medkg.config import Settings, load_settings


def test_every_setting_has_help_and_is_listed_by_medkg_settings() -> None:
    listed = CliRunner().invoke(cli, ["settings"]).output
    for f in fields(Settings):
        assert f.metadata.get("help", "").strip(), f"setting {f.name} has no help text"
        assert f"{f.name} = " in listed and f"[MEDKG_{f.name.upper()}]" in listed


def test_fairness_settings_come_from_the_environment() -> None:
    env = {
        "MEDKG_SLOW_QUERY_WORKERS": "0",
        "MEDKG_DEAR_QUERY_SECONDS": "2.5",
        "MEDKG_CLIENT_QUERY_SECONDS": "30",
        "MEDKG_CLIENT_CONCURRENCY": "4",
    }
    s = load_settings(env=env)
    assert (s.slow_query_workers, s.dear_query_seconds) == (0, 2.5)
    assert (s.client_query_seconds, s.client_concurrency) == (30.0, 4)
