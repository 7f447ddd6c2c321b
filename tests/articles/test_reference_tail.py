"""The reference list and what follows it: identifiers on a source line, and the page's
footer (related questions, share icons, copyright) is never a reference a citation resolves to."""

from __future__ import annotations

import pytest

from medkg.articles.parse import parse_article
from medkg.articles.references import source_year, split_identifiers

from .test_hostile_text import ARTICLE


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Practical Summaries, 2025. doi:10.1000/xyz123", ("Practical Summaries", 2025)),
        ("Neurology Reviews, 2019; 12(3):45-67. PMID: 31234567", ("Neurology Reviews", 2019)),
        ("Muscle & Nerve, 2018. https://doi.org/10.1002/mus.1", ("Muscle & Nerve", 2018)),
        ("Internal medicine (Tokyo, Japan), 2012", ("Internal medicine (Tokyo, Japan)", 2012)),
    ],
)
def test_source_line_with_identifiers(line: str, expected: tuple[str, int]) -> None:
    assert source_year(split_identifiers(line)[0]) == expected


def test_identifiers_are_kept_on_the_reference() -> None:
    text = ARTICLE.replace(
        "Neurology Reviews, 2019\n", "Neurology Reviews, 2019; 12(3):45-67. PMID: 31234567\n"
    ).replace(
        "Journal of Neuroimmunology, 2021\n",
        "Journal of Neuroimmunology, 2021. doi: 10.1016/j.jni.2021.01.002 PMCID: PMC7654321\n",
    )
    refs = parse_article(text).article.references
    assert [(r.source, r.year, r.identifiers) for r in refs[1:]] == [
        ("Neurology Reviews", 2019, ("PMID:31234567",)),
        (
            "Journal of Neuroimmunology",
            2021,
            ("DOI:10.1016/j.jni.2021.01.002", "PMCID:PMC7654321"),
        ),
    ]


FOOTER = """
Related Questions

Is myasthenia gravis hereditary?

Can myasthenia gravis cause respiratory failure?

Share

Print

© 2026 Example Health. All rights reserved.
Privacy Policy | Terms of Service
"""


def test_footer_after_the_references_is_no_reference() -> None:
    cited_past_the_list = ARTICLE.replace("younger patients 3.", "younger patients 4.")
    parsed = parse_article(cited_past_the_list + FOOTER)
    assert [r.number for r in parsed.article.references] == [1, 2, 3]
    assert [q.code for q in parsed.qc if q.code != "UncitedReference"] == ["UnresolvedCitation"]
    assert not any("Related" in s.text or "rights" in s.text for s in parsed.statements)


def test_related_questions_in_the_body_are_no_statements() -> None:
    text = ARTICLE.replace(
        "References\n",
        "Related Questions\n\nIs thymectomy useful in ocular myasthenia?\n\n"
        "What is the first-line treatment for myasthenia gravis?\n\nReferences\n",
    )
    parsed = parse_article(text)
    assert [s.text for s in parsed.statements] == [
        s.text for s in parse_article(ARTICLE).statements
    ]
    assert "Related Questions" not in [s.heading for s in parsed.article.sections]
