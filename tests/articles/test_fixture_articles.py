"""Articles of our own making, one per variant of the shape: each parses to what it says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from medkg.articles.extract import Extraction, extract
from medkg.articles.lexicon import Lexicon
from medkg.articles.parse import parse_article
from medkg.articles.parsed import ParsedArticle

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
ALL = sorted(p.name for p in FIXTURES.glob("*.txt"))


def parse(name: str) -> ParsedArticle:
    return parse_article((FIXTURES / name).read_text("utf-8"), name.removesuffix(".txt"))


def codes(parsed: ParsedArticle) -> list[str]:
    return [q.code for q in parsed.qc]


def drafts(name: str, lexicon: Lexicon) -> Extraction:
    return extract(parse(name), lexicon)


def test_there_are_at_least_eight_fixture_articles() -> None:
    assert len(ALL) >= 8


@pytest.mark.parametrize("name", ALL)
def test_every_offset_indexes_the_text(name: str) -> None:
    parsed = parse(name)
    text = parsed.article.text
    for s in parsed.statements:
        assert text[s.start : s.end] == s.text
    for sec in parsed.article.sections:
        assert sec.start is not None and text[sec.start : sec.end] == sec.heading
    for u in parsed.unrecognised:
        assert text[u.start : u.end] == u.text


def test_from_the_guidelines_and_from_the_research_are_sections() -> None:
    parsed = parse("guidelines-and-research.txt")
    assert [s.heading for s in parsed.article.sections] == [
        "From the Guidelines",
        "From the Research",
    ]
    assert parsed.article.modified == date(2024, 3, 5)
    assert [(s.section, s.citations) for s in parsed.statements] == [
        (None, (1, 2)), (1, (1,)), (1, (1, 3)), (2, (2,)),
    ]  # fmt: skip
    assert [r.type for r in parsed.article.references] == ["Guideline", "Research", "Guideline"]
    assert parsed.qc == () and parsed.unrecognised == ()


def test_key_considerations_paragraphs_split_into_cited_sentences() -> None:
    parsed = parse("key-considerations.txt")
    assert parsed.article.modified == date(2024, 3, 5)
    assert parsed.subtitle == "Yes: Axonal Degeneration Occurs in Multiple Sclerosis"
    assert parsed.article.headline == (
        "In MS, demyelination is the primary insult 1. Axonal degeneration follows and is "
        "secondary to demyelination 1, 2. It accounts for much of the lasting disability"
    )
    assert [s.heading for s in parsed.article.sections] == ["Key Considerations"]
    assert [(s.text, s.citations, s.kind) for s in parsed.statements if s.section == 1] == [
        ("Axonal loss may explain the progressive phase of MS", (2,), "paragraph"),
        ("Whether remyelination prevents it remains unclear", (3,), "paragraph"),
    ]
    assert len([s for s in parsed.statements if s.section is None]) == 3


def test_numbered_list_items_and_numbered_references() -> None:
    parsed = parse("numbered-list.txt")
    assert [s.kind for s in parsed.statements] == ["numbered"] * 3
    assert parsed.statements[0].text.startswith("Hyperreflexia and hypertonicity")
    assert [s.citations for s in parsed.statements] == [(1,), (1, 2), (2,)]
    assert [(r.number, r.type, r.year) for r in parsed.article.references] == [
        (1, "Guideline", 2023), (2, "Research", 2018),
    ]  # fmt: skip
    assert parsed.qc == ()


def test_citations_mid_sentence_and_in_brackets() -> None:
    parsed = parse("mid-sentence-citations.txt")
    assert [s.citations for s in parsed.statements] == [(1, 2), (2, 1, 3), (1, 2, 3)]
    assert parsed.statements[1].text.endswith("whereas ALS is a motor neuron disease")
    assert parsed.qc == ()


def test_mid_sentence_citations_go_to_their_clause(lexicon: Lexicon) -> None:
    ex = drafts("mid-sentence-citations.txt", lexicon)
    by_quote = {d.quote: d.citations for d in ex.drafts}
    assert by_quote["ALS involves degeneration of motor neurons"] == (1,)
    assert by_quote["while multiple sclerosis involves demyelination"] == (2,)


def test_missing_reference_list_flags_every_citation() -> None:
    parsed = parse("no-references.txt")
    assert parsed.article.references == ()
    assert codes(parsed) == ["MissingReferences", "UnresolvedCitation", "UnresolvedCitation"]


def test_partial_reference_list_keeps_what_is_there() -> None:
    parsed = parse("partial-references.txt")
    refs = [(r.number, r.title, r.source, r.year) for r in parsed.article.references]
    assert refs == [
        (1, "Excitotoxicity in ALS.", "Journal of Neurochemistry", 2015),
        (2, "Mitochondria in motor neuron disease.", None, None),
        (3, "Management of ALS", "Neurology Guidelines", None),
    ]
    assert codes(parsed) == ["IncompleteReference", "IncompleteReference"]
    assert [u.text for u in parsed.unrecognised] == ["see also our other articles"]


def test_citations_the_list_lacks_and_references_never_cited() -> None:
    parsed = parse("dangling-and-uncited.txt")
    assert [(q.code, q.message) for q in parsed.qc] == [
        ("UnresolvedCitation", "citation 4 has no entry in the references"),
        ("UnresolvedCitation", "citation 7 has no entry in the references"),
        ("UncitedReference", "reference 2 is never cited"),
    ]


def test_page_cut_off_part_way_keeps_the_partial_statement() -> None:
    parsed = parse("cut-off.txt")
    assert "TruncatedText" in codes(parsed)
    assert parsed.statements[-1].text.endswith("varies widely between")
    assert parsed.statements[-1].citations == ()


def test_unknown_banner_line_is_reported_not_fatal() -> None:
    parsed = parse("unknown-banner.txt")
    assert [(u.text, u.reason) for u in parsed.unrecognised] == [
        ("Sponsored content from our partners", "banner line not recognised")
    ]
    assert parsed.article.modified == date(2025, 10, 7)
    assert parsed.article.headline == "Immunomodulatory Therapies Do Not Halt ALS"


def test_missing_date_is_a_qc_flag() -> None:
    parsed = parse("no-date-hedges.txt")
    assert parsed.article.modified is None
    assert codes(parsed) == ["MissingDate"]
    assert parsed.article.headline == "Peripheral Demyelination Is Rare in ALS"


def test_hedges_make_hypotheses_and_uncertain_claims(lexicon: Lexicon) -> None:
    ex = drafts("no-date-hedges.txt", lexicon)
    modality = {d.quote: d.modality for d in ex.drafts}
    assert modality["Peripheral demyelination may occur in ALS"] == "hypothesis"
    assert modality["The cause of peripheral demyelination in ALS is unclear"] == "uncertain"
    either = (
        "Peripheral demyelination in ALS represents either coincidence or a secondary phenomenon"
    )
    assert modality[either] == "uncertain"


def test_negation_in_subject_position_and_copula(lexicon: Lexicon) -> None:
    ex = drafts("no-date-hedges.txt", lexicon)
    negated = {(d.predicate, d.object) for d in ex.drafts if d.negated}
    assert negated == {("RO:0004019", "HP:0011096"), ("rdfs:subClassOf", "MONDO:0002562")}


def test_count_and_as_of_on_a_co_occurrence(lexicon: Lexicon) -> None:
    ex = drafts("no-date-hedges.txt", lexicon)
    (d,) = [d for d in ex.drafts if d.predicate == "biolink:coexists_with"]
    assert (d.object, d.count, d.as_of, d.frequency) == ("MONDO:0003334", 12, 2023, "rare")


def test_a_list_gives_one_claim_per_item(lexicon: Lexicon) -> None:
    ex = drafts("partial-references.txt", lexicon)
    listed = [d.object for d in ex.drafts if d.quote.startswith("The mechanisms include")]
    assert listed == ["MEDKG:0000001", "MEDKG:0000002", "GO:0006915"]


def test_statements_with_no_term_are_kept_unmapped_with_citations(lexicon: Lexicon) -> None:
    ex = drafts("key-considerations.txt", lexicon)
    assert [(u.quote, u.citations) for u in ex.unmapped] == [
        ("It accounts for much of the lasting disability", (2,)),
        ("Whether remyelination prevents it remains unclear", (3,)),
    ]
