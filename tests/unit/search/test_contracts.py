from __future__ import annotations

from collections.abc import Callable

import pytest

from knowledge.search.embedding import Embedder, HashingEmbedder
from knowledge.search.vectors import (
    ExactFaissVectorIndex,
    FaissVectorIndex,
    NumpyVectorIndex,
    VectorIndex,
)
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

    TOLERANCE = 0.01  # 8-bit codes

    @pytest.fixture
    def make_index(self) -> Callable[[int], VectorIndex]:
        return FaissVectorIndex


class TestExactFaissVectorIndex(VectorIndexContract):
    @pytest.fixture
    def make_index(self) -> Callable[[int], VectorIndex]:
        return ExactFaissVectorIndex


def test_faiss_kinds_do_not_load_each_other() -> None:
    quantised = FaissVectorIndex(8)
    with pytest.raises(ValueError):
        ExactFaissVectorIndex.from_bytes(quantised.to_bytes(), 8)
    with pytest.raises(ValueError):
        FaissVectorIndex.from_bytes(ExactFaissVectorIndex(8).to_bytes(), 8)


def test_selector_is_reused_for_the_same_filter_array() -> None:
    import numpy as np

    index = FaissVectorIndex(8)
    vectors = np.eye(8, dtype=np.float32)
    index.add(np.arange(8, dtype=np.int64), vectors)
    allowed = np.array([1, 2], dtype=np.int64)
    first = index.search(vectors[1], 2, allowed)
    assert index.search(vectors[1], 2, allowed) == first
    assert len(index._selectors) == 1
    assert [i for i, _ in index.search(vectors[5], 8, np.array([5], dtype=np.int64))] == [5]


def test_partitioned_vectors_search_only_the_languages_asked_for() -> None:
    import numpy as np

    from knowledge.search.vectors import PartitionedVectors

    vectors = PartitionedVectors(FaissVectorIndex, 4)
    eye = np.eye(4, dtype=np.float32)
    vectors.add("en", np.array([1, 2], dtype=np.int64), eye[:2])
    vectors.add("cy", np.array([3], dtype=np.int64), eye[:1])
    assert [i for i, _ in vectors.search(eye[0], 5, ("en",))] == [1, 2]
    assert [i for i, _ in vectors.search(eye[0], 5, ("cy", "en"))][:2] == [1, 3]
    assert [i for i, _ in vectors.search(eye[0], 5, ("de",))] == []
    vectors.remove("en", np.array([1], dtype=np.int64))
    copy = PartitionedVectors.from_bytes(vectors.to_bytes(), FaissVectorIndex, 4)
    assert len(copy) == 2
    assert copy.search(eye[0], 5) == vectors.search(eye[0], 5)
    with pytest.raises(ValueError):
        PartitionedVectors.from_bytes(b"garbage", FaissVectorIndex, 4)


class SmallIvfIndex(FaissVectorIndex):
    """The inverted file from 16 vectors on (100,000 in production would be slow here)."""

    ivf_from = 16


class TestIvfFaissVectorIndex(VectorIndexContract):
    """Past ``ivf_from`` the 8-bit index becomes an IVF; it keeps the same contract."""

    TOLERANCE = 0.01

    @pytest.fixture
    def make_index(self) -> Callable[[int], VectorIndex]:
        return SmallIvfIndex


def test_a_partition_past_the_threshold_becomes_an_ivf_that_removes_exactly() -> None:
    import numpy as np

    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(40, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = SmallIvfIndex(8)
    index.add(np.arange(10, dtype=np.int64), vectors[:10])
    assert not index.is_ivf
    index.add(np.arange(10, 40, dtype=np.int64), vectors[10:])
    assert index.is_ivf and len(index) == 40
    index.remove(np.array([5], dtype=np.int64))
    assert 5 not in {i for i, _ in index.search(vectors[5], 40)}
    copy = SmallIvfIndex.from_bytes(index.to_bytes(), 8)
    assert copy.is_ivf and copy.search(vectors[9], 3) == index.search(vectors[9], 3)
    with pytest.raises(ValueError):
        ExactFaissVectorIndex.from_bytes(index.to_bytes(), 8)
