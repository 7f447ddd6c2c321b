"""Read ``data/claims/*.yaml`` into the model, with a Location on every item.

Problems are collected, not raised one by one: a curator sees all of them at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError

from medkg.curation.quotes import closest_match, find_all, make_quote
from medkg.errors import BuildError, Location, MedkgError, UnknownCurie
from medkg.limits.yamlfile import MAX_DEPTH, YamlLimitError, file_too_large, limited_yaml
from medkg.limits.yamlfile import where as mark_at
from medkg.model import Article, Claim, Evidence, Qualifiers, Reference, Section, merge_claims
from medkg.vocab import curie_to_iri


class CurationProblem(MedkgError):
    """One thing wrong in a curated file, at a file:line:col; ``check`` says which kind."""

    status = 422
    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        hint: str | None = None,
        where: Location | None = None,
        check: str = "claims",
    ):
        super().__init__(message, hint=hint, where=where)
        self.check = check


@dataclass
class ClaimFile:
    """A parsed claim file: the article, its claims (merged by key) and what was wrong."""

    path: Path
    article: Article | None = None
    claims: list[Claim] = field(default_factory=list)
    problems: list[CurationProblem] = field(default_factory=list)
    #: (claim handle, field name) -> where that field is written, for later checks to point at
    fields: dict[tuple[str, str], Location] = field(default_factory=dict)

    def field_at(self, handle: str | None, name: str) -> Location | None:
        """Where a claim's field is written (falling back to the claim's ``id``)."""
        if handle is None:
            return None
        return self.fields.get((handle, name)) or self.fields.get((handle, "id"))


@cache
def schema() -> dict[str, Any]:
    text = resources.files("medkg.curation").joinpath("claims.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def read_yaml(path: Path) -> Any:
    """Parse YAML round-trip (keeps comments and positions); a syntax error names line:col."""
    try:
        too_large = file_too_large(path)
        if too_large:
            raise CurationProblem(
                too_large, where=Location(str(path)), hint="split it", check="syntax"
            )
        return limited_yaml().load(path.read_text(encoding="utf-8"))
    except (YamlLimitError, MaxDepthExceededError) as e:
        message = str(e.problem)
        if isinstance(e, MaxDepthExceededError):
            message = f"the YAML nests more than {MAX_DEPTH} levels deep (claim files need 6)"
        raise CurationProblem(
            message, where=mark_at(path, e), hint="see medkg.limits.yamlfile", check="syntax"
        ) from None
    except MarkedYAMLError as e:
        raise yaml_problem(path, e) from None
    except (OSError, UnicodeDecodeError) as e:
        raise CurationProblem(
            f"cannot read file: {e}", where=Location(str(path)), check="syntax"
        ) from None


def yaml_problem(path: Path, e: MarkedYAMLError) -> CurationProblem:
    """A YAML syntax error where the curator must look: for something opened and never closed
    (a quote, a bracket: "while scanning a quoted scalar") that is where it opened, not where
    the parser gave up, which may be many lines later."""
    opened = bool(e.context and e.context.startswith("while ") and e.context_mark)
    mark = e.context_mark if opened else (e.problem_mark or e.context_mark)
    where = Location(str(path), mark.line + 1, mark.column + 1) if mark else Location(str(path))
    message = f"YAML syntax error: {e.problem or e.context}"
    hint = "fix the YAML syntax at that position"
    if opened and e.problem_mark:
        what = (e.context or "").removeprefix("while scanning ").removeprefix("while parsing ")
        message = f"YAML syntax error: {what} opened here is never closed ({e.problem} at line {e.problem_mark.line + 1})"
        hint = "close it (a missing quote or bracket) on the line it belongs to"
    return CurationProblem(message, where=where, hint=hint, check="syntax")


def locate(path: Path, doc: Any, keys: list[Any]) -> Location:
    """The file:line:col of the node at ``keys`` inside a round-trip YAML document."""
    node, line, col = doc, None, None
    for key in keys:
        if isinstance(node, CommentedMap) and key in node:
            line, col = node.lc.key(key)
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line, col = node.lc.item(key)
            node = node[key]
        else:
            break
    if line is None and hasattr(node, "lc"):
        line, col = node.lc.line, node.lc.col
    return Location(str(path), None if line is None else line + 1, None if col is None else col + 1)


def _schema_problems(path: Path, doc: Any) -> list[CurationProblem]:
    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    for err in sorted(validator.iter_errors(_plain(doc)), key=lambda e: list(map(str, e.path))):
        where = locate(path, doc, list(err.absolute_path))
        field_name = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        problems.append(
            CurationProblem(
                f"schema: {field_name}: {err.message}",
                where=where,
                hint="see src/medkg/curation/claims.schema.json",
                check="schema",
            )
        )
    return problems


def _plain(node: Any) -> Any:
    """Round-trip YAML -> plain JSON-like values (dates as ISO strings) for the schema."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, date):
        return node.isoformat()
    return node


def load_claim_file(path: Path, root: Path) -> ClaimFile:
    """Parse one claim file; every problem found goes into ``ClaimFile.problems``."""
    result = ClaimFile(path)
    try:
        doc = read_yaml(path)
    except CurationProblem as p:
        result.problems.append(p)
        return result
    result.problems.extend(_schema_problems(path, doc))
    if result.problems:
        return result
    article = _article(path, root, doc, result.problems)
    if article is None:
        return result
    result.article = article
    for i, item in enumerate(doc["claims"]):
        for key in item:
            result.fields.setdefault((item["id"], key), locate(path, doc, ["claims", i, key]))
    claims = [
        c
        for i, item in enumerate(doc["claims"])
        if (c := _claim(path, doc, i, item, article, result.problems)) is not None
    ]
    _check_handles(path, doc, result.problems)
    result.claims = merge_claims(claims)
    return result


