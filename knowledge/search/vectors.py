"""The ``VectorIndex`` port and its two adapters.

- ``FaissVectorIndex``: ``IndexIDMap2`` over a flat (exhaustive) inner-product
  index whose vectors are stored as 8-bit codes on a fixed [-1, 1] scale.
  Unit vectors' components lie in that range, so no training on the content
  is needed and any later vector encodes as well as the first; a score is off
  by under 0.01 from the float32 cosine. The scan is exhaustive (no recall lost) and
  reads a quarter of the memory of float32: about 2 ms instead of 6-8 ms at
  20,000 chunks on this machine (benchmarks/search_speed.py), and the saved
  file is 4x smaller, so saves after each upsert are quicker.
- ``ExactFaissVectorIndex``: the same with float32 ``IndexFlatIP``.
- ``NumpyVectorIndex``: the in-memory fake with the same behaviour.

At scale a partition of ``IVF_FROM`` vectors or more turns into an inverted
file (``IndexIVFScalarQuantizer``, the same 8-bit codes): k-means cells
(about 4 x sqrt(n), a power of two) and a query scans the ``nprobe`` nearest
cells only. The exhaustive scan reads every code (38 MB at 100,000 vectors):
1.5 ms on a quiet machine, but p50 10-20 ms with the caches and memory
bandwidth shared by other processes (benchmarks/search_scale.py, load 11-16).
IVF1024 at nprobe 128 reads an eighth of it (0.9 ms at the same load) and
keeps 0.986 of the exact top 40 (nprobe 64: 0.976, 32: 0.957; HNSW32 at
efSearch 128 0.80, and FAISS cannot remove from it); recall@3 at 100k 0.922
against the flat scan's 0.927 on the same corpus (one question in 193).
Chunks that only BM25 found still get their exact cosine (``score``), so
what the cells miss costs recall@3 only when BM25 misses it too. Hence the
IVF from 50,000 vectors a partition at nprobe 128; it removes exactly (a
hash-table direct map), adds to the nearest cell, and retrains its cells
when the partition has grown fourfold, so they follow the content. The
engine trains outside its state lock (``retrained``: a new index built from
the old one, which searches keep using meanwhile) and swaps the new one in
under it, so a write that crosses the size does not hold searches up.

``allowed`` restricts a search to a sorted int64 array of ids (language,
service area): FAISS applies it inside the scan, so a filter never starves
the results. The engine hands the same array object back until the index
changes, so its FAISS selector is built once, not per query.
"""

from __future__ import annotations

import abc
import io
from typing import Any

import numpy as np

__all__ = [
    "ExactFaissVectorIndex",
    "FaissVectorIndex",
    "NumpyVectorIndex",
    "PartitionedVectors",
    "VectorIndex",
]


