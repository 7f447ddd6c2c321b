"""Screen SPARQL text before any engine sees it: the query form, and every SERVICE / LOAD target.

A small lexer skips strings, IRIs and comments exactly as the SPARQL grammar delimits them, so a
keyword inside a literal or an IRI never counts, and a keyword outside them is never missed. What
cannot be checked (``SERVICE ?var``, an undeclared prefix) is refused: safe rather than sorry.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from medkg.errors import Forbidden
from medkg.store.rewrite import Token, iter_tokens

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATES = (
    "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH",
)  # fmt: skip


@dataclass(frozen=True)
class Screened:
    """What the text is: a query form (``SELECT`` …), ``UPDATE``, or ``None`` if unrecognised."""

    form: str | None
    services: tuple[str, ...]
    loads: tuple[str, ...]


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def expand_escapes(text: str) -> str:
    r"""Replace ``\uXXXX`` / ``\UXXXXXXXX`` everywhere, as SPARQL 1.1 (19.2) says to before
    parsing (rdflib does; Oxigraph only inside IRIs and strings).

    >>> expand_escapes(r"\u0053ERVICE")
    'SERVICE'
    """
    return _ESCAPE.sub(lambda m: _chr(m.group(1) or m.group(2)), text)


def _chr(hex_digits: str) -> str:
    code = int(hex_digits, 16)
    return chr(code) if code <= 0x10FFFF else "\N{REPLACEMENT CHARACTER}"


def screen(text: str) -> Screened:
    r"""Find the form and the SERVICE / LOAD targets of a query or update (``?`` for unknown).

    Engines differ on ``\u`` escapes outside strings, so the text is read both as written and
    with escapes expanded, and every target either reading finds counts.

    >>> screen("PREFIX e: <http://e/> SELECT * { SERVICE e:x { ?s ?p ?o } }")
    Screened(form='SELECT', services=('http://e/x',), loads=())
    >>> screen("load silent <file:///etc/hostname>").loads
    ('file:///etc/hostname',)
    >>> screen(r"SELECT * { \u0053ERVICE <http://evil/> { } }").services
    ('http://evil/',)
    """
    raw = _screen_once(text)
    expanded_text = expand_escapes(text)
    if expanded_text == text:
        return raw
    expanded = _screen_once(expanded_text)
    return Screened(
        raw.form or expanded.form,
        tuple(dict.fromkeys(raw.services + expanded.services)),
        tuple(dict.fromkeys(raw.loads + expanded.loads)),
    )


def _screen_once(text: str) -> Screened:
    tokens = list(iter_tokens(text))
    prefixes: dict[str, str] = {}
    form: str | None = None
    services: list[str] = []
    loads: list[str] = []
    for i, tok in enumerate(tokens):
        word = tok.text.upper() if tok.kind == "name" else ""
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text.rstrip(":")] = tokens[i + 2].text[1:-1]
        elif form is None and (word in FORMS or word in UPDATES):
            form = word if word in FORMS else "UPDATE"
        if word in ("SERVICE", "LOAD"):
            target = _target(tokens, i + 1, prefixes)
            (services if word == "SERVICE" else loads).append(target)
    return Screened(form, tuple(services), tuple(loads))


def _target(tokens: Sequence[Token], j: int, prefixes: dict[str, str]) -> str:
    if j < len(tokens) and tokens[j].text.upper() == "SILENT":
        j += 1
    if j >= len(tokens):
        return "?"
    tok = tokens[j]
    if tok.kind == "iri":
        return tok.text[1:-1]
    if tok.kind == "name" and ":" in tok.text:
        prefix, _, local = tok.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return "?"


def is_allowed(iri: str, allowlist: Sequence[str]) -> bool:
    """An IRI is allowed if it equals an allow-listed IRI or extends one ending in ``/``.

    >>> is_allowed("https://sparql.example/q", ["https://sparql.example/"])
    True
    >>> is_allowed("file:///etc/hostname", ["file:///"])
    False
    """
    if iri == "?" or iri.lower().startswith("file:"):
        return False
    return any(iri == a or (a.endswith("/") and iri.startswith(a)) for a in allowlist)


def check_outbound(
    screened: Screened, service_allowlist: Sequence[str], load_allowlist: Sequence[str]
) -> None:
    """Refuse (403) any SERVICE or LOAD that would reach outside the allow-lists."""
    for iri in screened.services:
        if not is_allowed(iri, service_allowlist):
            raise Forbidden(
                f"SERVICE {_show(iri)} is refused: queries make no outbound requests",
                hint="an operator may allow an endpoint with the service_allowlist setting",
            )
    for iri in screened.loads:
        if not is_allowed(iri, load_allowlist):
            raise Forbidden(
                f"LOAD {_show(iri)} is refused: updates read no files or URLs",
                hint="an operator may allow a source with the load_allowlist setting "
                "(file: IRIs never)",
            )


def _show(iri: str) -> str:
    return "with a variable or unknown prefix" if iri == "?" else f"<{iri}>"
