"""Draft claims into a claim file's YAML: a new file, or a merge that keeps every curated edit.

The merge reads the file round-trip (comments, order and quoting survive) and only adds: new
drafts, new unmapped passages, article fields and references the file lacks. An entry already
in the file — same ``id``, or same subject/predicate/object/polarity and quote — is never
touched, whatever a curator did to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from medkg.articles.extract import AUTOMATIC, Draft, Extraction, Unmapped
from medkg.articles.parsed import ParsedArticle
from medkg.curation.quotes import find_all

HEADER = """Claims drafted by `medkg ingest` from {text}.
Schema: src/medkg/curation/claims.schema.json.
Review each draft: fix subject / predicate / object / qualifiers, then set status
approved (or needs-review), and evidence_code ECO:0000033 once a person checked it.
Deprecate a wrong draft (status deprecated, reason) rather than deleting it:
re-ingesting adds drafts whose id and proposition the file does not have.
`unmapped` keeps the statements no rule turned into a claim, with their citations."""

_PREDICATE_WORDS = {
    "rdfs:subClassOf": "is-a",
    "RO:0004026": "location",
    "RO:0004019": "basis",
    "RO:0002200": "phenotype",
    "RO:0002404": "downstream-of",
    "RO:0002606": "treats",
    "biolink:coexists_with": "coexists",
    "medkg:hasImagingSign": "imaging-sign",
    "medkg:hasMeanSurvival": "survival",
    "medkg:haltsProgressionOf": "halts",
}


@dataclass
class MergeReport:
    """What a merge changed in a claim file; ``kept`` entries were left exactly as they were."""

    created: bool = False
    added: list[str] = field(default_factory=list)
    kept: int = 0
    stale: list[str] = field(default_factory=list)
    unmapped_added: int = 0
    references_added: list[int] = field(default_factory=list)
    fields_added: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def new_document(parsed: ParsedArticle) -> CommentedMap:
    doc = CommentedMap()
    doc["article"] = CommentedMap(id=parsed.article.id, text=parsed.article.text_path)
    doc["claims"] = CommentedSeq()
    doc.yaml_set_start_comment(HEADER.format(text=parsed.article.text_path))
    return doc


def merge(doc: CommentedMap, parsed: ParsedArticle, extraction: Extraction) -> MergeReport:
    """Add what ``doc`` lacks from the parse and the drafts; report what changed."""
    report = MergeReport()
    _merge_article(doc.setdefault("article", CommentedMap()), parsed, report)
    claims = doc.setdefault("claims", CommentedSeq())
    ids = {str(c.get("id")) for c in claims}
    keys = {_key_of(c) for c in claims}
    spans = _spans(claims, parsed.article.text)
    offered: set[str] = set()
    for d in extraction.drafts:
        entry = to_entry(d, parsed.article.text, _draft_id(d, parsed, offered))
        offered.add(entry["id"])
        covered = any(a < d.end and d.start < b for a, b in spans.get(d.proposition, []))
        if covered or _key_of(entry) in keys or entry["id"] in ids:
            continue
        claims.append(entry)
        keys.add(_key_of(entry))
        spans.setdefault(d.proposition, []).append((d.start, d.end))
        report.added.append(entry["id"])
    report.kept = len(claims) - len(report.added)
    fresh = {_key_of(to_entry(d, parsed.article.text, "x")) for d in extraction.drafts}
    report.stale = [
        str(c["id"])
        for c in claims
        if c.get("status") == "draft" and c.get("evidence_code") == AUTOMATIC
        and str(c["id"]) not in offered and _key_of(c) not in fresh
    ]  # fmt: skip
    _merge_unmapped(doc, extraction.unmapped, parsed.article.text, report)
    return report


def _spans(claims: CommentedSeq, text: str) -> dict[tuple[str, str, str, bool], list[Any]]:
    """Where each proposition of the file is stated: a draft overlapping one is not new."""
    out: dict[tuple[str, str, str, bool], list[Any]] = {}
    for c in claims:
        s, p, o, negated, _ = _key_of(c)
        found = find_all(text, str(c.get("quote", "")))
        if "start" in c:
            found = [f for f in found if f[0] == c["start"]]
        out.setdefault((s, p, o, negated), []).extend(found)
    return out


def _merge_article(a: CommentedMap, parsed: ParsedArticle, report: MergeReport) -> None:
    art = parsed.article
    values: dict[str, Any] = {
        "title": art.title,
        "modified": art.modified.isoformat() if art.modified else None,
        "headline": art.headline,
        "publisher": art.publisher,
        "sections": [{"heading": s.heading} for s in art.sections] or None,
    }
    for key, value in values.items():
        if value is None:
            continue
        if key not in a:
            a[key] = _seq(value) if isinstance(value, list) else value
            report.fields_added.append(f"article.{key}")
        elif _plain(a[key]) != value and not (key == "headline" and a[key] == parsed.subtitle):
            # a file that took the H2 line above the answer as its headline is not in conflict
            report.conflicts.append(
                f"article.{key}: kept the file's value; the text says {value!r}"
            )
    refs = a.setdefault("references", CommentedSeq())
    have = {int(r["number"]): r for r in refs}
    for r in art.references:
        entry = {"number": r.number, "type": r.type, "title": r.title}
        entry.update({k: v for k, v in (("source", r.source), ("year", r.year)) if v is not None})
        if r.identifiers:
            entry["identifiers"] = list(r.identifiers)
        if r.number not in have:
            refs.append(CommentedMap(entry))
            report.references_added.append(r.number)
        elif {k: _plain(v) for k, v in have[r.number].items() if k in entry} != entry:
            report.conflicts.append(f"reference {r.number}: kept the file's entry")


def _merge_unmapped(
    doc: CommentedMap, unmapped: list[Unmapped], text: str, report: MergeReport
) -> None:
    if not unmapped and "unmapped" not in doc:
        return
    items = doc.setdefault("unmapped", CommentedSeq())
    have = {_norm(str(u.get("quote", ""))) for u in items}
    for u in unmapped:
        if _norm(u.quote) in have:
            continue
        entry = CommentedMap(quote=u.quote)
        if len(find_all(text, u.quote)) > 1:
            entry["start"] = u.start
        entry["citations"] = _flow(list(u.citations))
        if u.reason:
            entry["reason"] = u.reason
        if u.mentions:
            entry["mentions"] = [
                CommentedMap(text=text, candidates=_flow(list(c))) for text, c in u.mentions
            ]
        items.append(entry)
        have.add(_norm(u.quote))
        report.unmapped_added += 1


def to_entry(d: Draft, text: str, handle: str) -> CommentedMap:
    """A draft as a claim-file entry (schema order), with ``start`` only if the quote repeats."""
    e = CommentedMap(id=handle, subject=d.subject, predicate=d.predicate, object=d.object)
    e["negated"] = d.negated
    if d.modality != "asserted":
        e["modality"] = d.modality
    for k, v in d.qualifiers().items():
        e[k] = _number(v) if isinstance(v, Decimal) else v
    e["quote"] = d.quote
    if len(find_all(text, d.quote)) > 1:
        e["start"] = d.start
    e["citations"] = _flow(list(d.citations))
    e["evidence_code"] = AUTOMATIC
    e["status"] = "draft"
    e["rule"] = d.rule
    e["confidence"] = d.confidence
    if d.trigger:
        e["trigger"] = d.trigger
    return e


def _draft_id(d: Draft, parsed: ParsedArticle, taken: set[str]) -> str:
    base = _base_id(d, parsed)
    handle, n = base, 2
    while handle in taken:
        handle, n = f"{base}-{n}", n + 1
    return handle


def _base_id(d: Draft, parsed: ParsedArticle) -> str:
    """A stable handle: where the quote is, the predicate, polarity and the object."""
    where, section = "headline", None
    for s in parsed.article.sections:  # the last section that starts before the quote
        if s.start is not None and s.start <= d.start:
            section = s
    if section is not None:  # slugged once (per section, the drafts of a long page took seconds)
        where = _slug(section.heading, 2)
    if where == "headline" and parsed.headline_start is not None:
        end = parsed.headline_start + len(parsed.article.headline or "")
        where = "headline" if d.start < end else "summary"
    pred = _PREDICATE_WORDS.get(d.predicate) or _slug(d.predicate.split(":")[-1], 3)
    obj = _slug(d.label or d.object, 4)
    return f"draft-{where}-{'not-' if d.negated else ''}{pred}-{obj}"


def _slug(text: str, words: int) -> str:
    parts = re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower()
    return "-".join(re.findall(r"[a-z0-9]+", parts)[:words]) or "x"


def _key_of(entry: Any) -> tuple[str, str, str, bool, str]:
    fields = (entry.get("subject"), entry.get("predicate"), entry.get("object"))
    s, p, o = (str(f) for f in fields)
    return (s, p, o, bool(entry.get("negated")), _norm(str(entry.get("quote", ""))))


def _norm(text: str) -> str:
    return " ".join(text.split()).lower()


def _number(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(v)


def _flow(items: list[Any]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _seq(items: list[dict[str, Any]]) -> CommentedSeq:
    return CommentedSeq([CommentedMap(i) for i in items])


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if hasattr(node, "isoformat"):
        return node.isoformat()
    return node
