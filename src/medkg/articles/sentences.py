"""Lines, citation numbers and sentences of article text, every piece with exact offsets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from medkg.articles.parsed import Line, Statement

_LINE = re.compile(r"[^\n]+")
#: "word 1, 2." / "word 3;" / "word 2, while ..." — a group of small numbers after a word
_PLAIN_CITES = re.compile(
    r"(?<=[A-Za-z)\]\"'”’%])[ \t]+(\d{1,3}(?:[ \t]*,[ \t]*\d{1,3})*)"
    r"(?=[ \t]*[.;:!?]?[ \t]*$|[ \t]*[.;!?][ \t]|,[ \t]+[a-z])"
)
#: "[1]", "[1, 2]", "[1-3]"
_BRACKET_CITES = re.compile(r"[ \t]*\[(\d{1,3}(?:[ \t]*[,–-][ \t]*\d{1,3})*)\]")
#: words after which a number is a value ("of 3", "aged 65"), not a citation
_VALUE_WORDS = frozenset(
    [
        "of",
        "to",
        "at",
        "than",
        "about",
        "approximately",
        "around",
        "aged",
        "age",
        "is",
        "was",
        "were",
        "are",
        "be",
        "by",
        "in",
        "under",
        "over",
        "only",
        "nearly",
        "almost",
        "roughly",
        "up",
        "within",
        "from",
        "between",
        "and",
        "or",
        "per",
        "after",
        "before",
        "type",
        "stage",
        "phase",
        "grade",
        "class",
        "level",
        "step",
        "day",
        "week",
        "month",
        "year",
        "part",
        "figure",
        "table",
        "chapter",
        "version",
        "para",
        "number",
    ]
)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    ["e.g", "i.e", "dr", "vs", "etc", "fig", "al", "approx", "mr", "mrs", "st", "cf", "resp"]
)
_BULLET = re.compile(r"^(?:[•·▪◦*\-–](?=\s)|(\d{1,2})[.)](?=\s))\s*")


def iter_lines(text: str) -> Iterator[Line]:
    """The non-blank lines of ``text`` with their offsets, outer whitespace cut.

    >>> [(x.start, x.content) for x in iter_lines("a\\n\\n  b c \\n")]
    [(0, 'a'), (5, 'b c')]
    """
    for m in _LINE.finditer(text):
        raw = m.group()
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            start = m.start() + lead
            yield Line(start, start + len(stripped), stripped)


def bullet_marker(line: Line) -> tuple[str, Line] | None:
    """The kind of a bulleted or numbered line and the line without its marker, or None."""
    m = _BULLET.match(line.content)
    if not m or m.end() == len(line.content):
        return None
    kind = "numbered" if m.group(1) else "bullet"
    return kind, Line(line.start + m.end(), line.end, line.content[m.end() :])


@dataclass(frozen=True)
class CitationGroup:
    start: int
    end: int
    numbers: tuple[int, ...]


def citation_groups(text: str) -> list[CitationGroup]:
    """Citation numbers printed in ``text``: after a word ("axons 1, 2.") or in brackets.

    >>> [g.numbers for g in citation_groups("their axons 1, 2. Survival of 3-5 years 4.")]
    [(1, 2), (4,)]
    >>> [g.numbers for g in citation_groups("only 33 reported cases as of 2024 [5, 7-8]")]
    [(5, 7, 8)]
    """
    groups = [
        CitationGroup(m.start(), m.end(), _numbers(m.group(1)))
        for m in _BRACKET_CITES.finditer(text)
    ]
    for m in _PLAIN_CITES.finditer(text):
        before = text[: m.start()].split()
        word = before[-1].lower().strip("(\"'") if before else ""
        if word in _VALUE_WORDS:
            continue
        nums = _numbers(m.group(1))
        if nums and all(n >= 1 for n in nums):
            groups.append(CitationGroup(m.start(), m.end(), nums))
    return sorted(groups, key=lambda g: g.start)


def _numbers(raw: str) -> tuple[int, ...]:
    out: list[int] = []
    for part in raw.split(","):
        lo, _, hi = part.replace("–", "-").partition("-")
        a = int(lo.strip())
        b = int(hi.strip()) if hi.strip() else a
        out.extend(range(a, b + 1) if a <= b and b - a < 50 else [a])
    return tuple(n for n in out if n >= 1)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences, not at abbreviations like "e.g." or "Dr.".

    >>> t = "ALS is one. See e.g. MS 1, 2. Done"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['ALS is one.', 'See e.g. MS 1, 2.', 'Done']
    """
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        word = text[start : m.start()].split()[-1:] or [""]
        stem = word[0].rstrip('.!?"”’)').lower()
        if stem in _ABBREVIATIONS or (len(stem) == 1 and stem.isalpha()):
            continue
        end = m.start() + len(m.group()) - len(m.group().lstrip('"”’)'))
        spans.append((start, _rstrip_at(text, start, end)))
        start = m.end()
    if text[start:].strip():
        spans.append((start, _rstrip_at(text, start, len(text))))
    return [(a, b) for a, b in spans if b > a]


def _rstrip_at(text: str, start: int, end: int) -> int:
    return start + len(text[start:end].rstrip())


def split_statements(line: Line, section: int | None, kind: str) -> list[Statement]:
    """The statements of one paragraph or bullet: its sentences, each with its citations."""
    groups = citation_groups(line.content)
    out = []
    for a, b in sentence_spans(line.content):
        inside = [g for g in groups if a <= g.start < b]
        numbers = tuple(n for g in inside for n in g.numbers)
        end = b
        if inside and not line.content[inside[-1].end : b].strip(' \t.;:!?,"”’)'):
            end = inside[-1].start
        end = _rstrip_at(line.content, a, end)
        if end <= a:
            continue
        start = line.start + a
        out.append(Statement(line.content[a:end], start, line.start + end, numbers, section, kind))
    return out