def _article(path: Path, root: Path, doc: Any, problems: list[CurationProblem]) -> Article | None:
    a = doc["article"]
    text_path = root / a["text"]
    try:
        text = text_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        problems.append(
            CurationProblem(
                f"cannot read article text {a['text']!r}: {e}",
                where=locate(path, doc, ["article", "text"]),
                hint="store the text under data/articles/ and point to it",
            )
        )
        return None
    sections = []
    for i, s in enumerate(a.get("sections") or []):
        spots = find_all(text, s["heading"])
        if not spots:
            problems.append(
                CurationProblem(
                    f"section heading {s['heading']!r} not in the text",
                    where=locate(path, doc, ["article", "sections", i]),
                    hint="copy the heading verbatim from the article",
                )
            )
        start, end = spots[0] if spots else (None, None)
        sections.append(
            Section(
                s["heading"], i + 1, start, end, where=locate(path, doc, ["article", "sections", i])
            )
        )
    refs = []
    seen: set[int] = set()
    for i, r in enumerate(a["references"]):
        where = locate(path, doc, ["article", "references", i])
        if r["number"] in seen:
            problems.append(
                CurationProblem(
                    f"reference number {r['number']} appears twice",
                    where=where,
                    hint="number references 1, 2, 3, ...",
                )
            )
        seen.add(r["number"])
        refs.append(
            Reference(
                r["number"],
                r["type"],
                r["title"],
                r.get("source"),
                r.get("year"),
                tuple(r.get("identifiers") or ()),
                where=where,
            )
        )
    modified = a.get("modified")
    if isinstance(modified, str):
        modified = date.fromisoformat(modified)
    return Article(
        a["id"],
        a["text"],
        a["title"],
        text,
        modified,
        a.get("headline"),
        a.get("publisher"),
        tuple(sections),
        tuple(refs),
        where=locate(path, doc, ["article"]),
    )


def _claim(
    path: Path, doc: Any, i: int, item: Any, article: Article, problems: list[CurationProblem]
) -> Claim | None:
    where = locate(path, doc, ["claims", i])
    quote_at = locate(path, doc, ["claims", i, "quote"])
    spots = find_all(article.text, item["quote"])
    if "start" in item:
        spots = [s for s in spots if s[0] == item["start"]]
    if not spots:
        near = closest_match(article.text, item["quote"])
        hint = (
            f"closest match at char {near}: {article.text[near : near + 60]!r}; fix the quote"
            if near is not None
            else "copy the quote verbatim from the article"
        )
        if "start" in item and find_all(article.text, item["quote"]):
            hint = "the quote occurs in the text but not at `start`; fix or drop `start`"
        problems.append(
            CurationProblem(
                f"quote not found in {article.text_path}", where=quote_at, hint=hint, check="quote"
            )
        )
        return None
    if len(spots) > 1:
        problems.append(
            CurationProblem(
                f"quote occurs {len(spots)} times in {article.text_path} (at chars "
                f"{', '.join(str(s[0]) for s in spots)})",
                where=quote_at,
                hint="add `start:` with the offset of the occurrence you mean",
                check="quote",
            )
        )
        return None
    start, end = spots[0]
    curies_ok = True
    for key in ("subject", "predicate", "object", "disease_context", "anatomical_context", "unit"):
        if key in item:
            try:
                curie_to_iri(item[key])
            except UnknownCurie as e:
                problems.append(
                    CurationProblem(
                        e.message,
                        hint=e.hint,
                        where=locate(path, doc, ["claims", i, key]),
                        check="curie",
                    )
                )
                curies_ok = False
    if not curies_ok:
        return None
    q = Qualifiers(
        role=item.get("role"),
        disease_context=item.get("disease_context"),
        anatomical_context=item.get("anatomical_context"),
        count=item.get("count"),
        as_of=item.get("as_of"),
        min_value=_decimal(item.get("min_value")),
        max_value=_decimal(item.get("max_value")),
        unit=item.get("unit"),
        frequency=item.get("frequency"),
    )
    ev = Evidence(
        article.id,
        make_quote(article.text, start, end),
        tuple(item["citations"]),
        item.get("evidence_code", "ECO:0000033"),
        item.get("status", "approved"),
        item.get("reason"),
        item["id"],
        where=where,
        reviewed_by=item.get("reviewed_by"),
        reviewed_on=_date(item.get("reviewed_on")),
    )
    return Claim(
        item["subject"],
        item["predicate"],
        item["object"],
        item["negated"],
        item.get("modality", "asserted"),
        q,
        (ev,),
    )


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None  # the schema names the bad date


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _check_handles(path: Path, doc: Any, problems: list[CurationProblem]) -> None:
    seen: dict[str, int] = {}
    for i, item in enumerate(doc["claims"]):
        if item["id"] in seen:
            problems.append(
                CurationProblem(
                    f"claim id {item['id']!r} is used twice (first at claim {seen[item['id']] + 1})",
                    where=locate(path, doc, ["claims", i, "id"]),
                    hint="give each claim its own id",
                )
            )
        seen.setdefault(item["id"], i)


def load_claim_files(paths: list[Path], root: Path) -> list[ClaimFile]:
    return [load_claim_file(p, root) for p in paths]


def require_clean(files: list[ClaimFile]) -> None:
    """Raise one BuildError listing every problem, if any file has one."""
    problems: list[MedkgError] = [p for f in files for p in f.problems]
    if problems:
        raise BuildError(
            f"{len(problems)} problem(s) in the curated claim files",
            problems=problems,
            hint="fix them, then build again",
        )
