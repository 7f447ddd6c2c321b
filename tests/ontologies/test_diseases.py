"""The disease vocabulary of the HPO annotations: Orphanet and OMIM names, precedence between
vocabularies, possessive eponyms, and the identifiers drafts write."""

from __future__ import annotations

from pathlib import Path

from medkg.ontologies.diseases import read_hpoa_diseases
from medkg.ontologies.index import Form
from medkg.ontologies.matcher import Matcher
from medkg.sources.identifiers import identifier_iri
from medkg.vocab import curie_to_iri, iri_to_curie, is_curie

HPOA = """#description: "HPO annotations for rare diseases"
database_id\tdisease_name\tqualifier\thpo_id\treference\tevidence\tonset\tfrequency\tsex\tmodifier\taspect\tbiocuration
ORPHA:589\tMyasthenia gravis\t\tHP:0003473\tORPHA:589\tTAS\t\t\t\t\tP\tORPHA:orphadata[2024-01-01]
ORPHA:589\tMyasthenia gravis\t\tHP:0001324\tORPHA:589\tTAS\t\t\t\t\tP\tORPHA:orphadata[2024-01-01]
OMIM:254200\tMyasthenia gravis\t\tHP:0003473\tOMIM:254200\tIEA\t\t\t\t\tP\tHPO:iea[2024-01-01]
OMIM:126200\tMultiple sclerosis, susceptibility to\t\tHP:0001324\tOMIM:126200\tIEA\t\t\t\t\tP\tHPO:iea[2024-01-01]
OMIM:600807\tAsthma, susceptibility to, 2\t\tHP:0002099\tOMIM:600807\tIEA\t\t\t\t\tP\tHPO:iea[2024-01-01]
"""


def test_each_prefix_is_its_own_source_and_each_disease_is_read_once(tmp_path: Path) -> None:
    path = tmp_path / "phenotype.hpoa"
    path.write_text(HPOA, "utf-8")
    orpha = list(read_hpoa_diseases(path, "ORPHA"))
    omim = {t.curie: t for t in read_hpoa_diseases(path, "OMIM")}
    assert [(t.curie, t.label, t.kind) for t in orpha] == [
        ("ORPHA:589", "Myasthenia gravis", "disease")
    ]
    assert sorted(omim) == ["OMIM:126200", "OMIM:254200", "OMIM:600807"]
    # "X, susceptibility to" is also X; the second of a series is not
    assert [s.text for s in omim["OMIM:126200"].synonyms] == ["Multiple sclerosis"]
    assert omim["OMIM:600807"].synonyms == []


def test_the_first_vocabulary_names_a_form_two_vocabularies_share() -> None:
    forms = [
        Form("Myasthenia gravis", "OMIM:254200", "label", "disease", "omim"),
        Form("Myasthenia gravis", "ORPHA:589", "label", "disease", "orphanet"),
    ]
    (hit,) = Matcher(forms, ("hp", "orphanet", "omim")).find("treats myasthenia gravis")
    assert hit.curies == ("ORPHA:589",)
    # within one vocabulary two terms of one name stay ambiguous
    forms.append(Form("myasthenia gravis", "ORPHA:1", "exact", "disease", "orphanet"))
    (hit,) = Matcher(forms, ("hp", "orphanet", "omim")).find("treats myasthenia gravis")
    assert set(hit.curies) == {"ORPHA:589", "ORPHA:1"}


def test_an_eponym_matches_with_and_without_the_possessive() -> None:
    forms = [Form("Graves disease", "HP:0100647", "label", "phenotype", "hp")]
    matcher = Matcher(forms)
    for text in ("in Graves' disease", "in Graves’ disease", "in Graves disease"):
        (hit,) = matcher.find(text)
        assert (hit.curies, hit.surface) == (("HP:0100647",), text[3:])


def test_orphanet_and_omim_curies_expand_as_bioregistry_resolves_them_and_stay_full() -> None:
    for curie in ("ORPHA:589", "OMIM:254200"):
        iri = str(curie_to_iri(curie))
        assert iri == identifier_iri(curie)
        assert is_curie(curie)
        # shown in full, as the imported HPO annotations' own claims are
        assert iri_to_curie(iri) == iri
