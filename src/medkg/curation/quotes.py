"""Find quotes in article text, tolerant of whitespace differences, with exact offsets."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

from medkg.model import Quote

CONTEXT = 32
_RUNS = re.compile(r"(\S+)|\s+")


def find_all(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) where ``quote`` occurs in ``text``, whitespace-normalised.

    The same answer as matching the quote's words joined by ``\\s+``, found by plain substring
    search in the text with its whitespace squeezed (computed once per text), so a million
    quotes do not compile a million patterns.

    >>> find_all("a  b\\nc a b c", "a b c")
    [(0, 6), (7, 12)]
    """
    words = quote.split()
    if not words:
        return []
    needle = " ".join(words)
    squeezed, offsets = _squeezed(text)
    spots = []
    i = squeezed.find(needle)
    while i >= 0:
        spots.append((offsets[i], offsets[i + len(needle) - 1] + 1))
        i = squeezed.find(needle, i + len(needle))
    return spots


@lru_cache(maxsize=8)
def _squeezed(text: str) -> tuple[str, list[int]]:
    """``text`` with each whitespace run as one space, and each character's original offset."""
    parts: list[str] = []
    offsets: list[int] = []
    for m in _RUNS.finditer(text):
        if m.group(1):
            parts.append(m.group(1))
            offsets.extend(range(m.start(), m.end()))
        else:
            parts.append(" ")
            offsets.append(m.start())
    return "".join(parts), offsets


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
