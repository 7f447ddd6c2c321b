"""The head of an article: site chrome, the title, banner and byline fields, the date, and the
answer that opens it (the headline, under its H2 line, kept as the subtitle).

Layouts read: the full Q&A page (title, review banner, "Last updated: <date>", an H2 line, the
answer paragraph), the condensed page (title, then the answer on the second line), and other
reference sites (icon text before the title; "Author:", "Editor:", "Updated:" fields with the
value on the same or the next line, dates like ``7/10/2020 10:50:14 AM``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from medkg.articles.parsed import Line, QcFlag, Span
from medkg.articles.sentences import bullet_marker, citation_groups, split_statements

BANNER = re.compile(
    r"^(?:medical advisory board|educational purpose only|article review status$"
    r"|(?:submitted|under review|approved|pending review|in review|draft)$|personalize$"
    r"|help us tailor your experience$|which best describes you|all articles are reviewed)",
    re.I,
)
#: icon text and links of a site's chrome, printed as lines of their own
CHROME = re.compile(
    r"^(?:skip to (?:main )?content|jump to (?:navigation|search)|advertisement|share|print"
    r"|email|e-mail|bookmark|save|download(?: pdf)?|pdf|cite|citation|menu|search|home|log ?in"
    r"|sign ?in|sign ?up|subscribe|font size|listen|close|back|next|previous|more|info"
    r"|facebook|twitter|linkedin|x|copy link|[a-z]+\.(?:gif|png|svg|jpg))$",
    re.I,
)
#: byline fields: "Article Author:", "Editor: Jane Roe", "Updated: 7/10/2020"
FIELD = re.compile(
    r"^(?:article\s+)?(?P<label>authors?|editors?|reviewers?|(?:medically\s+)?reviewed\s+by"
    r"|written\s+by|contributors?|affiliations?|(?:last\s+)?updated(?:\s+on)?|published(?:\s+on)?"
    r"|(?:last\s+)?reviewed(?:\s+on)?|(?:last\s+)?modified|for\s+cme\s+on\s+this\s+topic"
    r"|pubmed\s+link|doi|keywords?|source|copyright)\s*:\s*(?P<value>.*)$",
    re.I,
)
DATED = re.compile(r"last updated|^(?:last\s+)?(?:updated|modified|reviewed)\b", re.I)
DATE = re.compile(
    r"(?P<d>\d{4}-\d{2}-\d{2}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4})"
)
DATE_FORMATS = ("%Y-%m-%d", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%m/%d/%Y")
#: section headings of reference sites that open the text; never a subtitle
GENERIC = re.compile(r"^(?:introduction|overview|summary|background|abstract|definition)$", re.I)
HEADING_MAX_WORDS = 14
HEADER_LINES = 16


@dataclass
class Header:
    """What the head of an article holds; ``body_from`` indexes the first line of the body."""

    title: str = ""
    modified: date | None = None
    subtitle: Line | None = None
    headline: str | None = None
    headline_start: int | None = None
    body_from: int = 0
    unrecognised: list[Span] = field(default_factory=list)
    qc: list[QcFlag] = field(default_factory=list)


#: "By Jane Roe, MD", "Medically reviewed by John Doe": a byline without a colon
BYLINE = re.compile(
    r"^(?:(?:[Mm]edically\s+)?[Rr]eviewed\s+by|[Ww]ritten\s+by|[Bb]y)\s+"
    r"[A-Z][\w'’-]*\.?(?:\s+[A-Z]\.)*\s+[A-Z][\w'’-]+(?:[ ,]|$)"
)


def is_banner(line: Line) -> bool:
    return bool(BANNER.match(line.content) or CHROME.match(line.content))


def is_icon_text(line: Line) -> bool:
    """Icon text before the title: at most three words, no capital letter ("info como")."""
    text = line.content
    return len(text.split()) <= 3 and not any(c.isupper() for c in text)


def read_header(lines: list[Line]) -> Header:
    """Title, date, subtitle and headline of the head of ``lines`` (the lines before the
    References list)."""
    h = Header()
    first = next(
        (i for i, x in enumerate(lines) if not (_is_head_noise(x) or is_icon_text(x))), len(lines)
    )
    for x in lines[:first]:
        if not (is_banner(x) or is_icon_text(x) or DATED.search(x.content)):
            h.unrecognised.append(Span(x.start, x.end, x.content, "line before the title"))
    if first >= len(lines):
        return h
    h.title = lines[first].content
    at = _read_fields(lines, first + 1, h)
    _read_headline(lines, at, h)
    return h


def _is_head_noise(line: Line) -> bool:
    return is_banner(line) or bool(DATED.search(line.content)) or is_field(line)


def is_field(line: Line) -> bool:
    """A byline field: "Editor: Jane Roe", "Updated:", "By Jane Roe, MD"."""
    text = line.content
    byline = BYLINE.match(text) and len(text.split()) <= 10 and not citation_groups(text)
    return bool(FIELD.match(text) or byline)


def _read_fields(lines: list[Line], at: int, h: Header) -> int:
    """Read the banner, byline fields and the date after the title; the index after them."""
    dated = next(
        (
            i
            for i in range(at, min(len(lines), at + HEADER_LINES))
            if DATED.search(lines[i].content)
        ),
        None,
    )
    i = at
    while dated is not None and i < dated:
        x, m = lines[i], FIELD.match(lines[i].content)
        if m and not m.group("value").strip():
            i += 1  # a label alone: its value is the next line
        elif not (is_banner(x) or is_field(x)):
            h.unrecognised.append(Span(x.start, x.end, x.content, "banner line not recognised"))
        i += 1
    found = False
    i = at
    while i < len(lines) and i - at < HEADER_LINES:
        line, m = lines[i], FIELD.match(lines[i].content)
        if is_banner(line) and not DATED.search(line.content):
            i += 1
            continue
        if not (is_field(line) or DATED.search(line.content) or (dated is not None and i < dated)):
            break
        value_line = line
        if m and not m.group("value").strip() and i + 1 < len(lines):
            i += 1  # "Updated:" with the value on the next line
            value_line = lines[i]
        if DATED.search(line.content) and not found:
            found = True
            h.modified = _date(value_line, h)
        i += 1
    if not found:
        h.qc.append(QcFlag("MissingDate", 'no "Last updated: <date>" line'))
    return i


def _date(line: Line, h: Header) -> date | None:
    m = DATE.search(line.content)
    raw = re.sub(r"\s+", " ", re.sub(r"[.,]", "", m.group("d"))) if m else ""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    h.qc.append(QcFlag("MissingDate", f"cannot read the date in {line.content!r}", line.start))
    h.unrecognised.append(Span(line.start, line.end, line.content, "date not understood"))
    return None


def is_paragraph(line: Line) -> bool:
    """A line of prose: a sentence's end, a citation, or too long for a heading."""
    text = line.content
    return bullet_marker(line) is None and (
        text.endswith((".", "!", "?"))
        or bool(citation_groups(text))
        or len(text.split()) > HEADING_MAX_WORDS
    )


