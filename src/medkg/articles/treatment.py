"""The treatment rule: a drug, a treatment cue, and the disease or phenotype it treats.

"Metformin is first-line therapy for type 2 diabetes" -> (metformin, RO:0002606 is substance
that treats, type 2 diabetes), role first-line. The target is the first disease or phenotype
after the drug in its clause, else the last one before it ("in heart failure, ... are
recommended"), else the clause's subject (the article's topic) when the clause names a line of
therapy. Polarity comes from ConText on the drug or the target: "should not be initiated",
"is not recommended", "avoid" make a negated recommendation.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from medkg.articles.context import NEGATED
from medkg.articles.drafts import Draft

if TYPE_CHECKING:
    from medkg.articles.clause import Clause
    from medkg.articles.lexicon import Mention

TREATS = "RO:0002606"
TARGETS = ("disease", "phenotype")
CUE = re.compile(
    r"\b(?:(?:first|second|third)[- ]line|treat(?:s|ed|ing|ment|ments)?|therap(?:y|ies)"
    r"|manage(?:s|d|ment)?|recommend(?:s|ed)?|indicated|initiat(?:e|ed|ing)|used (?:for|in|to)"
    r"|agents?|preferred|standard|cornerstone|respond(?:s|ed)? to|prescri(?:be|bed)"
    r"|control(?:s|led)?|choice|mainstay|options?|alternatives?|should be considered"
    r"|(?:is|are|be) added|add-on|reserved for|(?:is|are|be) used|effective"
    r"|reliev(?:e|es|ed|ing))\b",
    re.I,
)
SUBORDINATE = re.compile(
    r"(?:,\s*|\s)(?:when|if|unless|because|since|particularly|especially|except|until|after"
    r"|before|although|whereas|given|based on|including|due to|to (?:minimi[sz]e|reduce|avoid"
    r"|prevent|limit))\b",
    re.I,
)
#: a term right after these is an outcome or a harm ("risk of lactic acidosis"), not a target
OUTCOME = re.compile(
    r"\b(?:risk of|reduction (?:in|of)|reduces?|side effects?|adverse (?:effects?|events?)"
    r"|caus(?:e|es|ed|ing)|induced?|worsens?|precipitat\w+|such as)\s+(?:\w+\s+){0,2}$",
    re.I,
)
#: a term listed after these is a drug's harm, however far down the list ("side effects
#: include drowsiness, dizziness, headache")
HARMS = re.compile(
    r"\b(?:side|adverse) (?:effects?|events?|reactions?)\b|\btoxicit|\bcaus(?:e|es|ed|ing)\b"
    r"|\binduc(?:e|es|ed|ing)\b",
    re.I,
)
#: a term followed by these is what a drug prevents, not what it treats ("stroke prevention")
PREVENTED = re.compile(r"^\s+(?:prevention|prophylaxis|risk)\b", re.I)
#: a term after these is what a drug prevents ("lowers the risk of Y", "prevents Y"): neither a
#: target nor a sign that the drug treats the topic
PREVENTS = re.compile(
    r"\b(?:(?:risk|chance|likelihood|incidence) of|prevent(?:s|ed|ing|ion of)?"
    r"|protects? against)\s+(?:[\w-]+\s+){0,2}$",
    re.I,
)
#: a term after these is the patients' condition ("in someone with atrial fibrillation")
POPULATION = re.compile(
    r"\b(?:patients?|someone|people|persons?|those|adults?|children|women|men|individuals?)"
    r"\s+(?:\w+\s+){0,2}with\s+(?:\w+\s+){0,4}$",
    re.I,
)
#: a condition or a group of patients a recommendation is restricted to
CONDITION = re.compile(
    r"\b(?:if|when|unless|while|during|(?:in|for) (?:patients|those|people|someone|adults"
    r"|children|women|men|elderly)|patients (?:with|who|receiving|on|taking)|eGFR|CrCl|GFR"
    r"|pregnan\w*|contraindicated in)\b",
    re.I,
)
#: a recommendation without a named target is about the article's topic ("options include X")
RECOMMEND = re.compile(
    r"\b(?:recommended|options?|choice|preferred|indicated|mainstay|cornerstone|alternatives?"
    r"|(?:should|can|may) be considered|(?:is|are|be) added|add-on|reserved for"
    r"|(?:should|can|may|is|are)(?: only)? be used|(?:is|are) (?:\w+ )?effective"
    r"|added (?:as|to|for|in)|adjunct(?:ive)?)\b",
    re.I,
)
#: an instruction to give a drug: "Start X at 10 mg ...", "then initiate X", "if that fails,
#: consider X"
IMPERATIVE = re.compile(
    r"(?:^|[:;]\s*|,\s*|\bthen\s+)(?:start|add|use|initiate|give|begin|consider|prescribe"
    r"|administer|offer|switch to)\b",
    re.I,
)
#: a drug after these is given beside the recommended one, and is recommended too ("combined
#: with a course of glucocorticoids", "combined with beta-blockers for rate control")
ADDON = re.compile(
    r"\b(?:combined with|in combination with|plus|along with|together with|added to)"
    r"\s+(?:[\w-]+\s+){0,4}$",
    re.I,
)
ADDED = re.compile(r"^\s+(?:(?:is|are|should be|may be|can be)\s+)?added\b", re.I)
#: a drug in a concession or in past practice is not what the article recommends ("Despite
#: its approval, X ...", "older guidelines recommended X")
CONCEDED = re.compile(
    r"\b(?:despite|although|even though|historical(?:ly)?|previously|formerly"
    r"|(?:older|earlier|prior|previous|former) (?:guidelines?|recommendations?|practice))\b",
    re.I,
)
#: a drug the patients already take ("in patients on X")
TAKEN = re.compile(
    r"\b(?:patients?|those|people|individuals)\s+(?:(?:who are|already)\s+)?(?:on|taking"
    r"|receiving|treated with|using)\s+(?:[\w-]+\s+){0,2}$",
    re.I,
)
#: a drug whose dose or use is to be cut ("permits lower steroid doses")
REDUCED = re.compile(
    r"\b(?:lower|reduc\w*|minimi[sz]\w*|limit\w*|spar\w*|decreas\w*)\s+(?:[\w-]+\s+)?$", re.I
)
#: a dash or comma before "not": a contrast with what the sentence recommends
CONTRAST = re.compile(r"[\u2014\u2013,;-]\s*$")
#: a denial of a regimen ("X alone is NOT recommended"), not of the drug
REGIMEN = re.compile(r"\b(?:alone|monotherapy)\b", re.I)
#: a target followed by these is a group of patients ("in Graves' disease with active
#: orbitopathy"), unlike a subtype's name ("heart failure with reduced ejection fraction")
RESTRICTED = re.compile(
    r"\s+(?:who|whose|in whom|with (?:active|severe|mild|moderate|concomitant|coexisting"
    r"|co-existing|known|prior|a history))\b",
    re.I,
)
#: an ungrounded term after these is where the target would be ("first-line for CIDP")
_TARGET_SLOT = re.compile(r"\b(?:for|in|of|with)\s+$", re.I)
LIST_GAP = re.compile(r"\s*(?:,\s*)?(?:and|or|and/or)?\s*", re.I)
LINE = re.compile(r"\b(first|second)[- ]line\b", re.I)
#: a drug after these is what the recommended one is compared with
COMPARATOR = re.compile(
    r"\b(?:over|instead of|in place of|rather than|compared (?:with|to)|versus|vs\.?"
    r"|superior to|equivalent to|as effective as|similar to|contraindications? to"
    r"|intoleran(?:ce|t) (?:to|of)|allerg(?:y|ic) to|failure of|fail(?:s|ed)? on)\s+"
    r"(?:[\w()%.-]+\s+){0,5}\(?$",
    re.I,
)
#: drugs joined into one product ("A plus B plus C combination", "a fixed-dose combination of A
#: and B"): the product is recommended, not each of its parts (unlike "combination therapy")
_JOINED = r"(?:\s+(?:plus|\+|and|with)\s+|\s*/\s*)"
PRODUCT_AFTER = re.compile(
    rf"^(?:{_JOINED}[\w-]+)*\s+(?:fixed[- ]dose\s+)?combinations?\b"
    r"(?!\s+(?:therap|regimen|treatment))",
    re.I,
)
PRODUCT_BEFORE = re.compile(
    rf"\b(?:fixed[- ]dose|single[- ]pill)\s+combinations?\s+of\s+(?:[\w-]+{_JOINED})*$", re.I
)
#: a phenotype after "with" that follows the target is the patients' feature ("migraines with
#: marked nausea"), not a target
FEATURE = re.compile(r"^\s+(?:[\w-]+\s+)?with\s+(?:[\w-]+\s+){0,2}$", re.I)
#: a drug followed by these is a supplement given beside the treatment ("with folic acid
#: supplementation"), not a treatment
SUPPLEMENT = re.compile(r"^\s+(?:supplement(?:s|ation)?|prophylaxis)\b", re.I)
#: a heading over drugs that are not recommended, or about their harms
AGAINST = re.compile(
    r"\b(?:not|avoid\w*|never|against|contraindicat\w*|pitfalls?|cautions?|warnings?"
    r"|side effects?|adverse|toxicit\w*|interactions?|monitor\w*|risks?|fail\w*)\b",
    re.I,
)


def is_treatment_context(c: Clause) -> bool:
    """A clause about treating: it names a drug, or a treatment cue. Its phenotypes are then
    the patients' ("in patients with renal failure") or a drug's effects, not the topic's."""
    return any(m.kind == "drug" for m in c.mentions) or CUE.search(c.text) is not None


