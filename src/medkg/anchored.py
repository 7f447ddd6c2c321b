"""Pages of a named query whose anchor the summary index holds: the anchor's values for the
page are read from the index, not computed by the query.

A query such as ``claims-about-entity`` opens its WHERE group with an *anchor* subquery (the
claims about the entity; see ``paging``). Computing it reads every claim of the entity and
sorts them, 150k of them for ALS at a million claims, to keep the first page's 52. The summary
index (``medkg.summaries``) holds the same relation, ordered: when the query's anchor is the
one the index was computed as, the page's claims are read there and the anchor is replaced by
a ``VALUES`` block of them. The rest of the query, its order, cut and cursor are unchanged, so
the page has the same rows as the query's own (a test compares them).

A first page materialized at build (``medkg.firstpages``) is found by the page's text and
bindings: when the store's index holds a result for exactly that text, ``page_of`` returns
it (SPARQL JSON) and the query need not run."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

from medkg.paging import after_bindings, anchor_span, decode_cursor, paged_text, with_anchor_values
from medkg.queries import NamedQuery
from medkg.store.base import Store
from medkg.summaries import SummaryIndex, open_index, page_key, stored_version


@dataclass(frozen=True)
class QueryPage:
    """A page to run: its text and bindings, whether its anchor came from the summaries,
    and its result (SPARQL JSON, ``rows`` rows at most) when it was materialized at build."""

    text: str
    bound: dict[str, Node]
    anchored: bool
    stored: bytes | None = None


def page_text(
    named: NamedQuery, raw: dict[str, str], size: int, store: Store, base: str
) -> tuple[str, dict[str, Node], bool]:
    """The page's text and bindings (as ``named.page`` gives them), its anchor read from the
    store's summary index when the index describes the store as it is now (True), else
    computed by the query (False)."""
    page = page_of(named, raw, size, store, base)
    return page.text, page.bound, page.anchored


def page_of(
    named: NamedQuery, raw: dict[str, str], size: int, store: Store, base: str
) -> QueryPage:
    """The page as ``page_text`` gives it, with its materialized result if the store's index
    holds one for exactly this text and these bindings (asked with ``size + 1`` rows)."""
    cursor = raw.get("cursor") or None
    index = open_index(store, stored_version(store, base))
    try:
        page = anchored_page(named, raw, size, cursor, index)
        if page is not None:
            assert index is not None, "a page is anchored only by an index"
            stored = index.first_page(query_page_key(page[0], page[1], size + 1))
            return QueryPage(page[0], page[1], True, stored)
    finally:
        if index is not None:
            index.close()
    text, bound = named.page(raw, size, cursor)
    return QueryPage(text, bound, False)


def query_page_key(text: str, bound: dict[str, Node], rows: int) -> str:
    """The key of a query page's materialized result: its text, bindings and row cap."""
    return page_key("query", text, sorted((k, v.n3()) for k, v in bound.items()), rows)


def anchored_page(
    named: NamedQuery,
    raw: dict[str, str],
    size: int,
    cursor: str | None,
    index: SummaryIndex | None,
) -> tuple[str, dict[str, Node]] | None:
    """The text and bindings of the page ``named.page`` would give, with the anchor's values
    read from ``index``; None when the index does not hold this query's anchor."""
    if index is None or not named.order or index.anchor is None:
        return None
    key = named.order[0]
    span = anchor_span(named.text, key)
    if span is None or _words(named.text[span[0] : span[1]]) != _words(index.anchor):
        return None
    bound = named.bindings(raw)
    used = [k for k in bound if re.search(rf"\?{re.escape(k)}\b", index.anchor)]
    if len(used) != 1 or not isinstance(bound[used[0]], URIRef):
        return None
    after = decode_cursor(named.name, len(named.order), cursor) if cursor else None
    first = str(after[0]) if after else None
    values = [URIRef(c) for c in index.about(str(bound[used[0]]), first, size + 2)]
    text = with_anchor_values(named.text, key, values)
    assert text is not None, "the anchor was found above"
    if after is not None:
        bound.update(after_bindings(named.order, after))
    return paged_text(text, named.order, size, after, bound), bound


def _words(text: str) -> list[str]:
    return text.split()
