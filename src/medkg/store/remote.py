"""``sparql:URL`` — any SPARQL 1.1 endpoint: queries through SPARQLWrapper, loads as SPARQL
Update (one request, so one transaction on stores that make a request atomic, as Oxigraph does).

The selector is ``sparql:QUERY_URL`` with optional ``#update=URL&timeout=SECONDS&union=stored``
(the fragment never reaches the server). Without ``update``, a query URL ending in ``/query``
(Oxigraph, Fuseki) implies ``/update`` beside it; any other URL takes updates itself (Virtuoso,
GraphDB).

The default graph must be the union of the named graphs, one of two ways:

- ``union=server`` (the default): the endpoint's own union view (``oxigraph serve
  --union-default-graph``; Virtuoso does it by default). Both repeat a triple once per graph that
  holds it, so a claim stated by k articles matches k times;
- ``union=stored``: medkg keeps the set union in the endpoint's real default graph itself, as the
  embedded store does (see "The stored union" in ``store.base``), for an endpoint whose default
  graph is just its default graph (``oxigraph serve`` without ``--union-default-graph``, Fuseki).
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast
from urllib.parse import parse_qsl, urlsplit

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import URIRef
from rdflib.term import Node
from SPARQLWrapper import INSERT, POST, SELECT, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from medkg.errors import ConfigError, Location, QuerySyntaxError, StoreError
from medkg.store.base import (
    Capabilities,
    Prepare,
    Progress,
    Quad,
    QueryResult,
    drop_update,
    replace_update,
    run_with_union_resync,
)
from medkg.store.bulkload import ProgressReader
from medkg.store.oxigraph import wrap_result
from medkg.store.rdflib_sparql import parse_query, parse_update
from medkg.store.rewrite import bind_values, iter_keywords, locate_syntax_error, with_base
from medkg.terms import RDF_FORMATS, syntax_error, to_triple

#: what to ask for, by query form (the form is read locally: some stores answer CONSTRUCT in
#: their own results JSON when that is acceptable)
ACCEPT = {
    "results": "application/sparql-results+json, application/sparql-results+xml;q=0.5",
    "graph": "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5",
}
GRAPH_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
POSITION = re.compile(r"error at (\d+):(\d+)")  # as Oxigraph reports it
_BODY = re.compile(r"Response:\s*b?['\"](.*)['\"]\s*$", re.S)


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    timeout: float = 300.0
    stored_union: bool = False

    @classmethod
    def parse(cls, rest: str) -> Endpoints:
        """Read ``QUERY_URL[#update=URL&timeout=S]``.

        >>> Endpoints.parse("http://127.0.0.1:7878/query").update
        'http://127.0.0.1:7878/update'
        >>> Endpoints.parse("http://h/sparql#update=http://h/up").update
        'http://h/up'
        """
        url, _, fragment = rest.partition("#")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                f"sparql:{rest} does not name an http(s) endpoint",
                hint="use sparql:http://HOST:PORT/PATH, e.g. sparql:http://127.0.0.1:7878/query",
            )
        opts = dict(parse_qsl(fragment))
        base = url[: -len("/query")] if parts.path.endswith("/query") else None
        update = opts.get("update") or (f"{base}/update" if base else url)
        union = opts.get("union", "server")
        if union not in ("server", "stored"):
            raise ConfigError(
                f"sparql:{rest}: union={union} is neither 'server' nor 'stored'",
                hint="union=server uses the endpoint's union view; union=stored keeps it in "
                "the endpoint's default graph",
            )
        return cls(url, update, float(opts.get("timeout", 300)), union == "stored")


class SparqlStore:
    """A remote SPARQL 1.1 endpoint; stateless, so any number of web workers can share one."""

    capabilities = Capabilities(
        supports_update=True,
        persistent=True,
        native_serialization=True,
        bindings=False,
        bulk_load=False,
    )

    def __init__(self, endpoints: Endpoints, selector: str):
        self.endpoints = endpoints
        self.selector = selector
        self.capabilities = dataclasses.replace(
            self.capabilities, stored_union=endpoints.stored_union
        )

    @classmethod
    def open(cls, rest: str, *, root: Path, selector: str, shared: bool = False) -> SparqlStore:
        return cls(Endpoints.parse(rest), selector)

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: Mapping[str, Node] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        sw = SPARQLWrapper(self.endpoints.query)
        sw.setMethod(POST)
        sw.setTimeout(int(self.endpoints.timeout))
        sw.setQuery(with_base(bind_values(sparql, bindings or {}), base_iri))
        sw.queryType = SELECT  # SPARQLWrapper guesses the form by regex ("dropped" -> DROP)
        sw.setOnlyConneg(True)  # no format=/output= parameters: they override Accept
        sw.addCustomHttpHeader("Accept", ACCEPT[query_form(sparql)])
        for g in default_graphs or []:
            sw.addDefaultGraph(g)
        for g in named_graphs or []:
            sw.addNamedGraph(g)
        try:
            response = sw.query().response
            body, ctype = response.read(), response.headers.get("Content-Type", "")
        except SPARQLWrapperException as e:
            rewritten = bool(bindings) or base_iri is not None
            raise self._error(e, sparql, "query", rewritten, base_iri) from None
        except urllib.error.HTTPError as e:
            raise self._refused(e) from None
        except (urllib.error.URLError, OSError) as e:
            raise self._unreachable(e) from None
        return self._wrap(body, ctype.split(";")[0].strip().lower())

    def _wrap(self, body: bytes, ctype: str) -> QueryResult:
        if ctype in GRAPH_TYPES:
            triples = list(ox.parse(body, format=GRAPH_TYPES[ctype]))

            def serialize_graph(fmt: str) -> bytes:
                return ox.serialize(triples, format=RDF_FORMATS[fmt]) or b""

            return QueryResult(
                "graph", triples=(to_triple(t) for t in triples), serializer=serialize_graph
            )
        fmt = ox.QueryResultsFormat.XML if "xml" in ctype else ox.QueryResultsFormat.JSON
        return wrap_result(ox.parse_query_results(body, format=fmt))

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run an update (with a stored union, and its upkeep in the same request); the base
        IRI travels as a ``BASE`` in front of the text (a later BASE in the text still wins)."""
        based = with_base(sparql, base_iri)
        if not self.endpoints.stored_union:
            return self._update(based, sparql, base_iri)

        def run(text: str) -> None:
            self._update(text, sparql, base_iri)

        if run_with_union_resync(run, based, QuerySyntaxError):
            return None
        raise local_syntax_error(sparql, "update", base_iri) or QuerySyntaxError(
            "the endpoint refused the update as malformed", where=Location("update")
        )

    def _update(self, sparql: str, original: str, base_iri: str | None = None) -> None:
        sw = SPARQLWrapper(self.endpoints.query, updateEndpoint=self.endpoints.update)
        sw.setMethod(POST)
        sw.setTimeout(int(self.endpoints.timeout))
        sw.setQuery(sparql)
        sw.queryType = INSERT  # send it as an update whatever SPARQLWrapper's regex guessed
        sw.setOnlyConneg(True)
        try:
            sw.query().response.read()
        except SPARQLWrapperException as e:
            raise self._error(e, original, "update", sparql != original, base_iri) from None
        except urllib.error.HTTPError as e:
            raise self._refused(e) from None
        except (urllib.error.URLError, OSError) as e:
            raise self._unreachable(e) from None

    def replace_graphs(
        self, graphs: Mapping[URIRef, Iterable[Quad]], drop_prefix: str | None = None
    ) -> None:
        existing = self.graph_names() if drop_prefix else []
        text = replace_update(graphs, existing, drop_prefix, union=self.endpoints.stored_union)
        self.post_update((text,))

    def replace_dataset(
        self,
        nquads: Path,
        drop_prefix: str | None = None,
        progress: Progress | None = None,
        union_included: bool = False,
        prepare: Prepare | None = None,
    ) -> None:
        """One streamed SPARQL Update: atomic on Oxigraph, but the endpoint holds the whole
        update in memory, so beyond ~100k claims load the N-Quads file with the store's own
        bulk loader (``oxigraph load``, Virtuoso ``ld_dir``) instead."""
        existing = self.graph_names() if drop_prefix else []
        drops = [g for g in existing if drop_prefix and str(g).startswith(drop_prefix)]
        union = self.endpoints.stored_union
        self.post_update(
            iter_insert_chunks(
                nquads,
                drop_update(drops, union),
                progress,
                keep_triples=union,
                add_union=union and not union_included,
            )
        )
        if prepare is not None:
            prepare(self)

    def post_update(self, chunks: Iterable[str]) -> None:
        """Send one SPARQL Update as ``application/sparql-update`` (one request).

        The text is spooled to a temporary file first and sent with a Content-Length, since
        some stores (Virtuoso) silently ignore chunked request bodies.
        """
        with tempfile.TemporaryFile() as body:
            for chunk in chunks:
                body.write(chunk.encode("utf-8"))
            size = body.tell()
            body.seek(0)
            headers = {"Content-Type": "application/sparql-update", "Content-Length": str(size)}
            request = urllib.request.Request(
                self.endpoints.update, data=body, method="POST", headers=headers
            )
            try:
                with urllib.request.urlopen(request, timeout=self.endpoints.timeout) as response:
                    response.read()
            except urllib.error.HTTPError as e:
                message = e.read().decode("utf-8", "replace")[:500]
                raise StoreError(
                    f"the endpoint {self.endpoints.update} refused the update ({e.code}): "
                    f"{message}",
                    hint="check the endpoint's update URL and that it accepts writes",
                ) from None
            except (urllib.error.URLError, OSError) as e:
                raise self._unreachable(e) from None

    def graph_names(self) -> list[URIRef]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(URIRef(str(row[0])) for row in result.rows if isinstance(row[0], URIRef))

    def count(self, graph: URIRef | None = None) -> int:
        target = graph.n3() if graph is not None else "?g"
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {target} {{ ?s ?p ?o }} }}")
        rows = list(result.rows)
        return int(str(rows[0][0])) if rows and rows[0][0] is not None else 0

    def side_folder(self) -> Path | None:
        return None  # no folder of its own: nothing is kept beside the data

    def close(self) -> None:
        pass

    def _refused(self, e: urllib.error.HTTPError) -> StoreError:
        return StoreError(
            f"the SPARQL endpoint {e.url} answered {e.code} {e.reason}",
            hint="see the triple store's log",
        )

    def _unreachable(self, e: Exception) -> StoreError:
        reason = getattr(e, "reason", e)
        return StoreError(
            f"cannot reach the SPARQL endpoint {self.endpoints.query}: {reason}",
            hint="is the triple store running? check the sparql:URL store setting",
        )

    def _error(
        self,
        e: SPARQLWrapperException,
        text: str,
        what: str,
        rewritten: bool = False,
        base_iri: str | None = None,
    ) -> Exception:
        """A typed error for a refused request: syntax errors keep the line and column.

        The endpoint's own position is used when it gives one for the text as written (Oxigraph
        does); otherwise the text is parsed locally to find it.
        """
        m = _BODY.search(str(e))
        message = (m.group(1) if m else str(e)).replace("\\n", " ").strip()
        if getattr(e, "code", None) == 400 or "QueryBadFormed" in type(e).__name__:
            if not rewritten and POSITION.search(message):
                return syntax_error(SyntaxError(message), what)
            return local_syntax_error(text, what, base_iri) or QuerySyntaxError(
                f"the endpoint refused the {what}: {message}", where=Location(what)
            )
        return StoreError(
            f"the SPARQL endpoint failed the {what}: {message}",
            hint="see the triple store's log",
        )


