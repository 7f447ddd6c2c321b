"""Property-based: the parser never crashes, and whatever it returns points into the text."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medkg.articles.extract import extract
from medkg.articles.lexicon import Lexicon
from medkg.articles.parse import parse_article
from medkg.articles.parsed import ParsedArticle

from .test_parse_seed import SEED_TEXT

SEED_LINES = SEED_TEXT.splitlines()
PIECES = [
    "References", "Guideline", "Research", "Last updated: ", "Last updated: February 30, 2025",
    "  • ", "1. ", "2) ", "[", "]", " 1, 2.", " 3", ", 2024", "—", "From the Guidelines",
    "Key Considerations", "Professional Medical Disclaimer", "Have a follow-up question?",
    "ALS", "MS", "not", "may", "either", "or", "secondary to", "3-5 years", "\n", "\n\n", "\r\n",
    "\t", " ", ".", "?", "(", ")", ",", "0", "999", "[1-3]", "[0]", "1-0",
]  # fmt: skip
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

article_like = st.lists(
    st.one_of(st.sampled_from(SEED_LINES), st.sampled_from(PIECES), st.text(max_size=40)),
    max_size=60,
).map("\n".join)


def check(parsed: ParsedArticle, text: str) -> None:
    assert parsed.article.text == text
    for s in parsed.statements:
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.text
        assert all(n >= 1 for n in s.citations)
    for sec in parsed.article.sections:
        assert sec.start is not None and text[sec.start : sec.end] == sec.heading
    for u in parsed.unrecognised:
        assert text[u.start : u.end] == u.text
    json.dumps(parsed.to_dict())


@FUZZ
@given(st.text(max_size=400))
def test_parser_never_crashes_on_any_text(text: str) -> None:
    check(parse_article(text), text)


@FUZZ
@given(article_like)
def test_parser_never_crashes_on_article_like_text(text: str) -> None:
    check(parse_article(text), text)


@FUZZ
@given(st.integers(0, len(SEED_TEXT)), st.integers(0, len(SEED_TEXT)))
def test_seed_cut_or_spliced_anywhere_still_parses(a: int, b: int) -> None:
    cut = SEED_TEXT[:a]
    check(parse_article(cut), cut)
    spliced = SEED_TEXT[: min(a, b)] + SEED_TEXT[max(a, b) :]
    check(parse_article(spliced), spliced)


@FUZZ
@given(article_like)
def test_extractor_never_crashes_and_quotes_are_verbatim(lexicon: Lexicon, text: str) -> None:
    ex = extract(parse_article(text), lexicon)
    for d in ex.drafts:
        assert text[d.start : d.end] == d.quote
    for u in ex.unmapped:
        assert text[u.start : u.end] == u.quote
