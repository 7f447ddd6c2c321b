"""Draft claims from a parsed article with a rule-based extractor; unmapped statements are kept.

Each passage (the headline, each heading, each statement) is split into clauses; the terms a
clause names (``mentions``) become objects of the clause's subject (the disease it starts with,
else the sentence's, else the article's), with the predicate chosen by the term's kind and the
cue words around it (``cues``). Every draft carries its clause as the quote, with offsets.
"""

from __future__ import annotations

import re
from dataclasses import replace

from medkg.articles import cues
from medkg.articles.clause import FINDINGS, Clause
from medkg.articles.context import read_context
from medkg.articles.drafts import AUTOMATIC, QUALIFIERS, Draft, Extraction, Passage, Unmapped
from medkg.articles.grounding import UNMAPPED
from medkg.articles.lexicon import Lexicon, Mention
from medkg.articles.mentions import find_mentions
from medkg.articles.parsed import ParsedArticle
from medkg.articles.sentences import citation_groups
from medkg.articles.topic import find_topic, topic_acronyms

#: a heading of at most this many words may be a subheading: a drug's name, a group of patients
_SHORT_HEADING = 4
#: a heading that names only a group of patients
_GROUP_HEADING = re.compile(
    r"^(?:for|in|during)?\s*(?:(?:older|young|pregnant|non-?pregnant)\s+)?(?:adults?|children"
    r"|adolescents|infants|neonates|p(?:a)?ediatric(?: patients)?|pregnancy|women|men|elderly"
    r"|the elderly)\s*:?$",
    re.I,
)

__all__ = ["AUTOMATIC", "QUALIFIERS", "Draft", "Extraction", "Unmapped", "extract"]


def extract(parsed: ParsedArticle, lex: Lexicon) -> Extraction:
    """Draft claims for the headline, the headings and every statement of ``parsed``."""
    a = parsed.article
    lex = lex.for_article(a.text)
    topic = find_topic(parsed, lex)
    # "RLS" in an article titled "... restless legs syndrome?" names the topic
    lex.defined = {**topic_acronyms(parsed, lex), **lex.defined}
    passages = []
    for text, start in parsed.lead_passages():  # the subtitle; the headline if not a statement
        passages.append(Passage(text, start, (), True))
    headings = sorted((s.start, s.heading) for s in a.sections if s.start is not None)
    for i, (at, heading) in enumerate(headings):
        # a short heading ("Propylthiouracil") is read under the one before it ("Second-Line
        # Treatment Options"), as its statements are
        above = headings[i - 1][1] if i and len(heading.split()) <= _SHORT_HEADING else ""
        passages.append(Passage(heading, at, (), False, above))
    passages += [
        Passage(s.text, s.start, s.citations, True, _heading_of(s.start, headings))
        for s in parsed.statements
    ]
    out = Extraction()
    for p in sorted(passages, key=lambda p: p.start):
        mentions = find_mentions(p.text, lex)
        drafts, reason = _passage(p, mentions, topic)
        out.drafts.extend(drafts)
        if not drafts and p.keep_unmapped:
            unknown = tuple(
                dict.fromkeys((m.surface, m.candidates) for m in mentions if m.kind == UNMAPPED)
            )
            out.unmapped.append(
                Unmapped(p.text, p.start, p.start + len(p.text), p.citations, reason, unknown)
            )
    return out


def _heading_of(start: int, headings: list[tuple[int, str]]) -> str:
    """The heading of the section a statement at ``start`` stands in; a heading that only
    names a group of patients ("For Adults:") is read under the one before it ("First-Line
    Treatment Options / For Adults:").

    >>> _heading_of(9, [(0, "First-Line Options"), (3, "For Adults:"), (5, "For Children:")])
    'First-Line Options / For Children:'
    """
    above = [h for at, h in headings if at <= start]
    if not above or not _GROUP_HEADING.match(above[-1]):
        return above[-1] if above else ""
    topical = next((h for h in reversed(above) if not _GROUP_HEADING.match(h)), None)
    return f"{topical} / {above[-1]}" if topical else above[-1]


