"""``medkg fmt``: one canonical, diff-friendly form for the curated files.

YAML claim files: keys in the schema's order (``id`` first, ``note`` last), citation lists in
flow style, two-space indentation, no re-wrapping; comments survive (ruamel.yaml round trip).
Claims keep the curator's order, which follows the article.

Turtle files: the ``@prefix`` block sorted by prefix and aligned, no trailing whitespace, at most
one blank line in a row, one final newline. Statements keep their order and their comments (the
curated files are documented in comments that an RDF serialiser would drop); the result must
parse to the same graph, or the file is left alone.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.compare import isomorphic
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from medkg.curation.load import CurationProblem, read_yaml, schema
from medkg.errors import Location, MedkgError

FLOW_LISTS = ("citations", "identifiers")
_PREFIX = re.compile(r"^@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>\s*\.\s*$")


class FormatError(MedkgError):
    """A file that cannot be put in canonical form (it does not parse)."""

    status = 422
    exit_code = 2


def curated_files(root: Path) -> list[Path]:
    """The files ``medkg fmt`` owns: ontology/*.ttl and data/claims/*.yaml."""
    return sorted((root / "ontology").glob("*.ttl")) + sorted(
        (root / "data" / "claims").glob("*.yaml")
    )


def format_file(path: Path, write: bool = True) -> bool:
    """Put one file in canonical form; True if it was (or, without ``write``, would be) changed."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        new = canonical_yaml(path)
    elif path.suffix == ".ttl":
        new = canonical_turtle(path, text)
    else:
        raise FormatError(
            f"medkg fmt does not know {path.suffix or 'this kind of'} files",
            where=Location(str(path)),
            hint="give it .ttl or .yaml files",
        )
    if new == text:
        return False
    if write:
        path.write_text(new, encoding="utf-8")
    return True


def yaml_writer() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.width = 4096
    yaml.preserve_quotes = True
    return yaml


def canonical_yaml(path: Path) -> str:
    try:
        doc = read_yaml(path)
    except CurationProblem as e:
        raise FormatError(
            e.message, where=e.where, hint="fix it (medkg validate), then fmt"
        ) from None
    defs = schema()["$defs"]
    if isinstance(doc, CommentedMap):
        reorder(doc, list(schema()["properties"]))
        article = doc.get("article")
        if isinstance(article, CommentedMap):
            reorder(article, list(defs["article"]["properties"]))
            for key in ("sections", "references"):
                for item in article.get(key) or []:
                    sub = defs["article"]["properties"][key]["items"]["properties"]
                    reorder(item, list(sub))
        for claim in doc.get("claims") or []:
            reorder(claim, list(defs["claim"]["properties"]))
    out = io.StringIO()
    yaml_writer().dump(doc, out)
    return out.getvalue()


def reorder(node: Any, order: list[str]) -> None:
    """Put a mapping's keys in ``order`` (unknown keys last), keeping every comment."""
    if not isinstance(node, CommentedMap) or not node:
        return
    last = list(node)[-1]
    keys = sorted(node, key=lambda k: (order.index(k) if k in order else len(order), 0))
    for key in keys:
        node.move_to_end(key)
    for key in FLOW_LISTS:
        if isinstance(node.get(key), CommentedSeq):
            node[key].fa.set_flow_style()
    new_last = keys[-1]
    trailing = node.ca.items.get(last)
    if new_last != last and trailing and len(trailing) > 2 and trailing[2] is not None:
        # the comment block after an entry hangs on its last key: keep it after the entry
        slot = node.ca.items.setdefault(new_last, [None, None, None, None])
        slot[2], trailing[2] = trailing[2], None


def canonical_turtle(path: Path, text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = sort_prefixes(lines)
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    new = "\n".join(out).strip("\n") + "\n"
    if new != text and not same_graph(path, text, new):
        raise FormatError(
            "the canonical form would change the graph; file left alone",
            where=Location(str(path)),
            hint="please report this with the file",
        )
    return new


def sort_prefixes(lines: list[str]) -> list[str]:
    """Sort and align each contiguous block of ``@prefix`` lines."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        block = []
        while i < len(lines) and (m := _PREFIX.match(lines[i])):
            block.append((m.group(1) or "", m.group(2)))
            i += 1
        if block:
            width = max(len(p) for p, _ in block) + 1
            out += [
                f"@prefix {(p + ':').ljust(width)} <{iri}> ."
                for p, iri in sorted(block, key=lambda b: (b[0].lower(), b[0]))
            ]
        else:
            out.append(lines[i])
            i += 1
    return out


def same_graph(path: Path, old: str, new: str) -> bool:
    try:
        a = Graph().parse(data=old, format="turtle", publicID=path.resolve().as_uri())
    except Exception as e:  # rdflib raises many kinds; any means "does not parse"
        raise FormatError(
            f"Turtle does not parse: {e}",
            where=Location(str(path)),
            hint="fix it (medkg validate shows where), then fmt",
        ) from None
    b = Graph().parse(data=new, format="turtle", publicID=path.resolve().as_uri())
    return isomorphic(a, b)
