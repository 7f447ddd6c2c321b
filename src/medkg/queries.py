"""Named queries from ``queries/*.rq``: a YAML header in ``#+`` comment lines, typed parameters
bound as values (never spliced into the text), so a value cannot change the query's shape."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Node
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from medkg.errors import BuildError, Location, NotFound, ParameterError, UnknownCurie
from medkg.store.base import QueryResult, Store
from medkg.vocab import to_iri

PARAM_TYPES = ("IRI", "CURIE", "string", "integer", "enum")
_HEADER = re.compile(r"^#\+ ?(.*)$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


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
            try:
                return to_iri(raw)
            except UnknownCurie as e:
                raise ParameterError(f"parameter {self.name!r}: {e.message}", hint=e.hint) from None
        if self.type == "integer":
            if not re.fullmatch(r"-?\d{1,18}", raw.strip()):
                raise ParameterError(f"parameter {self.name!r} must be an integer, got {raw!r}")
            return Literal(int(raw), datatype=XSD.integer)
        if self.type == "enum" and raw not in self.values:
            raise ParameterError(
                f"parameter {self.name!r} must be one of {', '.join(self.values)}, got {raw!r}"
            )
        return Literal(raw)

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

    def bindings(self, raw: dict[str, str]) -> dict[str, Node]:
        """Bind raw parameter values; unknown names are an error, not silently ignored."""
        known = {p.name for p in self.params}
        unknown = sorted(set(raw) - known - {"format"})
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
        return store.query(self.text, bindings=self.bindings(raw or {}))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "params": [p.to_dict() for p in self.params],
            "tags": list(self.tags),
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
    params = []
    for i, p in enumerate(meta.get("params") or []):
        if not isinstance(p, dict) or p.get("type") not in PARAM_TYPES or not p.get("name"):
            raise BuildError(
                f"parameter {i + 1}: needs a name and a type in {', '.join(PARAM_TYPES)}",
                where=where,
            )
        if not re.search(rf"[?$]{re.escape(p['name'])}\b", text):
            raise BuildError(
                f"parameter {p['name']!r} is not used as ?{p['name']} in the query", where=where
            )
        params.append(
            Parameter(
                p["name"],
                p["type"],
                p.get("description", ""),
                _str(p.get("default")),
                _str(p.get("example")),
                tuple(str(v) for v in p.get("values") or ()),
                bool(p.get("required", p.get("default") is None)),
            )
        )
    return NamedQuery(
        path.stem,
        path,
        str(meta["summary"]),
        text,
        str(meta.get("description", "")),
        tuple(params),
        tuple(meta.get("tags") or ()),
        dict(meta.get("expect") or {}),
    )


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def load_queries(root: Path) -> dict[str, NamedQuery]:
    return {p.stem: parse_query_file(p) for p in sorted((root / "queries").glob("*.rq"))}


def find_query(root: Path, name_or_path: str) -> NamedQuery:
    """A named query by name (``als-demyelinating-or-axonal``) or by its file path."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.exists():
        return parse_query_file(path)
    queries = load_queries(root)
    if name_or_path in queries:
        return queries[name_or_path]
    raise NotFound(
        f"no named query {name_or_path!r}",
        hint=f"known: {', '.join(queries) or 'none'} (files in queries/)",
    )
