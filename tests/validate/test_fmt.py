"""``medkg fmt``: one canonical form, comments kept, idempotent, and a check that names its fix."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from medkg.cli import main
from medkg.curation.canonical import curated_files, format_file

from ..conftest import ROOT
from .conftest import Project

MESSY = """\
# a comment at the top
claims:
# --- first section ---
- quote: In MS, demyelination is the initial insult   # why this quote
  citations:
  - 1
  role: primary
  negated: false
  object: HP:0007305
  predicate: RO:0004019
  subject: MONDO:0005301
  id: ms-primary
# --- second section ---
- id: second
  note: a curator's note
  citations: [1]
  quote: Multiple sclerosis is the classic demyelinating disease
  negated: false
  object: MONDO:0002562
  predicate: rdfs:subClassOf
  subject: MONDO:0005301
article:
  title: T
  id: t
  text: data/articles/t.txt
  references: []
"""


def fmt(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            main(["fmt", *args])
        except SystemExit as e:
            code = int(e.code or 0)
    return code, out.getvalue()


def test_the_seed_is_in_canonical_form() -> None:
    changed = [p for p in curated_files(ROOT) if format_file(p, write=False)]
    assert changed == [], "run `medkg fmt` and commit the result"


def test_fmt_orders_keys_keeps_comments_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(MESSY, encoding="utf-8")
    assert format_file(path) is True
    once = path.read_text(encoding="utf-8")
    assert format_file(path) is False
    assert path.read_text(encoding="utf-8") == once
    for comment in ("# a comment at the top", "# why this quote", "# --- second section ---"):
        assert comment in once
    assert once.index("article:") < once.index("claims:")
    first = once[once.index("- id: ms-primary") : once.index("# --- second")]
    keys = [line.split(":")[0].strip("- ") for line in first.splitlines() if ":" in line]
    assert keys == ["id", "subject", "predicate", "object", "negated", "role", "quote", "citations"]
    assert "citations: [1]" in first
    assert once.index("# --- second section ---") < once.index("- id: second")


def test_fmt_check_fails_and_names_the_fix(project: Project) -> None:
    terms = project.root / "ontology" / "terms.ttl"
    terms.write_text(terms.read_text(encoding="utf-8").replace(" .\n", " .   \n", 3))
    code, out = fmt("--check", str(terms))
    assert code == 1
    assert "would reformat" in out and "fix with: medkg fmt" in out
    code, _ = fmt(str(terms))
    assert code == 0
    assert fmt("--check", str(terms))[0] == 0


def test_fmt_sorts_and_aligns_turtle_prefixes_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "x.ttl"
    path.write_text(
        "# keep me\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '@prefix ex: <http://example.org/> .\n\n\n\nex:a rdfs:label "a" .  # and me\n'
    )
    assert format_file(path)
    assert path.read_text() == (
        "# keep me\n@prefix ex:   <http://example.org/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        'ex:a rdfs:label "a" .  # and me\n'
    )


def test_fmt_refuses_a_file_that_does_not_parse(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("claims: [\n")
    code, out = fmt(str(path))
    assert code == 2
    assert "broken.yaml:" in out


def test_fmt_names_what_it_cannot_format(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    code, out = fmt(str(tmp_path / "a.txt"))
    assert code == 2
    assert "give it .ttl or .yaml files" in out
