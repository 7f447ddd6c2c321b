"""The summary at the top of an entity page, read from the document's ``claimSummary`` (every
claim about the entity, counted at build) rather than from the claims of the page shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medkg.vocab import MEDKG
from medkg.web.claim_view import Reader, Term, as_list

RDF_PREDICATE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"
#: the document's claim groups (``medkg:claimGroup``) as the page's group names
GROUP_NAMES = {
    str(MEDKG.AffirmedClaims): "affirmed",
    str(MEDKG.NegatedClaims): "negated",
    str(MEDKG.Hypotheses): "hypotheses",
}


@dataclass
class Summary:
    """Counts of every claim about the entity: in all, by group, by predicate and group, by
    role and by source (the most frequent)."""

    total: int = 0
    groups: dict[str, int] = field(default_factory=dict)
    predicates: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    roles: list[tuple[Term | None, int]] = field(default_factory=list)
    sources: list[tuple[Term | None, int]] = field(default_factory=list)


def read_summary(data: dict[str, Any], reader: Reader, groups: list[str]) -> Summary | None:
    """The summary of an entity document, or None if it has none."""
    node = data.get("claimSummary")
    if not isinstance(node, dict):
        return None
    out = Summary(total=int(node.get("claimCount", 0)), groups=dict.fromkeys(groups, 0))
    by_predicate: dict[str, dict[str, int]] = {}
    for tally in as_list(node.get("tally")):
        if not isinstance(tally, dict):
            continue
        count = int(tally.get("claimCount", 0))
        group = GROUP_NAMES.get(_iri(reader, tally.get("claimGroup")) or "")
        dimension = _iri(reader, tally.get("dimension"))
        value = reader.term(tally.get("tallyOf"))
        if dimension is None and group:
            out.groups[group] = count
        elif dimension == RDF_PREDICATE and group and value:
            row = by_predicate.setdefault(value.label, dict.fromkeys(groups, 0))
            row[group] += count
        elif dimension == str(MEDKG.role):
            out.roles.append((value, count))
        elif dimension == str(MEDKG.source):
            out.sources.append((value, count))
    out.predicates = sorted(by_predicate.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    out.roles.sort(key=lambda tc: (-tc[1], tc[0].label if tc[0] else ""))
    out.sources.sort(key=lambda tc: (-tc[1], tc[0].label if tc[0] else ""))
    return out


def _iri(reader: Reader, value: Any) -> str | None:
    if not value:
        return None
    return reader.expand(str(value["@id"] if isinstance(value, dict) else value))
