"""Per-field parse accuracy over the seed and the fixture articles that have a gold file.

Run: ``.venv/bin/python bench/parse_quality.py [GOLD_DIR ...]`` (default:
``tests/fixtures/articles/gold``). For each article: title, date, subtitle and headline right or
wrong; headings found; cited statements found with exactly the printed numbers; uncited
statements found; statements the parser made that the gold file lacks. Then the totals, against
the targets of issue 17 (>= 97% of cited statements, headline in >= 90% of articles).
"""

from __future__ import annotations

import sys
from pathlib import Path

from medkg.articles.quality import FIELDS, ArticleScore, parse_gold, score

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "tests" / "fixtures" / "articles" / "gold"


def pct(found: int, total: int) -> str:
    return f"{100 * found / total:5.1f}%" if total else "    -"


def row(s: ArticleScore) -> str:
    marks = " ".join(
        ("ok " if s.fields.get(k) else "NO ") if k in s.fields else " - " for k in FIELDS
    )
    return (
        f"{s.name[:34]:<34} {marks}  {s.headings[0]:>2}/{s.headings[1]:<2}"
        f"  {s.cited[0]:>3}/{s.cited[1]:<3}  {s.uncited[0]:>2}/{s.uncited[1]:<2}  {len(s.spurious):>3}"
    )


def main(folders: list[Path]) -> int:
    scores = []
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            parsed, gold = parse_gold(path, ROOT)
            scores.append(score(path.stem, parsed, gold))
    print(f"{'article':<34} title date sub  head  heads  cited    uncit  extra")
    for s in scores:
        print(row(s))
        for line in s.wrong_numbers + s.missed:
            print(f"    {line[:110]}")
    print()
    for k in FIELDS:
        rated = [s.fields[k] for s in scores if k in s.fields]
        print(f"{k:<26} {pct(sum(rated), len(rated))}  ({sum(rated)}/{len(rated)} articles)")
    for label, attr in (
        ("headings", "headings"),
        ("cited statements (exact)", "cited"),
        ("uncited statements", "uncited"),
    ):
        found = sum(getattr(s, attr)[0] for s in scores)
        total = sum(getattr(s, attr)[1] for s in scores)
        print(f"{label:<26} {pct(found, total)}  ({found}/{total})")
    print(f"{'statements not in gold':<26} {sum(len(s.spurious) for s in scores)}")
    cited = sum(s.cited[0] for s in scores) / max(1, sum(s.cited[1] for s in scores))
    headline = sum(s.fields.get("headline", False) for s in scores) / max(1, len(scores))
    ok = cited >= 0.97 and headline >= 0.90
    print(f"targets (cited >= 97%, headline >= 90%): {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main([Path(a) for a in sys.argv[1:]] or [DEFAULT]))
