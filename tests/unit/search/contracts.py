"""Contract suites every Embedder and VectorIndex adapter must pass.

Subclass with a fixture named ``embedder`` or ``make_index`` (see
test_contracts.py for the fakes and FAISS, tests/integration/search for the
real model).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from knowledge.search.embedding import Embedder
from knowledge.search.vectors import VectorIndex


class EmbedderContract:
    def test_rows_are_unit_float32_of_the_declared_dimension(self, embedder: Embedder) -> None:
        rows = embedder.embed_documents(["Pay your council tax", "Report a missed bin", ""])
        assert rows.shape == (3, embedder.dimension)
        assert rows.dtype == np.float32
        assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)

    def test_empty_batch(self, embedder: Embedder) -> None:
        assert embedder.embed_documents([]).shape == (0, embedder.dimension)

    def test_deterministic_and_query_equals_document(self, embedder: Embedder) -> None:
        first = embedder.embed_documents(["garden waste bin"])[0]
        again = embedder.embed_query("garden waste bin")
        assert np.allclose(first, again, atol=1e-5)

    def test_related_texts_are_closer_than_unrelated(self, embedder: Embedder) -> None:
        a, b, c = embedder.embed_documents(
            [
                "my recycling bin was not collected",
                "recycling bin not collected today",
                "register to vote in the election",
            ]
        )
        assert float(a @ b) > float(a @ c)

    def test_identity_for_the_manifest(self, embedder: Embedder) -> None:
        assert isinstance(embedder.name, str) and embedder.name
        assert embedder.dimension > 0

    def test_very_long_query_is_accepted(self, embedder: Embedder) -> None:
        assert embedder.embed_query("bins " * 2000).shape == (embedder.dimension,)


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


class VectorIndexContract:
    DIM = 8
    TOLERANCE = 1e-5  # how far a score may be from the exact inner product

    @pytest.fixture
    def vectors(self) -> np.ndarray:
        return _unit(np.random.default_rng(3).normal(size=(20, self.DIM)))

    def test_search_returns_nearest_first_with_inner_product(
        self, make_index: Callable[[int], VectorIndex], vectors: np.ndarray
    ) -> None:
        index = make_index(self.DIM)
        ids = np.arange(100, 120, dtype=np.int64)
        index.add(ids, vectors)
        found = index.search(vectors[4], 3)
        assert found[0][0] == 104
        assert found[0][1] == pytest.approx(1.0, abs=self.TOLERANCE)
        assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)
        expected = sorted(vectors @ vectors[4], reverse=True)[:3]
        assert [s for _, s in found] == pytest.approx(expected, abs=self.TOLERANCE)
        assert len(index) == 20

    def test_remove_and_add_incrementally(
        self, make_index: Callable[[int], VectorIndex], vectors: np.ndarray
    ) -> None:
        index = make_index(self.DIM)
        index.add(np.arange(20, dtype=np.int64), vectors)
        index.remove(np.array([4, 999], dtype=np.int64))
        assert len(index) == 19
        assert 4 not in {i for i, _ in index.search(vectors[4], 20)}
        index.add(np.array([4], dtype=np.int64), vectors[4:5])
        assert index.search(vectors[4], 1)[0][0] == 4

    def test_allowed_ids_filter_inside_the_search(
        self, make_index: Callable[[int], VectorIndex], vectors: np.ndarray
    ) -> None:
        index = make_index(self.DIM)
        index.add(np.arange(20, dtype=np.int64), vectors)
        found = index.search(vectors[0], 5, allowed=np.array([3, 7, 11], dtype=np.int64))
        assert sorted(i for i, _ in found) == [3, 7, 11]
        assert index.search(vectors[0], 5, allowed=np.array([], dtype=np.int64)) == []

    def test_empty_index_and_small_limits(
        self, make_index: Callable[[int], VectorIndex], vectors: np.ndarray
    ) -> None:
        index = make_index(self.DIM)
        assert index.search(vectors[0], 5) == []
        index.add(np.array([1], dtype=np.int64), vectors[:1])
        assert len(index.search(vectors[0], 5)) == 1
        assert index.search(vectors[0], 0) == []

    def test_score_gives_the_inner_product_of_stored_ids(
        self, make_index: Callable[[int], VectorIndex], vectors: np.ndarray
    ) -> None:
        index = make_index(self.DIM)
        index.add(np.arange(20, dtype=np.int64), vectors)
        scores = index.score(vectors[3], np.array([3, 7, 999], dtype=np.int64))
        assert scores.keys() == {3, 7}
        assert scores[3] == pytest.approx(1.0, abs=self.TOLERANCE)
        assert scores[7] == pytest.approx(float(vectors[3] @ vectors[7]), abs=self.TOLERANCE)
        known = index.score(vectors[3], np.array([7, 3], dtype=np.int64))  # all held: one call
        assert known == {7: scores[7], 3: scores[3]}

    def test_round_trip_through_bytes(
        self, make_index: Callable[[int], VectorIndex], vectors: np.ndarray
    ) -> None:
        index = make_index(self.DIM)
        index.add(np.arange(20, dtype=np.int64), vectors)
        copy = type(index).from_bytes(index.to_bytes(), self.DIM)
        assert copy.search(vectors[9], 3) == index.search(vectors[9], 3)
        with pytest.raises(ValueError):
            type(index).from_bytes(index.to_bytes(), self.DIM + 1)
        with pytest.raises(ValueError):
            type(index).from_bytes(b"not an index", self.DIM)
