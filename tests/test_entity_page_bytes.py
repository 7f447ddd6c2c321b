"""Entity documents honour their page size in bytes as well as in claims."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from medkg.config import Settings
from medkg.documents import Documents
from medkg.store import Store

ALS = "MONDO:0004976"
JSONLD = {"Accept": "application/ld+json"}


def every_claim(docs: Documents) -> list[list[str]]:
    """The claims of ALS page by page, following each page's next link."""
    pages, page, after = [], 1, None
    while True:
        doc = docs.entity(ALS, page, after)
        pages.append(list(doc.claim_groups))
        nxt = doc.data.get("view", {}).get("next")
        if not nxt:
            return pages
        query = parse_qs(urlsplit(str(nxt)).query)
        page = int(query.get("page", ["1"])[0])
        after = query.get("after", [None])[0]
        assert len(pages) < 200, "the next links run in a circle"


def test_a_page_stops_early_at_its_size_in_bytes(settings: Settings, built_store: Store) -> None:
    by_count = every_claim(Documents(built_store, settings.base_iri, page_size=10))
    by_bytes = every_claim(Documents(built_store, settings.base_iri, 10, page_bytes=6000))
    assert len(by_bytes) > len(by_count)  # the byte limit cut some pages
    assert all(1 <= len(p) <= 10 for p in by_bytes)
    flat = [c for p in by_bytes for c in p]
    assert flat == [c for p in by_count for c in p]  # every claim once, in the same order


def test_a_page_holds_one_claim_however_big(settings: Settings, built_store: Store) -> None:
    pages = every_claim(Documents(built_store, settings.base_iri, 10, page_bytes=1))
    assert all(len(p) == 1 for p in pages) and len(pages) > 3


def test_next_link_of_a_cut_page_starts_after_its_last_claim(
    settings: Settings, built_store: Store
) -> None:
    from medkg.web import create_app

    client = create_app(settings.replace(page_size=10, page_bytes=6000), built_store).test_client()
    first = client.get(f"/entity/{ALS}", headers=JSONLD).get_json()
    nxt = first["view"]["next"]
    assert "after=" in nxt
    second = client.get(urlsplit(nxt).path + "?" + urlsplit(nxt).query, headers=JSONLD)
    assert second.status_code == 200
    assert second.get_json()["view"]["@id"].endswith(urlsplit(nxt).query)
    bad = client.get(f"/entity/{ALS}?after=0000", headers=JSONLD)
    assert (
        bad.status_code == 404
        and "not among the claims of MONDO:0004976" in bad.get_json()["error"]
    )