class VectorIndex(abc.ABC):
    def __init__(self, dimension: int) -> None:
        self.dimension = dimension

    @abc.abstractmethod
    def add(self, ids: np.ndarray, vectors: np.ndarray, *, train: bool = True) -> None:
        """Add rows; ``ids`` are int64 and must not be present already. ``train=False``:
        an index that restructures as it grows leaves that to ``retrained``."""

    def retrained(self) -> VectorIndex | None:
        """A copy restructured for its size (an IVF trained on its vectors) when this
        index has outgrown its structure, else None. It only reads this index, so it
        can run beside searches while writers wait, and the copy is swapped in after."""
        return None

    @abc.abstractmethod
    def remove(self, ids: np.ndarray) -> None:
        """Remove these ids; unknown ids are ignored."""

    @abc.abstractmethod
    def search(
        self, vector: np.ndarray, limit: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The ``limit`` nearest (id, inner product) pairs, best first."""

    @abc.abstractmethod
    def score(self, vector: np.ndarray, ids: np.ndarray) -> dict[int, float]:
        """The inner product of ``vector`` with each stored id of ``ids`` (unknown: left out)."""

    @abc.abstractmethod
    def __len__(self) -> int: ...

    @abc.abstractmethod
    def to_bytes(self) -> bytes: ...

    @classmethod
    @abc.abstractmethod
    def from_bytes(cls, data: bytes, dimension: int) -> VectorIndex:
        """Raises ValueError when ``data`` is not an index of this dimension."""


IVF_FROM = 50_000  # vectors in one partition (see the module docstring)
IVF_NPROBE = 128
IVF_RETRAIN_GROWTH = 4


class FaissVectorIndex(VectorIndex):
    quantised = True
    ivf_from: int | None = IVF_FROM
    nprobe = IVF_NPROBE

    def __init__(self, dimension: int, *, _index: Any = None) -> None:
        import faiss

        # One query is a single scan: OpenMP threads only fight the web workers
        # and the embedder for the machine's cores.
        faiss.omp_set_num_threads(1)
        super().__init__(dimension)
        self._faiss: Any = faiss  # its type stubs lack the selector keyword arguments
        self._index: Any = _index if _index is not None else self._new_index(dimension)
        self._selectors: dict[int, tuple[np.ndarray, Any]] = {}
        self._trained_on = int(self._index.ntotal) if self.is_ivf else 0

    @property
    def is_ivf(self) -> bool:
        return isinstance(self._index, self._faiss.IndexIVF)

    @classmethod
    def _new_index(cls, dimension: int) -> Any:
        import faiss

        if not cls.quantised:
            return faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        quantiser: Any = faiss.ScalarQuantizer
        inner = faiss.IndexScalarQuantizer(
            dimension, quantiser.QT_8bit_uniform, faiss.METRIC_INNER_PRODUCT
        )
        bounds = np.vstack([np.full(dimension, -1.0), np.full(dimension, 1.0)])
        inner.train(bounds.astype(np.float32))  # fixes the scale; no content involved
        return faiss.IndexIDMap2(inner)

    def add(self, ids: np.ndarray, vectors: np.ndarray, *, train: bool = True) -> None:
        if len(ids):
            vectors = np.ascontiguousarray(vectors, dtype=np.float32)
            self._index.add_with_ids(vectors, np.ascontiguousarray(ids, dtype=np.int64))
            self._selectors.clear()
            if train and self._needs_training():
                self._index = self._train_ivf(*self._everything())
                self._trained_on = int(self._index.ntotal)

    def retrained(self) -> FaissVectorIndex | None:
        if not self._needs_training():
            return None
        return type(self)(self.dimension, _index=self._train_ivf(*self._everything()))

    def remove(self, ids: np.ndarray) -> None:
        if len(ids):
            self._index.remove_ids(np.ascontiguousarray(ids, dtype=np.int64))

    def _needs_training(self) -> bool:
        n = int(self._index.ntotal)
        if self.ivf_from is None or n < self.ivf_from:
            return False
        return not self.is_ivf or n >= IVF_RETRAIN_GROWTH * self._trained_on

    def _everything(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (id, decoded vector) held, flat or IVF."""
        faiss = self._faiss
        if not self.is_ivf:
            ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
            return ids, self._index.index.reconstruct_n(0, len(ids))
        lists = self._index.invlists
        ids = np.concatenate(
            [
                faiss.rev_swig_ptr(lists.get_ids(cell), lists.list_size(cell)).copy()
                for cell in range(lists.nlist)
            ]
            + [np.zeros(0, dtype=np.int64)]
        ).astype(np.int64)
        return ids, self._index.reconstruct_batch(ids)

    def _train_ivf(self, ids: np.ndarray, vectors: np.ndarray) -> Any:
        faiss = self._faiss
        cells = 1 << max(4, round(float(np.log2(4 * np.sqrt(len(ids))))))
        index = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(self.dimension),
            self.dimension,
            cells,
            faiss.ScalarQuantizer.QT_8bit_uniform,
            faiss.METRIC_INNER_PRODUCT,
            False,  # codes of the vectors themselves, not of residuals: IP over unit vectors
        )
        index.train(vectors)
        # The same fixed [-1, 1] scale as the flat index: a later vector encodes as well.
        bounds = np.vstack([np.full(self.dimension, -1.0), np.full(self.dimension, 1.0)])
        index.sq.train(bounds.astype(np.float32))
        index.set_direct_map_type(faiss.DirectMap.Hashtable)  # exact, cheap removal
        index.add_with_ids(vectors, ids)
        return index

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
            params = self._search_parameters(allowed)
        elif self.is_ivf:
            params = self._faiss.SearchParametersIVF(nprobe=self.nprobe)
        scores, ids = self._index.search(query, min(limit, self._index.ntotal), params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def score(self, vector: np.ndarray, ids: np.ndarray) -> dict[int, float]:
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        wanted = np.ascontiguousarray(ids, dtype=np.int64)
        try:  # one call for all (the ranker asks only for ids it holds)
            rows = self._index.reconstruct_batch(wanted)
        except RuntimeError:  # an unknown id among them: one by one
            rows = None
        if rows is not None:  # row by row, so each score is the same float as alone
            return {i: float(row @ query) for i, row in zip(wanted.tolist(), rows, strict=True)}
        found = {}
        for i in wanted.tolist():
            try:  # IndexIDMap2 and the IVF's hash table both look an id up directly
                found[i] = float(self._index.reconstruct(i) @ query)
            except RuntimeError:
                continue
        return found

    def _search_parameters(self, allowed: np.ndarray) -> Any:
        cached = self._selectors.get(id(allowed))
        if cached is not None and cached[0] is allowed:
            return cached[1]
        selector = self._faiss.IDSelectorBatch(np.ascontiguousarray(allowed, np.int64))
        if self.is_ivf:
            # A filter keeping a fraction f of the vectors: probe 1/f as many cells, so
            # about as many candidates pass it as without a filter (never starved).
            share = max(len(allowed) / max(int(self._index.ntotal), 1), 1e-6)
            nprobe = min(int(self._index.nlist), int(np.ceil(self.nprobe / min(share, 1.0))))
            params = self._faiss.SearchParametersIVF(sel=selector, nprobe=nprobe)
        else:
            params = self._faiss.SearchParameters(sel=selector)
        if len(self._selectors) >= 16:
            self._selectors.clear()
        self._selectors[id(allowed)] = (allowed, params)  # keeps the array alive: ids stay unique
        return params

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
        if index.d != dimension:
            raise ValueError(f"expected an index of dimension {dimension}")
        if cls.ivf_from is not None and isinstance(index, faiss.IndexIVFScalarQuantizer):
            return cls(dimension, _index=index)
        if not isinstance(index, faiss.IndexIDMap2):
            raise ValueError(f"expected an IndexIDMap2 of dimension {dimension}")
        inner = faiss.downcast_index(index.index)
        expected = faiss.IndexScalarQuantizer if cls.quantised else faiss.IndexFlatIP
        if not isinstance(inner, expected):
            raise ValueError(f"expected {expected.__name__} vectors, found {type(inner).__name__}")
        return cls(dimension, _index=index)


class ExactFaissVectorIndex(FaissVectorIndex):
    """float32 vectors: exact cosines, four times the memory and scan time; always flat."""

    quantised = False
    ivf_from = None


class NumpyVectorIndex(VectorIndex):
    def __init__(self, dimension: int) -> None:
        super().__init__(dimension)
        self._ids = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, dimension), dtype=np.float32)

    def add(self, ids: np.ndarray, vectors: np.ndarray, *, train: bool = True) -> None:
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

    def score(self, vector: np.ndarray, ids: np.ndarray) -> dict[int, float]:
        position = {int(i): n for n, i in enumerate(self._ids)}
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        return {
            int(i): float(self._vectors[position[int(i)]] @ query)
            for i in np.asarray(ids).tolist()
            if int(i) in position
        }

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


