"""The README's "Reviewing drafts" curl lines, run as written (bash, curl, jq) against a real
server over a copy of the seed with the ``draft-demyelinating`` drafts ingested."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from medkg.curation.load import read_yaml
from medkg.ingest import ingest_file, load_lexicon

from ..conftest import ROOT, Server

pytestmark = pytest.mark.server
README = (ROOT / "README.md").read_text(encoding="utf-8")
ARTICLE = ROOT / "tests" / "fixtures" / "articles" / "draft-demyelinating.txt"


def curation_block() -> str:
    section = README[README.index("## Reviewing drafts") :]
    return next(b for b in re.findall(r"```sh\n(.*?)```", section, re.S) if "$API/drafts" in b)


def test_readme_curation_curl_lines_reject_a_sentence_then_the_claim(tmp_path: Path) -> None:
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    assert not missing, f"the README walkthrough needs {', '.join(missing)}: run `make jq`"
    project = tmp_path / "project"
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, project / folder)
    ingest_file(ARTICLE, project, load_lexicon(project))
    env = {"MEDKG_ROOT": str(project), "MEDKG_CURATION_TOKEN": "s3cret"}
    env["MEDKG_CURATOR_NAME"] = "Ada Lovelace"
    server = Server(tmp_path, env)
    try:
        script = curation_block().replace("http://127.0.0.1:8000", server.url)
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ},
        )
    finally:
        server.stop()
    assert run.returncode == 0, run.stderr
    claims = {
        c["id"]: c for c in read_yaml(project / "data/claims/draft-demyelinating.yaml")["claims"]
    }
    headline = claims["draft-headline-is-a-demyelinating-disease"]
    section = claims["draft-what-the-is-a-demyelinating-disease"]
    assert (headline["status"], headline["reason"]) == ("deprecated", "one autopsy series")
    assert (section["status"], section["reason"]) == ("deprecated", "the same series")
    assert claims["draft-what-the-phenotype-optic-neuritis"]["status"] == "draft"
    log = run.stdout[run.stdout.index("at,reviewer,file,claim,") :]
    rows = list(csv.DictReader(io.StringIO(log)))
    assert [(r["claim"], r["reason"], r["reviewer"]) for r in rows] == [
        ("draft-headline-is-a-demyelinating-disease", "one autopsy series", "Ada Lovelace"),
        ("draft-what-the-is-a-demyelinating-disease", "the same series", "Ada Lovelace"),
    ]
    assert rows[0]["claim_key"] == rows[1]["claim_key"]  # one claim, decided in two steps
    assert '"HP:0000648"' in run.stdout  # optic atrophy, from the index
