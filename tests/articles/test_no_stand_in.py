"""No known term stands in for an unknown one (#17): a term that is only the head of a longer
name no vocabulary has ("postherpetic neuralgia") is an unmapped mention with the term as its
candidate, a title that says what is treated names the topic even when no vocabulary grounds
it, and what a drug prevents is neither its target nor a sign that it treats the topic."""

from __future__ import annotations

import pytest

from medkg.articles.grounding import UNMAPPED
from medkg.articles.lexicon import Lexicon

from .test_grounding import drafts_of

NEURALGIA, PAIN, GOUT, MIGRAINE = "HP:0033345", "HP:0012531", "HP:0001997", "HP:0002076"
FAMCICLOVIR, COLCHICINE, ALLOPURINOL = "drugbank:DB00426", "drugbank:DB01394", "drugbank:DB00437"
REFS = "References\n\n1. A. Writer. A made-up trial. J Test Med. 2021;1:1-2.\n"


def page(title: str, headline: str, body: str) -> str:
    return (
        f"{title}\n\nLast updated: March 3, 2025View editorial policy\n\n{headline}\n\n"
        f"{body}\n\n{REFS}"
    )


def grounded(lexicon: Lexicon, text: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {m.surface.lower(): (m.curie, m.candidates) for m in lexicon.find(text)}


@pytest.mark.parametrize(
    ("text", "surface", "candidate"),
    [
        ("Gabapentin helps in postherpetic neuralgia.", "postherpetic neuralgia", NEURALGIA),
        ("It shortens zoster-associated pain.", "zoster-associated pain", PAIN),
        ("Calcipotriol and other vitamin D analogues", "vitamin d analogues", "drugbank:DB11094"),
    ],
)
def test_a_term_that_only_heads_an_unknown_name_is_unmapped(
    lexicon: Lexicon, text: str, surface: str, candidate: str
) -> None:
    assert grounded(lexicon, text)[surface] == (UNMAPPED, (candidate,))


@pytest.mark.parametrize(
    ("text", "surface", "curie"),
    [
        # severity, course and laterality (HPO's clinical modifiers) only qualify the term
        ("Gabapentin eases severe pain.", "pain", PAIN),
        ("Colchicine is used in acute gout.", "gout", GOUT),
        ("Chronic migraine responds to topiramate.", "migraine", MIGRAINE),
        ("Bilateral optic neuritis is rare.", "optic neuritis", "HP:0100653"),
        # a word of degree, and a modifier the vocabularies use in other names
        ("Typical migraine starts slowly.", "migraine", MIGRAINE),
        ("Penicillin treats streptococcal pharyngitis.", "pharyngitis", "HP:0025439"),
    ],
)
def test_an_ordinary_or_known_modifier_keeps_the_term(
    lexicon: Lexicon, text: str, surface: str, curie: str
) -> None:
    assert grounded(lexicon, text)[surface][0] == curie


ZOSTER_BODY = (
    "First-Line Options\n\n"
    "  • Famciclovir is recommended as first-line therapy for herpes zoster 1.\n"
    "  • Famciclovir given within three days is an option 1.\n"
)
ZOSTER_HEADLINE = (
    "Oral famciclovir started early shortens the illness and lowers the risk of"
    " postherpetic neuralgia and of pain."
)


@pytest.mark.parametrize(
    "title",
    ["What is the first-line treatment for shingles?", "How should shingles be treated?"],
)
def test_an_ungrounded_topic_of_the_title_lets_no_other_term_stand_in(
    lexicon: Lexicon, title: str
) -> None:
    ex = drafts_of(page(title, ZOSTER_HEADLINE, ZOSTER_BODY), lexicon)
    assert ex.drafts == []
    (first_line,) = [u for u in ex.unmapped if "herpes zoster" in u.quote]
    assert first_line.reason.startswith("no rule related")
    (headline,) = [u for u in ex.unmapped if u.quote == ZOSTER_HEADLINE]
    assert ("postherpetic neuralgia", (NEURALGIA,)) in headline.mentions


def test_a_grounded_topic_of_the_title_is_still_the_target(lexicon: Lexicon) -> None:
    # the same page about a disease the vocabularies have: the recommendations are drafted
    body = ZOSTER_BODY.replace("herpes zoster", "gout").replace("Famciclovir", "Colchicine")
    ex = drafts_of(page("What is the first-line treatment for gout?", "", body), lexicon)
    assert {(d.subject, d.object) for d in ex.drafts} == {(COLCHICINE, GOUT)}


def test_what_a_drug_prevents_is_neither_its_target_nor_the_topic(lexicon: Lexicon) -> None:
    body = (
        "First-Line Options\n\n"
        "  • Colchicine is a first-line option 1.\n"
        "  • Allopurinol lowers the risk of nephrolithiasis 1.\n"
        "  • Allopurinol also prevents nephrolithiasis 1.\n"
    )
    ex = drafts_of(page("What is the treatment for gout?", "", body), lexicon)
    assert {(d.subject, d.object) for d in ex.drafts} == {(COLCHICINE, GOUT)}


SUMATRIPTAN, IBUPROFEN, CAFFEINE = "drugbank:DB00669", "drugbank:DB01050", "drugbank:DB00201"
ASPIRIN, NAPROXEN, VOMITING = "drugbank:DB00945", "drugbank:DB00788", "HP:0002013"


def migraine_drafts(lexicon: Lexicon, body: str) -> set[tuple[str, str]]:
    ex = drafts_of(page("What is the treatment for migraine?", "", body), lexicon)
    return {(d.subject, d.object) for d in ex.drafts}


def test_a_phenotype_said_of_the_target_is_the_patients_not_a_target(lexicon: Lexicon) -> None:
    body = (
        "Options\n\n  • In migraine attacks with severe vomiting, sumatriptan injections work 1.\n"
    )
    assert migraine_drafts(lexicon, body) == {(SUMATRIPTAN, MIGRAINE)}
    alone = "Options\n\n  • For severe vomiting, metoclopramide is recommended 1.\n"
    assert ("drugbank:DB01233", VOMITING) in migraine_drafts(lexicon, alone)


def test_the_parts_of_a_combination_product_are_not_each_recommended(lexicon: Lexicon) -> None:
    product = "Options\n\n  • An ibuprofen plus caffeine combination is also effective 1.\n"
    assert not {s for s, _ in migraine_drafts(lexicon, product)} & {IBUPROFEN, CAFFEINE}
    therapy = "Options\n\n  • Ibuprofen plus aspirin combination therapy is effective 1.\n"
    assert migraine_drafts(lexicon, therapy) == {(IBUPROFEN, MIGRAINE), (ASPIRIN, MIGRAINE)}


def test_a_comparator_after_a_percentage_is_not_recommended(lexicon: Lexicon) -> None:
    body = (
        "First-Line Options\n\n  • In one trial, naproxen relieved 61% of attacks versus"
        " 47% with single-dose aspirin 1.\n"
    )
    assert ASPIRIN not in {s for s, _ in migraine_drafts(lexicon, body)}
