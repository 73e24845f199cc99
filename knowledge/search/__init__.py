"""Hybrid search over the knowledge base's published articles.

Dense retrieval (all-MiniLM-L6-v2 + FAISS) and lexical retrieval (incremental
BM25) over chunks split at ``##`` headings, fused by reciprocal rank, grouped
per article, with a calibrated "no good answer" signal. See ``SearchEngine``.

    engine = SearchEngine(settings.index_dir, SentenceTransformerEmbedder())
    engine.sync(source)              # source: an ArticleSource over the database
    response = engine.search("when do my bins get collected", language="en")
"""

from knowledge.search.chunking import CHUNKER_VERSION, chunk_article
from knowledge.search.domain import (
    AnswerSignals,
    ArticleId,
    ArticleSource,
    Chunk,
    ChunkHit,
    Hit,
    IndexableArticle,
    Removal,
    SearchResponse,
)
from knowledge.search.embedding import (
    Embedder,
    HashingEmbedder,
    OnnxEmbedder,
    RecentQueries,
    SentenceTransformerEmbedder,
    default_onnx_dir,
    load_minilm,
    model_folder,
)
from knowledge.search.engine import SearchEngine, SyncReport
from knowledge.search.exceptions import CorruptIndex, EmbedderError, LexiconError, SearchError
from knowledge.search.fusion import DEFAULT_POLICY, AnswerPolicy, FusionWeights
from knowledge.search.spelling import EnglishWords, english_words
from knowledge.search.text import heading_anchor
from knowledge.search.vectors import (
    ExactFaissVectorIndex,
    FaissVectorIndex,
    NumpyVectorIndex,
    VectorIndex,
)

__all__ = [
    "CHUNKER_VERSION",
    "DEFAULT_POLICY",
    "AnswerPolicy",
    "AnswerSignals",
    "ArticleId",
    "ArticleSource",
    "Chunk",
    "ChunkHit",
    "CorruptIndex",
    "Embedder",
    "EmbedderError",
    "EnglishWords",
    "ExactFaissVectorIndex",
    "FaissVectorIndex",
    "FusionWeights",
    "HashingEmbedder",
    "Hit",
    "IndexableArticle",
    "LexiconError",
    "NumpyVectorIndex",
    "OnnxEmbedder",
    "RecentQueries",
    "Removal",
    "SearchEngine",
    "SearchError",
    "SearchResponse",
    "SentenceTransformerEmbedder",
    "SyncReport",
    "VectorIndex",
    "chunk_article",
    "default_onnx_dir",
    "english_words",
    "heading_anchor",
    "load_minilm",
    "model_folder",
]
