"""Read the form of SPARQL text (``SELECT`` … or an update) before any engine sees it.

A small lexer skips strings, IRIs and comments exactly as the SPARQL grammar delimits them, so a
keyword inside a literal or an IRI never counts. It only chooses the response formats: whether a
query may reach another host is decided on the engine's own parse (``outbound``), never here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medkg.store.rewrite import iter_tokens

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATES = (
    "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH",
)  # fmt: skip


@dataclass(frozen=True)
class Screened:
    """What the text is: a query form (``SELECT`` …), ``UPDATE``, or ``None`` if unrecognised."""

    form: str | None


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
    r"""Find the form of a query or update, reading the text as written and, where that finds
    nothing, with ``\u`` escapes expanded (rdflib expands them everywhere, Oxigraph does not).

    >>> screen("PREFIX e: <http://e/> SELECT * { SERVICE e:x { ?s ?p ?o } }")
    Screened(form='SELECT')
    >>> screen("load silent <file:///etc/hostname>").form
    'UPDATE'
    >>> screen(r"\u0041SK { }").form
    'ASK'
    """
    form = _form(text)
    return Screened(form or _form(expand_escapes(text)))


def _form(text: str) -> str | None:
    for tok in iter_tokens(text):
        word = tok.text.upper() if tok.kind == "name" else ""
        if word in FORMS or word in UPDATES:
            return word if word in FORMS else "UPDATE"
    return None
