"""Pages of a named query whose anchor the summary index holds: the anchor's values for the
page are read from the index, not computed by the query.

A query such as ``claims-about-entity`` opens its WHERE group with an *anchor* subquery (the
claims about the entity; see ``paging``). Computing it reads every claim of the entity and
sorts them, 150k of them for ALS at a million claims, to keep the first page's 52. The summary
index (``medkg.summaries``) holds the same relation, ordered: when the query's anchor is the
one the index was computed as, the page's claims are read there and the anchor is replaced by
a ``VALUES`` block of them. The rest of the query, its order, cut and cursor are unchanged, so
the page has the same rows as the query's own (a test compares them).

A first page materialized at build (``medkg.firstpages``) is found by the query, its bindings
and the page size, before any page is made here (``firstpages.stored_query_page``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.term import Node

from medkg.narrowed import narrowed_values, within_index
from medkg.paging import (
    after_bindings,
    anchor_query,
    anchor_span,
    decode_cursor,
    paged_text,
    with_anchor_values,
)
from medkg.pairs import page_pairs, pair_keyset, with_pair_values
from medkg.queries import NamedQuery
from medkg.store.base import Store
from medkg.summaries import SummaryIndex, open_index, stored_version


@dataclass(frozen=True)
class QueryPage:
    """A page to run: its text and bindings, and whether its anchor came from the summaries."""

    text: str
    bound: dict[str, Node]
    anchored: bool


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
    """The page as ``page_text`` gives it. A query ordered by (claim, evidence) runs bound to
    the page's pairs (``medkg.pairs``)."""
    cursor = raw.get("cursor") or None
    index = open_index(store, stored_version(store, base))
    try:
        page = anchored(named, raw, size, cursor, index)
        if page is None and index is not None:
            page = narrowed(store, named, raw, size, cursor, index)
    finally:
        if index is not None:
            index.close()
    from_index = page is not None
    if page is None:
        page = computed(store, named, raw, size, cursor)
        if page is None:
            text, bound = named.page(raw, size, cursor)
            return QueryPage(text, bound, False)
    return QueryPage(paired_text(store, named, page, size), page.bound, from_index)


@dataclass(frozen=True)
class Anchored:
    """A page whose anchor values are known: its text with them in a ``VALUES`` block (as
    ``named.page`` would give it), its bindings, the values and the cursor's key terms."""

    text: str
    bound: dict[str, Node]
    values: list[Node]
    after: list[Node] | None


def anchored_page(
    named: NamedQuery,
    raw: dict[str, str],
    size: int,
    cursor: str | None,
    index: SummaryIndex | None,
) -> tuple[str, dict[str, Node]] | None:
    """The text and bindings of the page ``named.page`` would give, with the anchor's values
    read from ``index``; None when the index does not hold this query's anchor."""
    page = anchored(named, raw, size, cursor, index)
    return None if page is None else (page.text, page.bound)


def anchored(
    named: NamedQuery,
    raw: dict[str, str],
    size: int,
    cursor: str | None,
    index: SummaryIndex | None,
) -> Anchored | None:
    """The page with its anchor's values read from ``index`` (see ``anchored_page``)."""
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
    values: list[Node] = [URIRef(c) for c in index.about(str(bound[used[0]]), first, size + 2)]
    return _page(named, values, bound, after, size)


def computed(
    store: Store, named: NamedQuery, raw: dict[str, str], size: int, cursor: str | None
) -> Anchored | None:
    """The page with its anchor's values computed by the anchor subquery alone (cut to the
    page's ``size + 2``), when the query pages on (claim, evidence) pairs; else None."""
    if pair_keyset(named.text, named.order) is None:
        return None
    bound = named.bindings(raw)
    after = decode_cursor(named.name, len(named.order), cursor) if cursor else None
    key = named.order[0]
    text = anchor_query(named.text, key, size, after[0] if after else None, bound)
    assert text is not None, "a pair keyset has an anchor"
    if after is not None:
        bound.update(after_bindings(named.order, after))
    result = store.query(text, bindings=bound)
    at = result.variables.index(key)
    values = [row[at] for row in result.rows]
    return _page(named, [v for v in values if v is not None], bound, after, size)


def narrowed(
    store: Store,
    named: NamedQuery,
    raw: dict[str, str],
    size: int,
    cursor: str | None,
    index: SummaryIndex,
) -> Anchored | None:
    """The page with its anchor's values found among the index's claims about a parameter,
    when the anchor can only keep those (see ``medkg.narrowed``) and the query pages on
    (claim, evidence) pairs; else None."""
    if pair_keyset(named.text, named.order) is None:
        return None
    key = named.order[0]
    bound = named.bindings(raw)
    params = sorted(p for p in within_index(named.text, key) if isinstance(bound.get(p), URIRef))
    if not params:
        return None
    param = params[0]
    after = decode_cursor(named.name, len(named.order), cursor) if cursor else None
    if after is not None:
        bound.update(after_bindings(named.order, after))
    first = after[0] if after else None
    values = narrowed_values(store, index, named.text, key, param, bound, first, size)
    return _page(named, values, bound, after, size)


def paired_text(store: Store, named: NamedQuery, page: Anchored, size: int) -> str:
    """The page's text bound to its (claim, evidence) pairs when the query pages on them (see
    ``medkg.pairs``), else its text with the anchor's values: the same rows either way."""
    keyset = pair_keyset(named.text, named.order)
    if keyset is None:
        return page.text
    pairs = page_pairs(store, keyset, page.values, page.bound, page.after, size)
    return paged_text(with_pair_values(named.text, keyset, pairs), named.order, size,
                      page.after, page.bound)  # fmt: skip


def _page(
    named: NamedQuery,
    values: list[Node],
    bound: dict[str, Node],
    after: list[Node] | None,
    size: int,
) -> Anchored:
    text = with_anchor_values(named.text, named.order[0], values)
    assert text is not None, "the anchor was found above"
    if after is not None:
        bound.update(after_bindings(named.order, after))
    return Anchored(paged_text(text, named.order, size, after, bound), bound, values, after)


def _words(text: str) -> list[str]:
    return text.split()
