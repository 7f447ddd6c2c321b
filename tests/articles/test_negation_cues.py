"""Negation as a clinician reads it: "does not exclude" and "cannot rule out" leave a finding
possible; they never deny it."""

from __future__ import annotations

import pytest

from medkg.articles.drafts import Draft
from medkg.articles.extract import extract
from medkg.articles.lexicon import Lexicon
from medkg.articles.parse import parse_article

HEAD = """Is ALS a demyelinating disease?

Last updated: March 3, 2026

ALS Is a Disease of Motor Neurons

ALS is a disease of motor neurons 1.

Clinical Features

  • {sentence}
"""


def drafts_of(lexicon: Lexicon, sentence: str) -> list[Draft]:
    """The drafts of ``sentence`` in a small article around it; there must be some, or a test
    over them would pass on nothing."""
    text = HEAD.format(sentence=sentence)
    at = text.index(sentence)
    drafts = [d for d in extract(parse_article(text), lexicon).drafts if d.start >= at]
    assert drafts, f"no draft from {sentence!r}"
    return drafts


@pytest.mark.parametrize(
    "sentence",
    [
        "Fasciculations do not exclude multiple sclerosis 1.",
        "A normal MRI does not rule out ALS-related weakness 1.",
        "Weakness cannot be excluded in early ALS 1.",
        "Clinicians cannot rule out demyelination in ALS on imaging alone 1.",
    ],
)
def test_double_negation_denies_nothing(lexicon: Lexicon, sentence: str) -> None:
    drafts = drafts_of(lexicon, sentence)
    assert not [d for d in drafts if d.negated], [(d.object, d.trigger) for d in drafts]
    assert all(d.modality != "asserted" for d in drafts), [(d.object, d.modality) for d in drafts]


@pytest.mark.parametrize(
    "sentence",
    [
        "ALS does not cause demyelination 1.",  # "sensory loss" drafted nothing to check
        "Demyelination is not the primary process in ALS 1.",
    ],
)
def test_plain_negation_still_denies(lexicon: Lexicon, sentence: str) -> None:
    assert all(d.negated for d in drafts_of(lexicon, sentence))
