"""Package the seed project (ontology/, data/, queries/) into the wheel as ``medkg/project``.

``medkg init DIR`` copies it out, so a ``pip install`` can start a project without a clone. The
folders stay where curators edit them; only the built wheel gets a copy. Metadata lives in
pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SEED = ("ontology", "data", "queries")


class BuildPyWithSeed(build_py):
    def run(self) -> None:
        super().run()
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "medkg" / "project"
        for folder in SEED:
            if (root / folder).is_dir():
                shutil.copytree(root / folder, target / folder, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithSeed})
