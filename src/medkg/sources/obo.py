"""The HP term ids of an HPO release (``hp.obo``), read with pyhpo's own OBO parser.

The importer checks that every id a row names exists (a row naming another is reported and
skipped), and puts the current terms' labels and hierarchy in the ontology graph, unaltered, so
"phenotypes under abnormality of the nervous system" is a lookup in the inferred graph. It builds
no ontology index for grounding (that is the grounding index's job).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from medkg.errors import ConfigError, Location

_HP = re.compile(r"HP:\d{7}", re.ASCII)


@dataclass(frozen=True)
class HpoTerm:
    """A current (not obsolete) term: its id, label and parents, as the release has them."""

    id: str
    name: str
    parents: tuple[str, ...]


@dataclass(frozen=True)
class HpoTerms:
    ids: frozenset[str]  # current and obsolete ids, and alternative ids
    release: str | None
    terms: tuple[HpoTerm, ...] = ()


def read_hpo_terms(path: Path) -> HpoTerms:
    """Every term id (and alt_id) of an ``hp.obo`` file, with its ``data-version``.

    pyhpo's reader is fast but not made for hostile files: it raises IndexError or ValueError
    on a malformed line, stops at the first ``[Typedef]`` and takes any id. A file it cannot
    read is a ConfigError at the line fastobo (a strict OBO parser) finds at fault; a term
    id or parent that is not ``HP:nnnnnnn`` one at its line.
    """
    from pyhpo.parser.obo import terms_from_file

    if not path.is_file():
        raise ConfigError(
            f"no OBO file at {path}",
            hint="give --obo the hp.obo of the release the annotations were made against",
            where=Location(str(path)),
        )
    stanzas = _check_stanzas(path)
    with tempfile.TemporaryDirectory(prefix="medkg-obo-") as tmp:
        folder = path.parent
        if path.name != "hp.obo":  # pyhpo reads <folder>/hp.obo
            os.symlink(path.resolve(), Path(tmp) / "hp.obo")
            folder = Path(tmp)
        ids: set[str] = set()
        terms = []
        try:
            read = list(terms_from_file(str(folder)))
        except (ValueError, IndexError, KeyError) as e:
            raise _unreadable(path, e) from None
        for n, term in enumerate(read):
            _check_id(path, term.get("id", ""), stanzas[n])
            ids.add(term["id"])
            ids.update(term.get("alt_id", ()))
            if not term.get("is_obsolete"):
                parents = tuple(p.partition(" ")[0] for p in term.get("is_a", ()))
                for parent in parents:
                    _check_id(path, parent, stanzas[n], "is_a")
                terms.append(HpoTerm(term["id"], term.get("name", ""), parents))
    return HpoTerms(frozenset(ids), _release(path), tuple(terms))


def _check_stanzas(path: Path) -> list[int]:
    """The line of each ``[Term]`` pyhpo reads; raise ConfigError for a file that is not
    UTF-8 or has terms after a ``[Typedef]`` (pyhpo would leave them out)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(
            f"byte {data[e.start : e.end]!r} is not UTF-8",
            hint="save the OBO file as UTF-8",
            where=Location(str(path), data.count(b"\n", 0, e.start) + 1),
        ) from None
    terms, typedef = [], None
    # lines as pyhpo reads them (text mode: a line ends at \n, \r\n or \r)
    for n, line in enumerate(io.StringIO(text, newline=None), start=1):
        if line.strip() == "[Term]":
            if typedef is not None:
                raise ConfigError(
                    f"a [Term] after the [Typedef] of line {typedef}: it would not be read",
                    hint="put the [Typedef] stanzas after every [Term], as hp.obo has them",
                    where=Location(str(path), n),
                )
            terms.append(n)
        elif line.strip() == "[Typedef]" and typedef is None:
            typedef = n
    if not terms:
        raise ConfigError(
            "the OBO file has no [Term]",
            hint="give --obo the hp.obo of the release the annotations were made against",
            where=Location(str(path)),
        )
    return terms


def _unreadable(path: Path, error: Exception) -> ConfigError:
    import fastobo

    line = None
    try:
        fastobo.load(str(path))
    except SyntaxError as e:
        line, error = e.lineno, e
    except Exception:  # fastobo only places the error; pyhpo's is the one reported
        pass
    return ConfigError(
        f"cannot read the OBO file: {error.msg if isinstance(error, SyntaxError) else error}",
        hint="fix the file (OBO 1.4 tag: value lines), or give --obo the release's hp.obo",
        where=Location(str(path), line),
    )


def _check_id(path: Path, value: str, stanza: int, tag: str = "id") -> None:
    if not _HP.fullmatch(value):
        raise ConfigError(
            f"{tag} {value!r} of the [Term] at line {stanza} is not an HP term id (HP:nnnnnnn)",
            hint="give --obo the HPO release's hp.obo (hp.obo holds HP terms only)",
            where=Location(str(path), _line_of(path, stanza, f"{tag}:")),
        )


def _line_of(path: Path, stanza: int, tag: str) -> int:
    """The line of the first ``tag`` line of the stanza at ``stanza`` (or the stanza's)."""
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if n > stanza and line.startswith("["):
                break
            if n > stanza and line.startswith(tag):
                return n
    return stanza


def _release(path: Path) -> str | None:
    """The ``data-version`` header line (``hp/releases/2025-01-16`` -> ``2025-01-16``)."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("data-version:"):
                return line.partition(":")[2].strip().rpartition("/")[2]
            if line.startswith("[Term]"):
                break
    return None
