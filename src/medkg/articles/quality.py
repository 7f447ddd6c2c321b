"""Parse accuracy against a gold file: what a reader says the article holds, field by field.

A gold file (JSON) names its article's text and gives the title, the date, the subtitle (the H2
line), the headline answer, the section headings and every statement with the citation numbers
printed for it, in printed order. ``score`` compares one parse with it; the cited statements
count as found only with exactly the printed numbers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medkg.articles.parse import parse_article
from medkg.articles.parsed import ParsedArticle

#: the fields scored once per article
FIELDS = ("title", "modified", "subtitle", "headline")


@dataclass
class ArticleScore:
    """How one parse compares with its gold file."""

    name: str
    fields: dict[str, bool] = field(default_factory=dict)
    headings: tuple[int, int] = (0, 0)  # found, expected
    cited: tuple[int, int] = (0, 0)  # found with exactly the printed numbers, expected
    uncited: tuple[int, int] = (0, 0)
    wrong_numbers: list[str] = field(default_factory=list)  # found, other numbers
    missed: list[str] = field(default_factory=list)  # not found at all
    spurious: list[str] = field(default_factory=list)  # parsed, not in the gold file

    @property
    def perfect(self) -> bool:
        return (
            all(self.fields.values())
            and self.headings[0] == self.headings[1]
            and self.cited[0] == self.cited[1]
            and self.uncited[0] == self.uncited[1]
            and not self.spurious
        )


def normal(text: str) -> str:
    """Text compared loosely: one space between words, no closing punctuation."""
    return re.sub(r"\s+", " ", text).strip().rstrip(".;:,").strip()


def load_gold(path: Path) -> dict[str, Any]:
    gold: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return gold


def parse_gold(path: Path, root: Path) -> tuple[ParsedArticle, dict[str, Any]]:
    """The gold file at ``path`` and the parse of the text it names (relative to ``root``)."""
    gold = load_gold(path)
    text = (root / gold["text"]).read_text("utf-8")
    return parse_article(text, Path(gold["text"]).stem, gold["text"]), gold


def score(name: str, parsed: ParsedArticle, gold: dict[str, Any]) -> ArticleScore:
    """Compare ``parsed`` with ``gold`` field by field."""
    a = parsed.article
    got = {
        "title": a.title,
        "modified": a.modified.isoformat() if a.modified else None,
        "subtitle": parsed.subtitle,
        "headline": a.headline,
    }
    out = ArticleScore(name)
    out.fields = {k: normal(got[k] or "") == normal(gold.get(k) or "") for k in FIELDS if k in gold}
    want_headings = [normal(h) for h in gold.get("headings", [])]
    have_headings = {normal(s.heading) for s in a.sections}
    out.headings = (sum(h in have_headings for h in want_headings), len(want_headings))
    parsed_by_text: dict[str, list[tuple[int, ...]]] = {}
    for s in parsed.statements:
        parsed_by_text.setdefault(normal(s.text), []).append(s.citations)
    cited, uncited = [0, 0], [0, 0]
    for text, numbers in gold.get("statements", []):
        key, want = normal(text), tuple(numbers)
        tally = cited if want else uncited
        tally[1] += 1
        found = parsed_by_text.get(key)
        if found and want in found:
            tally[0] += 1
        elif found:
            out.wrong_numbers.append(f"{text!r}: {found[0]} instead of {want}")
        else:
            out.missed.append(f"{text!r} {want}")
    out.cited, out.uncited = (cited[0], cited[1]), (uncited[0], uncited[1])
    gold_texts = {normal(t) for t, _ in gold.get("statements", [])}
    out.spurious = [s.text for s in parsed.statements if normal(s.text) not in gold_texts]
    return out
