"""Read the HPO disease annotations (``phenotype.hpoa``) into claims, one row at a time.

The encoding is DESIGN section 2, "Curated sources": subject the disease's own IRI (Orphanet,
OMIM, DECIPHER, from bioregistry; never rewritten to MONDO), object the HP term, one claim per
(disease, predicate, term, polarity, qualifiers) and one evidence per row. Only ``NOT`` denies:
a ``0/n`` frequency is a count ("not seen in this cohort"), not a negation.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TypeVar

from medkg.errors import ConfigError, Location, MedkgError
from medkg.model import Claim, Curation, Qualifiers, SourceEvidence
from medkg.sources.identifiers import UnresolvableIdentifier, identifier_iri, to_reference

COLUMNS = [
    "database_id",
    "disease_name",
    "qualifier",
    "hpo_id",
    "reference",
    "evidence",
    "onset",
    "frequency",
    "sex",
    "modifier",
    "aspect",
    "biocuration",
]
#: HPO evidence codes -> ECO (verified against ECO; see DESIGN section 2)
ECO = {"IEA": "ECO:0000501", "PCS": "ECO:0006017", "TAS": "ECO:0000304", "ICE": "ECO:0006019"}
#: aspects: P phenotypic abnormality, H past medical history, I inheritance, C clinical course,
#: M clinical modifier
PREDICATES = {
    "P": "RO:0002200",
    "H": "RO:0002200",
    "I": "biolink:has_mode_of_inheritance",
    "C": "medkg:hasClinicalCourse",
    "M": "medkg:hasClinicalModifier",
}
SEX = {"FEMALE": "PATO:0000383", "MALE": "PATO:0000384"}
# ASCII digits only (``re.ASCII``): Python's \d also matches ``\uff11`` and ``\u0661``
_HP = re.compile(r"HP:\d{7}", re.ASCII)
_COUNT = re.compile(r"(\d+)/(\d+)", re.ASCII)
_PERCENT = re.compile(r"(\d+(?:\.\d{1,18})?)%", re.ASCII)  # Oxigraph's xsd:decimal: 18 places
_CURATION = re.compile(r"([^\[\];]+)\[(\d{4}-\d{2}-\d{2})\]", re.ASCII)
MAX_COUNT = 2**63 - 1  # Oxigraph's xsd:integer (a 64-bit integer): beyond, not a number to it


T = TypeVar("T")


class BadRow(MedkgError):
    """A row the reader skipped, with the file's line number and what to do."""

    status = 422
    exit_code = 1


class BadHeader(ConfigError):
    """A column header other than ``COLUMNS``: no row of the file can be read safely."""


_SKIPPED = "fix the row in the source file, or report it upstream; the row was skipped"


@dataclass(frozen=True)
class Annotation:
    """One row read: the claim it states (without evidence) and the row as evidence."""

    claim: Claim
    evidence: SourceEvidence
    disease_name: str


@dataclass
class ReadReport:
    """What reading a file found besides annotations: its release, skipped and repeated rows."""

    release: str | None = None
    rows: int = 0
    annotations: int = 0
    negated: int = 0
    iea_left_out: int = 0
    duplicates: list[tuple[int, int]] = field(default_factory=list)  # (line, first seen at)
    bad_rows: list[BadRow] = field(default_factory=list)


def iter_annotations(
    path: Path,
    source_id: str,
    report: ReadReport,
    terms: Container[str] | None = None,
    include_iea: bool = False,
) -> Iterator[Annotation]:
    """Stream the rows of ``path`` as annotations; bad and repeated rows go to ``report``.

    ``terms``: the HP ids the ontology knows (a row naming another is bad); IEA rows are left
    out (and counted) unless ``include_iea``. Raise BadHeader if the column header is not
    ``COLUMNS``: every row would be misread.
    """
    seen: dict[bytes, int] = {}
    for n, text in iter_rows(path, report):
        report.rows += 1
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        if digest in seen:
            report.duplicates.append((n, seen[digest]))
            continue
        seen[digest] = n
        try:
            annotation = read_row(text, source_id, n, terms)
        except BadRow as bad:
            report.bad_rows.append(_at(bad, path, n))
            continue
        if annotation.evidence.evidence_code == ECO["IEA"] and not include_iea:
            report.iea_left_out += 1
            continue
        report.annotations += 1
        report.negated += annotation.claim.negated
        yield annotation


