"""A build accepts no less than `medkg validate`: an undeclared CURIE stops both build paths
with the same message at the same file:line."""

from __future__ import annotations

import pytest

from medkg.build import build_dataset
from medkg.bulk import bulk_build_into
from medkg.errors import BuildError
from medkg.store import open_store

from .conftest import NEW_CLAIM, Project


@pytest.fixture
def undeclared(project: Project) -> tuple[Project, int]:
    line = project.add_claim(NEW_CLAIM.replace("HP:0040078", "HP:0040079"))
    return project, line


def problem_of(e: BuildError) -> tuple[str, int | None]:
    [p] = [p for p in e.problems if "HP:0040079" in p.message]
    return p.message, p.where.line if p.where else None


def test_validate_build_and_bulk_build_refuse_an_undeclared_curie_alike(
    undeclared: tuple[Project, int],
) -> None:
    project, line = undeclared
    [found] = [p for p in project.validate().problems if p.check == "curie"]
    assert found.where is not None and found.where.line == line + 3  # the object line
    with pytest.raises(BuildError) as built:
        build_dataset(project.settings)
    store = open_store("oxigraph:", project.root)
    with pytest.raises(BuildError) as bulk:
        bulk_build_into(store, project.settings)
    expected = (found.message, found.where.line)
    assert problem_of(built.value) == expected
    assert problem_of(bulk.value) == expected
    assert "did you mean HP:0040078" in (found.hint or "")
