"""Parse a medical Q&A article's text into the model, with exact offsets; never raises.

The shape: a question as title, a review-status banner, "Last updated: <date>", a headline
answer, a summary, sections (a heading line, then bullets, numbered items or paragraphs whose
sentences end with citation numbers), a References list, a disclaimer and a follow-up prompt.
Whatever does not fit is reported in ``unrecognised``; structure problems become qc flags.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from medkg.articles.parsed import Line, ParsedArticle, QcFlag, Span, Statement
from medkg.articles.references import parse_references, source_year
from medkg.articles.sentences import bullet_marker, citation_groups, iter_lines, split_statements
from medkg.model import Article, Section

_TRAILER = re.compile(
    r"^(?:professional |medical )?(?:medical )?disclaimer:?$|^have a follow-up question\??$", re.I
)
_REFERENCES = re.compile(r"^(?:references|sources|citations|bibliography)\s*:?$", re.I)
_LAST_UPDATED = re.compile(r"last updated", re.I)
_DATE = re.compile(
    r"last updated(?: on)?:?\s*(?P<d>\d{4}-\d{2}-\d{2}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4})",
    re.I,
)
_DATE_FORMATS = ("%Y-%m-%d", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y")
_BANNER = re.compile(
    r"^(?:medical advisory board|educational purpose only|article review status$"
    r"|(?:submitted|under review|approved|pending review|in review|draft)$|personalize$"
    r"|help us tailor your experience$|which best describes you|all articles are reviewed)",
    re.I,
)
_PUBLISHER = re.compile(r"((?:[A-Z]\S*\s)*[A-Z]\S*) assumes no liability")
HEADING_MAX_WORDS = 14
HEADLINE_MAX_WORDS = 25


def parse_article(text: str, article_id: str = "article", text_path: str = "") -> ParsedArticle:
    """Parse ``text``; offsets in the result index ``text`` exactly as given."""
    lines = list(iter_lines(text))
    trailer = next((i for i, x in enumerate(lines) if _TRAILER.match(x.content)), len(lines))
    refs_at = next((i for i, x in enumerate(lines[:trailer]) if _REFERENCES.match(x.content)), None)
    head_body = lines[: trailer if refs_at is None else refs_at]
    unrecognised: list[Span] = []
    qc: list[QcFlag] = []

    first = next((i for i, x in enumerate(head_body) if not _is_banner(x)), len(head_body))
    for x in head_body[:first]:
        if not _is_banner(x):
            unrecognised.append(Span(x.start, x.end, x.content, "line before the title"))
    head_body = head_body[first:]
    title = head_body[0].content if head_body else ""
    modified, body_from = _date(head_body, unrecognised, qc)
    headline, headline_at, body_from = _headline(head_body, body_from)
    sections, statements = _body(head_body[body_from:], unrecognised)

    ref_list = parse_references(lines[refs_at + 1 : trailer] if refs_at is not None else [])
    unrecognised.extend(ref_list.unrecognised)
    qc.extend(ref_list.qc)
    trailer_text = " ".join(x.content for x in lines[trailer:])
    publisher = m.group(1) if (m := _PUBLISHER.search(trailer_text)) else None

    article = Article(
        article_id,
        text_path,
        title,
        text,
        modified,
        headline,
        publisher,
        tuple(sections),
        tuple(ref_list.references),
    )
    if not title:
        qc.append(QcFlag("MissingTitle", "the text has no title line"))
    if headline is None and title:
        qc.append(QcFlag("MissingHeadline", "no headline answer after the title and date"))
    parsed = ParsedArticle(article, tuple(statements), tuple(unrecognised), (), headline_at)
    qc.extend(_citation_flags(parsed, refs_at is not None))
    qc.extend(_section_flags(parsed))
    if trailer == len(lines) and lines and _looks_cut(lines[-1], ref_list.qc):
        qc.append(QcFlag("TruncatedText", "the text stops part-way", lines[-1].start))
    return ParsedArticle(article, tuple(statements), tuple(unrecognised), tuple(qc), headline_at)


def _is_banner(line: Line) -> bool:
    return bool(_BANNER.match(line.content) or _LAST_UPDATED.match(line.content))


def _date(lines: list[Line], unrecognised: list[Span], qc: list[QcFlag]) -> tuple[date | None, int]:
    """The "Last updated" date and the index of the line after it (1 if there is none)."""
    at = next((i for i, x in enumerate(lines[:12]) if _LAST_UPDATED.search(x.content)), None)
    if at is None:
        qc.append(QcFlag("MissingDate", 'no "Last updated: <date>" line'))
        return None, 1
    for x in lines[1:at]:
        if not _BANNER.match(x.content):
            unrecognised.append(Span(x.start, x.end, x.content, "banner line not recognised"))
    m = _DATE.search(lines[at].content)
    raw = re.sub(r"[.,]", "", m.group("d")) if m else ""
    raw = re.sub(r"\s+", " ", raw)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date(), at + 1
        except ValueError:
            continue
    qc.append(
        QcFlag("MissingDate", f"cannot read the date in {lines[at].content!r}", lines[at].start)
    )
    unrecognised.append(
        Span(lines[at].start, lines[at].end, lines[at].content, "date not understood")
    )
    return None, at + 1


def _headline(lines: list[Line], at: int) -> tuple[str | None, int | None, int]:
    """The headline answer (first line after the banner, unless it is a heading or a bullet)."""
    while at < len(lines) and _BANNER.match(lines[at].content):
        at += 1
    if at >= len(lines):
        return None, None, at
    line = lines[at]
    nxt = lines[at + 1] if at + 1 < len(lines) else None
    if (
        bullet_marker(line)
        or citation_groups(line.content)
        or len(line.content.split()) > HEADLINE_MAX_WORDS
        or (nxt is not None and bullet_marker(nxt) is not None)
    ):
        return None, None, at
    return line.content, line.start, at + 1


def _body(lines: list[Line], unrecognised: list[Span]) -> tuple[list[Section], list[Statement]]:
    sections: list[Section] = []
    statements: list[Statement] = []
    for i, line in enumerate(lines):
        position = sections[-1].position if sections else None
        marked = bullet_marker(line)
        if _BANNER.match(line.content):
            continue
        if marked:
            kind, inner = marked
            found = split_statements(inner, position, kind)
        elif is_heading(line, has_next=i + 1 < len(lines)):
            sections.append(Section(line.content, len(sections) + 1, line.start, line.end))
            continue
        else:
            found = split_statements(line, position, "paragraph")
        if not found:
            unrecognised.append(Span(line.start, line.end, line.content, "no statement in line"))
        statements.extend(found)
    return sections, statements


def is_heading(line: Line, has_next: bool = True) -> bool:
    """A heading: short, no citations, no sentence-ending punctuation, and text follows.

    >>> is_heading(Line(0, 47, "Pathophysiology: Axonal Degeneration is Primary"))
    True
    >>> is_heading(Line(0, 30, "ALS involves motor neurons 2, 3."))
    False
    """
    text = line.content
    return (
        has_next
        and not text.endswith((".", ";", ","))
        and len(text.split()) <= HEADING_MAX_WORDS
        and not citation_groups(text)
        and not text[:1].islower()
    )


def _citation_flags(parsed: ParsedArticle, has_list: bool) -> list[QcFlag]:
    numbers = {r.number for r in parsed.article.references}
    flags = []
    if parsed.cited and not has_list:
        flags.append(QcFlag("MissingReferences", "statements cite numbers but there is no list"))
    for n in sorted(parsed.cited - numbers):
        first = next(s for s in parsed.statements if n in s.citations)
        flags.append(
            QcFlag(
                "UnresolvedCitation", f"citation {n} has no entry in the references", first.start
            )
        )
    for r in parsed.article.references:
        if r.number not in parsed.cited:
            flags.append(QcFlag("UncitedReference", f"reference {r.number} is never cited"))
    seen: set[int] = set()
    for r in parsed.article.references:
        if r.number in seen:
            flags.append(QcFlag("DuplicateReference", f"reference number {r.number} repeats"))
        seen.add(r.number)
    return flags


def _section_flags(parsed: ParsedArticle) -> list[QcFlag]:
    used = {s.section for s in parsed.statements}
    return [
        QcFlag("EmptySection", f"section {s.heading!r} has no statements", s.start)
        for s in parsed.article.sections
        if s.position not in used
    ]


def _looks_cut(last: Line, ref_flags: list[QcFlag]) -> bool:
    if any(f.code == "IncompleteReference" for f in ref_flags):
        return True
    return not last.content.endswith((".", "!", "?", ")")) and source_year(last.content) is None