def _read_headline(lines: list[Line], at: int, h: Header) -> None:
    """The answer that opens the article: the paragraph after the H2 line (kept as subtitle),
    the paragraph on the line after the title (condensed pages), or else the H2 line itself."""
    while at < len(lines) and is_banner(lines[at]):
        at += 1
    h.body_from = at
    if at >= len(lines) or bullet_marker(lines[at]):
        return
    line = lines[at]
    nxt = lines[at + 1] if at + 1 < len(lines) else None
    if is_paragraph(line):
        _answer(line, h)
    elif nxt is not None and is_paragraph(nxt):
        if GENERIC.match(line.content):  # "Introduction" heads a section, not an answer
            _answer(nxt, h)
            return
        h.subtitle = line
        h.body_from = at + 1
        _answer(nxt, h)
    elif nxt is not None and bullet_marker(nxt) is None and line.content[-1:] not in ".;,:":
        h.headline, h.headline_start, h.body_from = line.content, line.start, at + 1


def _answer(line: Line, h: Header) -> None:
    """The answer sentence(s) of a paragraph, without the citations printed after them."""
    found = split_statements(line, None, "paragraph")
    if not found:
        return
    h.headline = line.content[found[0].start - line.start : found[-1].end - line.start]
    h.headline_start = found[0].start