def iter_rows(path: Path, report: ReadReport) -> Iterator[tuple[int, str]]:
    """The data lines of ``path`` (line number, text): the comments above the header and the
    header are read, blank lines skipped, and a line that cannot be a row is a bad row (and
    counted in ``report.rows``).

    Lines end at a line feed only (a carriage return inside a cell does not move the line
    numbers of the rows after it); a CRLF ending and a byte order mark are not part of a line.
    """
    in_rows = False
    for n, text in _iter_lines(path, report):
        if text is None or text == "":
            continue
        if _is_header(text) and not in_rows:
            _check_header(text, path, n)
            in_rows = True
        elif text.startswith("#") and not in_rows:
            if text.startswith("#version:"):
                report.release = text.partition(":")[2].strip()
        elif text.startswith("#") or _is_header(text):
            what = "a comment" if text.startswith("#") else "a second header"
            report.rows += 1
            report.bad_rows.append(
                BadRow(f"{what} among the rows", hint=_SKIPPED, where=Location(str(path), n))
            )
        else:
            in_rows = True
            yield n, text


def _iter_lines(path: Path, report: ReadReport) -> Iterator[tuple[int, str | None]]:
    """Every line of ``path`` decoded (None, and a bad row, for one that is not UTF-8)."""
    with path.open("rb") as f:
        for n, raw in enumerate(f, start=1):
            if n == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            raw = raw.removesuffix(b"\n").removesuffix(b"\r")
            try:
                yield n, raw.decode("utf-8")
            except UnicodeDecodeError as e:
                col = raw.count(b"\t", 0, e.start) + 1
                report.rows += 1
                report.bad_rows.append(
                    BadRow(
                        f"byte {raw[e.start : e.end]!r} at byte {e.start + 1} of the line is "
                        "not UTF-8",
                        hint="save the file as UTF-8 (phenotype.hpoa is); the row was skipped",
                        where=Location(str(path), n, col if col <= len(COLUMNS) else None),
                    )
                )
                yield n, None


def _is_header(text: str) -> bool:
    """A column header: its first word is ``database_id`` (``#DatabaseID`` in older files)."""
    words = text.split(None, 1)
    return bool(words) and _column(words[0]) == "databaseid"


def _column(name: str) -> str:
    return name.lstrip("#").lower().replace("_", "")


def _check_header(text: str, path: Path, line: int) -> None:
    if [_column(c) for c in text.split("\t")] != [_column(c) for c in COLUMNS]:
        raise BadHeader(
            f"the column header is {text!r}, not the columns medkg reads",
            hint="phenotype.hpoa's header is (tab-separated): "
            + ", ".join(COLUMNS)
            + "; a file with other columns or another order would be misread",
            where=Location(str(path), line),
        )


def _at(bad: BadRow, path: Path, line: int) -> BadRow:
    """``bad`` (a row's, placed at its column) placed at ``path:line``."""
    bad.where = Location(str(path), line, bad.where.col if bad.where else None)
    return bad


def read_release(path: Path) -> str | None:
    """The ``#version:`` of the file's header (``2025-01-16``), or None if it has none."""
    report = ReadReport()
    for _ in iter_rows(path, report):
        break
    return report.release


