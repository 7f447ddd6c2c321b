"""The parser on the seed recovers exactly what the article says, with exact offsets."""

from __future__ import annotations

from datetime import date

import pytest

from medkg.articles.parse import parse_article
from medkg.articles.parsed import ParsedArticle

from ..conftest import ROOT

SEED_TEXT = (ROOT / "data" / "articles" / "als-demyelinating-or-axonal.txt").read_text("utf-8")

STATEMENTS = [
    (None, "ALS is fundamentally a disease of axonal degeneration affecting motor neurons, not a demyelinating disease.", ()),
    (None, "While imaging may show changes along the corticospinal tracts that include some demyelination, the primary pathological process is progressive degeneration and death of the motor neurons themselves and their axons", (1, 2)),
    (1, "ALS involves progressive degeneration of both upper and lower motor neurons along the corticospinal tracts, resulting in axonal loss rather than primary myelin destruction", (2, 3)),
    (1, "The underlying pathological mechanisms include increased oxidative stress, glutamate toxicity, mitochondrial dysfunction, inflammation, and apoptosis—all processes that directly damage neurons and their axons", (2, 4)),
    (1, "The disease causes progressive loss of motor neurons, resulting in atrophy of skeletal muscles including respiratory muscles, which is fundamentally different from demyelinating diseases like multiple sclerosis", (3,)),
    (2, "MRI findings in ALS show abnormal T2/FLAIR signal anywhere within the corticospinal tracts (most frequently in the posterior limb of the internal capsule and cerebral peduncles), which corresponds to underlying demyelination, axonal degeneration, AND gliosis seen on histopathology", (1,)),
    (2, "The key distinction here is that any demyelination seen is secondary to the primary axonal degeneration, not the primary disease process", (1,)),
    (2, 'Spinal imaging may show abnormal T2 signal in the anterior horns with a "snake eyes" appearance, reflecting lower motor neuron disease', (1, 3)),
    (3, "Multiple sclerosis is the classic demyelinating disease, characterized by widespread focal degradation of the myelin sheath as the PRIMARY pathological process", (1,)),
    (3, "In MS, demyelination is the initial insult, with axonal injury being variable and secondary", (1,)),
    (3, "The co-occurrence of ALS and MS is extremely rare (only 33 reported cases as of 2024), emphasizing that these are fundamentally different disease processes", (5,)),
    (4, "ALS presents with mixed upper and lower motor neuron signs (hypertonicity, hyperreflexia, muscle fasciculations, weakness, and atrophy) reflecting motor neuron death, not demyelination", (2,)),
    (4, "The relentlessly progressive nature with mean survival of 3-5 years reflects ongoing neuronal death and axonal loss", (2, 4)),
    (4, "Immunomodulatory therapies effective for demyelinating diseases do not halt ALS progression, further confirming the distinct pathophysiology", (6,)),
    (5, "Rare case reports describe ALS patients with concurrent demyelinating peripheral neuropathy, but this represents either coincidental occurrence or a poorly understood secondary phenomenon—not the core pathology of ALS", (6,)),
    (5, "The pathomechanism for any demyelinating features occasionally seen in ALS remains unclear, but ALS remains classified as a disease of progressive axonal degeneration", (6,)),
]  # fmt: skip

HEADINGS = [
    "Pathophysiology: Axonal Degeneration is Primary",
    "Imaging Findings Reflect Axonal Pathology",
    "Critical Distinction from True Demyelinating Diseases",
    "Clinical Implications",
    "Important Caveat",
]

REFERENCES = [
    (1, "Guideline", "Guideline Directed Topic Overview", "Dr.Oracle Medical Advisory Board & Editors", 2025),
    (2, "Guideline", "Amyotrophic Lateral Sclerosis (ALS) Diagnosis and Management", "Praxis Medical Insights: Practical Summaries of Clinical Guidelines", 2025),
    (3, "Guideline", "ALS vs Muscular Dystrophy: A Comparative Analysis", "Praxis Medical Insights: Practical Summaries of Clinical Guidelines", 2025),
    (4, "Guideline", "Amyotrophic Lateral Sclerosis Classification and Characteristics", "Praxis Medical Insights: Practical Summaries of Clinical Guidelines", 2025),
    (5, "Research", "Amyotrophic lateral sclerosis with demyelinating neuropathy.", "Internal medicine (Tokyo, Japan)", 2012),
]  # fmt: skip


@pytest.fixture(scope="module")
def seed() -> ParsedArticle:
    return parse_article(SEED_TEXT, "als-demyelinating-or-axonal", "data/articles/x.txt")


def test_seed_title_date_headline(seed: ParsedArticle) -> None:
    a = seed.article
    assert a.title == (
        "Is Amyotrophic Lateral Sclerosis (ALS) a demyelinating disease "
        "or does it primarily affect the axons?"
    )
    assert a.modified == date(2025, 12, 14)
    assert seed.subtitle == "ALS is NOT a Demyelinating Disease—It Primarily Affects Axons"
    assert seed.subtitle_start is not None
    assert SEED_TEXT[seed.subtitle_start :].startswith(seed.subtitle)
    assert a.headline is not None and a.headline.startswith(STATEMENTS[0][1])
    assert a.headline.endswith("the motor neurons themselves and their axons")
    assert seed.headline_start is not None
    assert SEED_TEXT[seed.headline_start :].startswith(a.headline)
    assert a.publisher == "Dr.Oracle"


def test_seed_every_section_heading_at_its_offsets(seed: ParsedArticle) -> None:
    assert [s.heading for s in seed.article.sections] == HEADINGS
    for s in seed.article.sections:
        assert s.start is not None and s.end is not None
        assert SEED_TEXT[s.start : s.end] == s.heading


def test_seed_every_statement_with_its_citations(seed: ParsedArticle) -> None:
    got = [(s.section, s.text, s.citations) for s in seed.statements]
    assert got == STATEMENTS


def test_seed_statement_offsets_index_the_stored_text(seed: ParsedArticle) -> None:
    for s in seed.statements:
        assert SEED_TEXT[s.start : s.end] == s.text


def test_seed_statements_are_bullets_except_the_summary(seed: ParsedArticle) -> None:
    assert [s.kind for s in seed.statements] == ["paragraph"] * 2 + ["bullet"] * 14


def test_seed_all_five_references(seed: ParsedArticle) -> None:
    got = [(r.number, r.type, r.title, r.source, r.year) for r in seed.article.references]
    assert got == REFERENCES


def test_seed_dangling_citation_6_is_flagged_and_nothing_else(seed: ParsedArticle) -> None:
    assert [(q.code, q.message) for q in seed.qc] == [
        ("UnresolvedCitation", "citation 6 has no entry in the references")
    ]
    flagged = seed.qc[0].start
    assert flagged is not None and SEED_TEXT[flagged:].startswith("Immunomodulatory therapies")


def test_seed_banner_disclaimer_and_prompt_are_recognised(seed: ParsedArticle) -> None:
    assert seed.unrecognised == ()


def test_seed_parsed_structure_is_plain_json(seed: ParsedArticle) -> None:
    import json

    body = json.loads(json.dumps(seed.to_dict()))
    assert body["modified"] == "2025-12-14"
    assert len(body["statements"]) == 16
    assert body["qc"][0]["code"] == "UnresolvedCitation"
