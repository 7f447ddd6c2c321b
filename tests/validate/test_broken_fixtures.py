"""Deliberately broken copies of the project: each break is reported at the right file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medkg.cli import main
from medkg.report import Problem, Report

from .conftest import Project


def at(report: Report, check: str) -> list[Problem]:
    return [p for p in report.problems if p.check == check]


def where(problem: Problem) -> tuple[str, int | None]:
    assert problem.where is not None
    return Path(problem.where.path).name, problem.where.line


def run(project: Project, *args: str) -> tuple[int, str]:
    """``medkg --root PROJECT validate ARGS``: exit code and stdout."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_info:
        main(["--root", str(project.root), "validate", *args])
    return int(exit_info.value.code or 0), out.getvalue()


def test_seed_validates_with_only_the_warnings_it_deserves(project: Project) -> None:
    report = project.validate()
    assert report.errors == []
    assert report.not_run == []
    messages = sorted(p.message for p in report.warnings)
    assert len(messages) == 2
    assert messages[0].startswith("citation 6 resolves to no reference")
    assert "holds as of 2024 but cites reference 5 (2012)" in messages[1]
    assert report.exit_code() == 0
    assert report.exit_code(strict=True) == 1


def test_bad_turtle_is_reported_at_its_line(project: Project) -> None:
    line = project.append(project.root / "ontology" / "terms.ttl", "obo:MONDO_1 a owl:Class ;\n")
    report = project.validate()
    [problem] = at(report, "syntax")
    assert where(problem) == ("terms.ttl", line + 1)
    assert problem.severity == "error"
    assert "Turtle" in problem.message


def test_bad_yaml_is_reported_at_its_line_and_column(project: Project) -> None:
    line = project.add_claim("- id: broken\n  subject: [MONDO:0004976\n")
    report = project.validate()
    [problem] = at(report, "syntax")
    assert where(problem)[0] == project.claims.name
    assert problem.where is not None and problem.where.line in (line + 1, line + 2)
    assert problem.where.col is not None
    assert report.exit_code() == 1


def test_schema_problem_names_the_key(project: Project) -> None:
    line = project.add_claim(
        "- id: typo-key\n  subjekt: MONDO:0004976\n  predicate: RO:0002200\n"
        "  object: HP:0007305\n  negated: false\n  quote: ALS\n  citations: []\n"
    )
    problems = at(project.validate(), "schema")
    assert problems, "an unknown key and a missing subject are schema problems"
    assert {where(p)[1] for p in problems} == {line}
    assert any("subjekt" in p.message for p in problems)


def test_unknown_curie_says_did_you_mean_by_label(project: Project) -> None:
    line = project.add_claim(
        "- id: near-miss\n  subject: MONDO:0004977\n  predicate: RO:0002200\n"
        "  object: HP:0007305\n  negated: false\n"
        "  quote: Multiple sclerosis is the classic demyelinating disease\n  citations: [1]\n"
    )
    [problem] = at(project.validate(), "curie")
    assert where(problem) == (project.claims.name, line + 1)
    assert "MONDO:0004977" in problem.message
    assert problem.hint is not None
    assert "did you mean MONDO:0004976 (amyotrophic lateral sclerosis)" in problem.hint


