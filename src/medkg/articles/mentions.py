"""Terms in a passage: lexicon matches plus the two ellipses of lists ("upper and lower motor
neurons", "weakness, and atrophy")."""

from __future__ import annotations

import re

from medkg.articles.lexicon import Lexicon, Mention

_ITEM = re.compile(r"[A-Za-z][A-Za-z\- ]*[A-Za-z]|[A-Za-z]")
_COORD = re.compile(r"\b([A-Za-z]+)\s+(?:and|or)\s+$")


def find_mentions(text: str, lex: Lexicon) -> list[Mention]:
    """Lexicon mentions, plus "upper" in "upper and lower motor neurons", plus list items
    like "atrophy" in "(weakness, and atrophy)" that are the head word of exactly one term.

    >>> lex = Lexicon()
    >>> lex.add("CL:1", "upper motor neuron", [])
    >>> lex.add("CL:2", "lower motor neuron", [])
    >>> lex.add("HP:1", "Muscle weakness", ["weakness"])
    >>> lex.add("HP:2", "Skeletal muscle atrophy", ["muscle atrophy"])
    >>> [m.curie for m in find_mentions("upper and lower motor neurons (weakness, and atrophy)", lex)]
    ['CL:1', 'CL:2', 'HP:1', 'HP:2']
    """
    found = lex.find(text)
    found += _coordinated(text, found, lex)
    found += _list_heads(text, found, lex)
    return sorted(found, key=lambda m: m.start)


def _free(found: list[Mention], start: int, end: int) -> bool:
    return all(end <= m.start or start >= m.end for m in found)


def _coordinated(text: str, found: list[Mention], lex: Lexicon) -> list[Mention]:
    extra = []
    for m in found:
        words = m.surface.split()
        if len(words) < 2:
            continue
        c = _COORD.search(text[: m.start])
        if not c or not _free(found, c.start(1), c.end(1)):
            continue
        guess = " ".join([c.group(1), *words[1:]]).lower()
        curie = lex.forms.get(guess)
        if curie and curie != m.curie:
            extra.append(Mention(c.start(1), c.end(1), curie, lex.kinds[curie], c.group(1)))
    return extra


def _list_heads(text: str, found: list[Mention], lex: Lexicon) -> list[Mention]:
    extra = []
    for m in _ITEM.finditer(text):
        item = re.sub(r"^(?:and|or)\s+", "", m.group())
        start = m.end() - len(item)
        words = item.split()
        if not 0 < len(words) <= 2 or not _free(found, start, m.end()):
            continue
        before = text[: m.start()].rstrip()
        after = text[m.end() :].lstrip()
        if not (before.endswith((",", "(")) and after.startswith((",", ")"))):
            continue
        if not before.endswith(",") and not after.startswith(","):
            continue
        curie = lex.head(words[-1])
        if curie and any(f.kind == lex.kinds[curie] for f in found):
            extra.append(Mention(start, m.end(), curie, lex.kinds[curie], item))
    return extra
