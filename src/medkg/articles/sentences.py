"""Lines, citation numbers and sentences of article text, every piece with exact offsets."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from medkg.articles.parsed import Line, Statement

#: a line ends where ``str.splitlines`` ends one: LF, CR, CRLF, form feed, U+0085, U+2028, U+2029
_LINE = re.compile(r"[^\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
#: what is cut from a line's edges: whitespace and the invisible characters pages carry
#: (zero-width space and joiners, word joiner, byte order mark, soft hyphen)
_EDGE = (
    "".join(c for c in map(chr, range(0x3001)) if c.isspace())
    + "\u200b\u200c\u200d\u2060\ufeff\u00ad"
)
#: "word 1, 2." / "word 3;" / "word 2, while ..." — a group of small numbers after a word
_PLAIN_CITES = re.compile(
    r"(?<=[A-Za-z)\]\"'”’%])[^\S\n]+(\d{1,3}(?:[^\S\n]*,[^\S\n]*\d{1,3})*)"
    r"(?=[^\S\n]*[.;:!?]?[^\S\n]*$|[^\S\n]*[.;!?][^\S\n]|,[^\S\n]+[a-z])"
)
#: "[1]", "[1, 2]", "[1-3]"
_BRACKET_CITES = re.compile(r"[^\S\n]*\[(\d{1,3}(?:[^\S\n]*[,–-][^\S\n]*\d{1,3})*)\]")
#: "... and tolerability. 1, 2" — numbers after the full stop, before the next sentence or the end
_AFTER_STOP_CITES = re.compile(
    r"(?<=[.!?])[^\S\n]+(\d{1,3}(?:[^\S\n]*,[^\S\n]*\d{1,3})*)(?=[^\S\n]*$|[^\S\n]+[\"“(\[]?[A-Z])"
    r"|(?<=:)[^\S\n]+(\d{1,3}(?:[^\S\n]*,[^\S\n]*\d{1,3})*)(?=[^\S\n]*$)"  # a lead-in: "as follows: 1"
)
#: "... heart failure.1 However" — superscript numbers glued to the full stop
_GLUED_CITES = re.compile(r"(?<=[a-z)%]\.)(\d{1,3}(?:,\d{1,3})*)(?=[^\S\n]+[A-Z]|[^\S\n]*$)")
#: "... Number Needed to Treat of 5 3" — numbers printed after a value, at the sentence's end
_AFTER_VALUE_CITES = re.compile(
    r"(?<=\d)[^\S\n]+(\d{1,3}(?:[^\S\n]*,[^\S\n]*\d{1,3})*)(?=[^\S\n]*[.;:]?[^\S\n]*$|[^\S\n]*[.;!?][^\S\n]+[A-Z])"
)
#: superscript digits: "patients³.", "receptors¹˒³", "endplate.²", "¹⁻³"
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP = "[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3}"
_SUPER_CITES = re.compile(
    rf"(?<=[A-Za-z)\]%.,;:\"'”’])({_SUP}(?:[^\S\n]?[,˒⁻–-][^\S\n]?{_SUP})*)(?![⁰¹²³⁴⁵⁶⁷⁸⁹])"
)
#: a superscript that is a power, not a citation: "kg/m²", "4 cm²", "10⁹/L"
_POWER_BEFORE = re.compile(r"(?:\d|(?:^|[\s/·*×])(?:[cmdkµμ]?m|in|ft))$")
_TO_ASCII = str.maketrans({**{c: str(i) for i, c in enumerate(_SUPERSCRIPTS)}, "˒": ",", "⁻": "-"})
#: "(2)" or "(2, 3)" after a word
_PAREN_CITES = re.compile(
    r"(?<=[A-Za-z)\]])[^\S\n]+\((\d{1,3}(?:[^\S\n]*[,–-][^\S\n]*\d{1,3})*)\)(?=[\s.,;:!?)]|$)"
)
#: "as suggested by 1", "as shown in 3, 4": a citation inside the sentence, kept in its text
_INLINE_CITES = re.compile(
    r"\bas[^\S\n]+(?:suggested|shown|noted|reported|described|demonstrated|recommended|stated|seen"
    r"|discussed|outlined|indicated|reviewed|summarized|summarised|found|detailed)[^\S\n]+(?:by|in)"
    r"[^\S\n]+(\d{1,3}(?:[^\S\n]*,[^\S\n]*\d{1,3})*)(?=[^\S\n]*[.,;:!?)]|[^\S\n]*$)",
    re.I,
)
#: units a number follows as a label ("week 2"), unless they have their count ("one week")
_UNITS = frozenset(["day", "week", "month", "year"])
_COUNT_WORDS = frozenset(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve"]
)
#: numbers right before a lead-in's closing colon are its citations ("consists of 1, 2, 3:")
_LEAD_IN_END = re.compile(r"[^\S\n]*:[^\S\n]*$", re.M)
#: ordinals that give a label its place, so a number after it is a citation ("the first step 1")
_ORDINALS = frozenset(
    ["first", "second", "third", "fourth", "fifth", "next", "final", "last", "initial"]
)
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
#: a sentence's end: its stop and a closing quote or bracket; what may start the next one
_STOP = re.compile(r"[.!?][\"”’)]?")
_NEXT = re.compile(r"\s+[\"“(\[]?[A-Z0-9]")
_ABBREVIATIONS = frozenset(
    ["e.g", "i.e", "dr", "vs", "etc", "fig", "al", "approx", "mr", "mrs", "st", "cf", "resp"]
)
_BULLET = re.compile(r"^(?:[•·▪◦○■□➢►‣✓*\-–](?=\s)|(\d{1,2})[.)](?=\s))\s*")


def iter_lines(text: str) -> Iterator[Line]:
    """The non-blank lines of ``text`` with their offsets, outer whitespace cut.

    >>> [(x.start, x.content) for x in iter_lines("a\\n\\n  b c \\n")]
    [(0, 'a'), (5, 'b c')]
    """
    for m in _LINE.finditer(text):
        raw = m.group()
        content = raw.strip(_EDGE)
        if content:
            start = m.start() + len(raw) - len(raw.lstrip(_EDGE))
            yield Line(start, start + len(content), content)


def bullet_marker(line: Line) -> tuple[str, Line] | None:
    """The kind of a bulleted or numbered line and the line without its marker, or None."""
    m = _BULLET.match(line.content)
    if not m or m.end() == len(line.content):
        return None
    kind = "numbered" if m.group(1) else "bullet"
    return kind, Line(line.start + m.end(), line.end, line.content[m.end() :])


@dataclass(frozen=True)
class CitationGroup:
    """Numbers printed together; ``inline`` ones stay in the sentence's text ("as shown in 3")."""

    start: int
    end: int
    numbers: tuple[int, ...]
    inline: bool = False


