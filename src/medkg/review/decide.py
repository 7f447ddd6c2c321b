"""Apply a curator's decision to a claim file: version checked, validated, written atomically,
logged.

The checks are those of ``medkg validate`` that a change to one entry can break: the schema,
quotes at their offsets, CURIEs declared in ontology/, contradictions within the article, and
OWL consistency (HermiT) when the entry becomes an approved, affirmed class axiom. The SHACL
shapes are not rerun: they check the encoder's output, which the loader's checks already fix.
"""

from __future__ import annotations

import fcntl
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from medkg.config import Settings
from medkg.consistency import check_owl
from medkg.curation import reviewlog
from medkg.curation.load import load_claim_file
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
from medkg.validate import (
    Inputs,
    check_citations,
    check_contradictions,
    check_curies,
    encode_dataset,
    read_inputs,
)

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
    entry: dict[str, Any]
    version: str
    warnings: list[Problem] = field(default_factory=list)


def remember(text: str) -> str:
    """Note a version a client was shown; return it."""
    version = file_version(text)
    _seen[version] = text
    _seen.move_to_end(version)
    while len(_seen) > 64:
        _seen.popitem(last=False)
    return version


def decide(settings: Settings, path: Path, decision: Decision, version: str) -> Outcome:
    """Check ``version``, apply ``decision`` to the entry, validate, write, log."""
    root = settings.root_path
    rel = str(path.relative_to(root))
    with _lock, file_lock(path.parent):
        if not path.exists():
            raise NotFound(f"no claim file {rel}", hint="list drafts with GET /api/curation/drafts")
        text = path.read_text(encoding="utf-8")
        current = file_version(text)
        if version != current:
            raise conflict(root, rel, version, text)
        doc = parse(text)
        entry = find_entry(doc, decision.handle, rel)
        apply_decision(entry, decision)
        new_text = dump(doc)
        problems = check_candidate(settings, path, new_text, plain(entry))
        errors = [p for p in problems if p.severity == ERROR]
        if errors:
            raise DecisionRefused(
                f"refused: after this decision {rel} would fail medkg validate "
                f"({len(errors)} error(s)); nothing was written",
                hint="correct the fields the problems name, then decide again",
                problems=errors,
            )
        write_atomically(path, new_text)
        new_version = remember(new_text)
        reviewlog.append(
            root,
            reviewlog.LogRow(
                datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                decision.reviewer,
                rel,
                decision.handle,
                decision.kind,
                decision.reason or "",
                current,
                new_version,
                reviewlog.changes_json(decision.changes),
            ),
        )
    return Outcome(plain(entry), new_version, problems)


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


def conflict(root: Path, rel: str, version: str, text: str) -> VersionConflict:
    current = remember(text)
    changed = []
    if version in _seen:
        changed = changed_entries(_seen[version], text)
    decided = [
        f"{r.reviewer} {PAST.get(r.decision, r.decision)} {r.claim!r} at {r.at}"
        for r in reviewlog.since(reviewlog.read(root), rel, version)
    ]
    what = "; ".join(changed + decided) or "edited outside the review queue"
    return VersionConflict(
        f"{rel} changed since version {version[:12]}: {what}",
        hint="reload the draft (GET it again) and decide on the current version",
        current=current,
        changed=changed + decided,
    )


def check_candidate(
    settings: Settings, path: Path, text: str, entry: dict[str, Any]
) -> list[Problem]:
    """What ``medkg validate`` would say about ``path`` if it held ``text``."""
    root = settings.root_path
    inputs = Inputs(settings)
    list(read_inputs(inputs))  # every file as stored; problems elsewhere are not ours
    candidate = path.with_name(f".{path.name}.candidate")
    try:
        candidate.write_text(text, encoding="utf-8")
        loaded = load_claim_file(candidate, root)
    finally:
        candidate.unlink(missing_ok=True)
    loaded.path = path
    inputs.claim_files = [loaded if f.path == path else f for f in inputs.claim_files]
    problems = [
        _moved(Problem(p.check, ERROR, p.message, p.where, p.hint), candidate, path)
        for p in loaded.problems
    ]
    if problems or any(f.problems for f in inputs.claim_files):
        return problems
    problems += [
        _moved(p, candidate, path) for p in [*check_curies(inputs), *check_citations(inputs)]
    ]
    if any(p.severity == ERROR for p in problems):
        return problems
    inputs.built = encode_dataset(settings, inputs.ontology, inputs.claim_files)
    problems += [_moved(p, candidate, path) for p in check_contradictions(inputs)]
    if _is_class_axiom(entry):
        owl = check_owl(inputs.ontology_files, inputs.ontology, inputs.built.claims)
        problems += [_moved(p, candidate, path) for p in owl]
    mine = str(path)
    return [p for p in problems if p.where is None or p.where.path == mine]


def _moved(p: Problem, old: Path, new: Path) -> Problem:
    """The problem as it will read once the candidate is written over ``new``."""
    related = tuple(r.replace(str(old), str(new)) for r in p.related)
    if p.where is not None and p.where.path == str(old):
        return replace(p, where=replace(p.where, path=str(new)), related=related)
    return replace(p, related=related)


def _is_class_axiom(entry: dict[str, Any]) -> bool:
    """An approved, affirmed, asserted subClassOf: the only entries HermiT reads."""
    return (
        entry.get("predicate") == "rdfs:subClassOf"
        and entry.get("status") == "approved"
        and not entry.get("negated")
        and entry.get("modality", "asserted") == "asserted"
    )
