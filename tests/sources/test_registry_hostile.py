"""A hand-edited ``data/sources.yaml`` that the schema lets through but the encoding cannot
write is refused with its line, before anything is read or loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from medkg.errors import ConfigError
from medkg.sources.registry import read_sources

ENTRY = {
    "id": "hpo-annotations",
    "kind": "hpo-annotations",
    "title": "HPO annotations",
    "file": "phenotype.hpoa",
    "release": '"2025-01-16"',
    "sha256": "a" * 64,
    "license": "https://hpo.jax.org/license",
    "attribution": "a",
}


def write(root: Path, **changed: str) -> Path:
    lines = ["sources:"] + [
        f"{'- ' if n == 0 else '  '}{k}: {v}"
        for n, (k, v) in enumerate({**ENTRY, **changed}.items())
    ]
    path = root / "data" / "sources.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_entry_as_written_reads(tmp_path: Path) -> None:
    write(tmp_path)
    (entry,) = read_sources(tmp_path)
    assert entry.id == "hpo-annotations" and entry.release == "2025-01-16"


@pytest.mark.parametrize(
    ("key", "value", "line"),
    [
        ("id", '"hpo\\n"', 2),  # Python's $ matches before the final line break
        ("sha256", '"' + "a" * 64 + '\\n"', 7),
        ("license", '"not an IRI <>"', 8),
        ("license", "relative/path", 8),
        ("title", '"\\ud800"', 4),  # a lone surrogate: no UTF-8 can hold it
        ("attribution", '"a \\udfff"', 9),
    ],
)
def test_values_the_encoding_cannot_write_are_refused_at_their_line(
    tmp_path: Path, key: str, value: str, line: int
) -> None:
    path = write(tmp_path, **{key: value})
    with pytest.raises(ConfigError) as e:
        read_sources(tmp_path)
    assert str(e.value).startswith(f"{path}:{line}: ") and key in e.value.message
