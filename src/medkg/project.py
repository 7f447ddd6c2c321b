"""The seed project a wheel carries (``medkg/project``: ontology/, data/, queries/), and
``medkg init DIR``, which copies it out to start a project without a clone.

In a source checkout (an editable install) the seed is the checkout's own folders.
"""

from __future__ import annotations

import shutil
from importlib.resources import as_file, files
from pathlib import Path

from medkg.errors import ConfigError

FOLDERS = ("ontology", "data", "queries")


def seed_root() -> Path | None:
    """Where the seed project lies: inside the installed package, else the source checkout."""
    packaged = files("medkg") / "project"
    with as_file(packaged) as path:
        if (path / "ontology").is_dir():
            return Path(path)
    checkout = Path(__file__).resolve().parents[2]
    if all((checkout / f).is_dir() for f in FOLDERS):
        return checkout
    return None


def init_project(dest: Path) -> list[Path]:
    """Copy the seed's ontology/, data/ and queries/ into ``dest``; never overwrite a project."""
    seed = seed_root()
    if seed is None:
        raise ConfigError(
            "this installation carries no seed project",
            hint="reinstall medkg from a wheel built by `pip wheel .`, or clone the repository",
        )
    existing = [dest / f for f in FOLDERS if (dest / f).exists()]
    if existing:
        raise ConfigError(
            f"{dest} already holds a project ({', '.join(p.name for p in existing)})",
            hint="choose an empty or new folder; medkg init never overwrites curated files",
        )
    dest.mkdir(parents=True, exist_ok=True)
    made = []
    for folder in FOLDERS:
        shutil.copytree(seed / folder, dest / folder)
        made.append(dest / folder)
    return made
