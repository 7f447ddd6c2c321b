"""`medkg import hpo-annotations` on hostile files, end to end through `oxigraph load`: bad
rows are named by file:line and skipped, the rest is in the store as the file says it; a file
that cannot be read safely is refused before it is registered."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from medkg.cli import cli

from .sources.test_hpoa_hostile import HEADER, row
from .test_import_hpo import copy_project, private_tempdir  # noqa: F401 (a fixture)

OBO = """format-version: 1.2
data-version: hp/releases/2025-01-16

[Term]
id: HP:0000001
name: All

[Term]
id: HP:0001347
name: Hyperreflexia
is_a: HP:0000001 ! All

[Term]
id: HP:0002380
name: Fasciculations
is_a: HP:0000001

[Term]
id: HP:0040282
name: Frequent
is_a: HP:0000001
"""
NAME = 'ALS "quoted" \\ back\rslash\u2028'


def invoke(project: Path, hpoa: Path, obo: str | None = None) -> tuple[int, str]:
    (project / "hp.obo").write_text(obo or OBO, encoding="utf-8")
    args = ["import", "hpo-annotations", "--hpoa", str(hpoa), "--obo", str(project / "hp.obo")]
    result = CliRunner().invoke(
        cli, ["--root", str(project), "--store", f"oxigraph:{project}/store", *args]
    )
    return result.exit_code, result.output + str(result.exception or "")


def write(project: Path, *lines: bytes) -> Path:
    path = project / "phenotype.hpoa"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def test_hostile_rows_are_reported_and_the_rest_imported(project: Path) -> None:
    hpoa = write(
        project,
        b"#version: 2025-01-16",
        HEADER.encode(),
        row(disease_name=NAME).encode(),  # 3
        row(hpo_id="HP:0002380", reference="DOI:10.1000/a b>c").encode(),  # 4
        row(hpo_id="HP:0002380", disease_name="Sj\xf6gren").encode("latin-1"),  # 5
        b"# a comment among the rows",  # 6
        row(hpo_id="HP:0002380", frequency="0.0000001%").encode(),  # 7
        row(database_id="ORPHA:\u0668\u0660\u0663").encode(),  # 8
    )
    code, out = invoke(project, hpoa)
    assert code == 0, out
    assert "2 of 6 rows as evidence" in out and "4 bad rows skipped" in out
    for where in (":4:5: ", ":5:2: ", ":6: ", ":8:1: "):
        assert f"{hpoa}{where}" in out
    store = ox.Store.read_only(str(project / "store"))
    names = store.query(
        "SELECT ?n WHERE { <http://www.orpha.net/ORDO/Orphanet_803> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?n }"
    )
    assert [r[0].value for r in names] == [NAME]
    lines = store.query("SELECT ?l WHERE { ?e <https://w3id.org/medkg/sourceLine> ?l }")
    assert sorted(int(r[0].value) for r in lines) == [3, 7]
    (percent,) = store.query(
        "SELECT (?p * 1 AS ?v) WHERE { ?c <https://w3id.org/medkg/frequencyPercent> ?p }"
    )
    assert percent[0] is not None and percent[0].value == "0.0000001"


@pytest.mark.parametrize(
    ("lines", "what"),
    [
        ((), "no annotation rows"),
        ((b"#version: 1", HEADER.encode()), "no annotation rows"),
        ((HEADER.replace("onset\tfrequency", "frequency\tonset").encode(), row().encode()), ":1: "),
    ],
)
def test_a_file_that_cannot_be_read_safely_is_not_registered(
    project: Path, lines: tuple[bytes, ...], what: str
) -> None:
    registry = project / "data" / "sources.yaml"
    before = registry.read_bytes() if registry.exists() else None
    code, out = invoke(project, write(project, *lines))
    assert code != 0 and what in out and "phenotype.hpoa" in out, out
    assert (registry.read_bytes() if registry.exists() else None) == before
    assert not (project / "store").exists()


def test_a_broken_obo_is_refused_before_it_is_registered(project: Path) -> None:
    hpoa = write(project, HEADER.encode(), row().encode())
    code, out = invoke(project, hpoa, OBO + "\n[Term]\nid: HP:0000002\nname x\n")
    assert code != 0 and "hp.obo:25: cannot read the OBO file" in out, out
    assert (
        not (project / "data" / "sources.yaml").exists()
        or "hpo" not in (project / "data" / "sources.yaml").read_text()
    )


@pytest.mark.parametrize("failure", ["loader", "server"])
def test_a_build_that_fails_leaves_the_registry_as_it_was(
    project: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """A file that reads well but whose build fails (the loader, a full disk; or the server
    that builds it beside, which exits with its status): the source is not left registered,
    where every later `medkg build` would try it again."""
    import medkg.cli
    from medkg.store.bulkload import LoaderError

    registry = project / "data" / "sources.yaml"
    before = registry.read_bytes() if registry.exists() else None

    def fails(*args: object) -> None:
        assert "hpo-annotations" in registry.read_text()  # registered before the build
        if failure == "server":
            raise SystemExit(1)
        raise LoaderError("No space left on device")

    monkeypatch.setattr(medkg.cli, "bulk_build", fails)
    code, out = invoke(project, write(project, HEADER.encode(), row().encode()))
    assert code != 0, out
    assert (registry.read_bytes() if registry.exists() else None) == before
