"""The review queue: every claim-file entry, filtered and paged in a stable order, and one
entry with what a curator needs to judge it (its sentence in the article, its references).

A queue item is addressed as ``<article-id>/<entry-id>`` (the draft key): the claim IRI's key
hashes the proposition, which two drafts of one article can share, and it changes when a
curator corrects the proposition; the entry's id does neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medkg.build import claim_paths
from medkg.curation.load import CurationProblem, load_claim_file, read_yaml
from medkg.curation.quotes import find_all
from medkg.curation.review import file_version, plain
from medkg.errors import BadRequest, NotFound

OPEN = ("draft", "needs-review")
RULE_NOTE = "drafted by rule: "
CONTEXT = 400


@dataclass(frozen=True)
class QueueItem:
    article: str
    path: Path
    position: int  # the entry's index in its file
    line: int
    entry: dict[str, Any]

    @property
    def key(self) -> str:
        return f"{self.article}/{self.entry['id']}"

    @property
    def status(self) -> str:
        return str(self.entry.get("status", "approved"))

    @property
    def rule(self) -> str | None:
        """The extractor rule that drafted the entry (its ``rule`` field; older drafts kept it
        in a note)."""
        if self.entry.get("rule"):
            return str(self.entry["rule"])
        note = str(self.entry.get("note", ""))
        return note[len(RULE_NOTE) :] if note.startswith(RULE_NOTE) else None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "article": self.article,
            "id": self.entry["id"],
            "status": self.status,
            "rule": self.rule,
            "where": f"{self.path}:{self.line}",
            "claim": self.entry,
        }


def iter_items(root: Path) -> list[QueueItem]:
    """Every entry of every claim file, by article id then file order; unreadable files are
    left out (``medkg validate`` names them)."""
    items = []
    for path in claim_paths(root):
        try:
            doc = read_yaml(path)
        except CurationProblem:
            continue
        article = str(((doc or {}).get("article") or {}).get("id", path.stem))
        for i, entry in enumerate((doc or {}).get("claims") or []):
            if isinstance(entry, dict) and "id" in entry:
                line = entry.lc.line + 1 if hasattr(entry, "lc") else 0
                items.append(QueueItem(article, path, i, line, plain(entry)))
    return sorted(items, key=lambda it: (it.article, it.position))


def select(
    items: list[QueueItem],
    article: str | None = None,
    rule: str | None = None,
    statuses: tuple[str, ...] = OPEN,
) -> list[QueueItem]:
    return [
        it
        for it in items
        if (article is None or it.article == article)
        and (rule is None or it.rule == rule)
        and (not statuses or it.status in statuses)
    ]


def page(items: list[QueueItem], after: str | None, limit: int) -> tuple[list[QueueItem], bool]:
    """The items after the one keyed ``after`` (a keyset cursor), and whether more follow."""
    start = 0
    if after:
        keys = [it.key for it in items]
        if after not in keys:
            raise BadRequest(
                f"cursor {after!r} is not in this queue", hint="start again without ?after="
            )
        start = keys.index(after) + 1
    chunk = items[start : start + limit]
    return chunk, start + limit < len(items)


def progress(items: list[QueueItem]) -> dict[str, dict[str, int]]:
    """Per article: entries reviewed in the queue, and open drafts remaining."""
    out: dict[str, dict[str, int]] = {}
    for it in items:
        counts = out.setdefault(it.article, {"reviewed": 0, "remaining": 0})
        if it.status in OPEN:
            counts["remaining"] += 1
        elif it.entry.get("reviewed_by"):
            counts["reviewed"] += 1
    return out


def find_item(root: Path, key: str) -> QueueItem:
    article, _, handle = key.partition("/")
    for it in iter_items(root):
        if it.article == article and it.entry["id"] == handle:
            return it
    raise NotFound(
        f"no claim entry {key!r} in data/claims/",
        hint="keys are <article-id>/<entry-id>; list them with GET /api/curation/drafts",
    )


def detail(root: Path, item: QueueItem) -> dict[str, Any]:
    """The entry with its sentence in context, references, claim key and the file version."""
    text = item.path.read_text(encoding="utf-8")
    doc = read_yaml(item.path)
    art = doc["article"]
    article_text = (root / str(art["text"])).read_text(encoding="utf-8")
    out = item.to_json()
    out["version"] = file_version(text)
    out["file"] = str(item.path.relative_to(root))
    out["article_title"] = art.get("title")
    out["context"] = quote_context(article_text, item.entry)
    refs = {int(r["number"]): plain(r) for r in art.get("references") or []}
    out["references"] = [
        {"number": n, **refs.get(n, {"missing": True})} for n in item.entry.get("citations") or []
    ]
    loaded = load_claim_file(item.path, root)
    out["claim_key"] = next(
        (c.key for c in loaded.claims for e in c.evidence if e.handle == item.entry["id"]), None
    )
    return out


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
