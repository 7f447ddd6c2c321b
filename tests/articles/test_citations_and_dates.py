"""Which numbers are citations, and which "Last updated" dates are read: one case per habit."""

from __future__ import annotations

from datetime import date

import pytest

from medkg.articles.parse import parse_article
from medkg.articles.sentences import citation_groups


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("the motor neurons themselves and their axons 1, 2.", [(1, 2)]),
        ("extends survival 2, while edaravone slows decline 3.", [(2,), (3,)]),
        ("the primary target [2], whereas ALS is a motor neuron disease [1, 3].", [(2,), (1, 3)]),
        ("abnormal signal on MRI [1-3].", [(1, 2, 3)]),
        ("only 33 reported cases as of 2024), emphasizing", []),
        ("mean survival of 3-5 years reflects", []),
        ("This is type 2.", []),
        ("patients aged 65.", []),
        ("abnormal T2/FLAIR signal", []),
        ("the disease stage 3; then", []),
        ("consistent findings 12;", [(12,)]),
        ("complete pain relief within one week 1", [(1,)]),
        ("with response assessment within 1 week 2", [(2,)]),
        ("improvement is expected by week 2.", []),
        ("The standard IVIg regimen consists of 1, 2, 3:", [(1, 2, 3)]),
        ("a cumulative dose of 2.", []),
    ],
)
def test_citation_numbers(text: str, numbers: list[tuple[int, ...]]) -> None:
    assert [g.numbers for g in citation_groups(text)] == numbers


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Last updated: December 14, 2025View editorial policy", date(2025, 12, 14)),
        ("Last updated: Dec. 14, 2025", date(2025, 12, 14)),
        ("Last updated on 14 December 2025", date(2025, 12, 14)),
        ("Last updated: 2025-12-14", date(2025, 12, 14)),
        ("LAST UPDATED: march 5 2024", date(2024, 3, 5)),
    ],
)
def test_last_updated_dates(line: str, expected: date) -> None:
    parsed = parse_article(f"Is ALS a disease?\n{line}\nHeadline\nA statement 1.\n")
    assert parsed.article.modified == expected
    assert "MissingDate" not in [q.code for q in parsed.qc]


@pytest.mark.parametrize("line", ["Last updated: February 30, 2025", "Last updated: soon"])
def test_an_unreadable_date_is_flagged_and_reported(line: str) -> None:
    parsed = parse_article(f"Is ALS a disease?\n{line}\nHeadline\nA statement 1.\n")
    assert parsed.article.modified is None
    assert [q.code for q in parsed.qc if q.code == "MissingDate"] == ["MissingDate"]
    assert [u.reason for u in parsed.unrecognised] == ["date not understood"]


def test_banner_lines_before_the_title_are_skipped() -> None:
    parsed = parse_article(
        "Medical Advisory Board\nIs ALS a disease?\nLast updated: 2025-01-02\nH\n"
    )
    assert parsed.article.title == "Is ALS a disease?"
    assert parsed.unrecognised == ()
