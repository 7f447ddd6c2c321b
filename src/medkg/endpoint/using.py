"""The protocol's ``using-graph-uri`` / ``using-named-graph-uri``: the dataset an update's
``WHERE`` reads, given beside the update rather than in it.

SPARQL 1.1 Protocol 2.2.3: they act as ``USING`` / ``USING NAMED`` clauses on every
``DELETE``/``INSERT ... WHERE`` of the request, and a request that gives them and also says
``USING``, ``USING NAMED`` or ``WITH`` in its text is an error. They choose what the update reads,
never where it writes, so medkg's rule that updates write only named graphs (``targets.py``) is
untouched. The clauses are written into the text (engines take no dataset for an update), each
just before the ``WHERE`` of an operation, found with the lexer that skips strings, IRIs and
comments.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from medkg.errors import BadRequest
from medkg.store.rewrite import iter_tokens, locate_syntax_error


def _is_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)  # Oxigraph's IRI parser: absolute IRIs only
    except ValueError:
        return False
    return True


def add_using(
    text: str, using: Sequence[str], using_named: Sequence[str], base_iri: str | None = None
) -> str:
    """The update with the protocol's graphs as USING / USING NAMED before each ``WHERE``.

    A malformed update is reported as the engine reads the text as sent (its line and column,
    not those of the rewrite).

    >>> add_using("INSERT { GRAPH <http://g> { ?s a 1 } } WHERE { ?s ?p ?o }", ["http://d"], [])
    'INSERT { GRAPH <http://g> { ?s a 1 } } USING <http://d> WHERE { ?s ?p ?o }'
    >>> add_using("DELETE WHERE { GRAPH <http://g> { ?s ?p 1 } }", ["http://d"], [])
    'DELETE WHERE { GRAPH <http://g> { ?s ?p 1 } }'
    """
    if not using and not using_named:
        return text
    for iri in (*using, *using_named):
        if not _is_iri(iri):
            raise BadRequest(
                f"using-graph-uri / using-named-graph-uri {iri!r} is not an IRI",
                hint="give an absolute IRI, e.g. https://w3id.org/medkg/graph/ontology",
            )
    malformed = locate_syntax_error(text, "update", base_iri)
    if malformed is not None:
        raise malformed
    clauses = "".join(f"USING <{g}> " for g in using)
    clauses += "".join(f"USING NAMED <{g}> " for g in using_named)
    out, last, depth, previous = [], 0, 0, ""
    for tok in iter_tokens(text):
        word = tok.text.upper() if tok.kind == "name" else ""
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
        elif word in ("USING", "WITH") and depth == 0:
            raise BadRequest(
                f"the update says {word} and the request gives using-graph-uri or "
                "using-named-graph-uri: the dataset may be given only once",
                hint=f"drop the parameters, or the {word} clause from the update",
            )
        elif word == "WHERE" and depth == 0 and previous != "DELETE":
            out += [text[last : tok.start], clauses]
            last = tok.start
        previous = word
    return "".join(out) + text[last:]
