"""``medkg ingest``: store an article's text, parse it, draft claims, write or merge its claim file.

Layer 3: reads ``ontology/`` for the lexicon, writes ``data/articles/`` and ``data/claims/``,
and checks the result with the curation loader so a curator starts from a file that builds.
"""

from __future__ import annotations

import codecs
import io
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from medkg.articles.extract import Extraction, extract
from medkg.articles.lexicon import Lexicon, build_lexicon
from medkg.articles.parse import parse_article
from medkg.articles.parsed import ParsedArticle
from medkg.build import ontology_paths
from medkg.curation.load import CurationProblem, load_claim_file, read_yaml
from medkg.errors import Location, MedkgError
from medkg.ingest.claimfile import MergeReport, merge, new_document
from medkg.ingest.terms import promote_terms
from medkg.ontologies.index import OntologyIndex
from medkg.ontologies.matcher import Matcher
from medkg.ontologies.registry import open_index, sources
from medkg.rdf.ontology import read_ontology


class IngestError(MedkgError):
    """An article that cannot be ingested (unreadable, or it would replace a stored text)."""

    status = 422
    exit_code = 1


@dataclass
class IngestReport:
    """What ingesting one article found and changed."""

    parsed: ParsedArticle
    extraction: Extraction
    claims_path: Path
    merge: MergeReport
    written: bool
    problems: list[CurationProblem] = field(default_factory=list)
    #: index terms the drafts use, declared in ontology/terms.ttl so the file builds
    terms_added: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        m = self.merge
        return {
            **self.parsed.to_dict(),
            "claims_file": str(self.claims_path),
            "written": self.written,
            "drafts": [d.to_dict() for d in self.extraction.drafts],
            "unmapped": [
                {
                    "quote": u.quote,
                    "start": u.start,
                    "citations": list(u.citations),
                    "reason": u.reason,
                    "mentions": [{"text": t, "candidates": list(c)} for t, c in u.mentions],
                }
                for u in self.extraction.unmapped
            ],
            "changes": {
                "created": m.created,
                "added": m.added,
                "kept": m.kept,
                "stale_drafts": m.stale,
                "unmapped_added": m.unmapped_added,
                "references_added": m.references_added,
                "fields_added": m.fields_added,
                "conflicts": m.conflicts,
            },
            "problems": [str(p) for p in self.problems],
            "terms_added": self.terms_added,
        }

    def summary(self) -> str:
        """A few lines a curator reads after ingesting."""
        p, m = self.parsed, self.merge
        verb = "created" if m.created else "merged into"
        if not self.written:
            verb = "would create" if m.created else "would merge into"
        lines = [
            f"{p.article.text_path}: {len(p.statements)} statements, "
            f"{len(p.article.sections)} sections, {len(p.article.references)} references; "
            f"{len(self.extraction.drafts)} drafts, {len(self.extraction.unmapped)} unmapped",
            f"  {verb} {self.claims_path}{'' if self.written else ' (dry run: nothing written)'}: "
            f"{len(m.added)} drafts added, {m.kept} entries kept as they were, "
            f"{m.unmapped_added} unmapped added, references added {m.references_added or 'none'}",
        ]
        if self.terms_added:
            lines.append(f"  terms declared in ontology/terms.ttl: {', '.join(self.terms_added)}")
        lines += [f"  stale draft (no longer extracted, left in place): {s}" for s in m.stale]
        lines += [f"  conflict: {c}" for c in m.conflicts]
        lines += [f"  qc {q.code}: {q.message}" for q in p.qc]
        lines += [
            f"  not recognised at {u.start}: {u.text[:60]!r} ({u.reason})" for u in p.unrecognised
        ]
        lines += [f"  problem: {x}" for x in self.problems]
        return "\n".join(lines)


#: the kinds of index terms mentions are grounded to (HPO's modifiers and frequencies are not)
GROUNDED_KINDS = ("disease", "phenotype", "drug")


def load_lexicon(root: Path, *, index: bool = True) -> Lexicon:
    """The curated terms of ``root``'s ontology/, plus (``index``) the full vocabularies of its
    ontology index (built or refreshed on disk first: see ``medkg ontology``)."""
    lex = build_lexicon(read_ontology(ontology_paths(root)))
    if index:
        lex.matcher = index_matcher(root)
    return lex


def index_matcher(root: Path) -> Matcher:
    """The matcher over the index's terms, built once per index state in this process."""
    ix = open_index(root)
    try:
        state = tuple(ix.db.execute("SELECT name, sha256 FROM sources ORDER BY name").fetchall())
        return _matcher(str(ix.path), state, tuple(s.name for s in sources(root)))
    finally:
        ix.close()


