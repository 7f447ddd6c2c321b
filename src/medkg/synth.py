"""``medkg synth``: a realistic synthetic corpus in the project's own data model, for scale tests.

Each article is a text (``data/articles/<id>.txt``) and a claim file (``data/claims/<id>.yaml``)
valid against the claim schema; the claim file is written in YAML's JSON-compatible flow style,
which the bulk build reads with the C JSON parser. Entities follow a Zipf law over real ontology
prefixes (the seed's real terms at the head), ~10% of claims are negated, a few restate an earlier
proposition with the opposite polarity (contradictions), every quote occurs at its ``start`` in the
text. The same seed gives byte-identical files; nothing is held in memory beyond one article.
"""

from __future__ import annotations

import bisect
import itertools
import json
import random
import shutil
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HEAD = {
    "MONDO": ["0004976", "0005301", "0020128", "0005559", "0002562", "0003334"],
    "HP": ["0040078", "0007305", "0011096", "0002171", "0001276", "0001347", "0002380", "0001324"],
    "GO": ["0006979", "0006954", "0006915", "0030424", "0043209"],
    "UBERON": ["0002707", "0014527", "0002623", "0002257", "0014892", "0014398"],
    "CL": ["0000100", "0008048", "0008039"],
}
POOL = {"MONDO": 4000, "HP": 12000, "GO": 3000, "UBERON": 2000, "CL": 800}
SYLLABLES = [
    "ka",
    "ro",
    "ve",
    "li",
    "mu",
    "sa",
    "to",
    "ne",
    "pi",
    "da",
    "fo",
    "ru",
    "zel",
    "mar",
    "tin",
    "cor",
    "ax",
    "neu",
    "myo",
    "lep",
]
SUFFIX = {
    "MONDO": ["syndrome", "disease", "dystrophy", "neuropathy", "sclerosis"],
    "HP": ["atrophy", "weakness", "tremor", "hyperreflexia", "degeneration", "lesion"],
    "GO": ["signalling", "transport", "response", "assembly"],
    "UBERON": ["tract", "nucleus", "cortex", "horn", "muscle"],
    "CL": ["neuron", "glial cell", "myocyte"],
}
#: predicate -> (object prefixes, affirmed template, negated template); {s} {o} {c} are labels
PREDICATES: list[tuple[str, float, tuple[str, ...], str, str]] = [
    ("RO:0002200", 0.40, ("HP",), "{s} is characterised by {o}", "{s} is not associated with {o}"),
    ("RO:0004026", 0.18, ("UBERON", "CL"), "{s} primarily affects the {o}", "{s} spares the {o}"),
    ("RO:0004019", 0.14, ("GO",), "the pathology of {s} involves {o}", "{s} does not involve {o}"),
    ("rdfs:subClassOf", 0.10, ("MONDO",), "{s} is a form of {o}", "{s} is not a form of {o}"),
    (
        "RO:0002404",
        0.12,
        ("GO",),
        "in {c}, {s} is secondary to {o}",
        "in {c}, {s} is not secondary to {o}",
    ),
    (
        "biolink:coexists_with",
        0.06,
        ("MONDO",),
        "{s} frequently coexists with {o}",
        "{s} does not coexist with {o}",
    ),
]
HEDGES = {"hypothesis": "it has been proposed that ", "uncertain": "it remains unclear whether "}
JOURNALS = ["Neurology", "Brain", "Annals of Neurology", "Muscle & Nerve", "Lancet Neurology"]
PUBLISHERS = ["Dr.Oracle", "Praxis Medical Insights", "Neurology Notes", "Clinical Answers"]
SECTIONS = ["Pathophysiology", "Clinical Features", "Imaging Findings", "Differential Diagnosis"]
#: the classes ``rdfs:subClassOf`` claims point to: real grouping classes first, then synthetic
CLASSES = frozenset(
    ["MONDO:0020128", "MONDO:0005559", "MONDO:0002562", "MONDO:0003334"]
    + [f"MONDO:{9500000 + i:07d}" for i in range(46)]
)
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
MONTHS = "January February March April May June July August September October November December"


