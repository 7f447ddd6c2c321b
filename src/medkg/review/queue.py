"""The review queue: claims with drafts, filtered and paged in a stable order, and one claim with
what a curator needs to judge it (each sentence in its article, its references).

A queue item is a **claim**, addressed by its claim key (the key of its IRI ``medkg:claim/<key>``,
a hash of the proposition). One claim can have several entries ("drafts", each an evidence):
the same proposition drafted from two sentences, or from two articles. Each entry is named
``<article-id>/<entry-id>`` (its *evidence id*), which a decision can use to decide one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medkg.build import claim_paths
from medkg.curation.load import ClaimFile, CurationProblem, read_yaml
from medkg.curation.quotes import find_all
from medkg.curation.review import file_version, plain
from medkg.errors import BadRequest, NotFound
from medkg.model import Reference
from medkg.review.files import claim_file

OPEN = ("draft", "needs-review")
RANK = {"approved": 0, "needs-review": 1, "draft": 2, "deprecated": 3}  # best first
RULE_NOTE = "drafted by rule: "
CONTEXT = 400
#: the fields that say what a claim states (the rest belong to one sentence or its review)
PER_ENTRY = (
    *("id", "quote", "start", "citations", "evidence_code", "status", "reason", "note"),
    *("reviewed_by", "reviewed_on", "rule", "trigger", "confidence"),
)


@dataclass(frozen=True)
class Entry:
    """One claim-file entry: one piece of evidence for the claim ``claim_key``."""

    article: str
    path: Path
    position: int  # the entry's index in its file
    line: int
    fields: dict[str, Any]
    claim_key: str

    @property
    def id(self) -> str:
        return f"{self.article}/{self.fields['id']}"

    @property
    def status(self) -> str:
        return str(self.fields.get("status", "approved"))

    @property
    def confidence(self) -> float | None:
        value = self.fields.get("confidence")
        return float(value) if isinstance(value, int | float) else None

    @property
    def rule(self) -> str | None:
        """The extractor rule that drafted the entry (its ``rule`` field; older drafts kept it
        in a note)."""
        if self.fields.get("rule"):
            return str(self.fields["rule"])
        note = str(self.fields.get("note", ""))
        return note[len(RULE_NOTE) :] if note.startswith(RULE_NOTE) else None

    def to_json(self) -> dict[str, Any]:
        return {
            "evidence": self.id,
            "article": self.article,
            "status": self.status,
            "rule": self.rule,
            "confidence": self.confidence,
            "where": f"{self.path}:{self.line}",
            "claim": self.fields,
        }


@dataclass(frozen=True)
class Claim:
    """A queue item: a claim and every entry that states it, in article and file order."""

    key: str
    entries: tuple[Entry, ...]

    @property
    def status(self) -> str:
        """The best status of its entries, as the claim carries it in the graph."""
        return min((e.status for e in self.entries), key=lambda s: RANK.get(s, 9))

    def open_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.status in OPEN]

    def proposition(self) -> dict[str, Any]:
        first = self.entries[0].fields
        return {k: v for k, v in first.items() if k not in PER_ENTRY}

    def to_json(self) -> dict[str, Any]:
        opened = self.open_entries()
        return {
            "key": self.key,
            "status": self.status,
            "claim": self.proposition(),
            "articles": sorted({e.article for e in self.entries}),
            "open": len(opened),
            "confidence": max((e.confidence or 0.0 for e in opened), default=None),
            "entries": [e.to_json() for e in self.entries],
        }


_cache: dict[Path, tuple[ClaimFile, list[Entry]]] = {}


def file_entries(path: Path, root: Path) -> list[Entry]:
    """The entries of one claim file with their claim keys, made again only when the loaded
    file is (``medkg.review.files`` reads a file again when it or its text changed)."""
    loaded = claim_file(path, root)
    cached = _cache.get(path)
    if cached is not None and cached[0] is loaded:
        return cached[1]
    try:
        doc = read_yaml(path)
    except CurationProblem:
        return []  # medkg validate names what is wrong
    keys = {ev.handle: c.key for c in loaded.claims for ev in c.evidence}
    article = str(((doc or {}).get("article") or {}).get("id", path.stem))
    out = []
    for i, item in enumerate((doc or {}).get("claims") or []):
        if isinstance(item, dict) and str(item.get("id")) in keys:
            line = item.lc.line + 1 if hasattr(item, "lc") else 0
            out.append(Entry(article, path, i, line, plain(item), keys[str(item["id"])]))
    _cache[path] = (loaded, out)
    return out


def iter_entries(root: Path) -> list[Entry]:
    """Every entry of every claim file that loads, by article id then file order; an entry
    the loader rejects has no claim key and waits for ``medkg validate`` to be fixed."""
    items = [e for path in claim_paths(root) for e in file_entries(path, root)]
    return sorted(items, key=lambda e: (e.article, e.position))


def group(entries: list[Entry]) -> list[Claim]:
    """Claims in the order of their first entry."""
    by_key: dict[str, list[Entry]] = {}
    for e in entries:
        by_key.setdefault(e.claim_key, []).append(e)
    return [Claim(key, tuple(es)) for key, es in by_key.items()]


@dataclass(frozen=True)
class Filters:
    """Which claims the queue shows: those with an entry matching every filter given."""

    article: str | None = None
    rule: str | None = None
    statuses: tuple[str, ...] = OPEN  # empty: any status
    min_confidence: float | None = None
    max_confidence: float | None = None

    def matches(self, e: Entry) -> bool:
        c = e.confidence
        return (
            (self.article is None or e.article == self.article)
            and (self.rule is None or e.rule == self.rule)
            and (not self.statuses or e.status in self.statuses)
            and (self.min_confidence is None or (c is not None and c >= self.min_confidence))
            and (self.max_confidence is None or (c is not None and c <= self.max_confidence))
        )


def select(claims: list[Claim], filters: Filters) -> list[Claim]:
    return [c for c in claims if any(filters.matches(e) for e in c.entries)]


def page(claims: list[Claim], after: str | None, limit: int) -> tuple[list[Claim], bool]:
    """The claims after the one keyed ``after`` (a keyset cursor), and whether more follow."""
    start = 0
    if after:
        keys = [c.key for c in claims]
        if after not in keys:
            raise BadRequest(
                f"cursor {after!r} is not in this queue", hint="start again without ?after="
            )
        start = keys.index(after) + 1
    chunk = claims[start : start + limit]
    return chunk, start + limit < len(claims)


def progress(entries: list[Entry]) -> dict[str, dict[str, int]]:
    """Per article: entries reviewed in the queue, and open drafts remaining."""
    out: dict[str, dict[str, int]] = {}
    for e in entries:
        counts = out.setdefault(e.article, {"reviewed": 0, "remaining": 0})
        if e.status in OPEN:
            counts["remaining"] += 1
        elif e.fields.get("reviewed_by"):
            counts["reviewed"] += 1
    return out


def find_claim(root: Path, key: str) -> Claim:
    for claim in group(iter_entries(root)):
        if claim.key == key:
            return claim
    raise NotFound(
        f"no claim with key {key!r} in data/claims/",
        hint="claim keys are listed by GET /api/curation/drafts (each item's key)",
    )


def version(claim: Claim) -> str:
    """What a decision on ``claim`` must name: the sha256 of each file holding its entries,
    comma-separated in the order of ``files`` (one file: just its sha256)."""
    return ",".join(file_version(p.read_text(encoding="utf-8")) for p in files(claim))


def files(claim: Claim) -> list[Path]:
    return sorted({e.path for e in claim.entries})


def detail(root: Path, claim: Claim) -> dict[str, Any]:
    """The claim with, for each entry, its sentence in context and the references it cites."""
    out = claim.to_json()
    out["version"] = version(claim)
    out["files"] = [str(p.relative_to(root)) for p in files(claim)]
    for e, body in zip(claim.entries, out["entries"], strict=True):
        article = claim_file(e.path, root).article
        if article is None:  # changed since it was listed, and no longer loads
            continue
        body["article_title"] = article.title
        body["context"] = quote_context(article.text, e.fields)
        refs = {r.number: r for r in article.references}
        body["references"] = [reference(n, refs.get(n)) for n in e.fields.get("citations") or []]
    return out


def reference(number: int, r: Reference | None) -> dict[str, Any]:
    if r is None:
        return {"number": number, "missing": True}
    out = {"number": number, "type": r.type, "title": r.title, "source": r.source, "year": r.year}
    return out | ({"identifiers": list(r.identifiers)} if r.identifiers else {})


def quote_context(text: str, entry: dict[str, Any]) -> dict[str, Any] | None:
    """Where the quote is: its offsets, its paragraph, and text around it."""
    spots = find_all(text, str(entry.get("quote", "")))
    if "start" in entry:
        spots = [s for s in spots if s[0] == entry["start"]]
    if not spots:
        return None
    start, end = spots[0]
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    lo, hi = max(0, para_start - CONTEXT), min(len(text), para_end + CONTEXT)
    return {
        "start": start,
        "end": end,
        "paragraph_start": para_start,
        "paragraph": text[para_start:para_end],
        "before": text[lo:para_start],
        "after": text[para_end:hi],
    }
