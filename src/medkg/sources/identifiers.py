"""Identifiers of curated sources -> resolvable IRIs, from the ``bioregistry`` package.

bioregistry ships its registry offline and knows the prefixes curated sources write
(``PMID``, ``ORPHA``, ``OMIM``, ``DECIPHER``, ``ISBN-13``) as synonyms of its own, so medkg keeps
no table of URI patterns by hand. Imported lazily: loading the registry takes about two seconds.
"""

from __future__ import annotations

import re
from functools import cache

from medkg.model import SourceReference

#: a prefix as sources write it (``PMID``, ``ISBN-13``), a colon, a local part without spaces;
#: bioregistry also knows synonyms such as ``PubMed ID``, which would put a space in the IRI
#: medkg mints for the reference
_CURIE = re.compile(r"[A-Za-z][A-Za-z0-9._-]*:\S+")


class UnresolvableIdentifier(ValueError):
    """An identifier whose prefix bioregistry does not know, or whose local part is malformed."""


@cache
def identifier_iri(identifier: str) -> str:
    """The IRI of a ``PREFIX:local`` identifier; raise UnresolvableIdentifier if it has none.

    >>> identifier_iri("ORPHA:803")
    'http://www.orpha.net/ORDO/Orphanet_803'
    >>> identifier_iri("PMID:20037588P")
    Traceback (most recent call last):
    ...
    medkg.sources.identifiers.UnresolvableIdentifier: 'PMID:20037588P': '20037588P' is not a valid pubmed identifier
    """
    import bioregistry

    if not _CURIE.fullmatch(identifier):
        raise UnresolvableIdentifier(f"{identifier!r}: not a PREFIX:local identifier")
    parsed = bioregistry.parse_curie(identifier)
    if parsed is None or parsed.prefix is None:
        raise UnresolvableIdentifier(f"{identifier!r}: bioregistry knows no such prefix")
    if not _is_valid(parsed.prefix, parsed.identifier):
        raise UnresolvableIdentifier(
            f"{identifier!r}: {parsed.identifier!r} is not a valid {parsed.prefix} identifier"
        )
    # the prefix's own URI format first: the same IRI as get_iri for every identifier of
    # phenotype.hpoa (21,603), ten times faster than ranking every provider
    iri = bioregistry.get_default_iri(parsed.prefix, parsed.identifier) or bioregistry.get_iri(
        parsed.prefix, parsed.identifier
    )
    if iri is None:
        raise UnresolvableIdentifier(f"{identifier!r}: bioregistry has no IRI pattern for it")
    return _checked(identifier, iri)


def _is_valid(prefix: str, local: str) -> bool:
    """bioregistry's check, its pattern read with ASCII digits: Python's ``\\d`` matches
    ``\uff11`` (fullwidth one) too, which no registry means."""
    import bioregistry

    if not bioregistry.is_valid_identifier(prefix, local):
        return False
    pattern = bioregistry.get_pattern(prefix)
    return local.isascii() or not pattern or re.search(pattern, local, re.ASCII) is not None


def _checked(identifier: str, iri: str) -> str:
    """``iri`` if the store's IRI parser (pyoxigraph's) takes it: a pattern as loose as DOI's
    (``10.1000/a b``) lets through what no IRI may hold, and the whole load would fail."""
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as e:
        raise UnresolvableIdentifier(f"{identifier!r}: not a valid IRI {iri!r} ({e})") from None
    return iri


@cache
def to_reference(identifier: str) -> SourceReference:
    """A reference as a source writes it: a ``PREFIX:local`` identifier, or a web address.

    >>> to_reference("PMID:31675180").iri
    'https://pubmed.ncbi.nlm.nih.gov/31675180/'
    >>> to_reference("https://www.ncbi.nlm.nih.gov/books/NBK1345/").iri
    'https://www.ncbi.nlm.nih.gov/books/NBK1345/'
    >>> to_reference("http://[bad/x")
    Traceback (most recent call last):
    ...
    medkg.sources.identifiers.UnresolvableIdentifier: 'http://[bad/x': not a valid IRI 'http://[bad/x' (Invalid character '[' in host)

    A web address is checked by the store's own IRI parser (pyoxigraph's): one it would refuse
    is a bad row, not a failed load of the whole file.
    """
    if identifier.startswith(("http://", "https://")):
        return SourceReference(identifier, _checked(identifier, identifier))
    return SourceReference(identifier, identifier_iri(identifier))