def query_form(sparql: str) -> str:
    """``"graph"`` for CONSTRUCT and DESCRIBE, ``"results"`` for anything else.

    >>> query_form("PREFIX c: <http://x/construct#> SELECT * { ?s c:p 'CONSTRUCT' }")
    'results'
    >>> query_form("describe <http://x/a>")
    'graph'
    """
    for word in iter_keywords(sparql):
        if word in ("SELECT", "ASK"):
            return "results"
        if word in ("CONSTRUCT", "DESCRIBE"):
            return "graph"
    return "results"


def local_syntax_error(
    text: str, what: str, base_iri: str | None = None
) -> QuerySyntaxError | None:
    """Parse the text locally to point at the line and column of a syntax error.

    Only called after the endpoint refused a request, so the (slow) local parser stays off the
    hot path; if it finds nothing, the endpoint's own message is reported instead.
    """
    located = locate_syntax_error(text, what, base_iri)
    if located is not None:
        return located
    try:
        (parse_update if what == "update" else parse_query)(text)
    except ParseException as e:
        return QuerySyntaxError(
            f"SPARQL syntax error: {e.msg}",
            where=Location(what, e.lineno, e.col),
            hint="fix the query at that line and column",
        )
    except SyntaxError as e:
        return syntax_error(e, what)
    except Exception:
        return None
    return None