class Zipf:
    """Draw items with probability proportional to 1 / rank**s, by bisection on the CDF."""

    def __init__(self, items: list[str], s: float = 1.1):
        self.items = items
        self.cum = list(itertools.accumulate(1.0 / (r + 1) ** s for r in range(len(items))))

    def draw(self, rng: random.Random) -> str:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def label(curie: str) -> str:
    """A pronounceable, deterministic label for a synthetic term."""
    prefix, _, local = curie.partition(":")
    n = int(local)
    parts = [SYLLABLES[(n // 7**k) % len(SYLLABLES)] for k in range(3)]
    return f"{''.join(parts)} {SUFFIX[prefix][n % len(SUFFIX[prefix])]}"


def read_labels(root: Path) -> dict[str, str]:
    """``rdfs:label`` of every OBO term in ``ontology/*.ttl``, by CURIE."""
    import pyoxigraph as ox

    from medkg.vocab import iri_to_curie

    labels: dict[str, str] = {}
    for path in sorted((root / "ontology").glob("*.ttl")):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if t.predicate.value == RDFS_LABEL and isinstance(t.object, ox.Literal):
                labels.setdefault(iri_to_curie(t.subject.value), t.object.value)
    return labels


#: the synthetic terms' declarations, so a corpus validates (and builds) like curated data
SYNTH_TERMS = "synth-terms.ttl"


def write_terms(path: Path, drawn: dict[str, Zipf], known: dict[str, str]) -> None:
    """Declare every term the pools can draw that the copied ontology does not, with its label."""
    from medkg.vocab import curie_to_iri

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(
            "# Synthetic terms of a `medkg synth` corpus (generated; not real ontology IDs).\n"
        )
        for curie in sorted({c for z in drawn.values() for c in z.items} - set(known)):
            text = json.dumps(label(curie), ensure_ascii=False)
            out.write(f"<{curie_to_iri(curie)}> <{RDFS_LABEL}> {text}@en .\n")


def pools() -> dict[str, Zipf]:
    out = {"CLASS": Zipf(sorted(CLASSES, key=lambda c: (c[6:9] != "000", c)))}
    for prefix, size in POOL.items():
        head = [f"{prefix}:{i}" for i in HEAD[prefix]]
        tail = [f"{prefix}:{9000000 + i:07d}" for i in range(size - len(head))]
        out[prefix] = Zipf(head + tail)
    return out


@dataclass
class Corpus:
    """Writes articles one at a time; ``recent`` keeps a bounded window of propositions."""

    out: Path
    rng: random.Random
    pools: dict[str, Zipf]
    labels: dict[str, str]
    recent: deque[dict[str, Any]]

    def name(self, curie: str) -> str:
        return self.labels.get(curie) or label(curie)

    def claim(self) -> dict[str, Any]:
        rng = self.rng
        if self.recent and rng.random() < 0.03:  # restate an earlier proposition, flipped
            flipped = dict(rng.choice(self.recent))
            flipped["negated"] = not flipped["negated"]
            return flipped
        pred, _, objs, _, _ = rng.choices(PREDICATES, weights=[p[1] for p in PREDICATES])[0]
        subject = self.pools["HP" if pred == "RO:0002404" else "MONDO"].draw(rng)
        obj = self.pools[rng.choice(objs)].draw(rng)
        if pred == "rdfs:subClassOf":  # a shallow hierarchy: leaves under a few classes
            obj = self.pools["CLASS"].draw(rng)
            while subject in CLASSES:
                subject = self.pools["MONDO"].draw(rng)
        c: dict[str, Any] = {"subject": subject, "predicate": pred, "object": obj}
        c["negated"] = rng.random() < 0.10
        r = rng.random()
        if r < 0.05:
            c["modality"] = "hypothesis"
        elif r < 0.08:
            c["modality"] = "uncertain"
        if pred == "RO:0002404":
            c["disease_context"] = self.pools["MONDO"].draw(rng)
        if pred in ("RO:0004019", "RO:0004026") and rng.random() < 0.2:
            c["role"] = rng.choice(["primary", "secondary"])
        self.recent.append(c)
        return c

    def sentence(self, c: dict[str, Any]) -> str:
        spec = next(p for p in PREDICATES if p[0] == c["predicate"])
        template = spec[4] if c["negated"] else spec[3]
        text = template.format(
            s=self.name(c["subject"]),
            o=self.name(c["object"]),
            c=self.name(c.get("disease_context", "MONDO:0004976")),
        )
        text = HEDGES.get(c.get("modality", ""), "") + text
        return text[0].upper() + text[1:]

    def article(self, number: int, n_claims: int) -> int:
        """Write one article and its claim file; return the number of claims written."""
        rng = self.rng
        aid = f"synth-{number:07d}"
        claims = [self.claim() for _ in range(n_claims)]
        topic = self.name(claims[0]["subject"])
        publisher = rng.choice(PUBLISHERS)
        refs = self.references(rng.randint(3, 8), publisher)
        year = rng.randint(2015, 2025)
        title = f"What is known about {topic}?"
        headline = f"{topic.capitalize()}: what the evidence shows"
        lines = [
            title,
            "",
            f"Last updated: {rng.choice(MONTHS.split())} {rng.randint(1, 28)}, {year}",
            "",
            headline,
            "",
        ]
        text = "\n".join(lines) + "\n"
        sections = rng.sample(SECTIONS, k=min(len(SECTIONS), max(1, n_claims // 12)))
        per = -(-n_claims // len(sections))
        entries = []
        for i, c in enumerate(claims):
            if i % per == 0:
                text += f"\n{sections[i // per]}\n\n"
            cites = sorted(rng.sample(range(1, len(refs) + 1), k=rng.randint(1, 2)))
            if rng.random() < 0.01:
                cites.append(len(refs) + 1)  # a number no reference carries, as in the seed
            quote = self.sentence(c)
            text += "  \u2022 "
            start = len(text)
            text += f"{quote} {', '.join(map(str, cites))}.\n\n"
            entries.append(self.entry(i, c, quote, start, cites))
        text += "\nReferences\n\n" + "".join(
            f"{r['number']}. {r['title']}. {r.get('source', '')}. {r.get('year', '')}\n"
            for r in refs
        )
        self.write(aid, text, title, headline, publisher, year, sections, refs, entries)
        return n_claims

    def entry(
        self, i: int, c: dict[str, Any], quote: str, start: int, cites: list[int]
    ) -> dict[str, Any]:
        e = {"id": f"c{i + 1}", **c, "quote": quote, "start": start, "citations": cites}
        r = self.rng.random()
        if r < 0.02:
            e["status"] = "deprecated"
            e["reason"] = "superseded by a later review"
        elif r < 0.05:
            e["status"] = "needs-review"
        if self.rng.random() < 0.03:
            e["count"] = self.rng.randint(1, 500)
            e["as_of"] = self.rng.randint(2010, 2025)
        return e

    def references(self, n: int, publisher: str) -> list[dict[str, Any]]:
        rng = self.rng
        refs = []
        for k in range(1, n + 1):
            own = rng.random() < 0.1
            ref: dict[str, Any] = {
                "number": k,
                "type": rng.choice(["Guideline", "Research", "Review"]),
                "title": f"{label(f'HP:{rng.randint(0, 10**6)}').capitalize()} revisited",
                "source": publisher if own else rng.choice(JOURNALS),
                "year": rng.randint(1995, 2025),
            }
            if rng.random() < 0.5:
                ref["identifiers"] = [f"PMID:{rng.randint(10**7, 4 * 10**7)}"]
            refs.append(ref)
        return refs

    def write(
        self,
        aid: str,
        text: str,
        title: str,
        headline: str,
        publisher: str,
        year: int,
        sections: list[str],
        refs: list[dict[str, Any]],
        entries: list[dict[str, Any]],
    ) -> None:
        (self.out / "data" / "articles" / f"{aid}.txt").write_text(text, encoding="utf-8")
        article = {
            "id": aid,
            "text": f"data/articles/{aid}.txt",
            "title": title,
            "modified": f"{year}-01-01",
            "headline": headline,
            "publisher": publisher,
            "sections": [{"heading": s} for s in sections],
            "references": refs,
        }
        body = ",\n".join(json.dumps(e, ensure_ascii=False) for e in entries)
        doc = f'{{"article": {json.dumps(article, ensure_ascii=False)},\n"claims": [\n{body}\n]}}\n'
        (self.out / "data" / "claims" / f"{aid}.yaml").write_text(doc, encoding="utf-8")


def iter_article_sizes(total: int, rng: random.Random) -> Iterator[int]:
    left = total
    while left > 0:
        n = min(left, rng.randint(10, 60))
        left -= n
        yield n


def synthesize(
    out: Path,
    claims: int,
    seed: int,
    root: Path,
    labels: dict[str, str],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a corpus of ``claims`` claims under ``out`` (a project root); return articles."""
    for sub in ("data/articles", "data/claims"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    for sub in ("ontology", "queries"):
        if (root / sub).is_dir() and root.resolve() != out.resolve():
            shutil.copytree(root / sub, out / sub, dirs_exist_ok=True)
    rng = random.Random(seed)
    drawn = pools()
    write_terms(out / "ontology" / SYNTH_TERMS, drawn, labels)
    corpus = Corpus(out, rng, drawn, labels, deque(maxlen=2000))
    sizes = iter_article_sizes(claims, random.Random(seed + 1))
    count = 0
    for count, n in enumerate(sizes, start=1):
        corpus.article(count, n)
        if progress:
            progress(n)
    return count
