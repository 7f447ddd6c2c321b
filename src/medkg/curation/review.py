"""A curator's decision on one claim-file entry, as a round-trip YAML edit; atomic writes.

Pure file work, no checks of meaning: ``medkg.review`` validates the result before anything is
written. Only the decided entry changes; comments, order and every other entry stay as they
were (ruamel.yaml round trip, keys put back in the schema's order as ``medkg fmt`` would).
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from medkg.curation.canonical import FLOW_LISTS, reorder, yaml_writer
from medkg.curation.load import schema
from medkg.errors import BadRequest, NotFound

DECISIONS = ("accept", "edit", "reject", "restore")
MANUAL = "ECO:0000304"  # manual assertion: a curator read the sentence and vouches for it
#: fields the decision itself sets; a curator edits every other field of the schema
DECIDED = ("id", "status", "evidence_code", "reason", "reviewed_by", "reviewed_on")


class DraftNotFound(NotFound):
    """No entry with that id in that article's claim file."""


@dataclass(frozen=True)
class Decision:
    """What a curator decided about the entry ``handle``; ``changes`` are YAML fields
    (``None`` removes one); ``restore`` puts back ``changes`` as the whole entry (undo)."""

    kind: str
    handle: str
    reviewer: str
    on: date
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


def editable_fields() -> list[str]:
    order = list(schema()["$defs"]["claim"]["properties"])
    return [k for k in order if k not in DECIDED]


def file_version(text: str) -> str:
    """The version a decision must name: the sha256 of the file as stored."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse(text: str) -> Any:
    return YAML(typ="rt").load(text)


def dump(doc: Any) -> str:
    out = io.StringIO()
    yaml_writer().dump(doc, out)
    return out.getvalue()


def find_entry(doc: Any, handle: str, where: str) -> CommentedMap:
    for entry in doc.get("claims") or []:
        if isinstance(entry, CommentedMap) and str(entry.get("id")) == handle:
            return entry
    raise DraftNotFound(
        f"no claim with id {handle!r} in {where}",
        hint="list the drafts with GET /api/curation/drafts",
    )


def apply_decision(entry: CommentedMap, decision: Decision) -> None:
    """Change ``entry`` in place as ``decision`` says; a bad decision is a 400 naming why."""
    if decision.kind not in DECISIONS:
        raise BadRequest(
            f"unknown decision {decision.kind!r}", hint="decide one of " + ", ".join(DECISIONS)
        )
    trailing = detach_trailing(entry)  # the comment block after the entry, on its last key
    try:
        if decision.kind == "restore":
            _restore(entry, decision.changes)
        else:
            _decide(entry, decision)
    finally:
        reattach_trailing(entry, trailing)


def _decide(entry: CommentedMap, decision: Decision) -> None:
    unknown = sorted(set(decision.changes) - set(editable_fields()))
    if unknown:
        raise BadRequest(
            f"these fields cannot be edited: {', '.join(unknown)}",
            hint="edit any of " + ", ".join(editable_fields()) + "; the decision sets the rest",
        )
    if decision.kind == "edit" and not decision.changes:
        raise BadRequest("an edit without changes", hint='send the changed fields in "claim"')
    changes = dict(decision.changes)
    if "quote" in changes and "start" not in changes:
        changes["start"] = None  # the old offset belongs to the old quote
    for key, value in changes.items():
        set_field(entry, key, value)
    if decision.kind == "reject":
        if not (decision.reason or "").strip():
            raise BadRequest("a rejection needs a reason", hint='send "reason": "why it is wrong"')
        entry["status"] = "deprecated"
        entry["reason"] = decision.reason.strip()  # type: ignore[union-attr]
    else:
        entry["status"] = "approved"
        entry["evidence_code"] = MANUAL
        entry.pop("reason", None)
    entry["reviewed_by"] = decision.reviewer
    entry["reviewed_on"] = decision.on.isoformat()
    reorder(entry, list(schema()["$defs"]["claim"]["properties"]))


def detach_trailing(entry: CommentedMap) -> Any:
    """Take the comment that follows the entry (ruamel hangs it on the last key)."""
    slot = entry.ca.items.get(list(entry)[-1]) if entry else None
    if slot and len(slot) > 2 and slot[2] is not None:
        token, slot[2] = slot[2], None
        return token
    return None


def reattach_trailing(entry: CommentedMap, token: Any) -> None:
    """Hang the comment that followed the entry on its new last key."""
    if token is not None and entry:
        slot = entry.ca.items.setdefault(list(entry)[-1], [None, None, None, None])
        slot[2] = token


def set_field(entry: CommentedMap, key: str, value: Any) -> None:
    if value is None:
        entry.pop(key, None)
    elif key in FLOW_LISTS or isinstance(value, list):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        entry[key] = seq
    else:
        entry[key] = value


def _restore(entry: CommentedMap, old: dict[str, Any]) -> None:
    """Put an entry back as it was before a decision (undo), keeping its place and comments."""
    if str(old.get("id")) != str(entry.get("id")):
        raise BadRequest(
            "a restore must keep the entry's id",
            hint='send the entry as GET returned it before the decision, as "claim"',
        )
    for key in [k for k in entry if k not in old]:
        del entry[key]
    for key, value in old.items():
        set_field(entry, key, value)
    reorder(entry, list(schema()["$defs"]["claim"]["properties"]))


def plain(node: Any) -> Any:
    """Round-trip YAML -> JSON values."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, date):
        return node.isoformat()
    return node


def changed_entries(old_text: str, new_text: str) -> list[str]:
    """Which entries differ between two versions of a claim file, in words."""
    old, new = parse(old_text) or {}, parse(new_text) or {}
    before = {str(c.get("id")): plain(c) for c in old.get("claims") or []}
    after = {str(c.get("id")): plain(c) for c in new.get("claims") or []}
    out = [f"claim {h!r} added" for h in after if h not in before]
    out += [f"claim {h!r} removed" for h in before if h not in after]
    for h in after.keys() & before.keys():
        fields = sorted(
            k for k in before[h].keys() | after[h].keys() if before[h].get(k) != after[h].get(k)
        )
        if fields:
            out.append(f"claim {h!r} changed: {', '.join(fields)}")
    if plain(old.get("article")) != plain(new.get("article")):
        out.append("the article's metadata or references changed")
    return sorted(out)


def write_atomically(path: Path, text: str) -> None:
    """Write a temporary file beside ``path``, fsync it, rename it over ``path``, fsync the
    folder: a reader sees the old file or the new one, never half of one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
