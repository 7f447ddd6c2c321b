"""What a drug treats, and what it does not: idioms and classes that hide a drug's name, harms
listed after "side effects", prevention, a phenotype that is the subject of its parenthesis,
denials for a group of patients, and recommendations without a line of therapy."""

from __future__ import annotations

from medkg.articles.lexicon import Lexicon

from .test_grounding import article, drafts_of

Prop = tuple[str, str, bool]


def props(
    body: str, lexicon: Lexicon, title: str = "How is atrial fibrillation treated?"
) -> set[Prop]:
    drafts = drafts_of(article(body, title), lexicon).drafts
    return {(d.subject, d.object, d.negated) for d in drafts if d.predicate == "RO:0002606"}


def test_a_drug_name_in_an_idiom_or_before_a_class_noun_is_no_drug(lexicon: Lexicon) -> None:
    found = {
        m.surface
        for text in (
            "Carbamazepine is the gold standard for trigeminal neuralgia.",
            "Rate control uses calcium channel antagonists.",
            "Eculizumab helps adults with antibodies against the acetylcholine receptor.",
        )
        for m in lexicon.find(text)
        if m.kind == "drug"
    }
    assert found == {"Carbamazepine", "Eculizumab", "calcium channel antagonists"}
    # the class is its own term (an ATC code), never the drug its name starts with
    (cls,) = [m for m in lexicon.find("Rate control uses calcium channel antagonists.")]
    assert cls.curie == "ATC:C08"


def test_harms_listed_after_side_effects_are_not_treated(lexicon: Lexicon) -> None:
    body = (
        "  • Carbamazepine side effects include drowsiness, dizziness, dry mouth and headache,"
        " leading to treatment discontinuation 1.\n"
    )
    got = props(body, lexicon, "What is the first-line treatment for trigeminal neuralgia?")
    assert not [p for p in got if p[1] == "HP:0002315"]  # headache


def test_what_a_drug_prevents_is_not_what_it_treats(lexicon: Lexicon) -> None:
    body = "  • Apixaban is the first-line choice for stroke prevention in atrial fibrillation 1.\n"
    assert props(body, lexicon) == {("drugbank:DB06605", "HP:0005110", False)}


def test_a_phenotype_before_its_parenthesis_is_the_subject(lexicon: Lexicon) -> None:
    body = "  • Agranulocytosis (presents with sore throat and fever) 1.\n"
    drafts = drafts_of(article(body, "How is Graves' disease treated?"), lexicon).drafts
    assert {d.subject for d in drafts} <= {"HP:0012234"}
    assert "HP:0100647" not in {d.subject for d in drafts}


def test_a_denial_for_a_group_of_patients_is_not_drafted_but_one_for_a_subtype_is(
    lexicon: Lexicon,
) -> None:
    group = (
        "  • Radioactive iodine should not be used in Graves' disease with active orbitopathy 1.\n"
    )
    assert not [p for p in props(group, lexicon, "How is Graves' disease treated?") if p[2]]
    subtype = (
        "  • Diltiazem should not be used in heart failure with reduced ejection fraction 1.\n"
    )
    assert ("drugbank:DB00343", "HP:0001635", True) in props(subtype, lexicon)


def test_an_alternative_or_a_reserved_drug_is_a_treatment_of_the_topic(lexicon: Lexicon) -> None:
    body = (
        "  • Oxcarbazepine is an equally effective alternative 1.\n\n"
        "  • Baclofen is reserved for refractory cases 1.\n"
    )
    got = props(body, lexicon, "What is the first-line treatment for trigeminal neuralgia?")
    assert got == {
        ("drugbank:DB00776", "HP:0100661", False),
        ("drugbank:DB00181", "HP:0100661", False),
    }


def test_a_comparator_a_contraindicated_drug_and_a_supplement_are_not_treatments(
    lexicon: Lexicon,
) -> None:
    body = (
        "  • Apixaban is the first-line choice over warfarin for atrial fibrillation 1.\n\n"
        "  • With contraindications to apixaban, dabigatran is an alternative 1.\n\n"
        "  • Start rivaroxaban with folic acid supplementation 1.\n"
    )
    subjects = {s for s, _, _ in props(body, lexicon)}
    assert {"drugbank:DB06605", "drugbank:DB14726"} <= subjects  # apixaban, dabigatran
    assert not subjects & {"drugbank:DB00682", "drugbank:DB00158"}  # warfarin, folic acid


def test_a_laboratory_value_is_no_drug_and_a_participle_makes_an_unknown_name(
    lexicon: Lexicon,
) -> None:
    found = lexicon.find("Reduce the dose if serum creatinine or potassium levels rise.")
    assert not [m for m in found if m.kind == "drug"]
    (m,) = [
        m for m in lexicon.find("NSAIDs are first-line for ankylosing spondylitis.") if m.start > 20
    ]
    assert (m.surface, m.kind, m.candidates) == (
        "ankylosing spondylitis",
        "unmapped",
        ("HP:0033631",),
    )


def test_a_list_under_a_treatment_heading_is_drafted_one_under_an_avoid_heading_is_not(
    lexicon: Lexicon,
) -> None:
    listed = "Second-Line Options\n\n  • Lamotrigine 1.\n\nTreatments to Avoid\n\n  • Baclofen 1.\n"
    got = props(listed, lexicon, "What is the first-line treatment for trigeminal neuralgia?")
    assert got == {("drugbank:DB00555", "HP:0100661", False)}


def test_an_ic_acid_is_also_found_by_its_ate_name(lexicon: Lexicon) -> None:
    (m,) = [m for m in lexicon.find("Alendronate 70 mg once weekly") if m.kind == "drug"]
    assert m.curie == "drugbank:DB00630"  # alendronic acid


def test_a_drug_recommended_against_is_never_an_affirmed_treatment(lexicon: Lexicon) -> None:
    body = (
        "  • Pregabalin is first-line for restless legs syndrome, with ropinirole now"
        " recommended against for standard use 1.\n"
    )
    got = props(body, lexicon, "What is the best drug for restless legs syndrome?")
    assert ("drugbank:DB00230", "HP:0012452", False) in got
    assert ("drugbank:DB00268", "HP:0012452", False) not in got


def test_the_topic_is_the_phenotype_of_the_headline_when_the_title_names_none(
    lexicon: Lexicon,
) -> None:
    text = (
        "What is the best first-line medication for restless-leg syndrome?\n\n"
        "Last updated: March 3, 2025View editorial policy\n\n"
        "Best First-Line Medication\n\n"
        "Gabapentin is the best first-line medication for idiopathic restless leg syndrome. 1\n\n"
        "Options\n\n  • Pregabalin is an alternative 1.\n"
    )
    got = {(d.subject, d.object) for d in drafts_of(text, lexicon).drafts}
    assert ("drugbank:DB00230", "HP:0012452") in got  # pregabalin, for the topic
