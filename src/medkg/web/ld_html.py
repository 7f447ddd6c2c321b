"""A simple, valid, accessible HTML view of a linked-data document (``templates/ld_document.html``).

It renders ``Document.data`` (the framed JSON-LD) and nothing else, so the page shows what the
JSON-LD says. Richer pages can replace it by rendering the same documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from flask import render_template

from medkg.documents import Document
from medkg.formats import Format
from medkg.rdf.jsonld import NEST_KEYS
from medkg.vocab import iri_to_curie

GROUP_HEADINGS = {
    "affirmedClaims": "Affirmed claims",
    "negatedClaims": "Negated claims",
    "hypotheses": "Hypotheses, uncertain claims and drafts",
}
DIRECTION_HEADINGS = {
    "claimsAsSubject": "as subject",
    "claimsAsObject": "as object",
}
HIDDEN = {"@context", "@included", "@id", "view", "evidenceFor", *NEST_KEYS}


class View:
    """Helpers the template calls: labels, links and value kinds, from the document's context."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.data = doc.data
        self.ctx: dict[str, Any] = self.data["@context"]
        self.labels = doc.labels

    def expand(self, value: str) -> str:
        prefix, sep, rest = value.partition(":")
        ns = self.ctx.get(prefix) if sep and not rest.startswith("//") else None
        if isinstance(ns, dict):
            ns = ns.get("@id")
        return f"{ns}{rest}" if isinstance(ns, str) else value

    def href(self, value: str) -> str:
        """A link on this host for IRIs medkg serves; the IRI itself for others."""
        iri = self.expand(value)
        base = self.doc.base
        if iri.startswith(base):
            return "/" + iri[len(base) :]
        curie = iri_to_curie(iri)
        if curie != iri:
            return "/entity/" + quote(curie, safe=":")
        return "/entity/?iri=" + quote(iri, safe="")

    def label(self, value: str) -> str:
        return str(self.labels.get(value) or value)

    def is_iri(self, key: str) -> bool:
        term = self.ctx.get(key)
        return key in ("@id",) or (isinstance(term, dict) and term.get("@type") == "@id")

    def rows(self, node: dict[str, Any]) -> list[tuple[str, list[Any]]]:
        return [
            (k, v if isinstance(v, list) else [v])
            for k, v in node.items()
            if (k not in HIDDEN and not k.startswith("@")) or k == "@type"
        ]

    def title(self) -> str:
        d = self.data
        return str(d.get("label") or d.get("title") or d.get("@id"))


def render_document(doc: Document, offer: Sequence[Format]) -> str:
    view = View(doc)
    groups = [
        (GROUP_HEADINGS[key], DIRECTION_HEADINGS[direction], claims)
        for key in NEST_KEYS
        for direction, claims in view.data.get(key, {}).items()
        if claims
    ]
    return render_template(
        "ld_document.html",
        doc=doc,
        data=view.data,
        view=view,
        groups=groups,
        alternates=[f for f in offer if f.name != "html"],
    )
