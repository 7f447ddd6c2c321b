"""Abbreviations an article defines: "chronic inflammatory demyelinating polyneuropathy (CIDP)".

The Schwartz & Hearst algorithm (PSB 2003): the short form is the parenthesised word; its long
form is the shortest run of words before the parenthesis whose letters contain the short form's
characters in order, the first one starting a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAREN = re.compile(r"\(([A-Za-z][A-Za-z0-9\-]{1,9})\)")


@dataclass(frozen=True)
class Abbreviation:
    short: str
    long: str
    start: int  # of the long form
    end: int


def find_abbreviations(text: str) -> list[Abbreviation]:
    """Every "long form (SF)" definition of ``text``.

    >>> [(a.short, a.long) for a in find_abbreviations(
    ...     "Chronic inflammatory demyelinating polyneuropathy (CIDP) and acute motor axonal "
    ...     "neuropathy (AMAN) differ; pain (see below) is common")]
    [('CIDP', 'Chronic inflammatory demyelinating polyneuropathy'), ('AMAN', 'acute motor axonal neuropathy')]
    """
    out = []
    for m in _PAREN.finditer(text):
        short = m.group(1)
        if not any(c.isupper() for c in short):
            continue
        words = list(re.finditer(r"[\w'/-]+", text[: m.start()]))
        limit = min(len(short) + 5, len(short) * 2)
        for n in range(1, min(limit, len(words)) + 1):
            first = words[-n]
            candidate = text[first.start() : words[-1].end()]
            if _matches(short, candidate):
                out.append(Abbreviation(short, candidate, first.start(), words[-1].end()))
                break
    return out


def _matches(short: str, long: str) -> bool:
    """Schwartz-Hearst: the short form's letters, right to left, found in the long form, the
    first one at the start of a word."""
    s, li = short.lower(), long.lower()
    j = len(li) - 1
    for i in range(len(s) - 1, -1, -1):
        c = s[i]
        if not c.isalnum():
            continue
        while j >= 0 and (li[j] != c or (i == 0 and j > 0 and li[j - 1].isalnum())):
            j -= 1
        if j < 0:
            return False
        j -= 1
    return len(long.split()) >= 1 and long.lower().split()[0][0] == s[0]
