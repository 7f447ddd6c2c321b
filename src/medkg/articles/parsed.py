"""What the parser recovers from an article: the model Article plus statements, leftovers, qc."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from medkg.model import Article


@dataclass(frozen=True)
class Line:
    """One non-blank line of the text: ``text[start:end] == content`` (outer whitespace cut)."""

    start: int
    end: int
    content: str


@dataclass(frozen=True)
class Statement:
    """A sentence of the body: ``article.text[start:end] == text``, without trailing citations."""

    text: str
    start: int
    end: int
    citations: tuple[int, ...] = ()
    section: int | None = None
    kind: str = "paragraph"

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "citations": list(self.citations),
            "section": self.section,
            "kind": self.kind,
        }


@dataclass(frozen=True)
class Span:
    """A stretch of text the parser could not place, and why."""

    start: int
    end: int
    text: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class QcFlag:
    """A structure problem; ``code`` is the local name of a ``medkg:`` quality flag."""

    code: str
    message: str
    start: int | None = None

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.start is not None:
            body["start"] = self.start
        return body


@dataclass(frozen=True)
class ParsedArticle:
    """An Article with the statements of each section, what was not recognised, and qc flags."""

    article: Article
    statements: tuple[Statement, ...] = ()
    unrecognised: tuple[Span, ...] = ()
    qc: tuple[QcFlag, ...] = ()
    headline_start: int | None = None
    subtitle: str | None = None  # the H2 line above the answer ("From the Guidelines")
    subtitle_start: int | None = None

    @property
    def cited(self) -> set[int]:
        return {n for s in self.statements for n in s.citations}

    def lead_passages(self) -> list[tuple[str, int]]:
        """The subtitle and the headline as (text, start), for the extractor; the headline only
        when no statement already covers it (the answer paragraph is made of statements)."""
        out = []
        if self.subtitle and self.subtitle_start is not None:
            out.append((self.subtitle, self.subtitle_start))
        h, at = self.article.headline, self.headline_start
        if h and at is not None and not any(s.start <= at < s.end for s in self.statements):
            out.append((h, at))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The parsed structure as plain JSON values (``medkg ingest --format json``)."""
        a = self.article
        return {
            "id": a.id,
            "text": a.text_path,
            "sha256": a.sha256,
            "title": a.title,
            "modified": a.modified.isoformat() if a.modified else None,
            "headline": a.headline,
            "headline_start": self.headline_start,
            "subtitle": self.subtitle,
            "subtitle_start": self.subtitle_start,
            "publisher": a.publisher,
            "sections": [
                {"heading": s.heading, "position": s.position, "start": s.start, "end": s.end}
                for s in a.sections
            ],
            "statements": [s.to_dict() for s in self.statements],
            "references": [
                {
                    "number": r.number,
                    "type": r.type,
                    "title": r.title,
                    "source": r.source,
                    "year": r.year,
                }
                for r in a.references
            ],
            "unrecognised": [u.to_dict() for u in self.unrecognised],
            "qc": [q.to_dict() for q in self.qc],
        }
