"""Recommendations the treatment rule reads beyond "X is first-line for Y": instructions ("Start
X", "then initiate X"), add-ons ("combined with Y", "with Y added"), conditional uses ("should
only be used when ..."), the topic's undefined acronym, and what must stay undrafted: concessions,
past practice, drugs the patients already take, cut doses, comparators in a list, denials of a
regimen, and a phenotype standing in for a disease no vocabulary has."""

from __future__ import annotations

from medkg.articles.lexicon import Lexicon

from .test_grounding import article, drafts_of

Prop = tuple[str, str, bool]
TN = "What is the first-line treatment for trigeminal neuralgia?"
RLS = "What is the best drug for restless legs syndrome?"


def props(body: str, lexicon: Lexicon, title: str) -> set[Prop]:
    drafts = drafts_of(article(body, title), lexicon).drafts
    return {(d.subject, d.object, d.negated) for d in drafts if d.predicate == "RO:0002606"}


def test_an_instruction_to_give_a_drug_is_a_recommendation_for_the_topic(
    lexicon: Lexicon,
) -> None:
    body = (
        "  • Start carbamazepine at 100 mg twice daily 1.\n\n"
        "  • If pain persists, consider baclofen 1.\n\n"
        "  • Check sodium levels, then initiate oxcarbazepine 1.\n"
    )
    assert props(body, lexicon, TN) == {
        ("drugbank:DB00564", "HP:0100661", False),  # carbamazepine
        ("drugbank:DB00181", "HP:0100661", False),  # baclofen
        ("drugbank:DB00776", "HP:0100661", False),  # oxcarbazepine
    }


def test_a_drug_given_beside_the_recommended_one_is_recommended_too(lexicon: Lexicon) -> None:
    body = (
        "  • Methotrexate is first-line for rheumatoid arthritis, combined with a brief course"
        " of glucocorticoids 1.\n"
    )
    got = props(body, lexicon, "How is rheumatoid arthritis treated?")
    assert ("ATC:H02AB", "HP:0001370", False) in got  # glucocorticoids
    body = (
        "  • Apixaban is first-line in atrial fibrillation, combined with beta-blockers or"
        " calcium channel antagonists for rate control 1.\n"
    )
    got = props(body, lexicon, "How is atrial fibrillation treated?")
    assert {("ATC:C07", "HP:0005110", False), ("ATC:C08", "HP:0005110", False)} <= got
    body = (
        "  • Prednisone is the first-line treatment for giant cell arteritis, with tocilizumab"
        " added as an adjunct for relapses 1.\n"
    )
    got = props(body, lexicon, "How is giant cell arteritis treated?")
    assert ("drugbank:DB06273", "ORPHA:397", False) in got  # tocilizumab


def test_a_conditional_use_is_a_recommendation_and_emphasis_is_no_acronym(
    lexicon: Lexicon,
) -> None:
    body = "  • Lamotrigine should ONLY be used when carbamazepine is not tolerated 1.\n"
    assert ("drugbank:DB00555", "HP:0100661", False) in props(body, lexicon, TN)


def test_the_topics_undefined_acronym_names_the_topic(lexicon: Lexicon) -> None:
    body = "  • Gabapentin is the first-line treatment for RLS 1.\n"
    assert props(body, lexicon, RLS) == {("drugbank:DB00996", "HP:0012452", False)}
    # an acronym that is not the title's initials stays unknown: no draft stands in for it
    other = "  • Gabapentin is the first-line treatment for PHN 1.\n"
    assert props(other, lexicon, RLS) == set()


def test_concessions_past_practice_taken_drugs_and_cut_doses_are_not_recommendations(
    lexicon: Lexicon,
) -> None:
    body = (
        "  • Despite its approval, ropinirole is losing ground to gabapentin 1.\n\n"
        "  • Older guidelines once recommended pramipexole here 1.\n\n"
        "  • Augmentation is frequent in patients on levodopa 1.\n\n"
        "  • Pregabalin allows lower clonazepam doses 1.\n"
    )
    subjects = {s for s, _, _ in props(body, lexicon, RLS)}
    # ropinirole, pramipexole, levodopa, clonazepam
    assert not subjects & {
        "drugbank:DB00268",
        "drugbank:DB00413",
        "drugbank:DB01235",
        "drugbank:DB01068",
    }


