"""The outbound rule: SERVICE / LOAD targets as each engine's own parser reads them, the
allow-lists, and the pre-filter that spares most text the engine's parse."""

from __future__ import annotations

import time

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from medkg.config import Settings, load_settings
from medkg.endpoint.explain import oxigraph_services
from medkg.endpoint.outbound import (
    Reading,
    check_outbound,
    is_allowed,
    may_connect,
    read_targets,
)
from medkg.endpoint.sandbox import run_sandboxed
from medkg.errors import Forbidden

from .loopback import Listener

ENGINES = ("oxigraph", "rdflib", "remote")


def settings(**allow: list[str]) -> Settings:
    return load_settings(env={}, store="memory:", **allow)


def engine_parses(text: str, engine: str) -> bool:
    """Whether the engine itself accepts the query text (a text it refuses reaches nobody)."""
    if engine == "rdflib":
        try:
            translateQuery(parseQuery(text))
        except Exception:  # rdflib raises bare Exceptions too (an unknown prefix)
            return False
        return True

    def oxigraph() -> bool:
        try:
            ox.Store().query(text)
        except SyntaxError:
            return False
        except OSError:
            return True  # it parsed, then failed to connect: the sandbox
        return True

    return run_sandboxed(oxigraph)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text",
    [
        'SELECT * { ?s ?p "SERVICE <http://evil/> { }" }',
        "SELECT * { ?s ?p '''SERVICE\n<http://evil/>''' }",
        "SELECT * { ?s <http://x/SERVICE> ?o }",
        "SELECT * { ?s ?p ?o } # SERVICE <http://evil/> { }",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:SERVICE ?o . ?service ?p ?o }",
        "SELECT * { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?o }",
    ],
)
def test_service_in_strings_iris_comments_and_names_is_not_a_service(
    text: str, engine: str
) -> None:
    assert read_targets(text, engine, update=False).services == ()


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "http://127.0.0.1:9/"),
        ("SELECT * { service silent <http://x/q> { ?s ?p ?o } }", "http://x/q"),
        ("SELECT * {SERVICE<http://x/q>{?s ?p ?o}}", "http://x/q"),
        ("PREFIX r: <http://remote/> SELECT * { SERVICE r:sparql { ?s ?p ?o } }", "http://remote/sparql"),
        ("PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x { ?s ?p ?o } }", "http://127.0.0.1:9/x"),
        ("BASE <http://h/a/> SELECT * { SERVICE <../q> { ?s ?p ?o } }", "http://h/q"),
        ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", "?endpoint"),
        ("SELECT * { FILTER(?a<?b) SERVICE <http://x/> { ?s ?p ?o } }", "http://x/"),
        ('SELECT * { ?s ?p "a\\"" . SERVICE <http://x/> { } }', "http://x/"),
        ("SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/e> { } } }", "http://x/e"),
    ],
)  # fmt: skip
def test_service_targets_are_read_as_the_engine_reads_them(
    text: str, target: str, engine: str
) -> None:
    assert target in read_targets(text, engine, update=False).services


def test_oxigraph_reads_the_prefixed_name_glued_to_service_as_its_target() -> None:
    """The bug of issue 15: the old lexer read ``SERVICE:x`` as one name and missed it."""
    found = read_targets("PREFIX : <http://e/> SELECT * { SERVICE:x { } }", "oxigraph", False)
    assert found.services == ("http://e/x",)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "text",
    [
        r"SELECT * { \u0053ERVICE <http://evil/> { ?s ?p ?o } }",  # rdflib expands this first
        r"SELECT * { \U00000053ERVICE <http://evil/> { ?s ?p ?o } }",
        r'SELECT * { ?s ?p "abc\u0022" SERVICE <http://evil/> { } }',  # Oxigraph: a real SERVICE
        "SELECT * { SERVICE undeclared:x { ?s ?p ?o } }",
    ],
)
def test_escapes_and_unknown_prefixes_hide_no_service_from_the_engine(
    text: str, engine: str
) -> None:
    """Either the rule sees the target, or the engine refuses the text (and reaches nobody)."""
    services = read_targets(text, engine, update=False).services
    if "http://evil/" not in services:
        assert not engine_parses(text, "rdflib" if engine == "rdflib" else "oxigraph")
        if engine == "remote":
            assert not engine_parses(text, "rdflib")


@pytest.mark.parametrize("word", ["SERV\u0131CE", "\u017fERVICE", "\u017fervice"])
@pytest.mark.parametrize("engine", ["rdflib", "remote"])
def test_letters_rdflib_upper_cases_to_ascii_hide_no_service(word: str, engine: str) -> None:
    """rdflib compares keywords upper-cased: dotless i is I, long s is S."""
    text = f"SELECT * {{ {word} <http://evil/> {{ ?s ?p ?o }} }}"
    assert engine_parses(text, "rdflib")
    assert "http://evil/" in read_targets(text, engine, update=False).services


