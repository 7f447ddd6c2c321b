"""The extractor's drafts on the seed include its key claims, each with its quote."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medkg.articles.extract import Draft, Extraction, extract
from medkg.articles.lexicon import Lexicon
from medkg.articles.parse import parse_article

from .test_parse_seed import SEED_TEXT

ALS, MS = "MONDO:0004976", "MONDO:0005301"


@pytest.fixture(scope="module")
def drafts(lexicon: Lexicon) -> Extraction:
    return extract(parse_article(SEED_TEXT, "seed"), lexicon)


def find(ex: Extraction, s: str, p: str, o: str, negated: bool = False) -> list[Draft]:
    return [
        d for d in ex.drafts if (d.subject, d.predicate, d.object, d.negated) == (s, p, o, negated)
    ]


def test_every_draft_quote_is_verbatim_at_its_offsets(drafts: Extraction) -> None:
    assert drafts.drafts
    for d in drafts.drafts:
        assert SEED_TEXT[d.start : d.end] == d.quote


def test_als_is_not_a_demyelinating_disease(drafts: Extraction) -> None:
    found = find(drafts, ALS, "rdfs:subClassOf", "MONDO:0002562", negated=True)
    assert "ALS is NOT a Demyelinating Disease" in [d.quote for d in found]
    assert not find(drafts, ALS, "rdfs:subClassOf", "MONDO:0002562", negated=False)


def test_demyelination_is_secondary_to_axonal_degeneration(drafts: Extraction) -> None:
    (d,) = find(drafts, "HP:0007305", "RO:0002404", "HP:0040078")
    assert (d.role, d.disease_context) == ("secondary", ALS)
    assert d.citations == (1,)
    assert "secondary to the primary axonal degeneration" in d.quote


def test_the_five_mechanisms_one_claim_each(drafts: Extraction) -> None:
    mechanisms = ["GO:0006979", "MEDKG:0000001", "MEDKG:0000002", "GO:0006954", "GO:0006915"]
    for curie in mechanisms:
        (d,) = find(drafts, ALS, "RO:0004019", curie)
        assert d.quote.startswith("The underlying pathological mechanisms include")
        assert d.citations == (2, 4)


def test_the_five_clinical_signs_one_claim_each(drafts: Extraction) -> None:
    signs = ["HP:0001276", "HP:0001347", "HP:0002380", "HP:0001324", "HP:0003202"]
    for curie in signs:
        got = [
            d for d in find(drafts, ALS, "RO:0002200", curie) if d.quote.startswith("ALS presents")
        ]
        assert len(got) == 1 and got[0].citations == (2,)


def test_the_33_case_co_occurrence_as_of_2024(drafts: Extraction) -> None:
    (d,) = find(drafts, ALS, "biolink:coexists_with", MS)
    assert (d.count, d.as_of, d.frequency) == (33, 2024, "extremely rare")
    assert d.citations == (5,)


def test_mean_survival_3_to_5_years(drafts: Extraction) -> None:
    (d,) = find(drafts, ALS, "medkg:hasMeanSurvival", "MEDKG:0000006")
    assert (d.min_value, d.max_value, d.unit) == (Decimal(3), Decimal(5), "UO:0000036")


def test_negation_cues_do_not_and_rather_than(drafts: Extraction) -> None:
    assert find(drafts, "MEDKG:0000003", "medkg:haltsProgressionOf", ALS, negated=True)
    assert find(drafts, "MEDKG:0000003", "RO:0002606", "MONDO:0002562", negated=False)
    myelin = find(drafts, ALS, "RO:0002200", "HP:0007305", negated=True)
    assert any("rather than" in d.quote for d in myelin)


def test_role_primary_from_primarily(drafts: Extraction) -> None:
    (d,) = [x for x in find(drafts, ALS, "RO:0004026", "GO:0030424") if x.quote.startswith("It")]
    assert d.role == "primary"


def test_the_dangling_citation_is_kept_on_drafts(drafts: Extraction) -> None:
    assert any(d.citations == (6,) for d in drafts.drafts)
