"""Named queries from ``queries/*.rq``: a YAML header in ``#+`` comment lines, typed parameters
bound as values (never spliced into the text), so a value cannot change the query's shape."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyparsing import ParseException, ParseResults
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from medkg.errors import BuildError, Location, NotFound, ParameterError, UnknownCurie
from medkg.paging import after_bindings, bind_anchor, decode_cursor, encode_cursor, paged_text
from medkg.store.base import QueryResult, Row, Store
from medkg.store.rdflib_sparql import parse_query, prepare_query
from medkg.store.rewrite import iter_keywords
from medkg.terms import to_rdflib
from medkg.vocab import PREFIXES, iri_to_curie, is_curie, to_iri

PARAM_TYPES = ("IRI", "CURIE", "string", "integer", "enum")
EXPECT_KEYS = {"columns", "count", "contains", "excludes"}
# request parameters of /api/queries/<name> itself (and of `medkg query`), never a query's
RESERVED = {"format", "cursor", "page_size"}
_HEADER = re.compile(r"^#\+ ?(.*)$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str = ""
    default: str | None = None
    example: str | None = None
    values: tuple[str, ...] = ()  # for enum
    required: bool = True

    def bind(self, raw: str | None) -> Node | None:
        """The RDF term for a raw value; a bad value is a ParameterError naming the parameter."""
        if raw is None or raw == "":
            raw = self.default
        if raw is None:
            if self.required:
                raise ParameterError(
                    f"missing parameter {self.name!r} ({self.type})",
                    hint=f"pass {self.name}=… e.g. {self.example or '…'}",
                )
            return None
        if self.type in ("IRI", "CURIE"):
            return self._bind_iri(raw)
        if self.type == "integer":
            if not re.fullmatch(r"-?\d{1,18}", raw.strip()):
                raise ParameterError(f"parameter {self.name!r} must be an integer, got {raw!r}")
            return Literal(int(raw), datatype=XSD.integer)
        if self.type == "enum" and raw not in self.values:
            raise ParameterError(
                f"parameter {self.name!r} must be one of {', '.join(self.values)}, got {raw!r}"
            )
        return Literal(raw)

    def _bind_iri(self, raw: str) -> URIRef:
        """An IRI from a CURIE or (for type IRI) an absolute http(s) IRI, checked as an IRI."""
        if self.type == "CURIE" and not is_curie(raw):
            raise ParameterError(
                f"parameter {self.name!r} must be a CURIE such as {self.example or 'MONDO:0004976'}"
                f", got {raw!r}",
                hint="known prefixes: " + ", ".join(sorted(PREFIXES)),
            )
        iri = None
        if not _BAD_IRI.search(raw):
            try:
                iri = to_iri(raw)
            except UnknownCurie as e:
                raise ParameterError(f"parameter {self.name!r}: {e.message}", hint=e.hint) from None
        if iri is None or not str(iri).startswith(("http://", "https://")):
            raise ParameterError(
                f"parameter {self.name!r} is not a valid IRI: {raw!r}",
                hint='pass an absolute http(s) IRI or a CURIE, without spaces or <>"{}|^`\\',
            )
        return iri

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v not in (None, "", ())}


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    summary: str
    text: str
    description: str = ""
    params: tuple[Parameter, ...] = ()
    tags: tuple[str, ...] = ()
    expect: dict[str, Any] = field(default_factory=dict)
    order: tuple[str, ...] = ()  # the key it pages on: projected variables naming one row

    def bindings(self, raw: dict[str, str]) -> dict[str, Node]:
        """Bind raw parameter values; unknown names are an error, not silently ignored."""
        known = {p.name for p in self.params}
        unknown = sorted(set(raw) - known - RESERVED)
        if unknown:
            raise ParameterError(
                f"unknown parameter(s) {', '.join(unknown)} for query {self.name!r}",
                hint=f"known: {', '.join(sorted(known)) or 'none'}",
            )
        out = {}
        for p in self.params:
            term = p.bind(raw.get(p.name))
            if term is not None:
                out[p.name] = term
        return out

    def run(self, store: Store, raw: dict[str, str] | None = None) -> QueryResult:
        """The whole answer, unpaged (for ``expect:`` checks and tools, not for clients)."""
        bound = self.bindings(raw or {})
        return store.query(self.bound_text(bound), bindings=bound)

    def bound_text(self, bound: dict[str, Node]) -> str:
        """The text with ``bound`` inside its anchor subquery too (see ``paging.bind_anchor``);
        the store binds them in the outer query."""
        return bind_anchor(self.text, self.order[0], bound) if self.order else self.text

    def page(
        self, raw: dict[str, str], size: int, cursor: str | None = None
    ) -> tuple[str, dict[str, Node]]:
        """The text and bindings of one page of ``size`` rows (one more is asked, to know
        whether a next page exists), past ``cursor`` when given; a query without an
        ``order:`` key has one page, its whole answer."""
        bound = self.bindings(raw)
        if not self.order:
            if cursor:
                raise ParameterError(
                    f"query {self.name!r} has one page: it has no cursor to continue from",
                    hint="leave out cursor",
                )
            return self.text, bound
        after = decode_cursor(self.name, len(self.order), cursor) if cursor else None
        if after is not None:
            bound.update(after_bindings(self.order, after))
        return paged_text(self.text, self.order, size, after, bound), bound

    def next_cursor(self, variables: list[str], rows: list[Row], size: int) -> str | None:
        """The cursor of the page after ``rows`` (a page asked with ``page``), or None."""
        if not self.order or len(rows) <= size:
            return None
        last = rows[size - 1]
        terms = [_rdflib(last[variables.index(k)]) for k in self.order]
        return encode_cursor(self.name, terms)

    def run_page(
        self,
        store: Store,
        raw: dict[str, str],
        size: int,
        cursor: str | None = None,
        page: tuple[str, dict[str, Node]] | None = None,
    ) -> tuple[QueryResult, str | None]:
        """One page of the answer, and the cursor of the next page (None on the last); the
        page's text and bindings are ``page`` when given (as ``page()`` would give them)."""
        text, bound = page or self.page(raw, size, cursor)
        result = store.query(text, bindings=bound)
        rows = list(result.rows)
        following = self.next_cursor(result.variables, rows, size)
        kept = rows[:size] if self.order else rows
        return QueryResult(result.kind, result.variables, iter(kept), result.boolean), following

    def check(self, result: QueryResult) -> list[str]:
        """What in ``result`` differs from the header's ``expect:`` block (empty: as expected).

        ``columns`` is the exact projection, ``count`` the exact number of rows; each entry of
        ``contains`` must match some row and no row may match an entry of ``excludes``, values
        compared as CURIEs or lexical forms (see ``to_text``).
        """
        rows = [dict(zip(result.variables, map(to_text, r), strict=True)) for r in result.rows]
        problems = []
        columns = self.expect.get("columns")
        if columns is not None and list(columns) != result.variables:
            problems.append(f"columns are {result.variables}, expected {list(columns)}")
        count = self.expect.get("count")
        if count is not None and int(count) != len(rows):
            problems.append(f"{len(rows)} rows, expected {count}")
        for want in self.expect.get("contains") or []:
            if not any(_matches(row, want) for row in rows):
                problems.append(f"no row matches {want}")
        for unwanted in self.expect.get("excludes") or []:
            hits = [row for row in rows if _matches(row, unwanted)]
            if hits:
                problems.append(f"{len(hits)} row(s) match excluded {unwanted}: {hits[0]}")
        return problems

    def example_params(self) -> dict[str, str]:
        """The example value of every parameter that has one."""
        return {p.name: p.example for p in self.params if p.example is not None}

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "params": [p.to_dict() for p in self.params],
            "tags": list(self.tags),
            "order": list(self.order),
        }


