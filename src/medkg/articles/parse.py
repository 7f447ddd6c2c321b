"""Parse a medical Q&A article's text into the model, with exact offsets; never raises.

The shape: a question as title, a review-status banner, "Last updated: <date>", a headline
answer, a summary, sections (a heading line, then bullets, numbered items or paragraphs whose
sentences end with citation numbers), a References list, a disclaimer and a follow-up prompt.
Whatever does not fit is reported in ``unrecognised``; structure problems become qc flags.
"""

from __future__ import annotations

import re
from dataclasses import replace

from medkg.articles.header import FIELD, HEADING_MAX_WORDS, is_banner, read_header
from medkg.articles.parsed import Line, ParsedArticle, QcFlag, Span, Statement
from medkg.articles.references import parse_references, source_year
from medkg.articles.sentences import (
    bullet_marker,
    citation_groups,
    is_citation_line,
    iter_lines,
    split_statements,
)
from medkg.model import Article, Section

_TRAILER = re.compile(
    r"^(?:professional |medical )?(?:medical )?disclaimer:?$|^have a follow-up question\??$", re.I
)
_REFERENCES = re.compile(r"^(?:references|sources|citations|bibliography)\s*:?$", re.I)
#: the page's footer after the References list: further reading, share icons, the legal line
_FOOTER = re.compile(
    r"^(?:related (?:questions|articles|topics|content|posts)|people also ask|you (?:may|might) also"
    r" like|more (?:questions|articles)|read next|share|print|©|\(c\) \d{4}|copyright\b"
    r"|all rights reserved|privacy policy|terms of (?:use|service))",
    re.I,
)
#: a heading over a list of questions that link to other pages ("Related Questions")
_RELATED = re.compile(
    r"^(?:related (?:questions|articles|topics)|people also ask|more questions|"
    r"frequently asked questions)\s*:?$",
    re.I,
)
_PUBLISHER = re.compile(r"((?:[A-Z]\S*\s)*[A-Z]\S*) assumes no liability")


def parse_article(text: str, article_id: str = "article", text_path: str = "") -> ParsedArticle:
    """Parse ``text``; offsets in the result index ``text`` exactly as given."""
    lines = list(iter_lines(text))
    trailer = next((i for i, x in enumerate(lines) if _TRAILER.match(x.content)), len(lines))
    refs_at = next((i for i, x in enumerate(lines[:trailer]) if _REFERENCES.match(x.content)), None)
    if refs_at is not None:  # a footer without the disclaimer ends the list as well
        trailer = next(
            (i for i in range(refs_at + 1, trailer) if _FOOTER.match(lines[i].content)), trailer
        )
    head_body = lines[: trailer if refs_at is None else refs_at]
    head = read_header(head_body)
    unrecognised, qc = head.unrecognised, head.qc
    sections, statements = _body(head_body[head.body_from :], unrecognised)

    ref_list = parse_references(lines[refs_at + 1 : trailer] if refs_at is not None else [])
    unrecognised.extend(ref_list.unrecognised)
    qc.extend(ref_list.qc)
    trailer_text = " ".join(x.content for x in lines[trailer:])
    publisher = m.group(1) if (m := _PUBLISHER.search(trailer_text)) else None

    article = Article(
        article_id,
        text_path,
        head.title,
        text,
        head.modified,
        head.headline,
        publisher,
        tuple(sections),
        tuple(ref_list.references),
    )
    if not head.title:
        qc.append(QcFlag("MissingTitle", "the text has no title line"))
    if head.headline is None and head.title:
        qc.append(QcFlag("MissingHeadline", "no headline answer after the title and date"))
    sub = head.subtitle
    subtitle = (sub.content, sub.start) if sub else (None, None)
    parsed = ParsedArticle(
        article, tuple(statements), tuple(unrecognised), (), head.headline_start, *subtitle
    )
    qc.extend(_citation_flags(parsed, bool(ref_list.references)))
    qc.extend(_section_flags(parsed))
    if trailer == len(lines) and lines and _looks_cut(lines[-1], ref_list.qc):
        qc.append(QcFlag("TruncatedText", "the text stops part-way", lines[-1].start))
    return replace(parsed, unrecognised=tuple(unrecognised), qc=tuple(qc))


