"""Limits on curated YAML: no aliases (an alias bomb expands exponentially), bounded size and depth.

Claim files never need anchors or aliases (the canonical form has none); refusing them at the
first ``*alias`` keeps a few lines from expanding into gigabytes. ruamel's composer recurses once
per level, so depth is bounded too (its own ``max_depth``), and a file's size is checked before
it is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent

from medkg.errors import Location

MAX_FILE_BYTES = 50_000_000  # a claim file of 10,000 claims is about 10 MB
MAX_DEPTH = 64  # the claim schema nests 6 levels


class YamlLimitError(MarkedYAMLError):
    """A curated YAML file over a limit, at the mark where it went over."""


class NoAliasComposer(Composer):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            raise YamlLimitError(
                problem=f"alias *{event.anchor} refused: claim files may not use YAML aliases "
                "(a few of them can expand into gigabytes); write the value out",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


def limited_yaml() -> YAML:
    """A round-trip YAML loader that refuses aliases and nesting over ``MAX_DEPTH``."""
    yaml = YAML(typ="rt")
    yaml.Composer = NoAliasComposer
    yaml.max_depth = MAX_DEPTH
    return yaml


def file_too_large(path: Path) -> str | None:
    """Why ``path`` is too large to read, or None."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return f"the file is {size} bytes; a curated file may have at most {MAX_FILE_BYTES}"
    return None


def where(path: Path, e: MarkedYAMLError) -> Location:
    mark = e.problem_mark or e.context_mark
    return Location(str(path), mark.line + 1, mark.column + 1) if mark else Location(str(path))
