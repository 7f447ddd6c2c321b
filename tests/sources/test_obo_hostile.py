"""Hostile ``hp.obo`` files: read as the release says, or refused with file:line; never a
crash without a place, a term left out unsaid, or an id the loader would refuse."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from medkg.errors import ConfigError
from medkg.rdf.sources import term_lines
from medkg.sources.obo import read_hpo_terms
from medkg.vocab import Minter

HEAD = "format-version: 1.2\ndata-version: hp/releases/2025-01-16\n\n[Term]\nid: HP:0000001\nname: All\n"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def obo(tmp_path: Path, text: str, head: str = HEAD) -> Path:
    path = tmp_path / "hp-test.obo"  # not hp.obo: the reader links it under that name
    path.write_bytes((head + text).encode("utf-8"))
    return path


def loaded(path: Path) -> ox.Store:
    """The terms' quads as the import writes them, through Oxigraph's strict parser."""
    lines = [
        x for t in read_hpo_terms(path).terms for x in term_lines(t.id, t.name, t.parents, Minter())
    ]
    store = ox.Store()
    store.bulk_load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)
    return store


def test_names_with_quotes_backslashes_and_separators_round_trip(tmp_path: Path) -> None:
    name = 'a "quoted" \\\\ name\u2028with \x00 odd characters'
    store = loaded(obo(tmp_path, f"\n[Term]\nid: HP:0000002\nname: {name}\nis_a: HP:0000001\n"))
    labels = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(LABEL), None)}
    assert labels == {"All", name}


def test_is_a_cycle_and_a_term_without_a_name_read(tmp_path: Path) -> None:
    text = "\n[Term]\nid: HP:0000002\nis_a: HP:0000003\n\n[Term]\nid: HP:0000003\nname: y\nis_a: HP:0000002 ! x\n"
    terms = read_hpo_terms(obo(tmp_path, text))
    assert [(t.id, t.name, t.parents) for t in terms.terms][1:] == [
        ("HP:0000002", "", ("HP:0000003",)),
        ("HP:0000003", "y", ("HP:0000002",)),
    ]
    assert len(loaded(obo(tmp_path, text))) == 7


@pytest.mark.parametrize(
    ("text", "line", "what"),
    [
        ("\n[Term]\nid: HP:0000002\nname: x\nsynonym: no quotes EXACT []\n", 11, "cannot read"),
        ("\n[Term]\nid: HP:0000002\nname x\n", 10, "cannot read"),
        ("\n[Term]\nname: x\n", 8, "id ''"),
        ("\n[Term]\nid: HP:00<0002\nname: x\n", 9, "HP:00<0002"),
        ("\n[Term]\nid: HP:\uff10\uff10\uff10\uff10\uff10\uff10\uff12\n", 9, "not an HP term"),
        ("\n[Term]\nid: UBERON:0000002\nname: x\n", 9, "UBERON:0000002"),
        ("\n[Term]\nid: HP:0000002\nname: x\nis_a: foo ! bar\n", 11, "is_a 'foo'"),
        ("\n[Typedef]\nid: part_of\n\n[Term]\nid: HP:0000002\nname: x\n", 11, "[Typedef]"),
    ],
)
def test_a_file_pyhpo_misreads_is_refused_at_its_line(
    tmp_path: Path, text: str, line: int, what: str
) -> None:
    path = obo(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        read_hpo_terms(path)
    assert str(e.value).startswith(f"{path}:{line}: ") and what in e.value.message


def test_not_utf8_and_no_terms_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "hp-test.obo"
    path.write_bytes(HEAD.encode() + b"\n[Term]\nid: HP:0000002\nname: Sj\xf6gren\n")
    with pytest.raises(ConfigError, match="not UTF-8") as e:
        read_hpo_terms(path)
    assert str(e.value).startswith(f"{path}:10: ")
    with pytest.raises(ConfigError, match="no \\[Term\\]"):
        read_hpo_terms(obo(tmp_path, "", head="format-version: 1.2\n"))


def test_stanzas_after_carriage_returns_are_placed_as_pyhpo_reads_them(tmp_path: Path) -> None:
    """pyhpo reads in text mode, where a lone ``\\r`` ends a line: the stanzas are counted the
    same way (split at ``\\n`` only, a ``[Term]`` after a ``\\r`` was one too many: IndexError)."""
    text = "\n[Term]\nid: HP:0000002\nname: x\nis_a: HP:0000001\r[Term]\rid: HP:0000003\ris_a: HP:0000002\n"
    assert [t.id for t in read_hpo_terms(obo(tmp_path, text)).terms] == [
        "HP:0000001",
        "HP:0000002",
        "HP:0000003",
    ]
    with pytest.raises(ConfigError) as info:
        read_hpo_terms(obo(tmp_path, text + "\r[Term]\rid: XX:1\r"))
    assert info.value.where is not None and info.value.where.line == 17  # its id line