def _body(lines: list[Line], unrecognised: list[Span]) -> tuple[list[Section], list[Statement]]:
    """Sections and statements: headings (numbered ones too), bullets, numbered items, lead-in
    lines and paragraphs; a line of citation numbers alone belongs to the statement before it."""
    sections: list[Section] = []
    statements: list[Statement] = []
    related = False  # under "Related Questions": links to other pages, not statements
    for i, line in enumerate(lines):
        position = sections[-1].position if sections else None
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if is_banner(line):
            continue
        if _RELATED.match(line.content) or (related and line.content.endswith("?")):
            related = True
            unrecognised.append(Span(line.start, line.end, line.content, "related question"))
            continue
        related = False
        if is_citation_line(line) and statements:
            prior = statements[-1]
            more = tuple(n for g in citation_groups("x " + line.content) for n in g.numbers)
            statements[-1] = replace(prior, citations=prior.citations + more)
            continue
        heading = numbered_heading(line, nxt)
        if heading is None and is_heading(line, has_next=nxt is not None):
            heading = line
        if heading is not None:
            sections.append(Section(heading.content, len(sections) + 1, heading.start, heading.end))
            continue
        marked = bullet_marker(line)
        if marked:
            found = split_statements(marked[1], position, marked[0])
        else:
            found = split_statements(line, position, "paragraph")
            if found and found[-1].text.endswith(":"):  # "Before escalating, confirm:"
                found[-1] = replace(found[-1], kind="lead-in")
        if not found:
            unrecognised.append(Span(line.start, line.end, line.content, "no statement in line"))
        statements.extend(found)
    return sections, statements


def numbered_heading(line: Line, nxt: Line | None) -> Line | None:
    """A numbered heading ("1. Renin-Angiotensin System Inhibition", followed by bullets or
    prose, not by the next numbered item) without its number, or None."""
    marked = bullet_marker(line)
    if not marked or marked[0] != "numbered" or nxt is None:
        return None
    follow = bullet_marker(nxt)
    if follow is not None and follow[0] == "numbered":
        return None
    inner = marked[1]
    return inner if is_heading(inner) and _title_case(inner.content) else None


def _title_case(text: str) -> bool:
    """Every word of four letters or more starts with a capital (or a digit)."""
    words = [w for w in re.split(r"[\s/–-]+", text) if len(w) >= 4 and w[:1].isalpha()]
    return all(w[:1].isupper() for w in words)


def is_heading(line: Line, has_next: bool = True) -> bool:
    """A heading: short, no citations, no sentence-ending punctuation, and text follows; a line
    ending in ":" only when it reads as a label ("Single Most Likely Diagnosis:"), not a lead-in
    ("For patients who cannot take it:"); never a byline field or a bullet.

    >>> is_heading(Line(0, 47, "Pathophysiology: Axonal Degeneration is Primary"))
    True
    >>> is_heading(Line(0, 30, "ALS involves motor neurons 2, 3."))
    False
    >>> is_heading(Line(0, 35, "Before treatment, confirm it with:"))
    False
    """
    text = line.content
    if text.endswith(":") and not (_title_case(text) and len(text.split()) <= 6):
        return False
    return (
        has_next
        and not text.endswith((".", ";", ",", "!", "?"))
        and len(text.split()) <= HEADING_MAX_WORDS
        and not citation_groups(text)
        and not text[:1].islower()
        and bullet_marker(line) is None
        and not FIELD.match(text)
    )


def _citation_flags(parsed: ParsedArticle, has_list: bool) -> list[QcFlag]:
    numbers = {r.number for r in parsed.article.references}
    flags = []
    if parsed.cited and not has_list:
        flags.append(
            QcFlag("MissingReferences", "statements cite numbers but no reference is listed")
        )
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
    groups = citation_groups(last.content)
    if groups and not last.content[groups[-1].end :].strip(" .;"):
        return False  # a statement that ends with its citation numbers is whole
    return not last.content.endswith((".", "!", "?", ")")) and source_year(last.content) is None