def parse_query_file(path: Path) -> NamedQuery:
    """Read a ``.rq`` file and its ``#+`` YAML header; a bad header names file:line."""
    text = path.read_text(encoding="utf-8")
    header_lines = []
    for line in text.splitlines():
        m = _HEADER.match(line)
        if not m:
            break
        header_lines.append(m.group(1))
    where = Location(str(path), 1)
    if not _NAME.match(path.stem):
        raise BuildError(
            f"query file name {path.name!r} is not a URL slug",
            where=where,
            hint="use lower-case letters, digits and hyphens",
        )
    try:
        meta = YAML(typ="safe").load("\n".join(header_lines)) or {}
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise BuildError(
            f"bad #+ header: {getattr(e, 'problem', e)}",
            where=Location(str(path), mark.line + 1 if mark else 1),
            hint="the header is YAML after '#+ ' on each line",
        ) from None
    if not isinstance(meta, dict) or not meta.get("summary"):
        raise BuildError(
            "the #+ header needs at least a summary",
            where=where,
            hint="start the file with '#+ summary: what the query answers'",
        )
    projected = _projection(text, path)
    params = [_parameter(p, i, projected, where) for i, p in enumerate(meta.get("params") or [])]
    expect = meta.get("expect") or {}
    if not isinstance(expect, dict) or set(expect) - EXPECT_KEYS:
        raise BuildError(
            "expect: must be a mapping with keys among " + ", ".join(sorted(EXPECT_KEYS)),
            where=where,
        )
    return NamedQuery(
        path.stem,
        path,
        str(meta["summary"]),
        text,
        str(meta.get("description", "")),
        tuple(params),
        tuple(meta.get("tags") or ()),
        dict(expect),
        _order(meta.get("order"), text, projected, where),
    )