@pytest.mark.parametrize("local", [r"a\#b", r"a\'b", r"a\"b"])
def test_escaped_characters_in_prefixed_names_hide_nothing(local: str) -> None:
    text = f"PREFIX ex: <http://e/> SELECT * {{ ?s ex:{local} ?o . SERVICE <http://evil/> {{ }} }}"
    found = read_targets(text, "oxigraph", update=False).services
    assert found == ("http://evil/",) or (found == () and not engine_parses(text, "oxigraph"))


@pytest.mark.parametrize("engine", ENGINES)
def test_load_targets_are_found(engine: str) -> None:
    text = (
        "PREFIX : <http://x/> LOAD <file:///etc/hostname> ; "
        "LOAD SILENT <http://x/d.ttl> INTO GRAPH <http://g> ; LOAD:e INTO GRAPH <http://g>"
    )
    assert read_targets(text, engine, update=True).loads == (
        "file:///etc/hostname", "http://x/d.ttl", "http://x/e",
    )  # fmt: skip


def test_an_update_mentioning_load_that_no_reader_parses_is_refused() -> None:
    text = "INSERT DATA { GRAPH <http://g> { <http://a> <http://b> <<( <x:a> <x:b> <x:c> )>> } } ; LOAD <http://e/>"
    with pytest.raises(Forbidden, match="cannot read"):
        check_outbound(text, "oxigraph", update=True, settings=settings())


def test_text_without_the_keywords_is_never_parsed_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    import medkg.endpoint.outbound as outbound

    monkeypatch.setattr(outbound, "oxigraph_services", lambda text: pytest.fail("parsed"))
    assert read_targets("SELECT * { ?s ?p 'viral load' }", "oxigraph", False).services == ()


def test_the_engine_reads_the_text_where_it_cannot_connect() -> None:
    """Oxigraph evaluates an ASK while planning it: the command inherits the sandbox. The
    control (the same call on an unsandboxed thread) does reach the listener."""
    with Listener() as listener:
        text = f"ASK {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}"
        assert read_targets(text, "oxigraph", False).services == (f"{listener.url}sparql",)
        time.sleep(0.3)
        assert listener.connections == 0
        oxigraph_services.__wrapped__(text)
        time.sleep(0.3)
        assert listener.connections == 1


def test_allowlist_matches_exactly_or_under_a_slash() -> None:
    allow = ["https://query.example/sparql", "https://data.example/"]
    assert is_allowed("https://query.example/sparql", allow)
    assert not is_allowed("https://query.example/sparql2", allow)
    assert is_allowed("https://data.example/x.ttl", allow)
    assert not is_allowed("https://data.example.evil/x.ttl", allow)
    assert not is_allowed("?endpoint", ["?endpoint"])


def test_file_iris_are_never_allowed_even_when_listed() -> None:
    with pytest.raises(Forbidden, match="LOAD <file:///etc/hostname> is refused"):
        check_outbound(
            "LOAD <file:///etc/hostname>", "oxigraph", True,
            settings(load_allowlist=["file:///etc/hostname"]),
        )  # fmt: skip


def test_service_refusal_names_the_target_and_the_setting() -> None:
    text = "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"
    with pytest.raises(Forbidden, match="SERVICE <http://x/> is refused") as e:
        check_outbound(text, "oxigraph", False, settings())
    assert "service_allowlist" in (e.value.hint or "")
    check_outbound(text, "oxigraph", False, settings(service_allowlist=["http://x/"]))
    with pytest.raises(Forbidden, match=r"SERVICE with the variable \?e is refused"):
        check_outbound("SELECT * { SERVICE ?e { } }", "oxigraph", False, settings())


def test_evaluation_may_connect_only_with_an_allowlist_or_a_remote_engine() -> None:
    allowed = settings(load_allowlist=["http://x/"])
    loads = Reading(loads=("http://x/d.ttl",))
    assert not may_connect("oxigraph", False, settings())
    assert not may_connect("rdflib", True, settings())
    assert not may_connect("oxigraph", False, allowed)
    assert not may_connect("oxigraph", True, allowed, Reading())  # nothing to reach: sandboxed
    assert may_connect("oxigraph", True, allowed, loads)
    assert may_connect("rdflib", False, settings(service_allowlist=["http://x/"]))
    assert may_connect("remote", False, settings())
    assert may_connect("remote", True, settings(), Reading())  # medkg is the remote's client
