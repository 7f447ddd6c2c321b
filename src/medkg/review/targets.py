"""Which entries of a claim a decision is about, and the file versions it must name.

A decision on a claim applies to **every open draft** of it (``draft`` or ``needs-review``):
the same proposition drafted from two sentences is accepted or rejected once, as a curator
reading both sentences expects. ``"evidence": "<article>/<entry-id>"`` (or a list) decides only
the entries named, including a reviewed one; an edit of a sentence's own fields (quote, start,
citations) must name its entry when the claim has several open drafts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from medkg.errors import BadRequest
from medkg.review.decide import VersionConflict
from medkg.review.queue import Claim, Entry, file_entries, files, version

#: fields of one sentence: an edit of them must name the one evidence it is about
SENTENCE = ("quote", "start", "citations")


def chosen_entries(claim: Claim, evidence: Any, changes: dict[str, Any]) -> list[Entry]:
    """The entries a decision is about: the one ``evidence`` names, else every open draft."""
    if evidence is not None:
        ids = [evidence] if isinstance(evidence, str) else evidence
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise BadRequest('"evidence" is an evidence id or a list of them', hint=_ids(claim))
        chosen = [e for e in claim.entries if e.id in ids]
        unknown = sorted(set(ids) - {e.id for e in chosen})
        if unknown:
            raise BadRequest(
                f"{', '.join(unknown)} is not evidence of claim {claim.key}", hint=_ids(claim)
            )
        return chosen
    chosen = claim.open_entries()
    if not chosen:
        raise BadRequest(
            f"claim {claim.key} has no open drafts",
            hint='to decide a reviewed entry again, name it: "evidence": "<article>/<entry-id>"',
        )
    if len(chosen) > 1 and set(changes) & set(SENTENCE):
        raise BadRequest(
            f"quote, start and citations belong to one sentence, and claim {claim.key} has "
            f"{len(chosen)} open drafts",
            hint='name the sentence\'s entry: "evidence": "<article>/<entry-id>"; ' + _ids(claim),
        )
    return chosen


def restored(claim: Claim, entries: Any) -> list[tuple[Entry, dict[str, Any]]]:
    """The entries an undo puts back: ``entries`` maps evidence ids to the entries as GET
    returned them before the decision."""
    if not isinstance(entries, dict) or not entries:
        raise BadRequest(
            'a restore needs "entries": {"<article>/<entry-id>": {the entry as GET returned it}}',
            hint=_ids(claim),
        )
    if not all(isinstance(old, dict) for old in entries.values()):
        raise BadRequest(
            'each of "entries" is an entry, as an object of YAML fields', hint=_ids(claim)
        )
    by_id = {e.id: e for e in claim.entries}
    unknown = sorted(set(entries) - set(by_id))
    if unknown:
        raise BadRequest(
            f"{', '.join(unknown)} is not evidence of claim {claim.key}", hint=_ids(claim)
        )
    return [(by_id[i], dict(old)) for i, old in entries.items()]


def _ids(claim: Claim) -> str:
    return "its evidence: " + ", ".join(e.id for e in claim.entries)


def expected(claim: Claim, given: str) -> dict[Path, str]:
    """Each file of the claim with the version the client names for it."""
    paths = files(claim)
    parts = given.split(",")
    if len(parts) != len(paths):
        current = version(claim)
        raise VersionConflict(
            f"the claim's entries are now in {len(paths)} file(s), not {len(parts)}",
            hint="reload the draft (GET it again) and decide on the current version",
            current=current,
            changed=[str(p) for p in paths],
        )
    return dict(zip(paths, parts, strict=True))


def new_claim_key(root: Path, entry: Entry) -> str:
    """The key of the claim ``entry`` states now (an edit of the proposition changes it)."""
    return next(e.claim_key for e in file_entries(entry.path, root) if e.id == entry.id)