def _order(order: Any, text: str, projected: set[str], where: Location) -> tuple[str, ...]:
    """The ``order:`` key of a header: variables the query selects as they are (not an
    expression or an aggregate), so a cursor can filter the WHERE clause past them."""
    if order is None:
        return ()
    hint = "e.g. 'order: [claim, evidence]': variables that together name one row"
    if not isinstance(order, list) or not order or not all(isinstance(k, str) for k in order):
        raise BuildError("order: must be a list of variable names", where=where, hint=hint)
    for key in order:
        if key not in projected or re.search(rf"\bAS\s+\?{re.escape(key)}\b", text, re.I):
            raise BuildError(
                f"order key {key!r} must be a variable the query selects as it is",
                where=where,
                hint=hint + "; not an expression or an aggregate (... AS ?" + key + ")",
            )
    if re.search(r"\b(LIMIT|OFFSET)\s+\d+\s*$", text, re.I):
        raise BuildError(
            "a query with an order: key pages itself; drop its LIMIT/OFFSET", where=where
        )
    return tuple(order)


def _parameter(p: Any, i: int, projected: set[str], where: Location) -> Parameter:
    """One ``params:`` entry of a header, checked against the query's projection."""
    if not isinstance(p, dict) or p.get("type") not in PARAM_TYPES or not p.get("name"):
        raise BuildError(
            f"parameter {i + 1}: needs a name and a type in {', '.join(PARAM_TYPES)}",
            where=where,
        )
    if p["name"] in RESERVED:
        raise BuildError(f"parameter name {p['name']!r} is reserved", where=where, hint="rename it")
    if p["type"] == "enum" and not p.get("values"):
        raise BuildError(f"enum parameter {p['name']!r} needs values", where=where)
    if p["name"] not in projected:
        raise BuildError(
            f"parameter {p['name']!r} must be a variable the query selects (?{p['name']})",
            where=where,
            hint="add it to the SELECT clause (and GROUP BY); values are bound to it",
        )
    return Parameter(
        p["name"],
        p["type"],
        p.get("description", ""),
        _str(p.get("default")),
        _str(p.get("example")),
        tuple(str(v) for v in p.get("values") or ()),
        bool(p.get("required", p.get("default") is None)),
    )


#: the words that open a query's form, after its prologue
FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