class PartitionedVectors:
    """One ``VectorIndex`` per language, so a language filter costs nothing: a
    search scans only the partitions asked for (an id selector over most of the
    index would slow FAISS's scan down severalfold).

    ``train_on_add=False`` (the engine's): a partition that outgrows its structure
    waits for ``retrained`` and ``swap``, so training runs outside the lock
    searches take."""

    def __init__(
        self,
        factory: type[VectorIndex],
        dimension: int,
        parts: dict[str, VectorIndex] | None = None,
        *,
        train_on_add: bool = True,
    ) -> None:
        self._factory = factory
        self.dimension = dimension
        self.parts: dict[str, VectorIndex] = parts or {}
        self.train_on_add = train_on_add

    def add(self, language: str, ids: np.ndarray, vectors: np.ndarray) -> None:
        part = self.parts.get(language)
        if part is None:
            part = self.parts[language] = self._factory(self.dimension)
        part.add(ids, vectors, train=self.train_on_add)

    def retrained(self) -> dict[str, VectorIndex]:
        """Partitions that outgrew their structure, restructured aside (reads only)."""
        found = {name: part.retrained() for name, part in self.parts.items()}
        return {name: part for name, part in found.items() if part is not None}

    def swap(self, replacements: dict[str, VectorIndex]) -> None:
        """Put ``retrained`` copies in place (nothing may have changed since)."""
        self.parts.update(replacements)

    def remove(self, language: str, ids: np.ndarray) -> None:
        if language in self.parts:
            self.parts[language].remove(ids)

    def search(
        self,
        vector: np.ndarray,
        limit: int,
        languages: tuple[str, ...] | None = None,
        allowed: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        names = self.parts if languages is None else [n for n in languages if n in self.parts]
        found: list[tuple[int, float]] = []
        for name in names:
            found.extend(self.parts[name].search(vector, limit, allowed))
        if len(names) > 1:
            found.sort(key=lambda pair: (-pair[1], pair[0]))
        return found[:limit]

    def score(self, vector: np.ndarray, ids_by_language: dict[str, list[int]]) -> dict[int, float]:
        found: dict[int, float] = {}
        for language, ids in ids_by_language.items():
            if language in self.parts and ids:
                found.update(self.parts[language].score(vector, np.asarray(ids, dtype=np.int64)))
        return found

    def __len__(self) -> int:
        return sum(len(part) for part in self.parts.values())

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        blobs = {
            name: np.frombuffer(part.to_bytes(), dtype=np.uint8)
            for name, part in self.parts.items()
        }
        save: Any = np.savez  # its stub confuses ** with the allow_pickle keyword
        save(buffer, **blobs)
        return buffer.getvalue()

    @classmethod
    def from_bytes(
        cls, data: bytes, factory: type[VectorIndex], dimension: int, *, train_on_add: bool = True
    ) -> PartitionedVectors:
        """Raises ValueError when ``data`` is not a saved set of partitions."""
        try:
            with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                blobs = {name: arrays[name].tobytes() for name in arrays.files}
        except (OSError, ValueError, KeyError) as error:
            raise ValueError(f"not saved search vectors: {error}") from error
        parts = {name: factory.from_bytes(blob, dimension) for name, blob in blobs.items()}
        return cls(factory, dimension, parts, train_on_add=train_on_add)
