"""The curated drug classes (``ontology/drug-classes.obo``): WHO ATC codes, indexed by default,
grounding the classes articles recommend ("NSAIDs", "TNF inhibitors", "glucocorticoids")."""

from __future__ import annotations

import re
import warnings

import bioregistry
import pronto

from medkg.ingest import load_lexicon
from medkg.ontologies.registry import DRUG_CLASSES, open_index, sources
from medkg.vocab import curie_to_iri, iri_to_curie

from ..articles.test_grounding import article, drafts_of
from ..conftest import ROOT

FILE = ROOT / "ontology" / DRUG_CLASSES
#: an ATC code at any level: anatomical group, therapeutic, pharmacological, chemical, substance
ATC_CODE = re.compile(r"^ATC:[A-Z](?:\d\d(?:[A-Z](?:[A-Z](?:\d\d)?)?)?)?$")


def _terms() -> list[pronto.Term]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(pronto.Ontology(str(FILE)).terms())


def test_every_class_has_an_atc_code_a_label_and_parents_in_the_file() -> None:
    terms = _terms()
    ids = {t.id for t in terms}
    assert len(terms) >= 40
    for t in terms:
        assert ATC_CODE.match(t.id), f"{FILE.name}: {t.id} is not an ATC code"
        assert t.name, f"{FILE.name}: {t.id} has no label"
        for p in t.superclasses(distance=1, with_self=False):
            assert p.id in ids and t.id.startswith(p.id), f"{t.id}: parent {p.id} is not its group"
    owners: dict[str, set[str]] = {}
    for t in terms:
        for form in [t.name, *(s.description for s in t.synonyms)]:
            owners.setdefault(form.lower(), set()).add(t.id)
    shared = {f: ids for f, ids in owners.items() if len(ids) > 1}
    assert not shared, f"forms naming two classes would be ambiguous: {shared}"


def test_known_codes_carry_their_atc_meaning() -> None:
    names = {t.id: t.name for t in _terms()}
    assert names["ATC:H02AB"] == "glucocorticoids"
    assert names["ATC:H02"] == "corticosteroids for systemic use"
    assert names["ATC:C10AA"] == "HMG CoA reductase inhibitors"
    assert names["ATC:B03AA07"] == "ferrous sulfate"


def test_atc_curies_expand_as_bioregistry_resolves_them() -> None:
    iri = str(curie_to_iri("ATC:H02AB"))
    assert iri == bioregistry.get_iri("atc", "H02AB")
    assert iri_to_curie(iri) == "ATC:H02AB"


def test_the_classes_are_indexed_by_default_as_drugs() -> None:
    assert "classes" in [s.name for s in sources(ROOT)]
    ix = open_index(ROOT)
    try:
        for form, curie in [
            ("NSAIDs", "ATC:M01A"),
            ("TNF inhibitors", "ATC:L04AB"),
            ("glucocorticoids", "ATC:H02AB"),
            ("IVIg", "ATC:J06BA02"),
        ]:
            assert {(f.curie, f.kind, f.source) for f in ix.lookup(form)} == {
                (curie, "drug", "classes")
            }
    finally:
        ix.close()


def test_a_recommended_class_is_drafted_as_a_treatment() -> None:
    lexicon = load_lexicon(ROOT)
    body = "  • NSAIDs are the first-line treatment for rheumatoid arthritis 1.\n"
    drafts = drafts_of(article(body, "How is rheumatoid arthritis treated?"), lexicon).drafts
    assert {(d.subject, d.predicate, d.object, d.negated) for d in drafts} == {
        ("ATC:M01A", "RO:0002606", "HP:0001370", False)
    }


def test_only_a_systemic_route_names_the_systemic_corticosteroids() -> None:
    lexicon = load_lexicon(ROOT)
    topical = lexicon.find("Apply a potent topical corticosteroid twice daily.")
    assert not [m for m in topical if m.curie == "ATC:H02"]
    (m,) = [
        m for m in lexicon.find("Initiate systemic corticosteroids at once.") if m.kind == "drug"
    ]
    assert (m.curie, m.surface) == ("ATC:H02", "systemic corticosteroids")
