"""Per-entity summaries precomputed at build: what the first page of an entity reads instead of
scanning the entity's claims.

For each entity, the summary holds the claims about it (as subject, object or disease context,
the anchor of the named query ``claims-about-entity``), their position in the entity page's
order (group, most evidence first, then direction, predicate, the other term and the claim),
and tallies of those claims by group, predicate, role and source. It is a SQLite file inside
the store's folder (``medkg-side-summaries.sqlite``), written by every build before the store
it describes is swapped in (or, for a build in place, right after it), and stamped with the
dataset version it was computed from; a write to the store removes it, and a reader whose
store has another version does not use it. Where there is none (a remote or in-memory store),
the same tables are computed for one entity at a time, so both paths give the same page::

    index = open_index(store, settings.base_iri) or entity_index(store, iri)
    index.total(str(iri)), index.page(str(iri), 0, 50), index.tallies(str(iri))
"""

from __future__ import annotations

from medkg.summaries.compute import entity_index, summaries_from_stage, write_summaries
from medkg.summaries.graph import summary_graph
from medkg.summaries.index import (
    FILE_NAME,
    SummaryIndex,
    Tally,
    index_path,
    open_index,
    page_key,
    stored_version,
)

__all__ = [
    "FILE_NAME",
    "SummaryIndex",
    "Tally",
    "entity_index",
    "index_path",
    "open_index",
    "page_key",
    "stored_version",
    "summaries_from_stage",
    "summary_graph",
    "write_summaries",
]
