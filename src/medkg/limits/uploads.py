"""Checks on an RDF upload before the engine parses it: no entities, no fetching, bounded depth.

The engine's RDF parsers (Oxigraph) are not recursive, but RDF/XML expands internal entities
(a 2 KB "billion laughs" becomes a 10 MB literal in 40 ms, and a 1 GB one a level later) and slows
with element depth (3.7 s at 16,000 levels); a JSON-LD ``@context`` or ``@import`` that is a
URL would have to be fetched. So RDF/XML is read once by expat (a streaming C parser: no
recursion, no fetching) refusing entity declarations and external DTDs and measuring depth, and
JSON-LD is measured by a bracket scan, then read by ``json`` to find remote contexts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

from medkg.errors import BadRequest, Location

_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def check_upload(body: bytes, fmt: str, *, max_depth: int) -> None:
    """Refuse (400) an upload in format ``fmt`` (``rdfxml``, ``jsonld``, ...) that is unsafe."""
    if fmt == "rdfxml":
        check_rdfxml(body, max_depth)
    elif fmt == "jsonld":
        check_jsonld(body, max_depth)


class _Refused(Exception):
    def __init__(self, error: BadRequest):
        self.error = error


def check_rdfxml(body: bytes, max_depth: int) -> None:
    """Refuse entity declarations, an external DTD, and elements nested over ``max_depth``."""
    parser = expat.ParserCreate(namespace_separator=" ")
    depth = 0

    def refuse(message: str, hint: str) -> None:
        where = Location("body", parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        raise _Refused(BadRequest(message, where=where, hint=hint))

    def entity(name: str, *_: Any) -> None:
        refuse(
            f"the RDF/XML declares the entity {name!r}: entity declarations are refused",
            "write the text out instead of declaring entities",
        )

    def doctype(name: str, system_id: str | None, public_id: str | None, *_: Any) -> None:
        if system_id or public_id:
            refuse(
                f"the RDF/XML names an external DTD ({system_id or public_id}): nothing is fetched",
                "remove the DOCTYPE",
            )

    def start(*_: Any) -> None:
        nonlocal depth
        depth += 1
        if depth > max_depth:
            refuse(
                f"the RDF/XML nests elements more than {max_depth} levels deep",
                "flatten it (the operator sets max_depth)",
            )

    def end(*_: Any) -> None:
        nonlocal depth
        depth -= 1

    parser.EntityDeclHandler = entity
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(body, True)
    except _Refused as e:
        raise e.error from None
    except expat.ExpatError as e:
        raise BadRequest(
            f"the RDF/XML body is not well-formed XML: {expat.ErrorString(e.code)}",
            where=Location("body", e.lineno, e.offset + 1),
        ) from None


def check_jsonld(body: bytes, max_depth: int) -> None:
    """Refuse JSON nested over ``max_depth`` and any ``@context`` or ``@import`` that is a URL."""
    text = body.decode("utf-8", "replace")
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > max_depth:
                at = m.start()
                raise BadRequest(
                    f"the JSON-LD nests objects and arrays more than {max_depth} levels deep",
                    where=Location("body", text.count("\n", 0, at) + 1),
                    hint="flatten it (the operator sets max_depth)",
                )
        elif c in "]}":
            depth -= 1
    try:
        doc = json.loads(text)
    except ValueError:
        return  # the engine reports where the JSON is broken
    for key, url in _remote_contexts(doc):
        raise BadRequest(
            f"the JSON-LD's {key} is the URL {url}: uploads are parsed without fetching anything",
            hint="put the context in the document (medkg's documents embed theirs)",
        )


def _remote_contexts(doc: Any) -> Iterator[tuple[str, str]]:
    """Every ``@context`` given by URL and every ``@import``, anywhere in the document."""
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            yield key, item
                stack.append(value)