def _passage(p: Passage, mentions: list[Mention], topic: str | None) -> tuple[list[Draft], str]:
    if not [m for m in mentions if m.kind != UNMAPPED]:
        return [], "no term of the ontology named" + _unmapped_note(mentions)
    triggers = read_context(p.text, [m for m in mentions if m.kind != UNMAPPED])
    lead = _leading_disease(p.text, 0, mentions)
    subject = lead.curie if lead else topic
    about_drugs = any(m.kind == "drug" for m in mentions)
    if subject is None and not about_drugs:
        return [], "no disease to be the subject" + _unmapped_note(mentions)
    count = int(c.group(1)) if (c := cues.COUNT.search(p.text)) else None
    as_of = int(y.group(1)) if (y := cues.AS_OF.search(p.text)) else None
    drafts: list[Draft] = []
    prev = (0, 0)
    inner = citation_groups(p.text)
    printed = {n for g in inner for n in g.numbers}
    trailing = tuple(n for n in p.citations if n not in printed)
    spans = cues.clauses(p.text)
    for i, (a, b) in enumerate(spans):
        own = [g for g in inner if a <= g.start < b]
        if own and own[-1].end >= len(p.text[:b].rstrip(" ,.;")):
            b = own[-1].start
        numbers = tuple(n for g in own for n in g.numbers)
        numbers += trailing if i == len(spans) - 1 and inner else ()
        inside = [m for m in mentions if a <= m.start and m.end <= b]
        names_drug = any(m.kind == "drug" for m in inside)
        if _unknown_subject(p.text, a, inside) and not names_drug:
            continue
        unmapped = [m for m in inside if m.kind == UNMAPPED]
        inside = [m for m in inside if m.kind != UNMAPPED]
        clause_lead = _leading_disease(p.text, a, inside)
        ctx = Clause(p, a, b, inside, clause_lead.curie if clause_lead else subject or "")
        first = clause_lead or lead
        ctx.subject_kind = first.kind if first is not None else "disease"
        ctx.context = triggers
        ctx.unmapped = unmapped
        ctx.about_drugs = about_drugs
        ctx.citations = tuple(dict.fromkeys(numbers)) or p.citations
        ctx.prev_text = p.text[prev[0] : prev[1]]
        ctx.earlier = [m for m in mentions if m.end <= a and m.kind in FINDINGS]
        ctx.anatomy = next(
            (m.curie for m in inside if m.curie.startswith("UBERON:")), None
        ) or next((m.curie for m in mentions if m.curie.startswith("UBERON:")), None)
        prev = (a, b)
        drafts += [
            replace(d, count=count, as_of=as_of) if d.predicate == "biolink:coexists_with" else d
            for d in ctx.drafts()
        ]
    return drafts, "" if drafts else "no rule related the terms named" + _unmapped_note(mentions)


def _unknown_subject(text: str, start: int, mentions: list[Mention]) -> bool:
    """The clause starts with a term no vocabulary grounds ("AMAN is mediated by ..."): its
    subject is unknown, so no other term may stand in for it."""
    first = next((m for m in mentions if m.start >= start), None)
    if first is None or first.kind != UNMAPPED:
        return False
    lead = text[start : first.start].split()
    return len(lead) <= 1 and cues.SUBJECT_VERB.match(text[first.end :]) is not None


def _unmapped_note(mentions: list[Mention]) -> str:
    """ "; not grounded: AMAN, myasthenia gravis (candidates HP:0003473)"."""
    names = []
    for m in mentions:
        if m.kind == UNMAPPED and m.surface not in names:
            names.append(m.surface)
            if m.candidates:
                names[-1] += f" (candidates {', '.join(m.candidates)})"
    return f"; not grounded: {'; '.join(names)}" if names else ""


def _leading_disease(text: str, start: int, mentions: list[Mention]) -> Mention | None:
    """A disease the clause starts with ("ALS involves", "In MS, ...", "Multiple sclerosis is"),
    or, in a clause that names no disease, a phenotype it starts with as the subject of a verb
    ("Stroke is characterized by")."""
    names_disease = any(m.kind == "disease" and m.start >= start for m in mentions)
    for m in mentions:
        if m.start < start or len(text[start : m.start].split()) > 1:
            continue
        if m.kind == "disease":
            return m
        if m.kind == "phenotype" and not names_disease and cues.SUBJECT_VERB.match(text[m.end :]):
            return m
    return None
