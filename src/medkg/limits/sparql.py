"""Size and bracket depth of a SPARQL text, measured without recursion before any parser runs.

Oxigraph's parser recurses once per ``{``, ``(`` or ``[`` (a thread's 8 MiB stack overflows at
about 250 nested collections and 2,500 nested groups, killing the process), and rdflib's raises
``RecursionError`` after a few dozen. The scan below skips strings and comments as the engine
does. Where the text can be read two ways (``?a<'x>'`` is an IRI to a tokenizer, a comparison
with a string to Oxigraph's grammar), it follows every reading at once and counts the deepest,
so no reading can hide brackets from it.
"""

from __future__ import annotations

import bisect
import re

from medkg.errors import BadRequest, Location, PayloadTooLarge

_IRI = re.compile(r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>')
OPEN, CLOSE = "{([", "})]"
#: the characters that end (or escape inside) each state: code, a comment, a string
_STOPS = {
    "code": OPEN + CLOSE + "'\"#<\\",
    "#": "\n\r",
    "'": "'\\\n\r",
    '"': '"\\\n\r',
    "'''": "'\\",
    '"""': '"\\',
}
Step = tuple[int, str, str, int]  # (position, state, innermost open bracket or "?", depth)


class Scan:
    """Where each state's next stop is, by bisection (many readings may scan the same text)."""

    def __init__(self, text: str):
        self.text = text
        self.stops = {
            state: [m.start() for m in re.finditer(f"[{re.escape(chars)}]", text)]
            for state, chars in _STOPS.items()
        }

    def next(self, state: str, pos: int) -> int | None:
        stops = self.stops[state]
        k = bisect.bisect_left(stops, pos)
        return stops[k] if k < len(stops) else None

    def code(self, pos: int, inner: str, depth: int) -> list[Step]:
        """Continue in code at the next character that matters there."""
        at = self.next("code", pos)
        return [] if at is None else [(at, "code", inner, depth)]

    def advance(self, pos: int, state: str, inner: str, depth: int) -> list[Step]:
        """The branches after the character at ``pos`` (every reading of it)."""
        text = self.text
        if state != "code":
            return self._inside(pos, state, inner, depth)
        c = text[pos]
        if c in OPEN:
            return self.code(pos + 1, c, depth + 1)
        if c in CLOSE:  # what is open now is not known without a stack: anything
            return self.code(pos + 1, "?", max(depth - 1, 0))
        if c == "\\":  # an escape in a prefixed name (ex:a\#b)
            return self.code(pos + 2, inner, depth)
        if c in "#'\"":
            quote = c * 3 if c != "#" and text.startswith(c * 3, pos) else c
            return [(pos + len(quote), quote, inner, depth)]
        iri = _IRI.match(text, pos)
        branches = self.code(iri.end(), inner, depth) if iri else []
        if not iri or (inner in "(?" and depth):  # less-than needs an expression, always in ( )
            branches += self.code(pos + 1, inner, depth)  # (or '<<' of an RDF 1.2 triple term)
        return branches

    def _inside(self, pos: int, state: str, inner: str, depth: int) -> list[Step]:
        while (at := self.next(state, pos)) is not None:
            c = self.text[at]
            if c == "\\":
                pos = at + 2
            elif c in "\n\r":
                # a comment ends; a short string cannot span lines: the engine stops here
                return self.code(at + 1, inner, depth) if state == "#" else []
            elif self.text.startswith(state, at):
                return self.code(at + len(state), inner, depth)
            else:
                pos = at + 1  # one or two quotes inside a long string
        return []


def too_deep_at(text: str, limit: int) -> int | None:
    """Index of the first bracket at which some reading of ``text`` nests deeper than ``limit``.

    >>> too_deep_at("SELECT * { { ?s ?p '{{{' } }", 2) is None
    True
    >>> too_deep_at("SELECT * { { { ?s ?p ?o } } }", 2)
    13
    >>> too_deep_at("SELECT * { FILTER(?a<'x>') { { ?s ?p ?o } } '", 2)  # an IRI to a tokenizer
    29
    >>> too_deep_at("SELECT * { <<( <http://x/a> <http://x/b> 1 )>> ?p ?o }", 1)  # RDF 1.2
    13
    """
    scan = Scan(text)
    pending = {(p, s, i): d for p, s, i, d in scan.code(0, "?", 0)}
    while pending:
        branch = min(pending)
        depth = pending.pop(branch)
        for pos, state, inner, after in scan.advance(*branch, depth):
            if after > limit:
                return branch[0]
            key = (pos, state, inner)
            if pos < len(text) and pending.get(key, -1) < after:
                pending[key] = after
    return None


def check_sparql(text: str, *, max_bytes: int, max_depth: int, what: str = "query") -> None:
    """Refuse a query or update over ``max_bytes`` (413) or nested deeper than ``max_depth`` (400)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise PayloadTooLarge(
            f"the {what} is {size} bytes; the limit is {max_bytes}",
            hint="shorten it (the operator sets max_query_bytes)",
        )
    at = too_deep_at(text, max_depth)
    if at is not None:
        line = text.count("\n", 0, at) + 1
        col = at - text.rfind("\n", 0, at)
        raise BadRequest(
            f"the {what} nests {{, ( and [ more than {max_depth} levels deep",
            where=Location(what, line, col),
            hint="flatten it there (the operator sets max_depth; deeper nesting can crash "
            "the SPARQL parser)",
        )