def treatment_drafts(c: Clause) -> list[Draft]:
    """One draft per drug of the clause that a treatment cue relates to a target."""
    drugs = [m for m in c.mentions if m.kind == "drug" and m.start not in c.used]
    # the line of therapy may stand in another clause of the sentence ("start with NSAIDs—
    # specifically ibuprofen ...—as these have the strongest evidence for first-line therapy")
    # a list of drugs under "First-Line Treatment Options" is a list of recommendations; one
    # under "Treatments to Avoid" or "Side Effects" is not (its denial is not in the clause)
    under = "" if AGAINST.search(c.p.heading) else c.p.heading
    line = LINE.search(c.text) or LINE.search(c.p.text) or LINE.search(under)
    cue = CUE.search(c.text) or CUE.search(under) or IMPERATIVE.search(c.text)
    if not drugs or (cue is None and line is None):
        return []
    targets = _targets(c, drugs)
    role = f"{line.group(1).lower()}-line" if line else None
    recommended = RECOMMEND.search(c.text) or RECOMMEND.search(under) or IMPERATIVE.search(c.text)
    topical = (line or recommended) and not any(
        _TARGET_SLOT.search(c.p.text[c.a : u.start]) for u in c.unmapped
    )
    if targets:
        # "glipizide is second-line for type 2 diabetes when metformin fails": the drugs
        # before the target are what the clause recommends
        # ... and those given beside them ("combined with a course of glucocorticoids")
        first = [d for d in drugs if d.end <= targets[0].start]
        drugs = (
            _with_listed(c, drugs, [d for d in drugs if d in first or _added(c, d)])
            if first
            else drugs
        )
    out = []
    for d in drugs:
        after = [t for t in targets if t.start >= d.end]
        before = [t for t in targets if t.end <= d.start]
        target = after[0] if after else (before[-1] if before else None)
        if _not_recommended(c, d, target, bool(topical)):
            continue
        c.used.add(d.start)
        if target is None:
            if c.subject:
                out.append(_draft(c, d, None, c.subject, role))
            continue
        for t in _coordinated(c, target, targets):
            c.used.add(t.start)
            draft = _draft(c, d, t, t.curie, role)
            if not (draft.negated and RESTRICTED.match(c.p.text[t.end :])):
                out.append(draft)  # a denial for a subgroup is not a denial of the treatment
    # "if eGFR < 30, avoid colchicine": a denial for some patients is not a denial of the
    # treatment; drafted as one it would contradict the general recommendation
    # "X alone is NOT recommended": a denial of monotherapy, not of the drug
    return [
        d for d in out if not (d.negated and (CONDITION.search(c.p.text) or REGIMEN.search(c.text)))
    ]


