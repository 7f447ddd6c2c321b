"""``medkg ingest`` on files that are no article text: one clear error naming the file and the
line, never a traceback, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from medkg.articles.lexicon import Lexicon
from medkg.cli import cli
from medkg.ingest import IngestError, ingest_file

from .conftest import ROOT

ARTICLE = "Is gout an arthritis?\n\nLast updated: May 2, 2025\n\nGout is an arthritis 1.\n"


@pytest.fixture
def lexicon() -> Lexicon:
    return Lexicon()


@pytest.mark.parametrize(
    ("data", "message", "line", "col"),
    [
        (b"", "is empty", None, None),
        (b" \n\t\r\n\xc2\xa0\n", "is empty", None, None),
        (b"\x00" * 4096, "binary", 1, 1),
        (ARTICLE.encode() + b"PNG\x00\x01\x02", "binary", 6, 4),
        (
            ARTICLE.replace("an arthritis 1", "caus\u00e9e by urate").encode("latin-1"),
            "UTF-8",
            5,
            13,
        ),
        ("Is gout".encode("utf-16"), "UTF-16", 1, 1),
    ],
    ids=["empty", "blank", "nul-bytes", "nul-after-text", "latin-1", "utf-16"],
)
def test_a_file_that_is_no_text_is_refused_with_its_line(
    tmp_path: Path, lexicon: Lexicon, data: bytes, message: str, line: int | None, col: int | None
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(IngestError, match=message) as caught:
        ingest_file(path, tmp_path, lexicon)
    where = caught.value.where
    assert where is not None and (where.path, where.line, where.col) == (str(path), line, col)
    assert caught.value.hint
    assert not (tmp_path / "data").exists()


def test_a_missing_file_or_a_folder_is_refused(tmp_path: Path, lexicon: Lexicon) -> None:
    for path in (tmp_path / "missing.txt", tmp_path):
        with pytest.raises(IngestError, match="cannot read") as caught:
            ingest_file(path, tmp_path, lexicon)
        assert caught.value.where is not None and caught.value.where.path == str(path)


def test_cli_reports_each_bad_file_and_ingests_the_others(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "gout.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "latin.txt").write_bytes("Is gout caus\u00e9 by urate?\n".encode("latin-1"))
    names = [str(tmp_path / n) for n in ("empty.txt", "gout.txt", "latin.txt")]
    result = CliRunner().invoke(cli, ["--root", str(ROOT), "ingest", "--dry-run", *names])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{names[0]}: the file is empty" in result.output
    assert f"{names[2]}:1:13: " in result.output
    assert "gout.txt: 1 statements" in result.output
