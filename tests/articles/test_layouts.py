"""Layouts of real Q&A and reference pages, in fixtures of our own writing (``layout-*.txt``),
each parsed exactly as its gold file says; and one test per habit of those layouts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from medkg.articles.extract import extract
from medkg.articles.lexicon import Lexicon
from medkg.articles.parse import parse_article
from medkg.articles.quality import parse_gold, score

from ..conftest import ROOT

GOLD = ROOT / "tests" / "fixtures" / "articles" / "gold"
GOLDS = sorted(p.name for p in GOLD.glob("*.json"))


def test_every_layout_fixture_has_a_gold_file() -> None:
    layouts = {p.stem for p in (GOLD.parent).glob("layout-*.txt")}
    assert len(layouts) >= 5 and layouts <= {Path(g).stem for g in GOLDS}


@pytest.mark.parametrize("name", GOLDS)
def test_fixture_parses_as_its_gold_file_says(name: str) -> None:
    parsed, gold = parse_gold(GOLD / name, ROOT)
    result = score(name, parsed, gold)
    assert result.fields == {k: True for k in result.fields}
    assert result.headings[0] == result.headings[1]
    assert (result.wrong_numbers, result.missed, result.spurious) == ([], [], [])
    assert result.cited[0] == result.cited[1] > 0 and result.perfect


def parse(text: str) -> tuple[str, ...]:
    """The statements of a one-paragraph article, as ``text [numbers]``."""
    body = parse_article(f"Is it so?\nLast updated: 2025-01-02\nIt Is So\n{text}\n").statements
    return tuple(f"{s.text} {list(s.citations)}" for s in body)


def test_numbers_after_the_full_stop_belong_to_the_sentence() -> None:
    assert parse("Titrate to response and tolerability. 1, 2") == (
        "Titrate to response and tolerability. [1, 2]",
    )


def test_a_bracket_after_the_stop_ends_the_sentence() -> None:
    assert parse("Seen after GBS.[6] During the outbreak, cases were described.[7]") == (
        "Seen after GBS. [6]",
        "During the outbreak, cases were described. [7]",
    )


def test_inline_citations_stay_in_the_text() -> None:
    assert parse("Doses were halved, as suggested by 1, and then as shown in 3.") == (
        "Doses were halved, as suggested by 1, and then as shown in 3. [1, 3]",
    )


def test_glued_and_parenthesised_numbers() -> None:
    assert parse("It worsens heart failure.1 It is not effective (2).") == (
        "It worsens heart failure. [1]",
        "It is not effective [2]",
    )


def test_numbers_after_a_value_and_before_a_colon() -> None:
    assert parse("It helps 39% of adults, with a number needed to treat of 5 3") == (
        "It helps 39% of adults, with a number needed to treat of 5 [3]",
    )
    assert parse("Consider it in these cases 1, 2:") == ("Consider it in these cases [1, 2]",)
    assert parse("Three steps cover most adults: 4") == ("Three steps cover most adults: [4]",)


def test_a_text_ending_with_citation_numbers_is_not_cut() -> None:
    parsed = parse_article("Q?\nLast updated: 2025-01-02\nH2\nThe answer. 1\nS\n- A bullet 2\n")
    assert "TruncatedText" not in [q.code for q in parsed.qc]


def test_a_line_of_numbers_alone_belongs_to_the_statement_before() -> None:
    assert parse("Avoid it in pregnancy.\n3, 4") == ("Avoid it in pregnancy. [3, 4]",)


def test_values_are_not_citations() -> None:
    assert parse("Give 2 g/kg over 5 days. The dose is 1.5 mg. Grade 3-4 needs care.") == (
        "Give 2 g/kg over 5 days. []",
        "The dose is 1.5 mg. []",
        "Grade 3-4 needs care. []",
    )


def test_one_line_cited_paragraphs_and_lead_ins_are_statements_not_headings() -> None:
    parsed = parse_article(
        "Q?\nLast updated: 2025-01-02\nH2 Line\nThe answer. 1\nSection One\n"
        "Avoid high doses. 2\nBefore escalating, confirm:\n• Adherence is good 3\n"
    )
    assert [s.heading for s in parsed.article.sections] == ["Section One"]
    assert [(s.kind, s.citations) for s in parsed.statements] == [
        ("paragraph", (1,)), ("paragraph", (2,)), ("lead-in", ()), ("bullet", (3,)),
    ]  # fmt: skip


def test_numbered_headings_lose_their_number_numbered_items_stay_items() -> None:
    parsed = parse_article(
        "Q?\nLast updated: 2025-01-02\nH2 Line\nThe answer. 1\n"
        "1. Renin-Angiotensin System Inhibition\n• Use an ACE inhibitor. 1\n"
        "2. First numbered item. 2\n3. Second numbered item. 3\n"
    )
    assert [s.heading for s in parsed.article.sections] == ["Renin-Angiotensin System Inhibition"]
    assert [s.kind for s in parsed.statements] == ["paragraph", "bullet", "numbered", "numbered"]


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ("Updated:\n7/10/2020 10:50:14 AM", date(2020, 7, 10)),
        ("Updated: 7/10/2020", date(2020, 7, 10)),
        ("Article Author:\nA. Writer\nUpdated:\n3/14/2023", date(2023, 3, 14)),
        ("Last reviewed: 2 May 2024", date(2024, 5, 2)),
    ],
)
def test_byline_fields_and_updated_dates(head: str, expected: date) -> None:
    parsed = parse_article(f"Share\nPrint\nBell Palsy\n{head}\nIntroduction\nIt is common.[1]\n")
    assert parsed.article.title == "Bell Palsy"
    assert parsed.article.modified == expected
    assert [s.heading for s in parsed.article.sections] == ["Introduction"]
    assert parsed.unrecognised == ()


def test_icon_text_and_a_byline_without_colon_are_not_title_or_headings() -> None:
    parsed = parse_article(
        "info como\nCoeliac Disease in Adults\nBy Jane Roe, MD\nUpdated: 2/1/2024\n"
        "Overview\nIt affects about 1% of adults.[1]\nDiagnosis\nSerology comes first.[2]\n"
    )
    assert parsed.article.title == "Coeliac Disease in Adults"
    assert parsed.article.modified == date(2024, 2, 1)
    assert [s.heading for s in parsed.article.sections] == ["Overview", "Diagnosis"]
    assert parsed.article.headline == "It affects about 1% of adults."
    assert parsed.unrecognised == ()


def test_condensed_page_answer_on_the_second_line() -> None:
    parsed = parse_article("Does it work?\nIt works in most adults. 1, 2\nWhy\n• Trials agree 1\n")
    assert parsed.article.headline == "It works in most adults."
    by = parse_article("Does it work?\nBy contrast, it does. 1\nWhy\n• Trials agree 1\n")
    assert by.article.headline == "By contrast, it does."
    assert parsed.subtitle is None
    assert "MissingHeadline" not in [q.code for q in parsed.qc]


def test_missing_references_when_numbers_attach_but_no_list_follows() -> None:
    parsed = parse_article("Q?\nLast updated: 2025-01-02\nH2 Line\nThe answer. 1, 2\n")
    assert "MissingReferences" in [q.code for q in parsed.qc]
    assert parsed.cited == {1, 2}


def test_the_answer_paragraph_is_drafted_once_not_as_headline_and_statement(
    lexicon: Lexicon,
) -> None:
    text = (GOLD.parent / "draft-demyelinating.txt").read_text("utf-8")
    parsed = parse_article(text, "draft-demyelinating")
    quotes = [d.quote for d in extract(parsed, lexicon).drafts]
    assert len(quotes) == len(set(quotes))
    assert parsed.article.headline is not None and parsed.article.headline.startswith("ALS is a")
