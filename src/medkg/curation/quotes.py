"""Find quotes in article text, tolerant of whitespace differences, with exact offsets."""

from __future__ import annotations

import difflib
import re

from medkg.model import Quote

CONTEXT = 32


def _pattern(quote: str) -> re.Pattern[str]:
    words = quote.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words))


def find_all(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) where ``quote`` occurs in ``text``, whitespace-normalised.

    >>> find_all("a  b\\nc a b c", "a b c")
    [(0, 6), (7, 12)]
    """
    if not quote.split():
        return []
    return [(m.start(), m.end()) for m in _pattern(quote).finditer(text)]


def make_quote(text: str, start: int, end: int) -> Quote:
    """The Web Annotation selectors for ``text[start:end]``."""
    return Quote(
        exact=text[start:end],
        start=start,
        end=end,
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
    )


def closest_match(text: str, quote: str) -> int | None:
    """Char offset of the passage of ``text`` most like ``quote``, for "did you mean" hints."""
    if not quote.strip() or not text:
        return None
    words = quote.split()
    first = words[0]
    best, best_at = 0.0, None
    for m in re.finditer(re.escape(first[:8]), text):
        window = text[m.start() : m.start() + len(quote) + 20]
        ratio = difflib.SequenceMatcher(None, quote, window, autojunk=False).ratio()
        if ratio > best:
            best, best_at = ratio, m.start()
    return best_at if best >= 0.5 else None
