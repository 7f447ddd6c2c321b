"""Grounding against the full vocabularies: abbreviations, unknown and ambiguous terms, ConText
polarity and modality with their triggers, and the treatment rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from medkg.articles.extract import Extraction, extract
from medkg.articles.grounding import UNMAPPED
from medkg.articles.lexicon import Lexicon
from medkg.articles.parse import parse_article
from medkg.ontologies.index import Form
from medkg.ontologies.matcher import Matcher

from ..conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "articles"


def article(body: str, title: str = "What is the treatment of heart failure?") -> str:
    return f"{title}\n\nLast updated: March 3, 2025View editorial policy\n\n{body}\n"


def drafts_of(text: str, lexicon: Lexicon) -> Extraction:
    return extract(parse_article(text, "t"), lexicon)


def test_aman_is_not_replaced_by_the_nearest_known_neuropathy(lexicon: Lexicon) -> None:
    text = (FIXTURES / "ground-gbs-variants.txt").read_text("utf-8")
    ex = drafts_of(text, lexicon)
    assert not [d for d in ex.drafts if "AMAN" in d.quote or d.subject == "MONDO:0003334"]
    (aman,) = [u for u in ex.unmapped if u.quote.startswith("AMAN is mediated")]
    assert ("AMAN", ()) in aman.mentions
    assert "not grounded: AMAN" in aman.reason


def test_a_defined_abbreviation_names_what_its_long_form_names() -> None:
    lex = Lexicon()
    lex.add("MONDO:1", "chronic inflammatory demyelinating polyneuropathy", [])
    text = "Chronic inflammatory demyelinating polyneuropathy (CIDP) is rare. CIDP is slow."
    found = lex.for_article(text).find(text)
    assert [(m.surface, m.curie) for m in found if m.surface == "CIDP"] == [
        ("CIDP", "MONDO:1"),
        ("CIDP", "MONDO:1"),
    ]


def test_an_unknown_long_form_hides_the_shorter_terms_inside_it() -> None:
    lex = Lexicon()
    lex.add("MONDO:2", "demyelinating polyneuropathy", [])
    text = "Acute inflammatory demyelinating polyneuropathy (AIDP) differs; AIDP is common."
    found = lex.for_article(text).find(text)
    assert "MONDO:2" not in {m.curie for m in found}
    assert [m.surface for m in found if m.kind == UNMAPPED][:2] == [
        "Acute inflammatory demyelinating polyneuropathy",
        "AIDP",
    ]


def test_a_term_that_is_only_the_modifier_of_an_unknown_name_is_unmapped(
    lexicon: Lexicon,
) -> None:
    (m,) = [m for m in lexicon.find("Pyridostigmine treats myasthenia syndrome.") if m.start > 20]
    assert (m.surface, m.kind, m.candidates) == ("myasthenia syndrome", UNMAPPED, ("HP:0003473",))


def test_an_ambiguous_index_term_is_unmapped_with_its_candidates() -> None:
    lex = Lexicon()
    lex.matcher = Matcher(
        [
            Form("cold", "HP:1", "label", "phenotype", "hp"),
            Form("cold", "drugbank:DB1", "label", "drug", "drugs"),
        ]
    )
    (m,) = lex.find("a cold")
    assert (m.kind, m.curie, m.candidates) == (UNMAPPED, UNMAPPED, ("HP:1", "drugbank:DB1"))


def test_should_not_be_used_is_a_negated_recommendation_with_its_trigger(
    lexicon: Lexicon,
) -> None:
    text = article("  • Diltiazem should not be used in heart failure 1.\n\nReferences\n")
    (d,) = drafts_of(text, lexicon).drafts
    assert (d.subject, d.predicate, d.object, d.negated) == (
        "drugbank:DB00343",
        "RO:0002606",
        "HP:0001635",
        True,
    )
    assert d.trigger.startswith("negated_existence 'should not be'")


def test_first_line_is_a_role_and_an_affirmed_claim(lexicon: Lexicon) -> None:
    text = article("  • Metformin is the first-line drug for type 2 diabetes 1.\n\nReferences\n")
    (d,) = drafts_of(text, lexicon).drafts
    assert (d.subject, d.object, d.negated, d.role, d.trigger) == (
        "drugbank:DB00331",
        "HP:0005978",
        False,
        "first-line",
        "",
    )
    assert d.rule == "treatment" and 0 < d.confidence <= 1


def test_a_risk_is_not_what_a_drug_treats(lexicon: Lexicon) -> None:
    text = article(
        "  • Metformin should not be started in renal failure because of the risk of lactic "
        "acidosis 1.\n\nReferences\n"
    )
    assert not [d for d in drafts_of(text, lexicon).drafts if d.object == "HP:0003128"]


def test_rather_than_denies_only_what_follows(lexicon: Lexicon) -> None:
    text = article(
        "  • ALS primarily affects axons rather than the myelin sheath 1.\n\nReferences\n",
        title="Is ALS a demyelinating disease?",
    )
    by_object = {d.object: d for d in drafts_of(text, lexicon).drafts}
    axon, myelin = by_object["GO:0030424"], by_object["GO:0043209"]
    assert (axon.negated, myelin.negated) == (False, True)
    assert "rather than" in myelin.trigger and axon.trigger == ""


def test_a_hedge_sets_the_modality_and_says_which_word(lexicon: Lexicon) -> None:
    text = article(
        "  • ALS may present with muscle weakness 1.\n\nReferences\n",
        title="Is ALS a demyelinating disease?",
    )
    (d,) = [d for d in drafts_of(text, lexicon).drafts if d.object == "HP:0001324"]
    assert (d.negated, d.modality) == (False, "hypothesis")
    assert d.trigger.startswith("hypothetical 'may'")


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("ground-*.txt")))
def test_no_draft_of_a_fixture_contradicts_its_gold_polarity(name: str, lexicon: Lexicon) -> None:
    from ruamel.yaml import YAML

    gold_file = FIXTURES / name.replace(".txt", ".gold.yaml")
    gold = {tuple(g) for g in YAML(typ="safe").load(gold_file.read_text("utf-8"))["propositions"]}
    drafts = drafts_of((FIXTURES / name).read_text("utf-8"), lexicon).drafts
    flipped = [d for d in drafts if (d.subject, d.predicate, d.object, not d.negated) in gold]
    assert flipped == []


def test_every_ground_fixture_has_a_gold_file() -> None:
    for txt in Path(FIXTURES).glob("ground-*.txt"):
        assert txt.with_name(txt.name.replace(".txt", ".gold.yaml")).exists(), txt


def test_a_phenotype_leading_its_clause_is_the_subject_not_the_topic(lexicon: Lexicon) -> None:
    text = article(
        "  • Stroke is characterized by sudden hemiparesis 1.\n\n"
        "  • Atrial fibrillation is a type of arrhythmia 1.\n\n"
        "  • Hypertension is not a type of arrhythmia 1.\n\n"
        "  • Hypertension is a cause of stroke 1.\n\nReferences\n"
    )
    got = {(d.subject, d.predicate, d.object, d.negated) for d in drafts_of(text, lexicon).drafts}
    assert got == {
        ("HP:0001297", "RO:0002200", "HP:0001269", False),
        ("HP:0005110", "rdfs:subClassOf", "HP:0011675", False),
        ("HP:0000822", "rdfs:subClassOf", "HP:0011675", True),
    }


def test_a_denial_for_some_patients_is_not_a_negated_treatment(lexicon: Lexicon) -> None:
    text = article(
        "  • If the eGFR is below 30, avoid colchicine for gout 1.\n\n"
        "  • For an adult without contraindications, colchicine is first-line for gout 1.\n\n"
        "References\n",
        title="What is the first-line treatment for gout?",
    )
    got = {(d.subject, d.object, d.negated) for d in drafts_of(text, lexicon).drafts}
    assert got == {("drugbank:DB01394", "HP:0001997", False)}
