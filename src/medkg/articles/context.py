"""Polarity and modality of each mention with ConText as medspacy ships it.

medspacy's default ConText rules (NegEx's validated clinical triggers) run over a blank spaCy
tokenizer (no model download), extended by ``context_rules.json`` for this genre: "rather than",
"should not be initiated", "not recommended", hedges ("may", "unclear"). For every mention the
reader returns the triggers that modify it, with their offsets, so a rule can keep only the
triggers of its own clause and a draft can say which trigger set its polarity and modality.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from medkg.articles.lexicon import Mention

NEGATED = "NEGATED_EXISTENCE"
#: ConText category -> the claim model's modality
MODALITY = {"POSSIBLE_EXISTENCE": "uncertain", "HYPOTHETICAL": "hypothesis"}


@dataclass(frozen=True)
class Trigger:
    """A ConText modifier of a mention: its category, the words and where they are."""

    category: str
    text: str
    start: int
    end: int

    def __str__(self) -> str:
        return f"{self.category.lower()} {self.text!r}@{self.start}"


@cache
def _pipeline() -> tuple[Any, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import spacy
        from medspacy.context import ConText, ConTextRule

        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        context = ConText(nlp, rules="default")
        path = resources.files("medkg.articles").joinpath("context_rules.json")
        context.add(ConTextRule.from_json(str(path)))
    return nlp, context


def read_context(text: str, mentions: list[Mention]) -> dict[int, list[Trigger]]:
    """The triggers that modify each mention of ``text``, keyed by the mention's start.

    >>> m = Mention(26, 32, "X:1", "phenotype", "myelin")
    >>> [str(t) for t in read_context("target axons, rather than myelin", [m])[26]]
    ["negated_existence 'rather than'@14"]
    """
    nlp, context = _pipeline()
    doc = nlp(text)
    spans, owners, taken = [], [], -1
    for m in mentions:
        span = doc.char_span(m.start, m.end, label=m.kind or "term", alignment_mode="expand")
        if span is None or span.start <= taken:
            continue
        spans.append(span)
        owners.append(m.start)
        taken = span.end - 1
    doc.ents = spans
    context(doc)
    out: dict[int, list[Trigger]] = {m.start: [] for m in mentions}
    for owner, ent in zip(owners, doc.ents, strict=True):
        for mod in ent._.modifiers:
            a, b = mod.modifier_span
            words = doc[a:b]
            out[owner].append(Trigger(mod.category, words.text, words.start_char, words.end_char))
    return out