def read_row(text: str, source_id: str, line: int, terms: Container[str] | None) -> Annotation:
    """One tab-separated row -> an annotation; raise BadRow naming the column at fault."""
    cells = text.split("\t")
    if len(cells) != len(COLUMNS):
        raise BadRow(
            f"{len(cells)} tab-separated columns, expected {len(COLUMNS)}",
            hint="a phenotype.hpoa row has: " + ", ".join(COLUMNS),
        )
    row = dict(zip(COLUMNS, cells, strict=True))
    subject = _check(row, "database_id", _disease_iri)
    obj = _term(row, "hpo_id", terms)
    if row["qualifier"] not in ("", "NOT"):
        raise _bad(row, "qualifier", "is neither empty nor NOT")
    if row["aspect"] not in PREDICATES:
        raise _bad(row, "aspect", f"is not one of {', '.join(PREDICATES)}")
    if row["evidence"] not in ECO:
        raise _bad(row, "evidence", f"is not one of {', '.join(ECO)}")
    if row["sex"] and row["sex"].upper() not in SEX:
        raise _bad(row, "sex", "is neither MALE nor FEMALE")
    term, count, total, percent = _frequency(row, terms)
    qualifiers = Qualifiers(
        frequency_term=term,
        frequency_count=count,
        frequency_total=total,
        frequency_percent=percent,
        onset=_term(row, "onset", terms) if row["onset"] else None,
        sex=SEX[row["sex"].upper()] if row["sex"] else None,
        modifiers=tuple(_term(row, "modifier", terms, m) for m in _split(row["modifier"])),
    )
    claim = Claim(
        subject, PREDICATES[row["aspect"]], obj, row["qualifier"] == "NOT", "asserted", qualifiers
    )
    evidence = SourceEvidence(
        source_id,
        text,
        line,
        ECO[row["evidence"]],
        references=tuple(
            _check(row, "reference", to_reference, r) for r in _split(row["reference"])
        ),
        curations=tuple(_curation(row, c) for c in _split(row["biocuration"])),
    )
    return Annotation(claim, evidence, row["disease_name"])


def _split(cell: str) -> list[str]:
    if not cell:
        return []
    # spaces only: str.strip() would also drop control characters and U+2028 from a value
    return [part.strip(" ") for part in cell.split(";") if part.strip(" ")]


def _bad(row: dict[str, str], column: str, what: str, value: str | None = None) -> BadRow:
    value = row[column] if value is None else value
    return BadRow(
        f"column {column} ({COLUMNS.index(column) + 1}): {value!r} {what}",
        hint=_SKIPPED,
        where=Location("", None, COLUMNS.index(column) + 1),
    )


def _check(
    row: dict[str, str], column: str, convert: Callable[[str], T], value: str | None = None
) -> T:
    value = row[column] if value is None else value
    try:
        return convert(value)
    except UnresolvableIdentifier as e:
        raise _bad(row, column, f"is not a resolvable identifier ({e})", value) from None


def _disease_iri(identifier: str) -> str:
    if not identifier.startswith(("OMIM:", "ORPHA:", "DECIPHER:")):
        raise UnresolvableIdentifier("a disease is OMIM:, ORPHA: or DECIPHER:")
    return identifier_iri(identifier)


def _term(
    row: dict[str, str], column: str, terms: Container[str] | None, value: str | None = None
) -> str:
    value = row[column] if value is None else value
    if not _HP.fullmatch(value):
        raise _bad(row, column, "is not an HP term id (HP:nnnnnnn)", value)
    if terms is not None and value not in terms:
        raise _bad(row, column, "is not a term of the HPO release given (--obo)", value)
    return value


Frequency = tuple[str | None, int | None, int | None, Decimal | None]


def _frequency(row: dict[str, str], terms: Container[str] | None) -> Frequency:
    """The frequency column: an HP term, a count n of m, or a percentage."""
    value = row["frequency"]
    if not value:
        return None, None, None, None
    if value.startswith("HP:"):
        return _term(row, "frequency", terms), None, None, None
    if m := _COUNT.fullmatch(value):
        count, total = int(m.group(1)), int(m.group(2))
        if total == 0 or count > total or total > MAX_COUNT:
            raise _bad(
                row, "frequency", f"is not a count n/m with 0 <= n <= m and 0 < m <= {MAX_COUNT}"
            )
        return None, count, total, None
    if (m := _PERCENT.fullmatch(value)) and Decimal(m.group(1)) <= 100:
        return None, None, None, Decimal(m.group(1))
    raise _bad(row, "frequency", "is neither an HP term, n/m nor a percentage")


def _curation(row: dict[str, str], entry: str) -> Curation:
    curation = _parse_curation(entry)
    if curation is None:
        raise _bad(row, "biocuration", "is not curator[YYYY-MM-DD] with a valid date", entry)
    return curation


@cache
def _parse_curation(entry: str) -> Curation | None:
    m = _CURATION.fullmatch(entry)
    try:
        return Curation(m.group(1), date.fromisoformat(m.group(2))) if m else None
    except ValueError:
        return None
