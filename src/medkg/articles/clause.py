"""The rules that turn one clause's terms into draft claims (see ``extract`` for the flow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from medkg.articles import cues
from medkg.articles.context import MODALITY, NEGATED, Trigger
from medkg.articles.drafts import Draft, Passage
from medkg.articles.lexicon import Mention
from medkg.articles.treatment import is_treatment_context, treatment_drafts

ROLE_PREDICATES = ("RO:0004019", "RO:0004026")
#: a rule's precision on the fixtures with gold files (bench/extract_quality.py), rounded down
RULE_CONFIDENCE = {"is": 0.8, "like": 0.7, "secondary": 0.8, "co-occurrence": 0.7, "cue": 0.6}
FINDINGS = ("phenotype", "process")


@dataclass
class Clause:
    p: Passage
    a: int
    b: int
    mentions: list[Mention]
    subject: str
    anatomy: str | None = None
    prev_text: str = ""
    citations: tuple[int, ...] = ()
    earlier: list[Mention] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    #: what the subject is: "disease", or "phenotype" ("Atrial fibrillation is a type of ...")
    subject_kind: str = "disease"
    #: terms of the clause no vocabulary grounds (no rule uses them; they block stand-ins)
    unmapped: list[Mention] = field(default_factory=list)
    #: the passage names a drug: its phenotypes are effects or the patients', not the topic's
    about_drugs: bool = False
    #: ConText's triggers for each mention of the passage, by the mention's start
    context: dict[int, list[Trigger]] = field(default_factory=dict)

    def triggers(self, m: Mention) -> list[Trigger]:
        """The ConText triggers that modify ``m`` and stand in this clause."""
        return [t for t in self.context.get(m.start, []) if self.a <= t.start and t.end <= self.b]

    def negation(self, m: Mention, *, denied_subject: bool = True) -> str | None:
        """What makes ``m`` denied: a ConText trigger in its clause, or "X is not ..." (ConText
        reads forward from "is not"; the term before it is what the clause denies)."""
        found = next((t for t in self.triggers(m) if t.category == NEGATED), None)
        if found is not None:
            return str(found)
        after = cues.NEGATED_AFTER.match(self.p.text[m.end : self.b])
        if after is None or not denied_subject:
            return None
        a, b = m.end + after.start(), m.end + after.end()
        # "X does not exclude ...", "cannot be ruled out": the "not" is part of a longer
        # trigger that leaves X possible, so it denies nothing
        if any(t.start < b and t.end > a for t in self.triggers(m) if t.category != NEGATED):
            return None
        return f"negated_existence {after.group().strip()!r}@{a}"

    def modality(self, m: Mention) -> tuple[str, str | None]:
        """asserted, or hypothesis / uncertain with the trigger that says so: one that modifies
        ``m``, else one that modifies any term of the clause (a hedge is on the proposition:
        in "ALS may present with weakness", ConText scopes "may" to ALS)."""
        others = [t for n in self.mentions if n is not m for t in self.triggers(n)]
        for t in [*self.triggers(m), *others]:
            if t.category in MODALITY:
                return MODALITY[t.category], str(t)
        either = cues.EITHER_OR.search(self.text)
        if either is not None:
            return "uncertain", f"possible_existence 'either ... or'@{self.p.start + self.a}"
        return "asserted", None

    def primary(self) -> set[int]:
        """Starts of the terms a "primary"/"primarily" cue qualifies: the nearest one after it,
        else the nearest one before it."""
        out = set()
        candidates = [m for m in self.mentions if m.kind in (*FINDINGS, "location")]
        for c in cues.PRIMARY.finditer(self.text):
            at = self.a + c.start()
            after = [m for m in candidates if m.start >= at]
            before = [m for m in candidates if m.end <= at]
            if after or before:
                out.add(after[0].start if after else before[-1].start)
        return out

    def is_negated(self, m: Mention, *, denied_subject: bool = True) -> bool:
        return self.negation(m, denied_subject=denied_subject) is not None

    def is_site(self, m: Mention) -> bool:
        """An anatomical site of a finding in the same clause, or of an imaging finding."""
        if not m.curie.startswith("UBERON:"):
            return False
        return cues.IMAGING.search(self.text) is not None or any(
            n.kind in ("phenotype", "sign") for n in self.mentions
        )

    @property
    def text(self) -> str:
        return self.p.text[self.a : self.b]

    def before(self, m: Mention) -> str:
        return self.p.text[self.a : m.start]

    def draft(self, s: str, pred: str, o: str, m: Mention, rule: str, **q: Any) -> Draft:
        quote = self.text.strip(" ,.;:—")
        offset = self.p.start + self.a + self.text.index(quote)
        role = q.pop("role", None)
        if role is None and pred in ROLE_PREDICATES and m.start in self.primary():
            role = "primary"
        negation = q.pop("negation", None) or self.negation(m, denied_subject="negated" not in q)
        negated = q.pop("negated", negation is not None)
        modality, hedge = self.modality(m)
        why = [w for w in (negation if negated else None, hedge) if w]
        return Draft(
            s,
            pred,
            o,
            negated,
            quote,
            offset,
            offset + len(quote),
            self.citations,
            modality,
            role,
            frequency=cues.frequency(self.text),
            rule=rule,
            label=m.surface,
            trigger="; ".join(why),
            confidence=q.pop("confidence", RULE_CONFIDENCE.get(rule.split(" ")[0], 0.5)),
            **q,
        )

    def drafts(self) -> list[Draft]:
        if self.about_drugs or is_treatment_context(self):
            return self._therapy() + treatment_drafts(self)
        if not self.subject:
            return []
        out = self._secondary_to() + self._secondary_back() + self._cooccurrence()
        out += self._therapy()
        kinds = ("disease", "phenotype") if self.subject_kind == "phenotype" else ("disease",)
        for m in self.mentions:
            if m.kind in kinds and m.start not in self.used and m.curie != self.subject:
                out += self._is_a(m)
        for m in self.mentions:
            if m.start in self.used or m.curie == self.subject:
                continue
            d = self._one(m)
            if d is not None:
                out.append(d)
        return out

    def _one(self, m: Mention) -> Draft | None:
        if m.kind == "disease":
            return None
        if m.kind == "location" and not self.is_site(m):
            return self.draft(self.subject, "RO:0004026", m.curie, m, "location")
        if m.kind == "sign":
            site = {"anatomical_context": self.anatomy} if self.anatomy else {}
            return self.draft(
                self.subject, "medkg:hasImagingSign", m.curie, m, "imaging sign", **site
            )
        if m.kind == "measure":
            found = cues.value_range(self.p.text[m.end :])
            if found is None:
                return None
            lo, hi, unit = found
            return self.draft(
                self.subject, "medkg:hasMeanSurvival", m.curie, m, "value range",
                min_value=lo, max_value=hi, unit=_unit(unit, self.mentions),
            )  # fmt: skip
        if m.kind in ("phenotype", "process"):
            return self._phenotype_or_basis(m)
        return None

    def _phenotype_or_basis(self, m: Mention) -> Draft | None:
        pred = "RO:0002200" if m.kind == "phenotype" else "RO:0004019"
        best, word = -1, ""
        for pattern, cue_pred in cues.PREDICATE_CUES:
            for c in pattern.finditer(self.before(m)):
                if c.start() > best:
                    best, pred, word = c.start(), cue_pred, c.group().lower()
        after = self._cue_after(m) if best < 0 else None
        if m.candidates and ((best < 0 and after is None) or word in ("cause", "causes")):
            # a term of the full vocabularies, not of the curated slim: only with a cue
            # ("presents with", "caused by"), never by its kind alone; and "X causes Y",
            # "X is a cause of Y" say Y has its basis in X, the other way round
            return None
        if best < 0:
            pred = after or pred
        if best < 0 and self.text.lower().startswith("not "):
            for pattern, cue_pred in cues.PREDICATE_CUES:
                for c in pattern.finditer(self.prev_text):
                    if c.start() > best:
                        best, pred = c.start(), cue_pred
        if cues.PROCESS_AFTER.search(self.p.text[m.end : self.b]):
            pred = "RO:0004019"
        q: dict[str, Any] = {}
        if pred == "RO:0002200" and self.anatomy:
            q["anatomical_context"] = self.anatomy
        if cues.SECONDARY.search(self.text) and pred in ROLE_PREDICATES:
            q["role"] = "secondary"
        return self.draft(self.subject, pred, m.curie, m, f"cue {pred}", **q)

    def _cue_after(self, m: Mention) -> str | None:
        """The predicate of the first cue after the term ("X is not the core pathology")."""
        after = self.p.text[m.end : self.b]
        found = [
            (c.start(), pred) for pat, pred in cues.PREDICATE_CUES for c in pat.finditer(after)
        ]
        return min(found)[1] if found else None

    def _is_a(self, m: Mention) -> list[Draft]:
        """ "X is (not) a Y", "X is different from Y", and "Ys like Z" (Z is a Y)."""
        out = []
        nxt = next((n for n in self.mentions if n.start >= m.end and n.kind == "disease"), None)
        if nxt is not None and cues.LIKE_AFTER.match(self.p.text[m.end : nxt.start]):
            self.used.add(nxt.start)
            out.append(self.draft(nxt.curie, "rdfs:subClassOf", m.curie, m, "like", negated=False))
        if cues.IS_A_BEFORE.search(self.before(m)) and not cues.NOT_A_KIND.search(self.before(m)):
            negated = self.is_negated(m, denied_subject=False)
            out.append(
                self.draft(self.subject, "rdfs:subClassOf", m.curie, m, "is a", negated=negated)
            )
        return out

    def _secondary_to(self) -> list[Draft]:
        cue = cues.SECONDARY_TO.search(self.text)
        if not cue:
            return []
        at = self.a + cue.start()
        left = [m for m in self.mentions if m.end <= at and m.kind in ("phenotype", "process")]
        right = [m for m in self.mentions if m.start >= at and m.kind in ("phenotype", "process")]
        if not left or not right:
            return []
        x, y = left[-1], right[0]
        self.used.update({x.start, y.start})
        return [
            self.draft(
                x.curie, "RO:0002404", y.curie, x, "secondary to",
                role="secondary", disease_context=self.subject,
            )
        ]  # fmt: skip

    def _secondary_back(self) -> list[Draft]:
        """ "..., with X being secondary": X is downstream of the previous clause's finding."""
        if not cues.SECONDARY.search(self.text) or cues.SECONDARY_TO.search(self.text):
            return []
        found = [m for m in self.mentions if m.kind in FINDINGS]
        if len(found) != 1 or not self.earlier or self.earlier[-1].curie == found[0].curie:
            return []
        x = found[0]
        self.used.add(x.start)
        return [
            self.draft(
                x.curie, "RO:0002404", self.earlier[-1].curie, x, "secondary (back-reference)",
                role="secondary", disease_context=self.subject,
            )
        ]  # fmt: skip

    def _cooccurrence(self) -> list[Draft]:
        if not cues.COOCCURRENCE.search(self.text):
            return []
        diseases = [m for m in self.mentions if m.kind == "disease" and m.curie != self.subject]
        self.used.update(m.start for m in diseases)
        return [
            self.draft(self.subject, "biolink:coexists_with", d.curie, d, "co-occurrence")
            for d in diseases
        ]

    def _therapy(self) -> list[Draft]:
        therapy = next((m for m in self.mentions if m.kind == "therapy"), None)
        if therapy is None:
            return []
        out = []
        for m in self.mentions:
            if m.kind != "disease" or m.start < therapy.end:
                continue
            before = self.p.text[therapy.end : m.start]
            if cues.HALTS.search(before) and "progression" in self.p.text[m.end : m.end + 14]:
                pred = "medkg:haltsProgressionOf"
            elif cues.TREATS.search(before):
                pred = "RO:0002606"
            else:
                continue
            self.used.add(m.start)
            negated = self.is_negated(m, denied_subject=False)
            out.append(self.draft(therapy.curie, pred, m.curie, m, "therapy", negated=negated))
        self.used.add(therapy.start)
        return out


def _unit(word: str, mentions: list[Mention]) -> str | None:
    return next((m.curie for m in mentions if m.kind == "unit" and m.surface == word), None)
