"""Text as pages are really saved: other line breaks, Unicode spaces, invisible characters,
superscript citations and very long lines read as the plain article would be."""

from __future__ import annotations

import time

import pytest

from medkg.articles.parse import parse_article
from medkg.articles.parsed import ParsedArticle
from medkg.articles.sentences import citation_groups

#: a short article of our own in the publisher's layout
ARTICLE = """Is myasthenia gravis a disorder of the neuromuscular junction?

Article Review Status
Submitted

Last updated: March 3, 2026View editorial policy

Personalize

A Disorder of the Junction

Myasthenia gravis is an autoimmune disorder of the neuromuscular junction. 1, 2

How the Disease Works

  • Antibodies reduce the number of functional acetylcholine receptors 1, 3.

  • Thymic hyperplasia is common in younger patients 3.

References

Guideline

Myasthenia Gravis Diagnosis and Management

Practical Summaries of Clinical Guidelines, 2025

Research

Autoantibodies at the endplate.

Neurology Reviews, 2019

Research

Thymic pathology in autoimmune myasthenia.

Journal of Neuroimmunology, 2021
"""


def shape(parsed: ParsedArticle) -> tuple[object, ...]:
    """What a reader sees, whatever the characters between the words."""
    a = parsed.article
    return (
        a.title,
        a.modified,
        [s.heading for s in a.sections],
        [s.citations for s in parsed.statements],
        [r.number for r in a.references],
        sorted(q.code for q in parsed.qc),
    )


def check_offsets(parsed: ParsedArticle) -> None:
    text = parsed.article.text
    for s in parsed.statements:
        assert text[s.start : s.end] == s.text
    for sec in parsed.article.sections:
        assert sec.start is not None and text[sec.start : sec.end] == sec.heading


EXPECTED = shape(parse_article(ARTICLE))


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0c"], ids=repr)
def test_other_line_breaks_read_as_newlines(newline: str) -> None:
    parsed = parse_article(ARTICLE.replace("\n", newline))
    check_offsets(parsed)
    assert shape(parsed) == EXPECTED


@pytest.mark.parametrize("space", ["\u00a0", "\u202f", "\u2009", "\t"], ids=repr)
def test_unicode_spaces_before_citations(space: str) -> None:
    text = ARTICLE.replace(" 1, 2\n", f"{space}1,{space}2\n").replace(" 3.", f"{space}3.")
    parsed = parse_article(text)
    check_offsets(parsed)
    assert shape(parsed) == EXPECTED


def test_zero_width_characters_at_line_edges_are_ignored() -> None:
    text = ARTICLE.replace("References\n", "\u200bReferences\ufeff\n").replace(
        "Guideline\n", "\u2060Guideline\n"
    )
    parsed = parse_article(text)
    check_offsets(parsed)
    assert shape(parsed) == EXPECTED


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("common in younger patients³.", [(3,)]),
        ("functional receptors¹˒³.", [(1, 3)]),
        ("functional receptors¹,³ and more", [(1, 3)]),
        ("the endplate.² Then", [(2,)]),
        ("at the endplate¹⁻³.", [(1, 2, 3)]),
        ("a body mass index of 30 kg/m².", []),
        ("a platelet count of 150 × 10⁹/L.", []),
        ("an area of 4 cm².", []),
    ],
)
def test_superscript_citation_numbers(text: str, numbers: list[tuple[int, ...]]) -> None:
    assert [g.numbers for g in citation_groups(text)] == numbers


def test_superscript_citations_are_cut_from_the_statement() -> None:
    parsed = parse_article(ARTICLE.replace(" 1, 3.", "¹˒³.").replace(" 3.", "³."))
    assert shape(parsed) == EXPECTED
    assert parsed.statements[2].text == "Thymic hyperplasia is common in younger patients"


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Antibody testing is the first step 1.", [(1,)]),
        ("Imaging is the next step 2, 3.", [(2, 3)]),
        ("Start at step 2.", []),
    ],
)
def test_a_number_after_an_ordinal_label_is_a_citation(
    text: str, numbers: list[tuple[int, ...]]
) -> None:
    assert [g.numbers for g in citation_groups(text)] == numbers


def test_a_one_line_megabyte_parses_in_bounded_time() -> None:
    sentence = "Myasthenia gravis does not cause sensory loss 2. "
    text = ARTICLE.replace(
        "How the Disease Works\n", "How the Disease Works\n\n" + sentence * 20000
    )
    started = time.perf_counter()
    parsed = parse_article(text)
    assert time.perf_counter() - started < 3
    assert sum(s.citations == (2,) for s in parsed.statements) == 20000
