"""Apply a curator's decision to the entries of one claim: versions checked, validated (see
``medkg.review.check``), new terms declared from the ontology index, written atomically, logged.
"""

from __future__ import annotations

import fcntl
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from medkg.config import Settings
from medkg.curation import reviewlog
from medkg.curation.review import (
    Decision,
    apply_decision,
    changed_entries,
    dump,
    file_version,
    find_entry,
    parse,
    plain,
    write_atomically,
)
from medkg.errors import MedkgError, NotFound
from medkg.report import ERROR, Problem
from medkg.review.check import check_candidates
from medkg.review.terms import new_terms
from medkg.validate import Inputs

_lock = threading.Lock()
LOCK = ".review.lock"
PAST = {"accept": "accepted", "edit": "edited", "reject": "rejected", "restore": "restored"}
#: recent versions of claim files (sha256 -> text), so a 409 can say what changed since
_seen: OrderedDict[str, str] = OrderedDict()


class VersionConflict(MedkgError):
    """The file changed since the client read it (another curator, or a hand edit)."""

    status = 409
    exit_code = 1

    def __init__(self, message: str, *, hint: str, current: str, changed: list[str]):
        super().__init__(message, hint=hint)
        self.current, self.changed = current, changed

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "current_version": self.current, "changed": self.changed}


class DecisionRefused(MedkgError):
    """The decision would leave the file failing ``medkg validate``; nothing was written."""

    status = 422
    exit_code = 1

    def __init__(self, message: str, *, hint: str, problems: list[Problem]):
        super().__init__(message, hint=hint)
        self.problems = problems

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "problems": [p.to_dict() for p in self.problems]}


@dataclass
class Outcome:
    entries: list[dict[str, Any]]  # the decided entries as stored
    version: str  # the new version of the files, in the order the decision named them
    warnings: list[Problem] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # CURIEs declared in ontology/terms.ttl
    inputs: Inputs | None = None  # the ontology and claim files as written: what a build reads


def remember(text: str) -> str:
    """Note a version a client was shown; return it."""
    version = file_version(text)
    _seen[version] = text
    _seen.move_to_end(version)
    while len(_seen) > 64:
        _seen.popitem(last=False)
    return version


def decide(
    settings: Settings,
    targets: list[tuple[Path, Decision]],
    expected: dict[Path, str],
    claim_key: str,
) -> Outcome:
    """Check each file's version in ``expected``, apply each decision to its entry, validate
    the result, declare new terms, write, log. Nothing is written unless everything passes."""
    root = settings.root_path
    with _lock, file_lock(root / "data" / "claims"):
        texts = read_checked(root, expected)
        docs = {path: parse(texts[path]) for path, _ in targets}
        touched, after = [], []
        for path, decision in targets:
            entry = find_entry(docs[path], decision.handle, str(path.relative_to(root)))
            touched.append(plain(entry))
            apply_decision(entry, decision)
            after.append(plain(entry))
        new_texts = {path: dump(doc) for path, doc in docs.items()}
        terms = new_terms(root, after)
        problems, inputs = check_candidates(
            settings, new_texts, touched + after, terms[:2] if terms else None
        )
        errors = [p for p in problems if p.severity == ERROR]
        if errors:
            files = ", ".join(str(p.relative_to(root)) for p in new_texts)
            raise DecisionRefused(
                f"refused: after this decision {files} would fail medkg validate "
                f"({len(errors)} error(s)); nothing was written",
                hint="correct the fields the problems name, then decide again",
                problems=errors,
            )
        if terms:
            write_atomically(terms[0], terms[1])
        for path, text in new_texts.items():
            write_atomically(path, text)
            remember(text)
        log(root, targets, texts, new_texts, claim_key)
    version = ",".join(file_version(new_texts.get(p, texts[p])) for p in expected)
    return Outcome(after, version, problems, terms[2] if terms else [], inputs)


def read_checked(root: Path, expected: dict[Path, str]) -> dict[Path, str]:
    """The files as stored, each at the version the client named (else a 409 saying what
    changed since)."""
    texts, changed, stale = {}, [], False
    for path, version in expected.items():
        rel = str(path.relative_to(root))
        if not path.exists():
            raise NotFound(f"no claim file {rel}", hint="list drafts with GET /api/curation/drafts")
        texts[path] = path.read_text(encoding="utf-8")
        if file_version(texts[path]) != version:
            stale = True
            changed += what_changed(root, rel, version, texts[path])
    if stale:
        raise conflict([remember(t) for t in texts.values()], changed)
    return texts


def log(
    root: Path,
    targets: list[tuple[Path, Decision]],
    before: dict[Path, str],
    after: dict[Path, str],
    claim_key: str,
) -> None:
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for path, d in targets:
        reviewlog.append(
            root,
            reviewlog.LogRow(
                at,
                d.reviewer,
                str(path.relative_to(root)),
                d.handle,
                d.kind,
                d.reason or "",
                file_version(before[path]),
                file_version(after[path]),
                reviewlog.changes_json(d.changes),
                claim_key,
            ),
        )


@contextmanager
def file_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder/.review.lock`` exclusively: two server processes on one project decide
    one at a time (the version check then catches the later one)."""
    with (folder / LOCK).open("a") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def what_changed(root: Path, rel: str, version: str, text: str) -> list[str]:
    """The entries that changed in ``rel`` since ``version``, and the decisions logged since."""
    changed = changed_entries(_seen[version], text) if version in _seen else []
    decided = [
        f"{r.reviewer} {PAST.get(r.decision, r.decision)} {r.claim!r} at {r.at}"
        for r in reviewlog.since(reviewlog.read(root), rel, version)
    ]
    return [f"{rel}: {c}" for c in changed + decided] or [f"{rel}: edited outside the review queue"]


def conflict(current: list[str], changed: list[str]) -> VersionConflict:
    return VersionConflict(
        "the claim's files changed since that version: " + "; ".join(changed),
        hint="reload the draft (GET it again) and decide on the current version",
        current=",".join(current),
        changed=changed,
    )
