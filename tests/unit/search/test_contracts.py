from __future__ import annotations

from collections.abc import Callable

import pytest

from knowledge.search.embedding import Embedder, HashingEmbedder
from knowledge.search.vectors import FaissVectorIndex, NumpyVectorIndex, VectorIndex
from tests.unit.search.contracts import EmbedderContract, VectorIndexContract


class TestHashingEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self) -> Embedder:
        return HashingEmbedder(64)


class TestNumpyVectorIndex(VectorIndexContract):
    @pytest.fixture
    def make_index(self) -> Callable[[int], VectorIndex]:
        return NumpyVectorIndex


class TestFaissVectorIndex(VectorIndexContract):
    """FAISS itself is quick to load and in-memory, so it runs with the unit tests."""

    @pytest.fixture
    def make_index(self) -> Callable[[int], VectorIndex]:
        return FaissVectorIndex
