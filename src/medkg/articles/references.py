"""The References list: entries of a type line, a title line and a source line with a year."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from medkg.articles.parsed import Line, QcFlag, Span
from medkg.model import Reference

KNOWN_TYPES = frozenset(
    t.lower()
    for t in (
        "Guideline",
        "Research",
        "Review",
        "Systematic Review",
        "Meta-analysis",
        "Clinical Trial",
        "Randomized Controlled Trial",
        "Case Report",
        "Cohort Study",
        "Consensus",
        "Consensus Statement",
        "Textbook",
        "Expert Opinion",
        "Editorial",
        "Drug Label",
        "FDA Drug Label",
    )
)
_NUMBER = re.compile(r"^(?:\[(\d{1,3})\]|(\d{1,3})[.)])\s+")
#: "Journal, 2019" / "Journal (2019)" / "Journal, 2019; 12(3):45-67" (volume, issue and pages)
_SOURCE_YEAR = re.compile(
    r"^(?P<source>.*?)[,.;]?\s*\(?(?P<year>(?:18|19|20)\d{2})\)?(?:\s*[;:]\s*[\d()\s:–-]+)?\.?$"
)
#: identifiers printed on a source line, as the claim file writes them; URLs are dropped
_IDENTIFIERS = (
    (re.compile(r"\b(?:doi:?\s*|https?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/\S+)", re.I), "DOI:"),
    (re.compile(r"\bPMID:?\s*(\d{1,9})\b", re.I), "PMID:"),
    (re.compile(r"\bPMCID:?\s*(PMC\d+)\b", re.I), "PMCID:"),
    (re.compile(r"\bhttps?://\S+", re.I), ""),
)


@dataclass
class ReferenceList:
    references: list[Reference] = field(default_factory=list)
    unrecognised: list[Span] = field(default_factory=list)
    qc: list[QcFlag] = field(default_factory=list)


def is_type_line(content: str) -> bool:
    """A reference's type line: a known type, or one to three capitalised words.

    >>> is_type_line("Guideline"), is_type_line("Systematic Review"), is_type_line("A title.")
    (True, True, False)
    """
    text = _NUMBER.sub("", content).strip()
    if text.lower() in KNOWN_TYPES:
        return True
    words = text.split()
    return 0 < len(words) <= 3 and all(w[:1].isupper() and w.isalpha() for w in words)


def split_identifiers(content: str) -> tuple[str, tuple[str, ...]]:
    """A source line without the DOI, PMID, PMCID and URLs printed on it, and those identifiers.

    >>> split_identifiers("Neurology, 2019. doi:10.1000/x1. PMID: 31234567")
    ('Neurology, 2019', ('DOI:10.1000/x1', 'PMID:31234567'))
    """
    found: list[tuple[int, str]] = []
    for pattern, prefix in _IDENTIFIERS:
        for m in pattern.finditer(content):
            if prefix:
                found.append((m.start(), prefix + m.group(1).rstrip(".,;)")))
        content = pattern.sub(" ", content)
    rest = re.sub(r"\s+", " ", content).strip(" .,;")
    return rest, tuple(i for _, i in sorted(found))


def source_year(content: str) -> tuple[str, int] | None:
    """Split a source line into source and year.

    >>> source_year("Internal medicine (Tokyo, Japan), 2012")
    ('Internal medicine (Tokyo, Japan)', 2012)
    >>> source_year("A title without a year") is None
    True
    """
    m = _SOURCE_YEAR.match(content.strip())
    if not m:
        return None
    return m.group("source").strip(), int(m.group("year"))


def parse_references(lines: list[Line]) -> ReferenceList:
    """Read the entries; incomplete ones are kept and flagged, stray lines reported."""
    out = ReferenceList()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not is_type_line(line.content):
            out.unrecognised.append(
                Span(line.start, line.end, line.content, "reference line out of place")
            )
            i += 1
            continue
        m = _NUMBER.match(line.content)
        number = int(m.group(1) or m.group(2)) if m else len(out.references) + 1
        rtype = _NUMBER.sub("", line.content).strip()
        title_line = lines[i + 1] if i + 1 < len(lines) else None
        if title_line is None or _is_entry_start(lines, i + 1):
            out.qc.append(
                QcFlag("IncompleteReference", f"reference {number} has no title", line.start)
            )
            out.unrecognised.append(
                Span(line.start, line.end, line.content, "reference without title")
            )
            i += 1
            continue
        source_line = lines[i + 2] if i + 2 < len(lines) else None
        parsed: tuple[str, int | None] | None = None
        ids: tuple[str, ...] = ()
        if source_line is not None:
            plain, ids = split_identifiers(source_line.content)
            parsed = source_year(plain)
            if parsed is None and not _is_entry_start(lines, i + 2):
                parsed = (plain, None)
        if parsed is None:
            out.qc.append(
                QcFlag("IncompleteReference", f"reference {number} has no source line", line.start)
            )
            out.references.append(Reference(number, rtype, title_line.content))
            i += 2
            continue
        source, year = parsed
        if year is None:
            out.qc.append(
                QcFlag("IncompleteReference", f"reference {number} has no year", line.start)
            )
        ref = Reference(number, rtype, title_line.content, source or None, year, ids)
        out.references.append(ref)
        i += 3
    return out


def _is_entry_start(lines: list[Line], i: int) -> bool:
    """True if line ``i`` starts a new entry: a known type, or type, title and source lines."""
    if i >= len(lines) or not is_type_line(lines[i].content):
        return False
    if _NUMBER.sub("", lines[i].content).strip().lower() in KNOWN_TYPES:
        return True
    return (
        i + 2 < len(lines)
        and source_year(lines[i + 1].content) is None
        and source_year(lines[i + 2].content) is not None
    )