def _not_recommended(c: Clause, d: Mention, target: Mention | None, topical: bool) -> bool:
    """True if the clause names ``d`` without recommending it (or denying it) for ``target``,
    or, without a target, for the topic."""
    lead = c.p.text[c.a : d.start]
    if target is not None and _unknown_in_slot(c, d, target):
        return True  # "for AS patients with pain": the target is the unknown AS, not pain
    if COMPARATOR.search(lead) or SUPPLEMENT.match(c.p.text[d.end :]):
        return True  # "DOACs are first-line over warfarin": the comparator is not recommended
    if PRODUCT_AFTER.match(c.p.text[d.end : c.b]) or PRODUCT_BEFORE.search(lead):
        return True  # "A plus B plus caffeine combination": a product, not each part
    if CONCEDED.search(lead) or TAKEN.search(lead) or REDUCED.search(lead):
        return True  # "despite its approval, X ...", "in patients on X"
    if target is None and (not topical or HARMS.search(c.p.text)):
        return True  # "folic acid to reduce side effects": an adjunct, not a treatment
    if target is None and _prevents(c):
        return True  # "X lowers the risk of Y": what X prevents, not that it treats the topic
    # a denial needs its target named, or to be explicit, to be the topic's
    return (
        target is None
        and bool(c.negation(d, denied_subject=False))
        and not (_explicit_denial(c, d))
    )


