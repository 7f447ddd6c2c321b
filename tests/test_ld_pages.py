"""HTML of the linked-data documents, in process: the page says what the JSON-LD says."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

from flask import Flask
from flask.testing import FlaskClient

from medkg.config import Settings
from medkg.store import Store
from medkg.web.claim_view import Reader
from medkg.web.ld_pages import article_claims, split_text, stored_text

HTML = {"Accept": "text/html"}
ALS = "/entity/MONDO:0004976"


def whole_first_page(client: FlaskClient, url: str) -> list[str]:
    """The HTML of a first page as it opens, then of the rest of it loaded on demand (the
    "Load more claims" links within the page, ``?from=N``)."""
    parts: list[str] = []
    while url:
        parts.append(client.get(url, headers=HTML).get_data(as_text=True))
        more = re.search(r'<a rel="next" href="([^"]+from=\d+)">Load more claims', parts[-1])
        url = more.group(1) if more else ""
        assert len(parts) < 100
    return parts


def test_entity_page_groups_the_claims_of_its_json_ld_document(client: FlaskClient) -> None:
    doc = client.get(ALS, headers={"Accept": "application/ld+json"}).get_json()
    parts = whole_first_page(client, ALS)
    assert len(parts) > 1  # the seed's ALS page has more claims than it draws at first
    for group, key in (("negated", "negatedClaims"), ("hypotheses", "hypotheses")):
        expected = sorted(
            c["@id"].rsplit("/", 1)[-1] for cs in doc.get(key, {}).values() for c in cs
        )
        sections = [p.split(f'id="group-{group}"', 1)[1].split("</section>", 1)[0] for p in parts]
        card = r'<div class="claim-card" data-group="\w+" id="claim-(\w+)"'
        assert sorted(k for sec in sections for k in re.findall(card, sec)) == expected
    assert "fe8bda120e032f81daa9" in parts[0].split('id="group-negated"', 1)[1]


def test_entity_page_draws_its_first_claims_and_loads_the_rest_on_demand(
    settings: Settings, built_store: Store
) -> None:
    from medkg.web import create_app

    changed = settings.replace(page_claims_shown=5, page_size=20)
    client = create_app(changed, built_store).test_client()
    doc = client.get(ALS, headers={"Accept": "application/ld+json"}).get_json()
    keys = [c["@id"].rsplit("/", 1)[-1] for g in ("affirmedClaims", "negatedClaims",
            "hypotheses") for cs in doc.get(g, {}).values() for c in cs]  # fmt: skip
    parts = whole_first_page(client, ALS)
    card = re.compile(r'class="claim-card" data-group="\w+" id="claim-(\w+)"')
    drawn = [card.findall(p) for p in parts]
    first = parts[0]
    assert 5 <= len(drawn[0]) < len(keys) == 20 and len(parts) == 2  # opened, then the rest
    # every claim of the page once, in the order the page shows them: denials first
    assert sorted(k for d in drawn for k in d) == sorted(keys)
    assert first.index('id="group-negated"') < first.index('id="group-affirmed"')
    # the summary counts every claim about the entity, whatever is drawn
    total = re.search(r"What the sources say: (\d+) claims", first)
    assert total and int(total.group(1)) == doc["view"]["totalItems"]
    # the graph draws the claims drawn
    graph = json.loads(first.split('id="graph-data">', 1)[1].split("</script>", 1)[0])
    assert sorted(e["key"] for e in graph["edges"]) == sorted(drawn[0])
    # the last part of the page links the next page, as the whole page did
    assert '<a rel="next" href="/entity/MONDO:0004976?page=2">' in parts[-1]
    assert "load_more.js" in first
    # other formats ignore from=; a bad one is a 400 naming it
    assert client.get(ALS + "?from=5", headers={"Accept": "application/ld+json"}).get_json() == doc
    bad = client.get(ALS + "?from=x", headers=HTML)
    assert bad.status_code == 400 and "from" in bad.get_data(as_text=True)


def test_a_group_whose_claims_wait_says_so(settings: Settings, built_store: Store) -> None:
    from medkg.web import create_app

    client = create_app(settings.replace(page_claims_shown=4), built_store).test_client()
    first = client.get(ALS, headers=HTML).get_data(as_text=True)
    negated = first.split('id="group-negated"', 1)[1].split("</section>", 1)[0]
    affirmed = first.split('id="group-affirmed"', 1)[1].split("</section>", 1)[0]
    assert "fe8bda120e032f81daa9" in negated and "4 shown" not in negated  # denials first
    waiting = re.search(r'<p class="none">(\d+) more on this page, not loaded yet', affirmed)
    assert waiting and int(waiting.group(1)) > 10 and "claim-card" not in affirmed


def test_entity_graph_draws_one_edge_per_claim_with_negated_ones_marked(
    client: FlaskClient,
) -> None:
    page = client.get(ALS, headers=HTML).get_data(as_text=True)
    raw = page.split('<script type="application/json" id="graph-data">', 1)[1]
    graph = json.loads(raw.split("</script>", 1)[0])
    ids = {n["id"] for n in graph["nodes"]}
    assert "MONDO:0004976" in ids and all(e["source"] in ids for e in graph["edges"])
    negated = [e for e in graph["edges"] if e["group"] == "negated"]
    assert {e["key"] for e in negated} >= {"fe8bda120e032f81daa9"}
    assert all(e["label"].startswith("NOT ") for e in negated)
    assert [n["id"] for n in graph["nodes"] if n["focus"]] == ["MONDO:0004976"]


def test_every_quote_of_the_article_is_highlighted_exactly(app: Flask) -> None:
    with app.test_request_context():
        from medkg.web.linked import documents

        doc = documents().article("als-demyelinating-or-axonal")
        reader = Reader(doc.data, doc.base)
        claims = article_claims(doc, reader)
        text, problem = stored_text(doc)
        assert problem is None and text is not None
        refs = {r.number: r for r in map(reader.reference, doc.data["reference"])}
        pieces = split_text(text, claims, refs)
    assert "".join(p.text for p in pieces) == text
    evidence = [e for c in claims for e in c.evidence]
    assert len(evidence) > 40
    for e in evidence:
        assert "".join(p.text for p in pieces if e.key in p.evidence) == e.quote
    cited = {p.cite.number for p in pieces if p.cite}
    dangling = {p.text for p in pieces if p.dangling}
    assert cited == {1, 2, 3, 4, 5} and dangling == {"6"}


def test_article_text_changed_since_the_build_is_not_highlighted(app: Flask) -> None:
    fake = SimpleNamespace(
        iri="https://w3id.org/medkg/article/als-demyelinating-or-axonal",
        data={"contentSha256": "0" * 64},
    )
    with app.test_request_context():
        text, problem = stored_text(fake)  # type: ignore[arg-type]
    assert text is None and problem and "rebuild" in problem


def test_claim_and_reference_pages_render_for_browsers(client: FlaskClient) -> None:
    claim = client.get("/claim/fe8bda120e032f81daa9", headers=HTML)
    assert claim.status_code == 200 and claim.mimetype == "text/html"
    assert "ALS is NOT a Demyelinating Disease" in claim.get_data(as_text=True)
    ref = client.get("/reference/als-demyelinating-or-axonal-1", headers=HTML)
    body = ref.get_data(as_text=True)
    assert "Reference 1: Guideline Directed Topic Overview" in body
    assert "SelfCitation" in body


def test_entity_page_links_its_pages_of_claims(settings: Settings, built_store: Store) -> None:
    from medkg.web import create_app

    client = create_app(settings.replace(page_size=10), built_store).test_client()
    first = client.get(ALS, headers=HTML).get_data(as_text=True)
    assert '<a rel="next" href="/entity/MONDO:0004976?page=2">' in first
    second = client.get(ALS + "?page=2", headers=HTML).get_data(as_text=True)
    assert '<a rel="prev" href="/entity/MONDO:0004976?page=1">' in second
    assert len(re.findall(r'<article class="claim">', second)) == 10


def test_reference_page_lists_the_article_and_the_evidence_citing_it(client: FlaskClient) -> None:
    doc = client.get(
        "/reference/als-demyelinating-or-axonal-2", headers={"Accept": "application/ld+json"}
    ).get_json()
    page = client.get("/reference/als-demyelinating-or-axonal-2", headers=HTML).get_data(
        as_text=True
    )
    cited_by = [e.rsplit("/", 1)[-1] for e in doc["citedBy"]]
    assert cited_by and all(f'href="/evidence/{key}"' in page for key in cited_by)
    assert "Sentences that cite it (" in page  # the sentences, not a list of evidence hashes
    assert "<mark>ALS is fundamentally a disease of axonal degeneration affecting motor" in page
    assert 'href="/article/als-demyelinating-or-axonal">Is Amyotrophic' in page


def test_pages_of_a_deployment_with_its_own_base_iri_link_to_this_server(
    settings: Settings,
) -> None:
    from medkg.build import build_into
    from medkg.store import open_store
    from medkg.web import create_app

    from .conftest import ROOT

    own = settings.replace(base_iri="http://kg.example.org/")
    store = open_store("oxigraph:", ROOT)
    build_into(store, own)
    client = create_app(own, store).test_client()
    entity = client.get(ALS, headers=HTML).get_data(as_text=True)
    assert 'href="/claim/fe8bda120e032f81daa9"' in entity
    assert 'href="/reference/als-demyelinating-or-axonal-1"' in entity
    article = client.get("/article/als-demyelinating-or-axonal", headers=HTML).get_data(
        as_text=True
    )
    assert article.count("<mark") > 40 and "kg.example.org" not in article
    answer = client.get("/founding-question").get_data(as_text=True)
    assert 'href="/claim/fe8bda120e032f81daa9"' in answer


def test_claim_page_is_titled_by_its_proposition(client: FlaskClient) -> None:
    page = client.get("/claim/fe8bda120e032f81daa9", headers=HTML).get_data(as_text=True)
    title = page.split("<title>")[1].split("</title>")[0]
    assert title.startswith("amyotrophic lateral sclerosis NOT")
    assert "demyelinating disease" in title


def test_entity_page_tallies_claims_by_predicate_and_lists_denials_first(
    client: FlaskClient,
) -> None:
    page = client.get("/entity/MONDO:0004976", headers=HTML).get_data(as_text=True)
    assert page.index('class="summary"') < page.index('id="group-negated"')
    assert page.index('id="group-negated"') < page.index('id="group-affirmed"')
    assert 'class="denied"' in page and "/api/queries/claims-about-entity?entity=" in page
