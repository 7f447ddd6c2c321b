"""Every way the engines accept to write SERVICE and LOAD, generated, against a loopback
listener: an unlisted target gets 403 naming it and the listener sees no connection; an
allow-listed one still reaches it. On each place medkg evaluates: Oxigraph in worker
processes, Oxigraph in this process, and rdflib (``memory:``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medkg.config import Settings
from medkg.store import open_store

from ..conftest import ROOT
from ..endpoint.loopback import Listener

TOKEN = "outbound-token"
AUTH = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
KINDS = ("workers", "in-process", "rdflib")


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with Listener() as found:
        yield found


def make_client(
    kind: str, tmp: Path, base: Settings, allow: list[str] | None = None
) -> FlaskClient:
    from medkg.web import create_app

    selector = {"workers": f"oxigraph:{tmp / 'store'}", "in-process": "oxigraph:"}.get(
        kind, "memory:"
    )
    own = base.replace(
        store=selector, query_workers=1 if kind == "workers" else 0, update_token=TOKEN,
        result_cache_mb=0, service_allowlist=allow or [], load_allowlist=allow or [],
    )  # fmt: skip
    return create_app(own, open_store(selector, ROOT), build=False).test_client()


@pytest.fixture(scope="module", params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def guarded(kind: str, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    return make_client(kind, tmp_path_factory.mktemp("guarded"), settings)


@pytest.fixture(scope="module")
def allowing(
    kind: str, settings: Settings, listener: Listener, tmp_path_factory: pytest.TempPathFactory
) -> FlaskClient:
    return make_client(kind, tmp_path_factory.mktemp("allowing"), settings, [listener.url])


# --- the generated syntax --------------------------------------------------------------------

SPACE = st.sampled_from([" ", "\n", "\t", "  ", " # a comment\n", "\n#SERVICE <x:y>\n"])
GLUE = st.sampled_from(["", " ", "\n", " # c\n"])  # where no space is needed


def cased(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda up: "".join(c.upper() if u else c.lower() for c, u in zip(word, up, strict=True))
    )


#: letters whose str.upper() is an ASCII one: rdflib (pyparsing) reads SERVıCE as SERVICE
UNICODE_CASE = {"i": "\u0131", "s": "\u017f"}


def unicode_cased(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda swap: "".join(
            UNICODE_CASE.get(c.lower(), c) if s else c for c, s in zip(word, swap, strict=True)
        )
    )


def escaped(word: str) -> st.SearchStrategy[str]:
    r"""``word`` with some letters as ``\uXXXX`` (rdflib expands those before parsing)."""
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda esc: "".join(f"\\u{ord(c):04X}" if e else c for c, e in zip(word, esc, strict=True))
    )


@st.composite
def keyword(draw: st.DrawFn, word: str, rdflib_reads: bool) -> str:
    """``word`` in any case; where rdflib reads the text, also with letters escaped or in
    the non-ASCII forms rdflib takes for them."""
    text = draw(cased(word))
    if rdflib_reads and draw(st.booleans()):
        text = draw(unicode_cased(text))
    return draw(escaped(text)) if rdflib_reads and draw(st.booleans()) else text


@st.composite
def target(draw: st.DrawFn, url: str, variable: bool) -> tuple[str, str, str]:
    """(prologue, the target as written, what a 403 must name) for ``url`` + a local name."""
    local = draw(st.sampled_from(["sparql", "sparql-q", "sparql_2", "data.nt"]))
    form = draw(st.sampled_from(["iri", "escaped-iri", "prefixed", "empty-prefix", "base"]
                                + (["variable"] if variable else [])))  # fmt: skip
    full = url + local
    decoy = "http://decoy.example/" if draw(st.booleans()) else None  # redefined: last one wins
    if form == "prefixed":
        first = f"PREFIX loop: <{decoy}>\n" if decoy else ""
        return f"{first}PREFIX loop: <{url}>\n", f"loop:{local}", full
    if form == "base":
        first = f"BASE <{decoy}> " if decoy else ""
        return f"{first}BASE <{url}a/b/>\n", f"<../../{local}>", full
    if form == "iri":
        return "", f"<{full}>", full
    if form == "escaped-iri":
        return "", f"<{url}\\u{ord(local[0]):04x}{local[1:]}>", full
    if form == "empty-prefix":
        return f"prefix : <{url}>\n", f":{local}", full
    return "", "?endpoint", "?endpoint"


@st.composite
def service_pattern(draw: st.DrawFn, url: str, rdflib_reads: bool) -> tuple[str, str, str]:
    """(prologue, a group graph pattern with a SERVICE in it, what a 403 must name)"""
    prologue, written, named = draw(target(url, variable=True))
    silent = draw(st.booleans())
    head = draw(keyword("SERVICE", rdflib_reads))
    if silent:
        head += draw(SPACE) + draw(cased("SILENT"))
    glue = GLUE if written[0] in "<:" and not silent else SPACE  # SERVICE<iri>, SERVICE:x
    bind = f"BIND(<{url}sparql> AS ?endpoint) " if written == "?endpoint" else ""
    where = draw(st.sampled_from(["{ %s }", "{ ?a ?b ?c OPTIONAL { %s } }",
                                  "{ ?a ?b ?c FILTER EXISTS { %s } }", "{ { SELECT * { %s } } }"]))  # fmt: skip
    pattern = f"{bind}{head}{draw(glue)}{written}{draw(GLUE)}{{ ?s ?p ?o }}"
    return prologue, where % pattern, named


@st.composite
def service_query(draw: st.DrawFn, url: str, rdflib_reads: bool) -> tuple[str, str]:
    prologue, where, named = draw(service_pattern(url, rdflib_reads))
    return f"{prologue}{draw(cased('SELECT'))} *{draw(SPACE)}{where}", named


@st.composite
def service_update(draw: st.DrawFn, url: str) -> tuple[str, str]:
    prologue, where, named = draw(service_pattern(url, rdflib_reads=True))
    insert = draw(cased("INSERT"))
    return f"{prologue}{insert} {{ GRAPH <x:g> {{ ?s ?p ?o }} }} WHERE {where}", named


@st.composite
def load_update(draw: st.DrawFn, url: str, rdflib_reads: bool) -> tuple[str, str]:
    prologue, written, named = draw(target(url, variable=False))
    head = draw(keyword("LOAD", rdflib_reads))
    if draw(st.booleans()):
        head += draw(SPACE) + draw(cased("SILENT"))
        glue = SPACE
    else:
        glue = GLUE if written[0] in "<:" else SPACE
    into = draw(st.sampled_from(["", " INTO GRAPH <http://example.org/g>", " into graph<x:g>"]))
    return f"{prologue}{head}{draw(glue)}{written}{into}", named


def assert_refused(response: object, named: str, listener: Listener, before: int) -> None:
    r = response
    body = r.get_json(force=True)  # type: ignore[attr-defined]
    assert r.status_code == 403, (r.status_code, body)  # type: ignore[attr-defined]
    assert named in body["error"], body
    assert listener.connections == before


FAST = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


@FAST
@given(data=st.data())
def test_generated_service_queries_are_refused_and_send_nothing(
    data: st.DataObject, guarded: FlaskClient, kind: str, listener: Listener
) -> None:
    text, named = data.draw(service_query(listener.url, rdflib_reads=kind == "rdflib"))
    before = listener.connections
    r = guarded.get("/sparql", query_string={"query": text}, headers={"Accept": "application/json"})
    assert_refused(r, named, listener, before)


@FAST
@given(data=st.data())
def test_generated_loads_and_update_services_are_refused_and_send_nothing(
    data: st.DataObject, guarded: FlaskClient, kind: str, listener: Listener
) -> None:
    if data.draw(st.booleans()):
        text, named = data.draw(load_update(listener.url, rdflib_reads=True))
    else:
        text, named = data.draw(service_update(listener.url))
    before = listener.connections
    r = guarded.post("/sparql", data={"update": text}, headers=AUTH)
    assert_refused(r, named, listener, before)


def test_allowlisted_service_reaches_the_listener(
    allowing: FlaskClient, kind: str, listener: Listener
) -> None:
    before = listener.connections
    # rdflib calls only a SERVICE written as a full <IRI> (see endpoint/algebra.py)
    written = f"<{listener.url}sparql>" if kind == "rdflib" else ":sparql"
    text = f"BASE <{listener.url}> PREFIX : <{listener.url}> SELECT ?o {{ SERVICE {written} {{ ?s ?p ?o }} }}"
    r = allowing.get(
        "/sparql", query_string={"query": text}, headers={"Accept": "application/json"}
    )
    assert r.status_code == 200, r.data
    (row,) = r.get_json(force=True)["results"]["bindings"]
    assert row["o"]["value"] == "from the listener"
    assert listener.connections > before


def test_a_redefined_prefix_or_base_is_read_as_the_engine_reads_it(
    allowing: FlaskClient, listener: Listener
) -> None:
    """The allow-listed listener first, another host last: the last definition counts."""
    other = "http://other.invalid/"
    for text in (
        f"PREFIX p: <{listener.url}> PREFIX p: <{other}> SELECT * {{ SERVICE p:sparql {{ ?s ?p ?o }} }}",
        f"BASE <{listener.url}> BASE <{other}> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    ):
        r = allowing.get(
            "/sparql", query_string={"query": text}, headers={"Accept": "application/json"}
        )
        assert r.status_code == 403, text
        assert f"SERVICE <{other}sparql> is refused" in r.get_json(force=True)["error"]


def test_allowlisted_load_reaches_the_listener(
    allowing: FlaskClient, kind: str, listener: Listener
) -> None:
    """On ``memory:`` rdflib's LOAD is off altogether (store/memory.py): it reads nothing."""
    before = listener.connections
    graph = "http://example.org/loaded"
    r = allowing.post(
        "/sparql",
        data={"update": f"LOAD <{listener.url}data.nt> INTO GRAPH <{graph}>"},
        headers=AUTH,
    )
    assert r.status_code == 204, r.data
    ask = f'ASK {{ GRAPH <{graph}> {{ ?s ?p "loaded from the listener" }} }}'
    r = allowing.get("/sparql", query_string={"query": ask}, headers={"Accept": "application/json"})
    assert r.get_json(force=True)["boolean"] is (kind != "rdflib")
    assert (listener.connections > before) is (kind != "rdflib")


