"""Named queries: every ``queries/*.rq`` answers as its header expects, on every backend;
parameter values are bound as data and cannot change a query's shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as settings_
from hypothesis import strategies as st

from medkg.build import build_into
from medkg.config import Settings
from medkg.errors import BuildError, NotFound, ParameterError
from medkg.queries import (
    NamedQuery,
    find_query,
    get_query,
    load_queries,
    optional_before_required,
    parse_query_file,
)
from medkg.store import Store, open_store
from medkg.store.base import QueryResult

from .conftest import ROOT

QUERIES = load_queries(ROOT)

INJECTIONS = [
    '"} ; DROP ALL',
    "> } UNION { ?s ?p ?o",
    'secondary" ) ) } UNION { ?s ?p ?o } #',
    "'} ; CLEAR DEFAULT ; SELECT * {",
]


@pytest.fixture(scope="module")
def memory_store(settings: Settings) -> Store:
    store = open_store("memory:", ROOT)
    build_into(store, settings)
    return store


@pytest.fixture(params=["oxigraph", "memory"])
def any_store(request: pytest.FixtureRequest, built_store: Store, memory_store: Store) -> Store:
    return built_store if request.param == "oxigraph" else memory_store


def run(store: Store, name: str, **params: str) -> list[dict[str, str]]:
    named = QUERIES[name]
    result = named.run(store, params)
    from medkg.queries import to_text

    return [dict(zip(result.variables, map(to_text, row), strict=True)) for row in result.rows]


def test_there_is_a_query_for_each_question_researchers_ask() -> None:
    assert {
        "als-demyelinating-or-axonal",
        "claims-about-entity",
        "negated-claims",
        "claims-by-reference",
        "processes-by-role",
        "compare-diseases",
        "contradictions",
        "unresolved-citations",
        "self-cited-claims",
        "evidence-count",
        "claims-quoting",
    } <= set(QUERIES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_named_query_returns_its_expected_answer(name: str, any_store: Store) -> None:
    named = QUERIES[name]
    assert named.expect.get("columns") and "count" in named.expect, "pin the expected answer"
    assert named.check(named.run(any_store, named.example_params())) == []


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_named_query_has_a_summary_and_documented_parameters(name: str) -> None:
    named = QUERIES[name]
    assert named.summary and named.description
    for p in named.params:
        assert p.description and p.example, f"{name}: parameter {p.name} needs both"


def test_check_reports_a_wrong_answer(built_store: Store) -> None:
    named = QUERIES["negated-claims"]
    wrong = NamedQuery(
        named.name,
        named.path,
        named.summary,
        named.text,
        params=named.params,
        expect={"count": 4, "contains": [{"predicate": "RO:0002200"}], "excludes": [{}]},
    )
    problems = wrong.check(wrong.run(built_store, {"subject": "MONDO:0004976"}))
    assert problems[0] == "3 rows, expected 4"
    assert "no row matches {'predicate': 'RO:0002200'}" in problems
    assert any(p.startswith("3 row(s) match excluded") for p in problems)


def test_negated_claims_without_a_subject_include_the_therapy_that_does_not_halt_als(
    built_store: Store,
) -> None:
    rows = run(built_store, "negated-claims")
    assert len(rows) == 4
    assert {r["predicate"] for r in rows} == {
        "rdfs:subClassOf",
        "RO:0004019",
        "medkg:haltsProgressionOf",
    }


def test_compare_diseases_is_symmetric(built_store: Store) -> None:
    ms_first = run(built_store, "compare-diseases", disease="MONDO:0005301", other="MONDO:0004976")
    assert {(r["predicate"], r["stanceA"], r["stanceB"]) for r in ms_first} == {
        ("rdfs:subClassOf", "affirmed", "NOT"),
        ("RO:0004019", "affirmed primary", "NOT primary"),
        ("RO:0002404", "HP:0040078 -> HP:0007305 secondary", "HP:0007305 -> HP:0040078 secondary"),
    }


def test_self_cited_claims_include_the_link_from_axonal_degeneration_to_demyelination(
    built_store: Store,
) -> None:
    rows = run(built_store, "self-cited-claims")
    link = [r for r in rows if (r["subject"], r["object"]) == ("HP:0007305", "HP:0040078")]
    assert [r["role"] for r in link] == ["medkg:Secondary"]
    assert all(r["negated"] == "false" for r in rows)


def test_claims_by_reference_for_one_article_only(built_store: Store) -> None:
    article = "https://w3id.org/medkg/article/als-demyelinating-or-axonal"
    assert len(run(built_store, "claims-by-reference", number="1", article=article)) > 10
    assert run(built_store, "claims-by-reference", number="1", article=article + "-x") == []
    assert run(built_store, "claims-by-reference", number="6") == []  # 6 resolves to nothing


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_through_a_string_parameter_is_bound_as_data(
    value: str, any_store: Store
) -> None:
    before = any_store.count()
    named = QUERIES["claims-quoting"]
    result = named.run(any_store, {"phrase": value})
    assert result.variables == named.expect["columns"]
    assert list(result.rows) == []
    assert any_store.count() == before


@pytest.mark.parametrize("value", [*INJECTIONS, "MONDO:0004976>", "MONDO:0004976> } UNION {"])
def test_injection_through_an_iri_parameter_is_a_400_naming_it(
    value: str, built_store: Store
) -> None:
    before = built_store.count()
    with pytest.raises(ParameterError, match="'entity'") as e:
        QUERIES["claims-about-entity"].run(built_store, {"entity": value})
    assert e.value.status == 400
    with pytest.raises(ParameterError, match="'article'"):
        QUERIES["claims-by-reference"].run(
            built_store, {"number": "1", "article": "https://w3id.org/medkg/article/x" + value}
        )
    assert built_store.count() == before


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "missing parameter 'entity'"),
        ({"entity": "NOPE:1"}, "parameter 'entity'"),
        ({"entity": "MONDO:0004976", "colour": "red"}, "unknown parameter(s) colour"),
    ],
)
def test_bad_or_missing_parameter_is_named(
    params: dict[str, str], message: str, built_store: Store
) -> None:
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        QUERIES["claims-about-entity"].run(built_store, params)


def test_integer_parameter_rejects_text(built_store: Store) -> None:
    with pytest.raises(ParameterError, match="'number' must be an integer"):
        QUERIES["claims-by-reference"].run(built_store, {"number": "5 } UNION {"})


def write_query(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_parameter_the_query_does_not_select_is_a_build_error(tmp_path: Path) -> None:
    path = write_query(
        tmp_path,
        "#+ summary: s\n#+ params:\n#+   - {name: x, type: CURIE, example: HP:1}\n"
        "SELECT ?s WHERE { ?s ?p ?x }\n",
    )
    with pytest.raises(BuildError, match="must be a variable the query selects") as e:
        parse_query_file(path)
    assert e.value.where is not None and e.value.where.path == str(path)


def test_a_broken_header_names_its_line(tmp_path: Path) -> None:
    path = write_query(tmp_path, "#+ summary: s\n#+ params: [\n#+   oops: {\nSELECT * {}\n")
    with pytest.raises(BuildError, match="bad #\\+ header") as e:
        parse_query_file(path)
    assert e.value.where is not None and e.value.where.line is not None


def test_a_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = write_query(tmp_path, "#+ summary: s\nSELECT ?s WHERE {\n  ?s ?p \n}\n")
    with pytest.raises(BuildError, match="SPARQL syntax error") as e:
        parse_query_file(path)
    assert e.value.where is not None and e.value.where.path == str(path)


def test_query_names_are_url_slugs_and_lookups_never_take_paths(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="not a URL slug"):
        parse_query_file(write_query(tmp_path, "#+ summary: s\nASK {}\n", "Bad_Name.rq"))
    with pytest.raises(NotFound):
        get_query(ROOT, "queries/negated-claims.rq")
    assert find_query(ROOT, str(ROOT / "queries/negated-claims.rq")).name == "negated-claims"


def test_rows_round_trip_through_query_result() -> None:
    result = QueryResult("bindings", ["a"], iter([(None,)]))
    assert QUERIES["contradictions"].check(result)[0].startswith("columns are ['a']")


def test_enum_and_default_parameters(tmp_path: Path, built_store: Store) -> None:
    path = write_query(
        tmp_path,
        "#+ summary: claims of one role\n"
        "#+ params:\n"
        "#+   - {name: role, type: enum, values: [Primary, Secondary], default: Primary}\n"
        "PREFIX medkg: <https://w3id.org/medkg/>\n"
        "SELECT ?role (COUNT(?c) AS ?n) WHERE {\n"
        "  ?c medkg:role ?r . FILTER(STRAFTER(STR(?r), STR(medkg:)) = ?role) } GROUP BY ?role\n",
    )
    named = parse_query_file(path)
    assert named.params[0].required is False
    counts = {
        role: int(str(next(named.run(built_store, {"role": role}).rows)[1]))
        for role in ("Primary", "Secondary")
    }
    assert counts == {"Primary": 6, "Secondary": 3}  # five of ALS, one of MS
    assert int(str(next(named.run(built_store, {}).rows)[1])) == 6  # the default
    with pytest.raises(ParameterError, match="must be one of Primary, Secondary"):
        named.run(built_store, {"role": "Tertiary"})


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("#+ params:\n#+   - {name: format, type: string}\n", "reserved"),
        ("#+ params:\n#+   - {name: s, type: enum}\n", "needs values"),
        ("#+ params:\n#+   - {name: s, type: float}\n", "needs a name and a type"),
        ("#+ expect: {rows: 3}\n", "expect: must be a mapping"),
    ],
)
def test_header_mistakes_are_build_errors(tmp_path: Path, header: str, message: str) -> None:
    path = write_query(tmp_path, "#+ summary: s\n" + header + "SELECT ?s WHERE { ?s ?p ?o }\n")
    with pytest.raises(BuildError, match=message):
        parse_query_file(path)


@settings_(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=40)
)
def test_any_phrase_is_data_never_syntax(built_store: Store, phrase: str) -> None:
    named = QUERIES["claims-quoting"]
    result = named.run(built_store, {"phrase": phrase})
    assert result.variables == named.expect["columns"]
    for row in result.rows:
        assert str(row[0]) == phrase  # the bound value comes back unchanged
        assert phrase.lower() in str(row[1]).lower()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_named_queries_keep_optionals_after_required_patterns(name: str) -> None:
    # an OPTIONAL in the middle of a group stops Oxigraph narrowing what follows by a bound
    # parameter (see queries.optional_before_required): 1000x slower at 10k claims
    assert optional_before_required(QUERIES[name].text) == 0