def citation_groups(text: str) -> list[CitationGroup]:
    """Citation numbers printed in ``text``: after a word ("axons 1, 2."), after the full stop
    ("axons. 1, 2"), in brackets or parentheses, glued to the stop ("axons.1"), or inline ("as
    shown in 3").

    >>> [g.numbers for g in citation_groups("their axons 1, 2. Survival of 3-5 years 4.")]
    [(1, 2), (4,)]
    >>> [g.numbers for g in citation_groups("only 33 reported cases as of 2024 [5, 7-8]")]
    [(5, 7, 8)]
    >>> [g.numbers for g in citation_groups("and tolerability. 1, 2 Then GBS.[6] as shown in 3.")]
    [(1, 2), (6,), (3,)]
    """
    groups = [
        CitationGroup(m.start(), m.end(), _numbers(m.group(m.lastindex or 1)))
        for pattern in (
            _BRACKET_CITES,
            _AFTER_STOP_CITES,
            _AFTER_VALUE_CITES,
            _GLUED_CITES,
            _PAREN_CITES,
        )
        for m in pattern.finditer(text)
    ]
    groups += [
        CitationGroup(m.start(1), m.end(1), _numbers(m.group(1)), inline=True)
        for m in _INLINE_CITES.finditer(text)
    ]
    for m in _SUPER_CITES.finditer(text):
        if not _POWER_BEFORE.search(text[max(0, m.start() - 8) : m.start()]):
            groups.append(CitationGroup(m.start(), m.end(), _numbers(m.group(1))))
    for m in _PLAIN_CITES.finditer(text):
        before = text[max(0, m.start() - 80) : m.start()].split()  # the last words are enough
        if _is_value(before) and not _LEAD_IN_END.match(text, m.end()):
            continue
        nums = _numbers(m.group(1))
        if nums and all(n >= 1 for n in nums):
            groups.append(CitationGroup(m.start(), m.end(), nums))
    return [g for g in sorted(groups, key=lambda g: g.start) if g.numbers]


