"""The dictionary matcher: longest match, word boundaries, plurals, case, ambiguity."""

from __future__ import annotations

from medkg.ontologies.index import Form
from medkg.ontologies.matcher import Matcher


def form(text: str, curie: str, scope: str = "label") -> Form:
    return Form(text, curie, scope, "phenotype", "test")


def hits(m: Matcher, text: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(h.surface, h.curies) for h in m.find(text)]


def test_the_longest_form_wins_and_overlaps_are_dropped() -> None:
    m = Matcher([form("motor neuron", "X:1"), form("motor neuron disease", "X:2")])
    assert hits(m, "a motor neuron disease with motor neurons") == [
        ("motor neuron disease", ("X:2",)),
        ("motor neurons", ("X:1",)),
    ]


def test_only_whole_words_match() -> None:
    m = Matcher([form("pain", "X:1")])
    assert hits(m, "painful, pain-free, Pain.") == [("Pain", ("X:1",))]


def test_plural_and_case_variants_match_but_acronyms_keep_their_case() -> None:
    m = Matcher([form("Seizure", "X:1"), form("ALS", "X:2", "exact"), form("ataxy", "X:3")])
    assert hits(m, "SEIZURES, ataxies; ALS but not als") == [
        ("SEIZURES", ("X:1",)),
        ("ataxies", ("X:3",)),
        ("ALS", ("X:2",)),
    ]


def test_a_form_of_two_terms_is_ambiguous_with_both_candidates() -> None:
    m = Matcher([form("stroke", "X:1"), form("stroke", "Y:9", "exact")])
    assert hits(m, "after a stroke") == [("stroke", ("X:1", "Y:9"))]


def test_a_label_outranks_an_abbreviation_of_another_term() -> None:
    m = Matcher([form("CAT", "X:1", "abbreviation"), form("CAT", "Y:1", "label")])
    assert hits(m, "a CAT scan") == [("CAT", ("Y:1",))]


def test_related_synonyms_and_short_forms_are_not_matched() -> None:
    m = Matcher([form("Epilepsy", "X:1", "related"), form("Ab", "X:2"), form("fever", "X:3")])
    assert hits(m, "epilepsy, Ab and fever") == [("fever", ("X:3",))]
