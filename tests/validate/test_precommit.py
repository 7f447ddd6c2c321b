"""The pre-commit hooks run commands that exist."""

from __future__ import annotations

from ruamel.yaml import YAML

from medkg.cli import cli

from ..conftest import ROOT


def test_pre_commit_hooks_name_real_commands() -> None:
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"medkg-fmt", "medkg-validate"}
    for hook in hooks:
        program, command, *_ = hook["entry"].split()
        assert program == "medkg"
        assert command in cli.commands  # type: ignore[attr-defined]
        assert hook["language"] == "python"
