"""A claim's document over HTTP pages its evidence: JSON-LD ``next`` links, the HTML page's
links to the next sentences, and a clear 404 for a cursor past the end."""

from __future__ import annotations

from medkg.config import Settings
from medkg.store import Store

JSONLD = {"Accept": "application/ld+json"}
HTML = {"Accept": "text/html"}
MOST = """PREFIX medkg: <https://w3id.org/medkg/>
SELECT ?c (COUNT(?ev) AS ?n) WHERE { ?c medkg:evidence ?ev } GROUP BY ?c ORDER BY DESC(?n) ?c"""


def test_a_claim_pages_its_evidence_over_http(settings: Settings, built_store: Store) -> None:
    from medkg.web import create_app

    claim, count = next(iter(built_store.query(MOST).rows))
    assert int(count) >= 2, "the seed has no claim stated by two sentences"
    client = create_app(settings.replace(page_size=1, document_cache=0), built_store).test_client()
    path = "/claim/" + str(claim).rsplit("/", 1)[1]
    seen: list[str] = []
    url = path
    while url:
        doc = client.get(url, headers=JSONLD).get_json()
        assert doc["view"]["totalItems"] == doc["evidenceCount"] == int(count)
        (evidence,) = doc["evidence"]  # one a page, with its quote
        assert evidence["target"]["selector"]
        seen.append(evidence["@id"])
        html = client.get(url, headers=HTML).get_data(as_text=True)
        nxt = doc["view"].get("next")
        assert ("Next sentences" in html) == bool(nxt)
        url = ""
        if nxt:
            assert nxt.startswith("medkg:claim/")  # the base's prefix, as every link
            url = "/" + nxt.removeprefix("medkg:")
            assert f'href="{url}"' in html
        assert len(seen) <= int(count)
    assert len(seen) == len(set(seen)) == int(count) and all(seen)
    last = seen[-1].rsplit("/", 1)[1]
    past = client.get(f"{path}?after={last}", headers=JSONLD)
    assert past.status_code == 404 and "no evidence after" in past.get_json()["error"]
    whole = create_app(settings, built_store).test_client().get(path, headers=JSONLD).get_json()
    assert "view" not in whole and len(whole["evidence"]) == int(count)