def test_an_update_cannot_connect_even_when_the_rule_is_bypassed(
    guarded: FlaskClient, kind: str, listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    import medkg.web.sparql as web_sparql

    monkeypatch.setattr(web_sparql, "check_outbound", lambda *args: web_sparql.Reading())
    before = listener.connections
    where = f"WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
    for text in (
        f"INSERT {{ GRAPH <x:g> {{ ?s ?p ?o }} }} {where}",
        *([f"LOAD <{listener.url}data.nt> INTO GRAPH <x:g>"] if kind != "rdflib" else []),
    ):
        r = guarded.post("/sparql", data={"update": text}, headers=AUTH)
        assert r.status_code in (400, 503), text
        assert "not permitted" in r.get_json(force=True)["error"]
    assert listener.connections == before


def test_with_an_allowlist_an_update_without_targets_still_cannot_connect(
    allowing: FlaskClient, kind: str, listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were the reading to miss a target (rdflib decides for updates), the update runs
    sandboxed all the same: only one that reaches allow-listed targets may connect."""
    import medkg.endpoint.outbound as outbound

    monkeypatch.setattr(outbound, "read_targets", lambda *args: outbound.Reading())
    before = listener.connections
    where = f"WHERE {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
    r = allowing.post(
        "/sparql", data={"update": f"INSERT {{ GRAPH <x:g> {{ ?s ?p ?o }} }} {where}"}, headers=AUTH
    )
    assert r.status_code in (400, 503) and "not permitted" in r.get_json(force=True)["error"]
    assert listener.connections == before


def test_a_remote_store_is_still_reached_by_updates(settings: Settings, oxigraph_server) -> None:  # type: ignore[no-untyped-def]
    """medkg is the remote's client: the filter is for where medkg evaluates, never there."""
    from medkg.web import create_app

    own = settings.replace(store=oxigraph_server.selector, update_token=TOKEN, result_cache_mb=0)
    client = create_app(own, open_store(own.store, ROOT), build=False).test_client()
    graph = "http://example.org/outbound-remote-scratch"
    insert = f"INSERT DATA {{ GRAPH <{graph}> {{ <x:a> <x:b> 'sent' }} }}"
    try:
        assert client.post("/sparql", data={"update": insert}, headers=AUTH).status_code == 204
        ask = f"ASK {{ GRAPH <{graph}> {{ <x:a> <x:b> 'sent' }} }}"
        r = client.get(
            "/sparql", query_string={"query": ask}, headers={"Accept": "application/json"}
        )
        assert r.get_json(force=True)["boolean"] is True
    finally:
        client.post("/sparql", data={"update": f"DROP SILENT GRAPH <{graph}>"}, headers=AUTH)