def _projection(text: str, path: Path) -> set[str]:
    """The variables a parameter may bind: a SELECT's projection, an ASK's variables.

    A SELECT's projection is read from Oxigraph's plan of it over an empty store (~2 ms;
    nothing is evaluated before its rows are asked for, and none are); rdflib's parse of
    the founding query took 0.15-0.25 s of every ``medkg query``. Any other form, or a text
    Oxigraph refuses, goes to rdflib, whose errors name the line and column."""
    if next((w for w in iter_keywords(text) if w in FORMS), None) == "SELECT":
        try:
            plan = ox.Store().query(text)
        except SyntaxError:
            pass
        else:
            if isinstance(plan, ox.QuerySolutions):
                return {v.value for v in plan.variables}
    try:
        algebra = prepare_query(text).algebra
    except ParseException as e:
        raise BuildError(
            f"SPARQL syntax error: {e.msg}",
            where=Location(str(path), e.lineno, e.col),
            hint="fix the query at that line and column",
        ) from None
    except Exception as e:  # rdflib raises assorted errors when translating the algebra
        raise BuildError(f"query cannot be prepared: {e}", where=Location(str(path))) from None
    if algebra.name not in ("SelectQuery", "AskQuery"):
        return set()
    return {str(v) for v in algebra.PV}


def optional_before_required(text: str) -> int:
    """How many groups of a query have an OPTIONAL before a required triple pattern.

    Oxigraph evaluates the patterns after such an OPTIONAL on their own and joins afterwards,
    so a bound parameter no longer narrows them: ``claims-about-entity`` took 4.8 s at 10k
    claims with its OPTIONAL in the middle and 5 ms with it last (the answer is the same when,
    as here, the OPTIONAL binds nothing the later patterns use). Named queries keep OPTIONALs
    last.

    >>> optional_before_required("SELECT * { ?a ?b ?c OPTIONAL { ?a <p> ?d } ?a <q> ?e }")
    1
    >>> optional_before_required("SELECT * { ?a ?b ?c OPTIONAL { ?a <p> ?d } OPTIONAL { ?a <q> ?e } }")
    0
    """
    count = 0

    def walk(node: Any) -> None:
        nonlocal count
        if isinstance(node, CompValue):
            if node.name == "GroupGraphPatternSub":
                names = [part.name for part in node.get("part") or []]
                if "OptionalGraphPattern" in names:
                    first = names.index("OptionalGraphPattern")
                    count += "TriplesBlock" in names[first:]
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple | ParseResults):
            for value in node:
                walk(value)

    walk(parse_query(text))
    return count


def to_text(term: Node | None) -> str:
    """A term as a person reads it: IRIs as CURIEs where a prefix fits, literals lexically.

    >>> to_text(URIRef("http://purl.obolibrary.org/obo/MONDO_0004976")), to_text(Literal(True))
    ('MONDO:0004976', 'true')
    """
    if term is None:
        return ""
    return iri_to_curie(str(term)) if isinstance(term, URIRef) else str(term)


def _rdflib(term: Any) -> Node:
    """An order key's term as rdflib's (rows come from rdflib or pyoxigraph)."""
    converted = term if isinstance(term, Node) else to_rdflib(term)
    if converted is None:
        raise ParameterError("a row has no value for the query's order key", hint="report it")
    return converted


def _matches(row: dict[str, str], want: dict[str, Any]) -> bool:
    return all(row.get(str(k)) == str(v) for k, v in want.items())


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def load_queries(root: Path) -> dict[str, NamedQuery]:
    """Every named query in ``root/queries``, re-read only when a file changes."""
    out = {}
    for path in sorted((root / "queries").glob("*.rq")):
        stat = path.stat()
        out[path.stem] = _parse_cached(path, stat.st_mtime_ns, stat.st_size)
    return out


@lru_cache(maxsize=256)
def _parse_cached(path: Path, mtime_ns: int, size: int) -> NamedQuery:
    return parse_query_file(path)


def get_query(root: Path, name: str) -> NamedQuery:
    """A named query by its name only (never a path: names come from URLs); only its file is
    read (parsing all of them cost the command line 1.5 s)."""
    paths = {p.stem: p for p in sorted((root / "queries").glob("*.rq"))}
    if name not in paths:
        raise NotFound(
            f"no named query {name!r}",
            hint=f"known: {', '.join(paths) or 'none'} (files in queries/)",
        )
    stat = paths[name].stat()
    return _parse_cached(paths[name], stat.st_mtime_ns, stat.st_size)


def find_query(root: Path, name_or_path: str) -> NamedQuery:
    """A named query by name (``als-demyelinating-or-axonal``) or by its file path."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.exists():
        return parse_query_file(path)
    return get_query(root, name_or_path)