def _is_value(before: list[str]) -> bool:
    """True if a number after these words is a value ("of 3", "week 2"), not a citation; a
    unit that already has its count ("within one week 1", "after 3 months 2") does not take one.

    >>> _is_value("a dose of".split()), _is_value("in week".split()), _is_value("within one week".split())
    (True, True, False)
    """
    word = before[-1].lower().strip("(\"'") if before else ""
    if word not in _VALUE_WORDS:
        return False
    count = before[-2].lower() if len(before) > 1 else ""
    if count in _ORDINALS:  # "the first step 1": the label has its place already
        return False
    return not (word in _UNITS and (count.isdigit() or count in _COUNT_WORDS))


def _numbers(raw: str) -> tuple[int, ...]:
    out: list[int] = []
    for part in raw.translate(_TO_ASCII).split(","):
        lo, _, hi = part.replace("–", "-").partition("-")
        a = int(lo.strip())
        b = int(hi.strip()) if hi.strip() else a
        out.extend(range(a, b + 1) if a <= b and b - a < 50 else [a])
    return tuple(n for n in out if n >= 1)


def sentence_spans(text: str, groups: list[CitationGroup] | None = None) -> list[tuple[int, int]]:
    """Split ``text`` into sentences, not at abbreviations like "e.g." or "Dr."; citation
    numbers printed after a sentence's full stop ("axons. 1, 2", "GBS.[6]") stay with it.

    >>> t = "ALS is one. See e.g. MS 1, 2. Done"
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['ALS is one.', 'See e.g. MS 1, 2.', 'Done']
    >>> t = "Seen in GBS.[6] During outbreaks, cases rose. 7, 8 Later ones fell."
    >>> [t[a:b] for a, b in sentence_spans(t)]
    ['Seen in GBS.[6]', 'During outbreaks, cases rose. 7, 8', 'Later ones fell.']
    """
    groups = citation_groups(text) if groups is None else groups
    after = {g.start: g.end for g in groups if not g.inline}
    spans, start = [], 0
    for m in _STOP.finditer(text):
        end = m.end()
        while end in after:  # "[1][2]" or ". 1, 2" after the stop belong to this sentence
            end = after[end]
        gap = end + len(text[end : end + 80]) - len(text[end : end + 80].lstrip())
        if gap < len(text) and not _NEXT.match(text, end):
            continue
        word = text[max(start, m.start() - 40) : m.start() + 1].split()[-1:] or [""]
        stem = word[0].rstrip('.!?"”’)').lower()
        if stem in _ABBREVIATIONS or (len(stem) == 1 and stem.isalpha()):
            continue
        if end <= start:
            continue
        spans.append((start, _rstrip_at(text, start, end)))
        start = gap
    if text[start:].strip():
        spans.append((start, _rstrip_at(text, start, len(text))))
    return [(a, b) for a, b in spans if b > a]


def _rstrip_at(text: str, start: int, end: int) -> int:
    return start + len(text[start:end].rstrip())


def split_statements(line: Line, section: int | None, kind: str) -> list[Statement]:
    """The statements of one paragraph or bullet: its sentences, each with its citations; the
    numbers printed at a sentence's end are cut from its text, inline ones ("as shown in 3")
    stay."""
    groups = citation_groups(line.content)
    starts = [g.start for g in groups]  # sorted: each sentence finds its groups by bisection
    out = []
    for a, b in sentence_spans(line.content, groups):
        inside = groups[bisect_left(starts, a) : bisect_left(starts, b)]
        numbers = tuple(n for g in inside for n in g.numbers)
        end = b
        for g in reversed([g for g in inside if not g.inline]):
            if line.content[g.end : end].strip(' \t.;:!?,"”’)'):
                break
            end = g.start
        end = _rstrip_at(line.content, a, end)
        if end <= a:
            continue
        start = line.start + a
        out.append(Statement(line.content[a:end], start, line.start + end, numbers, section, kind))
    return out


def is_citation_line(line: Line) -> bool:
    """A line that holds nothing but citation numbers ("1, 2" or "[3][4]").

    >>> is_citation_line(Line(0, 4, "1, 2")), is_citation_line(Line(0, 6, "[3][4]"))
    (True, True)
    >>> is_citation_line(Line(0, 6, "Step 2"))
    False
    """
    return bool(_ONLY_CITES.match(line.content))


_ONLY_CITES = re.compile(
    r"^(?:\d{1,3}(?:\s*,\s*\d{1,3})*|(?:\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\])+)$"
)
