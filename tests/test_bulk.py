"""The bulk build gives the same dataset as the seed build, streams, and changes nothing on
broken input; ``medkg synth`` writes a valid, deterministic corpus."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from rdflib import URIRef

from medkg.build import build_into, dataset_version
from medkg.bulk import bulk_build_into
from medkg.cli import main
from medkg.config import Settings, load_settings
from medkg.curation.load import load_claim_file
from medkg.errors import BuildError
from medkg.store import open_store
from medkg.store.oxigraph import OxigraphStore
from medkg.synth import read_labels, synthesize

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/medkg/graph/"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synthesize(out, 600, seed=7, root=ROOT, labels=read_labels(ROOT))
    return out


def quads_by_graph(store: OxigraphStore) -> dict[str, set[str]]:
    """Triples by graph IRI ("" for the stored default graph)."""
    out: dict[str, set[str]] = {}
    for q in store.ox.quads_for_pattern(None, None, None, None):
        g = getattr(q.graph_name, "value", "")
        out.setdefault(g, set()).add(str(q.triple))
    return out


def assert_default_graph_is_the_set_union(store: OxigraphStore) -> None:
    graphs = quads_by_graph(store)
    union = set().union(*(t for g, t in graphs.items() if g))
    assert graphs[""] == union


def assert_same_dataset(root: Path) -> None:
    settings = load_settings(env={}, root=str(root), store="oxigraph:")
    seed, bulk = open_store("oxigraph:"), open_store("oxigraph:")
    build_into(seed, settings)
    bulk_build_into(bulk, settings)
    a, b = quads_by_graph(seed), quads_by_graph(bulk)  # type: ignore[arg-type]
    assert a.keys() == b.keys()
    for g in a:
        if g in (BASE + "ontology", ""):  # blank node labels differ between parses
            assert len(a[g]) == len(b[g])
        elif g != BASE + "build":
            assert a[g] == b[g], g
    assert dataset_version(bulk, settings)
    assert_default_graph_is_the_set_union(seed)  # type: ignore[arg-type]
    assert_default_graph_is_the_set_union(bulk)  # type: ignore[arg-type]


def test_bulk_build_of_the_seed_equals_the_seed_build() -> None:
    assert_same_dataset(ROOT)


def test_bulk_build_of_a_synthetic_corpus_equals_the_seed_build(corpus: Path) -> None:
    assert_same_dataset(corpus)


def test_synthetic_corpus_is_valid_and_realistic(corpus: Path) -> None:
    files = [load_claim_file(p, corpus) for p in sorted((corpus / "data/claims").glob("*.yaml"))]
    assert not [p for f in files for p in f.problems]
    claims = [c for f in files for c in f.claims]
    negated = sum(c.negated for c in claims) / len(claims)
    assert 0.05 < negated < 0.2
    prefixes = {c.object.split(":")[0] for c in claims}
    assert {"HP", "GO", "MONDO", "UBERON"} <= prefixes
    subjects = [c.subject for c in claims]
    top = max(set(subjects), key=subjects.count)
    assert subjects.count(top) > 10  # Zipf: a few entities carry many claims
    for f in files[:3]:
        assert f.article is not None
        for c in f.claims:
            q = c.evidence[0].quote
            assert f.article.text[q.start : q.end] == q.exact


def test_synthetic_corpus_has_contradictions(corpus: Path) -> None:
    settings = load_settings(env={}, root=str(corpus), store="oxigraph:")
    store = open_store("oxigraph:")
    bulk_build_into(store, settings)
    ask = "ASK { ?g a <https://w3id.org/medkg/ContradictionGroup> }"
    assert store.query(ask).boolean is True


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted((root / "data").rglob("*")):
        if p.is_file():
            h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()


def test_synth_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    runs = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        synthesize(tmp_path / name, 120, seed=seed, root=ROOT, labels={})
        runs.append(digest(tmp_path / name))
    assert runs[0] == runs[1] != runs[2]


def test_cli_synth_then_bulk_build_into_a_store_on_disk(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "corpus"
    main(["synth", "--claims", "150", "--seed", "1", "--out", str(out)])
    store_dir = tmp_path / "store"
    nq = tmp_path / "kept.nq"
    main(
        [
            "--root",
            str(out),
            "--store",
            f"oxigraph:{store_dir}",
            "build",
            "--bulk",
            "--nquads",
            str(nq),
        ]
    )
    said = capsys.readouterr().out
    assert "wrote 150 claims" in said and "bulk-built" in said
    assert nq.stat().st_size > 10_000
    version = store_dir.resolve().name  # the folder the store's link names (see store.swap)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "kept.nq", "store", version]
    store = open_store(f"oxigraph:{store_dir}")
    assert URIRef(BASE + "truthy") in store.graph_names()


def test_broken_input_changes_nothing_in_a_bulk_build(corpus: Path, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "root"
    shutil.copytree(corpus, root)
    settings = load_settings(env={}, root=str(root), store="oxigraph:")
    store = open_store(f"oxigraph:{tmp_path / 'store'}")
    bulk_build_into(store, settings)
    before = (dataset_version(store, settings), store.count())
    victim = sorted((root / "data/claims").glob("*.yaml"))[2]
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace('"quote": "', '"quote": "Nowhere said: ', 1), encoding="utf-8")
    with pytest.raises(BuildError) as info:
        bulk_build_into(store, settings)
    assert f"{victim}:3:" in str(info.value) and "quote not found" in str(info.value)
    assert (dataset_version(store, settings), store.count()) == before
    version = (tmp_path / "store").resolve().name  # the folder the store's link names
    assert sorted(p.name for p in tmp_path.iterdir()) == ["root", "store", version]


def test_bulk_build_into_settings_store_selector(settings: Settings) -> None:
    store = open_store("memory:")
    result = bulk_build_into(store, settings)
    assert result.claims > 20 and store.count() > 500


SEED_DOC = {
    "article": {"id": "a", "text": "t.txt", "title": "T", "references": []},
    "claims": [
        {
            "id": "c1",
            "subject": "MONDO:1",
            "predicate": "RO:1",
            "object": "HP:1",
            "negated": False,
            "quote": "q",
            "citations": [1],
        }
    ],
}


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"frequency": "sometimes"},
        {"subject": "not a curie"},
        {"negated": "no"},
        {"extra": 1},
        {"citations": [0]},
        {"status": "deprecated", "reason": "r"},
        {"min_value": 1.5},
        {"status": "approved", "reviewed_by": "Ada Lovelace", "reviewed_on": "2026-12-06"},
        {"reviewed_by": ""},
    ],
)
def test_fast_schema_check_agrees_with_jsonschema(change: dict[str, object]) -> None:
    import jsonschema

    from medkg.curation.fast import is_valid
    from medkg.curation.load import schema

    doc = {**SEED_DOC, "claims": [{**SEED_DOC["claims"][0], **change}]}  # type: ignore[dict-item]
    assert is_valid(doc) == jsonschema.Draft202012Validator(schema()).is_valid(doc)


def test_bulk_build_into_a_store_without_a_bulk_loader_says_so(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    main(["--root", str(ROOT), "--store", "memory:", "build", "--bulk"])
    captured = capsys.readouterr()
    assert "no native bulk loader" in captured.err and "bulk-built" in captured.out


def test_synth_outside_a_project_takes_the_seeds_ontology_and_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A corpus synthesised from a folder with no ontology/ used to name predicates and evidence
    codes nothing declared; its bulk build then spent minutes on 'did you mean' hints."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = tmp_path / "corpus"
    main(["--root", str(elsewhere), "synth", "--claims", "60", "--seed", "2", "--out", str(out)])
    assert (out / "ontology" / "medkg.ttl").is_file()
    store_dir = tmp_path / "store"
    main(["--root", str(out), "--store", f"oxigraph:{store_dir}", "build", "--bulk"])
    assert "bulk-built" in capsys.readouterr().out
