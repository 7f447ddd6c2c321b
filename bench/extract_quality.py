"""Precision and recall of the draft extractor against the curated seed claims.

Run: ``.venv/bin/python bench/extract_quality.py [ROOT]``. Three levels, from loose to strict:

- proposition: distinct (subject, predicate, object, negated) — did the extractor find the fact?
- qualified: distinct propositions with modality and every qualifier (role, contexts, count, ...)
- evidence: one curated entry per (proposition, place): a draft matches when its proposition is
  the entry's and its quote overlaps the entry's quote in the text.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from medkg.articles.extract import QUALIFIERS, Draft, extract
from medkg.articles.parse import parse_article
from medkg.curation.quotes import find_all
from medkg.ingest import load_lexicon

SEED = "als-demyelinating-or-axonal"


def curated_entries(root: Path) -> list[dict[str, Any]]:
    doc = YAML(typ="safe").load((root / "data" / "claims" / f"{SEED}.yaml").read_text("utf-8"))
    return [c for c in doc["claims"] if c.get("status", "approved") != "deprecated"]


def proposition(c: dict[str, Any] | Draft) -> tuple[Any, ...]:
    get = c.get if isinstance(c, dict) else lambda k, d=None: getattr(c, k, d)
    return (get("subject"), get("predicate"), get("object"), bool(get("negated")))


def qualified(c: dict[str, Any] | Draft) -> tuple[Any, ...]:
    get = c.get if isinstance(c, dict) else lambda k, d=None: getattr(c, k, d)
    quals = tuple(str(get(k)) if get(k) is not None else None for k in QUALIFIERS)
    return (*proposition(c), get("modality", "asserted") or "asserted", *quals)


def prf(found: int, predicted: int, expected: int) -> tuple[float, float, float]:
    p = found / predicted if predicted else 0.0
    r = found / expected if expected else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def span_of(text: str, entry: dict[str, Any]) -> tuple[int, int]:
    spots = find_all(text, entry["quote"])
    if "start" in entry:
        spots = [s for s in spots if s[0] == entry["start"]] or spots
    return spots[0] if spots else (-1, -1)


def measure(root: Path) -> list[tuple[str, int, int, int]]:
    """(level, matched, drafts, curated) for each level."""
    text = (root / "data" / "articles" / f"{SEED}.txt").read_text("utf-8")
    drafts = extract(parse_article(text, SEED), load_lexicon(root)).drafts
    curated = curated_entries(root)
    rows = []
    for name, key in (("proposition", proposition), ("qualified", qualified)):
        d, c = {key(x) for x in drafts}, {key(x) for x in curated}
        rows.append((name, len(d & c), len(d), len(c)))
    spans = [(proposition(c), span_of(text, c)) for c in curated]

    def overlaps(d: Draft, prop: tuple[Any, ...], span: tuple[int, int]) -> bool:
        return proposition(d) == prop and d.start < span[1] and span[0] < d.end

    good_drafts = sum(any(overlaps(d, p, s) for p, s in spans) for d in drafts)
    found_entries = sum(any(overlaps(d, p, s) for d in drafts) for p, s in spans)
    rows.append(("evidence (P)", good_drafts, len(drafts), len(curated)))
    rows.append(("evidence (R)", found_entries, len(drafts), len(curated)))
    return rows


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    print(f"extractor vs curated claims of {SEED}")
    print(f"{'level':<14} {'matched':>7} {'drafts':>6} {'curated':>7} {'P':>6} {'R':>6} {'F1':>6}")
    for level, matched, drafts, curated in measure(root):
        if level == "evidence (P)":
            p, _, _ = prf(matched, drafts, curated)
            print(f"{level:<14} {matched:>7} {drafts:>6} {curated:>7} {p:>6.2f} {'':>6} {'':>6}")
        elif level == "evidence (R)":
            _, r, _ = prf(matched, drafts, curated)
            print(f"{level:<14} {matched:>7} {drafts:>6} {curated:>7} {'':>6} {r:>6.2f} {'':>6}")
        else:
            p, r, f = prf(matched, drafts, curated)
            print(
                f"{level:<14} {matched:>7} {drafts:>6} {curated:>7} {p:>6.2f} {r:>6.2f} {f:>6.2f}"
            )


if __name__ == "__main__":
    main()