@cache
def _matcher(path: str, state: tuple[tuple[str, str], ...], precedence: tuple[str, ...]) -> Matcher:
    ix = OntologyIndex(Path(path))
    try:
        forms = (f for f in ix.iter_forms(GROUNDED_KINDS) if f.source != "curated")
        modifiers = (f.form for f in ix.iter_forms(("modifier",)))
        return Matcher(forms, precedence, modifiers=modifiers)
    finally:
        ix.close()


def article_id_for(path: Path) -> str:
    """A slug for the article from its file name.

    >>> article_id_for(Path("In/ALS: Axons or Myelin?.txt"))
    'als-axons-or-myelin'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return slug or "article"


def yaml_rt() -> YAML:
    """The round-trip YAML the claim files are written with (their own style is kept)."""
    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=2, offset=0)
    y.preserve_quotes = True
    y.width = 4096
    return y


def ingest_file(
    path: Path, root: Path, lexicon: Lexicon, *, write: bool = True, replace_text: bool = False
) -> IngestReport:
    """Ingest one article file into ``root``'s data/; with ``write=False`` only report."""
    text = read_article_text(path)
    article_id = article_id_for(path)
    text_rel = f"data/articles/{article_id}.txt"
    stored = root / text_rel
    if not replace_text and stored.exists() and stored.read_text(encoding="utf-8") != text:
        raise IngestError(
            f"{text_rel} holds a different text for article {article_id!r}",
            where=Location(str(path)),
            hint="curated quotes point into the stored text; pass --replace-text to store "
            "the new version, then fix the quotes `medkg validate` reports",
        )
    parsed = parse_article(text, article_id, text_rel)
    extraction = extract(parsed, lexicon)
    claims_path = root / "data" / "claims" / f"{article_id}.yaml"
    doc = read_yaml(claims_path) if claims_path.exists() else new_document(parsed)
    report = merge(doc, parsed, extraction)
    report.created = not claims_path.exists()
    result = IngestReport(parsed, extraction, claims_path, report, write)
    if write:
        stored.parent.mkdir(parents=True, exist_ok=True)
        if not stored.exists() or stored.read_text(encoding="utf-8") != text:
            stored.write_text(text, encoding="utf-8")
        claims_path.parent.mkdir(parents=True, exist_ok=True)
        out = io.StringIO()
        yaml_rt().dump(doc, out)
        claims_path.write_text(out.getvalue(), encoding="utf-8")
        result.terms_added = declare_terms(root, claims_path)
        result.problems = load_claim_file(claims_path, root).problems
    return result


#: the encoding a text must be in, and how to convert one that is not
_TO_UTF8 = "save it as UTF-8 text (e.g. `iconv -f latin1 -t utf-8 IN > OUT`) and ingest that"


def read_article_text(path: Path) -> str:
    """The text of an article file as UTF-8 (a byte order mark is dropped); an empty file, a
    binary one or one in another encoding is an IngestError at the line and column where the
    bytes stop being UTF-8 text."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise IngestError(
            f"cannot read article: {e.strerror or e}", where=Location(str(path))
        ) from None
    if raw.startswith(
        (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    ):
        raise IngestError(
            "the file is UTF-16 or UTF-32 text, not UTF-8", where=_at(path, raw, 0), hint=_TO_UTF8
        )
    if b"\x00" in raw:
        raise IngestError(
            "the file is binary (it holds NUL bytes), not article text",
            where=_at(path, raw, raw.index(b"\x00")),
            hint="ingest the page saved as plain text (.txt), not a PDF, image or word-processor file",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise IngestError(
            f"the file is not UTF-8 text (byte 0x{raw[e.start]:02x} cannot start a character there)",
            where=_at(path, raw, e.start),
            hint=_TO_UTF8,
        ) from None
    if not text.strip():
        raise IngestError(
            "the file is empty" if not raw else "the file is empty (only whitespace)",
            where=Location(str(path)),
            hint="save the article's page as text into it, then ingest again",
        )
    return text


def _at(path: Path, raw: bytes, offset: int) -> Location:
    """The 1-based line and column (in characters) of byte ``offset`` of ``raw``."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    col = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return Location(str(path), raw.count(b"\n", 0, offset) + 1, col)


def declare_terms(root: Path, claims_path: Path) -> list[str]:
    """Declare in ontology/terms.ttl the index terms the file's live claims use: the build
    refuses a claim whose terms ontology/ does not declare, drafts included."""
    if not (root / "ontology" / "terms.ttl").exists():
        return []  # no ontology to declare them in: `medkg validate` says what is missing
    index = open_index(root, refresh=False)
    try:
        statuses = ("approved", "draft", "needs-review")
        return promote_terms(root, index, [claims_path], statuses=statuses).added
    finally:
        index.close()
