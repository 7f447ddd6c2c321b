"""A decision edits one entry of a claim file's YAML and nothing else: comments (above, inline,
between and after entries) and the other entries survive byte for byte."""

from __future__ import annotations

import difflib
from datetime import date

import pytest

from medkg.curation.review import Decision, apply_decision, dump, find_entry, parse
from medkg.errors import BadRequest

TEXT = """\
# header comment: kept
article:
  id: x
  text: data/articles/x.txt
  title: T
  references: []
claims:
# the first entry: kept
- id: first
  subject: MONDO:1  # inline: kept
  predicate: RO:1
  object: HP:1
  negated: false
  quote: q one
  citations: [1]
  evidence_code: ECO:0007321
  status: draft
  note: 'drafted by rule: is a'
# between entries: kept
- id: last
  subject: MONDO:2
  predicate: RO:2
  object: HP:2
  negated: false
  quote: q two
  citations: [2, 3]
  status: draft
# after the last entry: kept
"""
ON = date(2026, 12, 6)


def decided(kind: str, handle: str, **kw: object) -> str:
    doc = parse(TEXT)
    apply_decision(find_entry(doc, handle, "x.yaml"), Decision(kind, handle, "Ada", ON, **kw))  # type: ignore[arg-type]
    return dump(doc)


def changed(after: str) -> tuple[list[str], list[str]]:
    diff = list(difflib.unified_diff(TEXT.splitlines(), after.splitlines(), n=0, lineterm=""))
    gone = [d[1:] for d in diff if d.startswith("-") and not d.startswith("---")]
    new = [d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")]
    return gone, new


def test_accept_changes_only_status_code_and_review_fields() -> None:
    after = decided("accept", "first")
    gone, new = changed(after)
    assert gone == ["  evidence_code: ECO:0007321", "  status: draft"]
    assert new == [
        "  evidence_code: ECO:0000304",
        "  status: approved",
        "  reviewed_by: Ada",
        "  reviewed_on: '2026-12-06'",
    ]
    assert all(line in after for line in TEXT.splitlines() if "#" in line)


def test_reject_of_the_last_entry_keeps_the_comment_after_it() -> None:
    after = decided("reject", "last", reason="not what the text says")
    assert after.endswith("  reviewed_on: '2026-12-06'\n# after the last entry: kept\n")
    gone, new = changed(after)
    assert gone == ["  status: draft"]
    assert new == [
        "  status: deprecated",
        "  reason: not what the text says",
        "  reviewed_by: Ada",
        "  reviewed_on: '2026-12-06'",
    ]


def test_an_edit_sets_fields_in_schema_order_and_drops_a_stale_start() -> None:
    doc = parse(TEXT.replace("  quote: q one\n", "  quote: q one\n  start: 5\n"))
    entry = find_entry(doc, "first", "x.yaml")
    changes = {"negated": True, "role": "primary", "quote": "q", "citations": [4]}
    apply_decision(entry, Decision("edit", "first", "Ada", ON, changes))
    assert list(entry)[:8] == [
        "id", "subject", "predicate", "object", "negated", "role", "quote", "citations"
    ]  # fmt: skip
    assert "start" not in entry and entry["status"] == "approved"
    assert "citations: [4]" in dump(doc)


@pytest.mark.parametrize(
    ("kind", "changes", "message"),
    [
        ("edit", {"id": "renamed"}, "cannot be edited: id"),
        ("edit", {}, "an edit without changes"),
        ("reject", {}, "a rejection needs a reason"),
        ("restore", {"id": "other"}, "must keep the entry's id"),
    ],
)
def test_bad_decisions_say_what_to_send(
    kind: str, changes: dict[str, object], message: str
) -> None:
    entry = find_entry(parse(TEXT), "first", "x.yaml")
    with pytest.raises(BadRequest, match=message):
        apply_decision(entry, Decision(kind, "first", "Ada", ON, changes))


def test_restore_after_a_decision_gives_back_the_file_byte_for_byte() -> None:
    from medkg.curation.review import plain

    doc = parse(TEXT)
    entry = find_entry(doc, "last", "x.yaml")
    was = plain(entry)
    apply_decision(entry, Decision("reject", "last", "Ada", ON, reason="wrong"))
    apply_decision(entry, Decision("restore", "last", "Ada", ON, was))
    assert dump(doc) == TEXT
