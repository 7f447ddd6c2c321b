"""Negation as a clinician reads it: "does not exclude" and "cannot rule out" leave a finding
possible; they never deny it."""

from __future__ import annotations

import pytest

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
    text = HEAD.format(sentence=sentence)
    at = text.index(sentence)
    drafts = [d for d in extract(parse_article(text), lexicon).drafts if d.start >= at]
    assert not [d for d in drafts if d.negated], [(d.object, d.trigger) for d in drafts]
    assert all(d.modality != "asserted" for d in drafts), [(d.object, d.modality) for d in drafts]


@pytest.mark.parametrize(
    "sentence",
    [
        "ALS does not cause sensory loss 1.",
        "Demyelination is not the primary process in ALS 1.",
    ],
)
def test_plain_negation_still_denies(lexicon: Lexicon, sentence: str) -> None:
    text = HEAD.format(sentence=sentence)
    at = text.index(sentence)
    drafts = [d for d in extract(parse_article(text), lexicon).drafts if d.start >= at]
    assert all(d.negated for d in drafts)
