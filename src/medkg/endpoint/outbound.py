"""The outbound rule, in one place: what a query or update may reach, and where it may run.

First wall: the SERVICE and LOAD targets are read by the engine's own parser (Oxigraph's plan,
``explain``; rdflib's algebra, ``algebra``), never by a second lexer that could disagree with it,
and any target outside the allow-lists — a variable, an unknown shape, a ``file:`` IRI — is a 403
naming it. A sound pre-filter keeps that off the hot path: an engine can only see ``SERVICE`` or
``LOAD`` if those letters are in the text, in any case, once ``\\u`` escapes are expanded.

Second wall (``sandbox``): where medkg itself evaluates (Oxigraph or rdflib in this machine's
processes), the evaluating threads and worker processes cannot open a network socket unless an
operator configured an allow-list that needs one.
"""

from __future__ import annotations

from collections.abc import Sequence

from medkg.config import Settings
from medkg.endpoint.algebra import Reading, rdflib_targets
from medkg.endpoint.explain import oxigraph_services
from medkg.endpoint.guard import expand_escapes
from medkg.endpoint.sandbox import run_sandboxed
from medkg.errors import Forbidden

LOCAL_ENGINES = ("oxigraph", "rdflib")


def might_reach_out(text: str, update: bool) -> bool:
    r"""False only if no engine can see a SERVICE (or in an update, LOAD) keyword in ``text``.

    Oxigraph matches keywords ignoring ASCII case; rdflib (pyparsing) compares ``str.upper()``,
    under which ``ı`` is ``I`` and ``ſ`` is ``S``: both readings are checked.

    >>> might_reach_out("INSERT DATA { <x:a> <x:b> 'viral load' }", update=True)
    True
    >>> might_reach_out("SELECT * { ?s ?p 'viral load' }", update=False)
    False
    >>> might_reach_out(r"SELECT * { \u0053ERVICE <http://e/> { } }", update=False)
    True
    >>> might_reach_out("SELECT * { SERVıCE <http://e/> { } }", update=False)
    True
    """
    expanded = expand_escapes(text)
    folded, upper = expanded.casefold(), expanded.upper()
    words = ("service", "load") if update else ("service",)
    return any(w in folded or w.upper() in upper for w in words)


def read_targets(text: str, engine: str, update: bool) -> Reading:
    """The SERVICE and LOAD targets of ``text`` as ``engine`` reads it.

    Oxigraph plans queries only, so for an Oxigraph update (and for a remote engine, whose
    parser medkg cannot run) every reading available counts; a text no reader parses is left
    to the engine's syntax error, except an update rdflib cannot read, whose targets are then
    unknown (``?``).
    """
    if not might_reach_out(text, update):
        return Reading()
    rdflib = None if engine == "oxigraph" and not update else rdflib_targets(text, update)
    if engine == "rdflib":
        return rdflib or Reading()
    if update:
        return rdflib or Reading(("?",), ("?",))
    planned: tuple[str, ...] | None = run_sandboxed(oxigraph_services, text)
    services = list(planned or ())
    if rdflib is not None:
        services += rdflib.services
    return Reading(tuple(dict.fromkeys(services)), ())


def check_outbound(text: str, engine: str, update: bool, settings: Settings) -> Reading:
    """Refuse (403, naming the target) a query or update that would reach outside the
    allow-lists; else the targets found, every one allowed."""
    found = read_targets(text, engine, update)
    for iri in found.services:
        if not is_allowed(iri, settings.service_allowlist):
            raise Forbidden(
                f"SERVICE {_show(iri)} is refused: queries make no outbound requests",
                hint="an operator may allow an endpoint with the service_allowlist setting",
            )
    for iri in found.loads:
        if not is_allowed(iri, settings.load_allowlist):
            raise Forbidden(
                f"LOAD {_show(iri)} is refused: updates read no files or URLs",
                hint="an operator may allow a source with the load_allowlist setting "
                "(file: IRIs never)",
            )
    return found


def may_connect(
    engine: str, update: bool, settings: Settings, found: Reading | None = None
) -> bool:
    """Whether evaluation may open network sockets: always on a remote engine (medkg is its
    client), else only with an allow-list the operation can use; an update (whose reading is
    rdflib's, not the engine's) only if ``found``, its reading, has allow-listed targets."""
    if engine not in LOCAL_ENGINES:
        return True
    if update:
        return found is not None and bool(found.services or found.loads)
    return bool(settings.service_allowlist)


def is_allowed(iri: str, allowlist: Sequence[str]) -> bool:
    """An IRI is allowed if it equals an allow-listed IRI or extends one ending in ``/``.

    >>> is_allowed("https://sparql.example/q", ["https://sparql.example/"])
    True
    >>> is_allowed("file:///etc/hostname", ["file:///"]), is_allowed("?e", ["?e"])
    (False, False)
    """
    if iri.startswith("?") or iri.lower().startswith("file:"):
        return False
    return any(iri == a or (a.endswith("/") and iri.startswith(a)) for a in allowlist)


def _show(iri: str) -> str:
    if iri == "?":
        return "(a target medkg cannot read)"
    return f"with the variable {iri}" if iri.startswith("?") else f"<{iri}>"
