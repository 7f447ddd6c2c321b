"""The one table of formats, and ``negotiate()`` used by /sparql, linked-data routes and the CLI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from medkg.errors import NotAcceptable


@dataclass(frozen=True)
class Format:
    """One serialisation: short name, media type, and how rdflib / pyoxigraph call it."""

    name: str
    media_type: str
    kind: str  # "results" (SELECT/ASK), "graph" (triples), "dataset" (quads), "page"
    rdflib: str | None = None
    extension: str = ""
    aliases: tuple[str, ...] = ()


FORMATS: tuple[Format, ...] = (
    Format(
        "json", "application/sparql-results+json", "results", "json", "srj", ("application/json",)
    ),
    Format("xml", "application/sparql-results+xml", "results", "xml", "srx", ("application/xml",)),
    Format("csv", "text/csv", "results", "csv", "csv"),
    Format("tsv", "text/tab-separated-values", "results", "tsv", "tsv"),
    Format(
        "ttl",
        "text/turtle",
        "graph",
        "turtle",
        "ttl",
        ("application/x-turtle", "text/n3", "text/rdf+n3"),  # a Turtle document is valid N3
    ),
    Format("nt", "application/n-triples", "graph", "nt", "nt", ("text/plain",)),
    Format("rdfxml", "application/rdf+xml", "graph", "xml", "rdf"),
    Format("jsonld", "application/ld+json", "graph", "json-ld", "jsonld", ("application/json",)),
    Format("nq", "application/n-quads", "dataset", "nquads", "nq"),
    Format("trig", "application/trig", "dataset", "trig", "trig"),
    Format("html", "text/html", "page", None, "html", ("application/xhtml+xml",)),
)

BY_NAME = {f.name: f for f in FORMATS}
NAME_ALIASES = {
    "turtle": "ttl",
    "n3": "ttl",
    "rdf+xml": "rdfxml",
    "ntriples": "nt",
    "n-triples": "nt",
    "xml-rdf": "rdfxml",
    "rdf": "rdfxml",
    "json-ld": "jsonld",
    "nquads": "nq",
    "n-quads": "nq",
    "srj": "json",
    "srx": "xml",
}


#: a ``format`` parameter read for a graph result (CONSTRUCT, DESCRIBE, the service description):
#: SPARQLWrapper sends ``format=xml`` (and ``json``) whatever the query form, meaning RDF/XML
#: (and JSON-LD) for a graph; for solutions the same names mean SPARQL results XML (and JSON)
FOR_GRAPHS = {
    "xml": "rdfxml",
    "application/xml": "rdfxml",
    "json": "jsonld",
    "application/json": "jsonld",
}


def format_param_for(param: str | None, kind: str) -> str | None:
    """A ``format`` parameter read in the context of the result kind (``results`` or ``graph``).

    >>> format_param_for("xml", "graph"), format_param_for("xml", "results")
    ('rdfxml', 'xml')
    """
    if param is None or kind != "graph":
        return param
    return FOR_GRAPHS.get(param.strip().lower(), param)


def by_name(name: str) -> Format:
    """Find a format by its short name, an alias or a media type.

    >>> by_name("turtle").media_type
    'text/turtle'
    """
    key = name.strip().lower()
    key = NAME_ALIASES.get(key, key)
    if key in BY_NAME:
        return BY_NAME[key]
    for f in FORMATS:
        if key == f.media_type:
            return f
    raise NotAcceptable(f"unknown format {name!r}", hint="use one of " + ", ".join(BY_NAME))


def offered(kinds: Iterable[str]) -> list[Format]:
    """Every format of the given kinds, in preference order."""
    wanted = set(kinds)
    return [f for f in FORMATS if f.kind in wanted]


def negotiate(accept: str | None, format_param: str | None, offer: Sequence[Format]) -> Format:
    """Pick the format for a response: ``?format=`` wins over ``Accept``; q-values are honoured.

    The first offered format wins ties and ``*/*``. Raises ``NotAcceptable`` listing the offer.

    >>> negotiate("text/turtle;q=0.5, application/ld+json", None, offered(["graph"])).name
    'jsonld'
    >>> negotiate(None, "nt", offered(["graph"])).name
    'nt'
    """
    listing = ", ".join(f"{f.media_type} ({f.name})" for f in offer)
    if format_param:
        try:
            chosen = by_name(format_param)
        except NotAcceptable:
            chosen = None
        if chosen is None or chosen not in offer:
            raise NotAcceptable(
                f"format {format_param!r} is not offered here", hint=f"offered: {listing}"
            )
        return chosen
    if not accept or not accept.strip():
        return offer[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    best: tuple[float, int, Format] | None = None
    for rank, f in enumerate(offer):
        for mt_rank, mt in enumerate((f.media_type, *f.aliases)):
            q = parsed[mt]
            if q <= 0:
                continue
            # an exact media type beats a wildcard match with the same q; alias beats nothing
            exact = any(v == mt for v, _ in parsed)
            score = (q, 2 if exact and mt_rank == 0 else 1 if exact else 0)
            candidate = (score[0] + score[1] / 1000, -rank, f)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    if best is None:
        raise NotAcceptable(
            f"none of the media types in Accept: {accept!r} is offered here",
            hint=f"offered: {listing}",
        )
    return best[2]
