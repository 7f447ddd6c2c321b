"""The review log, ``data/review-log.csv``: who decided what about which claim, and when.

One row per decision, appended (never rewritten), in git beside the claim files it explains;
the versions before and after let a 409 say which decisions a stale client missed.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

LOG = Path("data") / "review-log.csv"
_lock = threading.Lock()


@dataclass(frozen=True)
class LogRow:
    at: str  # UTC, ISO 8601
    reviewer: str
    file: str  # relative to the project root
    claim: str  # the entry's id in its file
    decision: str
    reason: str
    version_before: str
    version_after: str
    changes: str  # JSON of the fields the curator changed
    claim_key: str = ""  # the claim the entry stated when it was decided


COLUMNS = [f.name for f in fields(LogRow)]


def log_path(root: Path) -> Path:
    return root / LOG


def append(root: Path, row: LogRow) -> None:
    path = log_path(root)
    with _lock:
        new = not path.exists() or path.stat().st_size == 0
        with path.open("a", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            if new:
                writer.writeheader()
            writer.writerow(asdict(row))


def read(root: Path) -> list[LogRow]:
    path = log_path(root)
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return [LogRow(**{c: r.get(c) or "" for c in COLUMNS}) for r in csv.DictReader(f)]


def to_csv(rows: list[LogRow]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    return out.getvalue()


def since(rows: list[LogRow], file: str, version: str) -> list[LogRow]:
    """The decisions on ``file`` made after it was at ``version`` (empty if the log does not
    know that version: the file was edited by hand)."""
    mine = [r for r in rows if r.file == file]
    starts = [i for i, r in enumerate(mine) if r.version_before == version]
    return mine[starts[0] :] if starts else []


def changes_json(changes: dict[str, Any]) -> str:
    return json.dumps(changes, sort_keys=True, ensure_ascii=False) if changes else ""
