"""The ``VectorIndex`` port and its two adapters.

- ``FaissVectorIndex``: ``IndexIDMap2(IndexFlatIP)``. Exact inner product on unit
  vectors (cosine). At 20,000 chunks x 384 dimensions a flat scan takes a few
  milliseconds on one core, so an approximate index (HNSW) would buy little
  and cannot remove vectors; the ID map lets chunks be added and removed one
  by one.
- ``NumpyVectorIndex``: the in-memory fake with the same behaviour.

``allowed`` restricts a search to a sorted int64 array of ids (language,
service area): FAISS applies it inside the scan, so a filter never starves
the results.
"""

from __future__ import annotations

import abc
import io
from typing import Any

import numpy as np

__all__ = ["FaissVectorIndex", "NumpyVectorIndex", "VectorIndex"]


class VectorIndex(abc.ABC):
    def __init__(self, dimension: int) -> None:
        self.dimension = dimension

    @abc.abstractmethod
    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Add rows; ``ids`` are int64 and must not be present already."""

    @abc.abstractmethod
    def remove(self, ids: np.ndarray) -> None:
        """Remove these ids; unknown ids are ignored."""

    @abc.abstractmethod
    def search(
        self, vector: np.ndarray, limit: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The ``limit`` nearest (id, inner product) pairs, best first."""

    @abc.abstractmethod
    def __len__(self) -> int: ...

    @abc.abstractmethod
    def to_bytes(self) -> bytes: ...

    @classmethod
    @abc.abstractmethod
    def from_bytes(cls, data: bytes, dimension: int) -> VectorIndex:
        """Raises ValueError when ``data`` is not an index of this dimension."""


class FaissVectorIndex(VectorIndex):
    def __init__(self, dimension: int, *, _index: Any = None) -> None:
        import faiss

        # One query is a single scan: OpenMP threads only fight the web workers
        # and the embedder for the machine's cores.
        faiss.omp_set_num_threads(1)
        super().__init__(dimension)
        self._faiss: Any = faiss  # its type stubs lack the selector keyword arguments
        self._index: Any = _index or faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if len(ids):
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            self._index.add_with_ids(vectors, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: np.ndarray) -> None:
        if len(ids):
            self._index.remove_ids(np.ascontiguousarray(ids, dtype=np.int64))

    def search(
        self, vector: np.ndarray, limit: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        if limit <= 0 or self._index.ntotal == 0:
            return []
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        params = None
        if allowed is not None:
            if len(allowed) == 0:
                return []
            selector = self._faiss.IDSelectorBatch(np.ascontiguousarray(allowed, np.int64))
            params = self._faiss.SearchParameters(sel=selector)
        scores, ids = self._index.search(query, min(limit, self._index.ntotal), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def to_bytes(self) -> bytes:
        return bytes(self._faiss.serialize_index(self._index))

    @classmethod
    def from_bytes(cls, data: bytes, dimension: int) -> FaissVectorIndex:
        import faiss

        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except RuntimeError as error:
            raise ValueError(f"not a FAISS index: {error}") from error
        if index.d != dimension or not isinstance(index, faiss.IndexIDMap2):
            raise ValueError(f"expected an IndexIDMap2 of dimension {dimension}")
        return cls(dimension, _index=index)


class NumpyVectorIndex(VectorIndex):
    def __init__(self, dimension: int) -> None:
        super().__init__(dimension)
        self._ids = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, dimension), dtype=np.float32)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids = np.asarray(ids, dtype=np.int64)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        self._ids = np.concatenate([self._ids, ids])
        self._vectors = np.vstack([self._vectors, vectors])

    def remove(self, ids: np.ndarray) -> None:
        keep = ~np.isin(self._ids, np.asarray(ids, dtype=np.int64))
        self._ids, self._vectors = self._ids[keep], self._vectors[keep]

    def search(
        self, vector: np.ndarray, limit: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        ids, vectors = self._ids, self._vectors
        if allowed is not None:
            keep = np.isin(ids, allowed)
            ids, vectors = ids[keep], vectors[keep]
        if limit <= 0 or len(ids) == 0:
            return []
        scores = vectors @ np.asarray(vector, dtype=np.float32).reshape(-1)
        order = np.lexsort((ids, -scores))[:limit]
        return [(int(ids[i]), float(scores[i])) for i in order]

    def __len__(self) -> int:
        return len(self._ids)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(buffer, ids=self._ids, vectors=self._vectors)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, dimension: int) -> NumpyVectorIndex:
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                ids, vectors = arrays["ids"], arrays["vectors"]
        except (OSError, ValueError, KeyError) as error:
            raise ValueError(f"not a saved numpy index: {error}") from error
        if vectors.ndim != 2 or vectors.shape[1] != dimension or len(ids) != len(vectors):
            raise ValueError(f"expected vectors of dimension {dimension}")
        index = cls(dimension)
        index._ids, index._vectors = ids.astype(np.int64), vectors.astype(np.float32)
        return index
