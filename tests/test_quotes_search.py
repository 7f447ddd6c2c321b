"""find_all searches squeezed text; it must agree with the regex definition on any input."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from medkg.curation.quotes import find_all

texts = st.text(alphabet="ab. \n\t\u00a0", max_size=40)


def by_regex(text: str, quote: str) -> list[tuple[int, int]]:
    words = quote.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


@given(texts, texts)
def test_find_all_agrees_with_the_whitespace_tolerant_regex(text: str, quote: str) -> None:
    assert find_all(text, quote) == by_regex(text, quote)


@given(texts, st.integers(0, 40), st.integers(1, 12))
def test_find_all_finds_every_slice_of_the_text(text: str, start: int, length: int) -> None:
    quote = text[start : start + length]
    assert find_all(text, quote) == by_regex(text, quote)