def _explicit_denial(c: Clause, d: Mention) -> bool:
    """``d`` is denied outright, so the denial is about the topic even without a target: a
    recommendation against it ("X is recommended against"), or a contrast with the
    recommended drug ("X is the first-line choice—not dopamine agonists such as Y")."""
    for t in c.triggers(d):
        if t.category != NEGATED:
            continue
        if "against" in t.text.lower():
            return True
        if (
            t.text.lower() == "not"
            and t.end <= d.start
            and CONTRAST.search(c.p.text[: t.start])
            and len(c.p.text[t.end : d.start].split()) <= 4
        ):
            return True
    return False


def _with_listed(c: Clause, drugs: list[Mention], kept: list[Mention]) -> list[Mention]:
    """``kept`` and the drugs listed right after one of them ("beta-blockers or calcium
    channel antagonists")."""
    out = list(kept)
    for d in drugs:
        if d not in out and any(
            k.end <= d.start and LIST_GAP.fullmatch(c.p.text[k.end : d.start]) for k in out
        ):
            out.append(d)
    return out


def _added(c: Clause, d: Mention) -> bool:
    """``d`` is given beside the recommended drug: "combined with glucocorticoids", "with X
    added as an adjunct"."""
    return bool(ADDON.search(c.p.text[c.a : d.start]) or ADDED.match(c.p.text[d.end :]))


def _targets(c: Clause, drugs: list[Mention]) -> list[Mention]:
    """The diseases and phenotypes a drug of the clause may treat: not outcomes ("risk of
    lactic acidosis"), not in a subordinate clause ("when weight loss is a priority"), and not
    the patients' other conditions when the clause names another target; those stand for the
    target only before the drugs ("For patients with atrial fibrillation, DOACs ..."), never
    after them ("IVIg ... is given to patients with marked weakness")."""
    cut = SUBORDINATE.search(c.text)
    end = c.a + cut.start() if cut else c.b
    found = [
        m
        for m in c.mentions
        if m.kind in TARGETS
        and m.end <= end
        and not OUTCOME.search(c.p.text[c.a : m.start])
        and not PREVENTS.search(c.p.text[c.a : m.start])
        and not HARMS.search(c.p.text[c.a : m.start])
        and not PREVENTED.match(c.p.text[m.end :])
    ]
    found = _without_features(c, found)
    population = {m.curie for m in found if POPULATION.search(c.p.text[c.a : m.start])}
    own = [m for m in found if m.curie not in population]
    first = min((d.start for d in drugs), default=c.b)
    return own or [m for m in found if m.end <= first]


def _without_features(c: Clause, found: list[Mention]) -> list[Mention]:
    """``found`` without the phenotypes said of another target ("migraines with marked nausea
    or vomiting": nausea and vomiting are the patients', migraine is the target)."""
    kept: list[Mention] = []
    feature: Mention | None = None
    for m in sorted(found, key=lambda m: m.start):
        gap_prev = c.p.text[kept[-1].end : m.start] if kept else None
        if gap_prev is not None and m.kind == "phenotype" and FEATURE.match(gap_prev):
            feature = m
        elif feature is not None and LIST_GAP.fullmatch(c.p.text[feature.end : m.start]):
            feature = m  # listed with the feature: a feature too
        else:
            kept.append(m)
            feature = None
    return kept


def _prevents(c: Clause) -> bool:
    """The clause names a disease or phenotype (known or not) as what its drug prevents."""
    named = [m for m in c.mentions if m.kind in TARGETS] + c.unmapped
    return any(PREVENTS.search(c.p.text[c.a : m.start]) for m in named)


def _unknown_in_slot(c: Clause, drug: Mention, target: Mention) -> bool:
    """True if an unmapped term stands in a target slot between the drug and ``target``: the
    nearer, unknown term is what the drug treats, and the farther one must not stand in."""
    lo, hi = (drug.end, target.start) if target.start >= drug.end else (target.end, drug.start)
    return any(
        lo <= u.start and u.end <= hi and _TARGET_SLOT.search(c.p.text[c.a : u.start])
        for u in c.unmapped
    )


def _coordinated(c: Clause, first: Mention, targets: list[Mention]) -> list[Mention]:
    """The target and those listed with it: "hypertension and heart failure"."""
    out = [first]
    for t in targets:
        if t.start > out[-1].end and LIST_GAP.fullmatch(c.p.text[out[-1].end : t.start]):
            out.append(t)
    return out


def _draft(c: Clause, drug: Mention, target: Mention | None, obj: str, role: str | None) -> Draft:
    negation = c.negation(drug, denied_subject=False)
    if negation is None and target is not None:
        negation = c.negation(target, denied_subject=False)
    return c.draft(
        drug.curie, TREATS, obj, target or drug, "treatment",
        role=role, negated=negation is not None, negation=negation,
        confidence=0.7 if target is not None else 0.5,
    )  # fmt: skip
