"""Precision and recall of the draft extractor against the curated seed claims and gold files.

Run: ``.venv/bin/python bench/extract_quality.py [ROOT]``. First the seed, three levels, from
loose to strict:

- proposition: distinct (subject, predicate, object, negated) — did the extractor find the fact?
- qualified: distinct propositions with modality and every qualifier (role, contexts, count, ...)
- evidence: one curated entry per (proposition, place): a draft matches when its proposition is
  the entry's and its quote overlaps the entry's quote in the text.

Then proposition-level precision and recall (subject, predicate, object, polarity) per article
and per rule, over the seed (gold: its curated claims) and every fixture article with a gold file
(``tests/fixtures/articles/NAME.gold.yaml``). A *polarity error* is a draft whose subject,
predicate and object are gold with the other polarity.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from medkg.articles.extract import QUALIFIERS, Draft, extract
from medkg.articles.lexicon import Lexicon
from medkg.articles.parse import parse_article
from medkg.curation.quotes import find_all
from medkg.ingest import load_lexicon

SEED = "als-demyelinating-or-axonal"
FIXTURES = Path("tests") / "fixtures" / "articles"
Prop = tuple[str, str, str, bool]


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


def measure(root: Path, lexicon: Lexicon | None = None) -> list[tuple[str, int, int, int]]:
    """(level, matched, drafts, curated) for each level."""
    text = (root / "data" / "articles" / f"{SEED}.txt").read_text("utf-8")
    drafts = extract(parse_article(text, SEED), lexicon or load_lexicon(root)).drafts
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


def gold_articles(root: Path) -> list[tuple[str, str, set[Prop]]]:
    """(name, text, gold propositions): the seed and every fixture with a gold file."""
    seed = (root / "data" / "articles" / f"{SEED}.txt").read_text("utf-8")
    out = [(SEED, seed, {proposition(c) for c in curated_entries(root)})]
    for gold in sorted((root / FIXTURES).glob("*.gold.yaml")):
        doc = YAML(typ="safe").load(gold.read_text("utf-8"))
        props = {(str(s), str(p), str(o), bool(n)) for s, p, o, n in doc["propositions"] or []}
        name = gold.name.removesuffix(".gold.yaml")
        out.append((name, (gold.parent / f"{name}.txt").read_text("utf-8"), props))
    return out


def score(drafted: set[Any], gold: set[Any]) -> tuple[int, int, int, int]:
    """(matched, drafted, gold, polarity errors) at the proposition level (the last item of a
    proposition is its polarity)."""
    flipped = {(*g[:-1], not g[-1]) for g in gold}
    return len(drafted & gold), len(drafted), len(gold), len(drafted & flipped)


def by_article_and_rule(
    root: Path, lexicon: Lexicon
) -> tuple[dict[str, tuple[int, int, int, int]], dict[str, tuple[int, int, int, int]]]:
    """Proposition scores per article, and per rule (a rule's recall: of the gold it drafted)."""
    articles, rules = {}, {}
    per_rule: dict[str, tuple[set[Any], set[Any]]] = {}
    for name, text, gold in gold_articles(root):
        drafts = extract(parse_article(text, name), lexicon).drafts
        articles[name] = score({proposition(d) for d in drafts}, gold)
        for d in drafts:
            rule = d.rule.split(" ")[0] if d.rule.startswith("cue") else d.rule
            mine, want = per_rule.setdefault(rule, (set(), set()))
            mine.add((name, *proposition(d)))
            want.update((name, *g) for g in gold)
    for rule, (mine, want) in per_rule.items():
        rules[rule] = score(mine, want)
    return articles, rules


def print_table(title: str, rows: dict[str, tuple[int, int, int, int]], total: bool) -> None:
    print(f"\n{title}")
    print(f"{'':<34} {'matched':>7} {'drafted':>7} {'gold':>5} {'P':>6} {'R':>6} {'polarity':>8}")
    sums = [0, 0, 0, 0]
    for name, (m, d, g, flips) in rows.items():
        p, r, _ = prf(m, d, g)
        rec = f"{r:>6.2f}" if total else f"{'':>6}"
        print(f"{name[:34]:<34} {m:>7} {d:>7} {g if total else '':>5} {p:>6.2f} {rec} {flips:>8}")
        sums = [a + b for a, b in zip(sums, (m, d, g, flips), strict=True)]
    if total:
        m, d, g, flips = sums
        p, r, _ = prf(m, d, g)
        print(f"{'all':<34} {m:>7} {d:>7} {g:>5} {p:>6.2f} {r:>6.2f} {flips:>8}")


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    lexicon = load_lexicon(root)
    print(f"extractor vs curated claims of {SEED}")
    print(f"{'level':<14} {'matched':>7} {'drafts':>6} {'curated':>7} {'P':>6} {'R':>6} {'F1':>6}")
    for level, matched, drafts, curated in measure(root, lexicon):
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
    articles, rules = by_article_and_rule(root, lexicon)
    print_table("propositions per article (subject, predicate, object, polarity)", articles, True)
    held = {k: v for k, v in articles.items() if k != SEED}
    print_table("fixtures only (not the seed the rules were written on)", held, True)
    print_table("propositions per rule (precision; polarity errors)", rules, False)


if __name__ == "__main__":
    main()
