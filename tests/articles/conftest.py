"""A lexicon from the repository's ontology/, shared by the extractor tests."""

from __future__ import annotations

import pytest

from medkg.articles.lexicon import Lexicon
from medkg.ingest import load_lexicon

from ..conftest import ROOT


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon(ROOT)