def test_one_unknown_curie_in_many_entries_is_matched_once(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each undeclared CURIE is compared with the declared terms once, however many entries
    name it (a synthetic corpus naming one in every entry took minutes before)."""
    import difflib

    calls: list[str] = []
    real = difflib.get_close_matches

    def counted(word, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(word)
        return real(word, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counted)
    for n in range(5):
        project.add_claim(
            f"- id: near-miss-{n}\n  subject: MONDO:0004977\n  predicate: RO:0002200\n"
            "  object: HP:0007305\n  negated: false\n"
            "  quote: Multiple sclerosis is the classic demyelinating disease\n  citations: [1]\n"
        )
    problems = at(project.validate(), "curie")
    assert len(problems) == 5 and all(
        "did you mean MONDO:0004976" in (p.hint or "") for p in problems
    )
    assert calls.count("MONDO:0004977") == 1


def test_quote_not_in_text_points_at_the_quote(project: Project) -> None:
    line = project.add_claim(
        "- id: misquote\n  subject: MONDO:0004976\n  predicate: RO:0002200\n"
        "  object: HP:0007305\n  negated: false\n"
        "  quote: Multiple sclerosis is the classical demyelinating disease\n  citations: [1]\n"
    )
    [problem] = at(project.validate(), "quote")
    assert where(problem) == (project.claims.name, line + 5)
    assert "quote not found" in problem.message
    assert problem.hint is not None and "closest match" in problem.hint


def test_citation_9_on_a_5_reference_article_is_a_warning(project: Project) -> None:
    line = project.add_claim(
        "- id: cites-nine\n  subject: MONDO:0005301\n  predicate: RO:0004019\n"
        "  object: HP:0007305\n  negated: false\n  role: primary\n"
        "  quote: In MS, demyelination is the initial insult\n  citations: [9]\n"
    )
    report = project.validate()
    [problem] = [p for p in at(report, "citation") if p.message.startswith("citation 9")]
    assert where(problem) == (project.claims.name, line + 7)
    assert problem.severity == "warning"
    assert "lists 5 reference(s)" in problem.message


def test_claim_that_makes_the_ontology_inconsistent(project: Project) -> None:
    line = project.add_claim(
        "- id: als-is-demyelinating\n  subject: MONDO:0004976\n  predicate: rdfs:subClassOf\n"
        "  object: MONDO:0002562\n  negated: false\n  modality: asserted\n"
        "  quote: Multiple sclerosis is the classic demyelinating disease\n  citations: [1]\n"
    )
    report = project.validate()
    [problem] = at(report, "owl")
    assert where(problem) == (project.claims.name, line)
    assert problem.severity == "error"
    assert "amyotrophic lateral sclerosis (MONDO:0004976)" in problem.message
    assert "primary demyelinating disease" in problem.message
    assert "primary axonal disease" in problem.message
    steps = "\n".join(problem.related)
    assert f"{project.claims.name}:{line}" in steps
    assert "claim 'als-is-demyelinating'" in steps
    assert "axioms.ttl" in steps and "disjointWith" in steps
    assert "motor neuron disease (MONDO:0020128)" in steps


def test_contradiction_lists_both_quotes_and_sources(project: Project) -> None:
    line = project.add_claim(
        "- id: ms-not-primary-demyelination\n  subject: MONDO:0005301\n"
        "  predicate: RO:0004019\n  object: HP:0007305\n  negated: true\n  role: primary\n"
        "  quote: with axonal injury being variable and secondary\n  citations: [1]\n"
    )
    [problem] = at(project.validate(), "contradiction")
    assert where(problem) == (project.claims.name, line)
    sides = "\n".join(problem.related)
    assert "denies 'with axonal injury being variable and secondary'" in sides
    assert "states 'In MS, demyelination is the initial insult'" in sides
    assert "citations [1]" in sides


def test_different_context_is_not_a_contradiction(project: Project) -> None:
    """ALS: demyelination secondary; MS: demyelination primary. Both hold."""
    project.add_claim(
        "- id: als-demyelination-not-primary-basis\n  subject: MONDO:0005301\n"
        "  predicate: RO:0004019\n  object: HP:0007305\n  negated: true\n  role: secondary\n"
        "  quote: In MS, demyelination is the initial insult\n  citations: [1]\n"
    )
    assert at(project.validate(), "contradiction") == []


def test_cli_exit_codes_and_json(project: Project) -> None:
    code, out = run(project, "--format", "json")
    assert code == 0
    body = json.loads(out)
    assert body["errors"] == 0 and body["warnings"] == 2
    project.add_claim("- id: broken\n  subject: [\n")
    code, out = run(project)
    assert code == 1
    assert f"{project.claims}:" in out and "error [syntax]" in out


def test_cli_paths_limit_the_report(project: Project) -> None:
    code, out = run(project, "--format", "json", str(project.root / "ontology"))
    assert code == 0
    assert json.loads(out)["problems"] == []


def test_quote_offset_that_does_not_match_is_reported(project: Project) -> None:
    line = project.add_claim(
        "- id: wrong-offset\n  subject: MONDO:0005301\n  predicate: RO:0004019\n"
        "  object: HP:0007305\n  negated: false\n  role: primary\n"
        "  quote: In MS, demyelination is the initial insult\n  start: 3\n  citations: [1]\n"
    )
    [problem] = at(project.validate(), "quote")
    assert where(problem) == (project.claims.name, line + 6)
    assert problem.hint is not None and "not at `start`" in problem.hint


def test_a_check_that_cannot_run_exits_2(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from medkg import consistency
    from medkg.reasoning import ReasonerUnavailable

    def no_java(*_: object) -> None:
        raise ReasonerUnavailable("the OWL check needs Java")

    monkeypatch.setattr(consistency, "check_consistency", no_java)
    report = project.validate()
    assert report.not_run == ["OWL consistency (the OWL check needs Java)"]
    assert report.exit_code() == 2
    assert "could not run: OWL consistency" in report.to_text()


def test_reasoner_without_java_raises_a_typed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from medkg import reasoning

    monkeypatch.setattr(reasoning.shutil, "which", lambda _name: None)
    with pytest.raises(reasoning.ReasonerUnavailable, match="needs Java"):
        reasoning._hermit.__wrapped__(b"")


def test_validate_outside_a_project_could_not_run(tmp_path: Path) -> None:
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        main(["--root", str(tmp_path), "validate"])
    assert exit_info.value.code == 2
    assert "has no ontology/ folder" in err.getvalue()


def test_an_unclosed_quote_is_reported_where_it_opens(project: Project) -> None:
    line = project.add_claim('- id: unclosed\n  subject: "MONDO:0004976\n  predicate: RO:0002200\n')
    project.append(project.claims, "- id: later\n  subject: MONDO:0005301\n" * 20)
    report = project.validate()
    [problem] = at(report, "syntax")
    assert problem.where is not None and problem.where.line == line + 1  # the subject line
    assert "never closed" in problem.message and "quoted scalar" in problem.message