def iter_insert_chunks(
    nquads: Path,
    prelude: str = "",
    progress: Progress | None = None,
    keep_triples: bool = False,
    add_union: bool = False,
) -> Iterator[str]:
    """A SPARQL Update of ``prelude`` (operations ending in ``;``), then an insert of an
    N-Quads file graph block by block. Triple lines go in the default graph with
    ``keep_triples`` and are skipped otherwise; with ``add_union`` every quad's triple goes in
    the default graph too (read in a second pass over the file)."""
    yield prelude
    yield "INSERT DATA {\n"
    current: str | None = None
    with nquads.open("rb") as f:
        reader = cast(IO[bytes], ProgressReader(f, progress))
        for q in ox.parse(reader, format=ox.RdfFormat.N_QUADS):
            g = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
            if not g and not keep_triples:
                continue
            if g != current:
                yield ("}\n" if current else "") + (f"GRAPH {g} {{\n" if g else "")
                current = g
            yield f"{q.subject} {q.predicate} {q.object} .\n"
    yield "}\n" if current else ""
    if add_union:
        with nquads.open("rb") as f:
            for q in ox.parse(f, format=ox.RdfFormat.N_QUADS):
                if not isinstance(q.graph_name, ox.DefaultGraph):
                    yield f"{q.subject} {q.predicate} {q.object} .\n"
    yield "}\n"
