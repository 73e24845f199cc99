from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.search import SearchEngine
from tests.unit.search.factories import corpus, fake_engine


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "search-index"


@pytest.fixture
def engine(index_dir: Path) -> SearchEngine:
    built = fake_engine(index_dir)
    built.rebuild(corpus(), progress=False)
    return built