def test_a_comparator_list_and_a_denied_regimen_are_not_drafted(lexicon: Lexicon) -> None:
    body = (
        "  • Carbamazepine is a cheaper option for trigeminal neuralgia compared to"
        " gabapentin (GBP) and pregabalin 1.\n\n"
        "  • Baclofen alone is NOT recommended for trigeminal neuralgia 1.\n"
    )
    got = props(body, lexicon, TN)
    assert ("drugbank:DB00564", "HP:0100661", False) in got
    assert not {s for s, _, _ in got} & {"drugbank:DB00996", "drugbank:DB00230"}
    assert not [p for p in got if p[0] == "drugbank:DB00181"]  # baclofen: neither polarity


def test_a_guideline_against_the_use_of_a_drug_is_a_denial(lexicon: Lexicon) -> None:
    body = (
        "  • Guidance on the treatment of restless legs syndrome is now against the routine use"
        " of ropinirole 1.\n"
    )
    assert props(body, lexicon, RLS) == {("drugbank:DB00268", "HP:0012452", True)}


def test_an_unknown_eponymous_disease_leaves_no_phenotype_to_stand_in(lexicon: Lexicon) -> None:
    body = (
        "  • IVIg is the first-line therapy for Guillain-Barré syndrome and is given early to"
        " patients with marked weakness 1.\n"
    )
    assert props(body, lexicon, "Treatment of Guillain-Barré Syndrome") == set()
    (m,) = [m for m in lexicon.find("It treats Guillain-Barré syndrome.") if m.start > 5]
    assert (m.surface, m.kind) == ("Guillain-Barré syndrome", "unmapped")


def test_an_outright_denial_is_the_topics_but_a_denied_line_of_therapy_is_not(
    lexicon: Lexicon,
) -> None:
    contrast = (
        "  • Gabapentin is the first-line choice—not dopamine agonists such as ropinirole 1.\n"
    )
    assert props(contrast, lexicon, RLS) == {
        ("drugbank:DB00996", "HP:0012452", False),  # gabapentin
        ("ATC:N04BC", "HP:0012452", True),  # dopamine agonists
        ("drugbank:DB00268", "HP:0012452", True),  # ropinirole
    }
    against = "  • Pramipexole is recommended against in current guidance 1.\n"
    assert props(against, lexicon, RLS) == {("drugbank:DB00413", "HP:0012452", True)}
    # "not recommended as first-line" under a second-line heading denies the line, not the drug
    line = "Second-Line Options\n\n  • Pramipexole is not recommended as first-line therapy 1.\n"
    assert props(line, lexicon, RLS) == set()


def test_a_list_under_a_group_of_patients_heading_keeps_the_heading_above(
    lexicon: Lexicon,
) -> None:
    body = (
        "Anticonvulsants Come First\n\nMost patients respond to anticonvulsant drugs. 1\n\n"
        "First-Line Options\n\nFor Adults:\n\n  • Carbamazepine: 200 mg twice daily 1.\n\n"
        "For Children:\n\n  • Oxcarbazepine: 8-10 mg/kg/day 1.\n\n"
        "Pitfalls\n\nIn Pregnancy:\n\n  • Valproate: 500 mg daily 1.\n"
    )
    assert props(body, lexicon, TN) == {
        ("drugbank:DB00564", "HP:0100661", False),
        ("drugbank:DB00776", "HP:0100661", False),
    }


def test_a_drug_named_only_in_a_heading_is_read_under_the_heading_above(
    lexicon: Lexicon,
) -> None:
    body = (
        "Anticonvulsants Come First\n\nMost patients respond to anticonvulsant drugs. 1\n\n"
        "Second-Line Treatment Options\n\nBaclofen\n\n  • Start at 5 mg three times daily 1.\n\n"
        "Treatments to Avoid\n\nPhenytoin\n\n  • Interactions are many 1.\n"
    )
    drafts = drafts_of(article(body, TN), lexicon).drafts
    got = {(d.subject, d.object, d.negated, d.role) for d in drafts}
    assert got == {("drugbank:DB00181", "HP:0100661", False, "second-line")}
