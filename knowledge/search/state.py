"""The in-memory index: articles, chunks, BM25 and vectors, kept in step.

Not thread-safe by itself: ``SearchEngine`` embeds outside its lock
(``prepare``, the slow part) and applies under it (``apply``, milliseconds).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knowledge.search.bm25 import BM25Index
from knowledge.search.chunking import chunk_article
from knowledge.search.domain import ArticleId, Chunk, IndexableArticle
from knowledge.search.embedding import Embedder
from knowledge.search.store import StoredArticle
from knowledge.search.text import SnippetUnits, snippet_units, tokenize
from knowledge.search.vectors import PartitionedVectors


@dataclass(frozen=True)
class PreparedArticle:
    """An article chunked, tokenised and embedded, ready to swap in."""

    article: IndexableArticle
    content_hash: str
    chunks: list[Chunk]
    tokens: list[list[str]]
    vectors: np.ndarray


def prepare(
    article: IndexableArticle, embedder: Embedder, content_hash: str | None = None
) -> PreparedArticle:
    chunks = chunk_article(article)
    texts = [chunk.embedding_text(article.title) for chunk in chunks]
    return PreparedArticle(
        article=article,
        content_hash=content_hash or article.content_hash(),
        chunks=chunks,
        tokens=[tokenize(text, article.language) for text in texts],
        vectors=embedder.embed_documents(texts),
    )


def translation_group(article: IndexableArticle) -> ArticleId:
    return article.translation_of if article.translation_of is not None else article.id


class IndexState:
    def __init__(self, vectors: PartitionedVectors, *, next_chunk_id: int = 1) -> None:
        self.vectors = vectors
        self.bm25 = BM25Index()
        self.articles: dict[ArticleId, StoredArticle] = {}
        self.chunks: dict[int, Chunk] = {}
        self.next_chunk_id = next_chunk_id
        self._versions: dict[tuple[ArticleId, str], ArticleId] = {}
        self._filters: dict[tuple[tuple[str, ...] | None, str | None], np.ndarray | None] = {}
        self._snippet_units: dict[int, SnippetUnits] = {}
        self.writes = 0  # articles applied, restored or removed: a search's results are
        # stale when this moved between its two halves (ranking.py)

    def apply(self, prepared: PreparedArticle, chunk_ids: list[int] | None = None) -> None:
        """Replace (or add) the article; ``chunk_ids`` reuses ids from a saved index."""
        self.remove(prepared.article.id)
        if chunk_ids is None:
            chunk_ids = list(range(self.next_chunk_id, self.next_chunk_id + len(prepared.chunks)))
        self.next_chunk_id = max(self.next_chunk_id, max(chunk_ids, default=0) + 1)
        rows = zip(chunk_ids, prepared.chunks, prepared.tokens, strict=True)
        for chunk_id, chunk, tokens in rows:
            self.chunks[chunk_id] = chunk
            self.bm25.add(chunk_id, tokens)
        article = prepared.article
        self.vectors.add(article.language, np.asarray(chunk_ids, dtype=np.int64), prepared.vectors)
        self.articles[article.id] = StoredArticle(article, prepared.content_hash, tuple(chunk_ids))
        self._versions[(translation_group(article), article.language)] = article.id
        self._filters.clear()
        self.writes += 1

    def restore(self, stored: StoredArticle) -> bool:
        """Re-create chunks and BM25 postings of a saved article whose vectors are
        loaded separately; False when the chunker no longer gives its chunk count."""
        chunks = chunk_article(stored.article)
        if len(chunks) != len(stored.chunk_ids):
            return False
        for chunk_id, chunk in zip(stored.chunk_ids, chunks, strict=True):
            self.chunks[chunk_id] = chunk
            text = chunk.embedding_text(stored.article.title)
            self.bm25.add(chunk_id, tokenize(text, stored.article.language))
        self.articles[stored.article.id] = stored
        self._versions[(translation_group(stored.article), stored.article.language)] = (
            stored.article.id
        )
        self.next_chunk_id = max(self.next_chunk_id, max(stored.chunk_ids, default=0) + 1)
        self._filters.clear()
        self.writes += 1
        return True

    def remove(self, article_id: ArticleId) -> bool:
        stored = self.articles.pop(article_id, None)
        if stored is None:
            return False
        for chunk_id in stored.chunk_ids:
            self.chunks.pop(chunk_id, None)
            self._snippet_units.pop(chunk_id, None)
            self.bm25.remove(chunk_id)
        ids = np.asarray(stored.chunk_ids, dtype=np.int64)
        self.vectors.remove(stored.article.language, ids)
        key = (translation_group(stored.article), stored.article.language)
        if self._versions.get(key) == article_id:
            del self._versions[key]
        self._filters.clear()
        self.writes += 1
        return True

    def allowed(
        self, languages: tuple[str, ...] | None, service_area: str | None
    ) -> np.ndarray | None:
        """Sorted chunk ids matching the filters; None when every chunk matches.

        The same array object comes back until the index changes (the FAISS
        adapter caches its selector by it).
        """
        key = (languages, service_area)
        if key not in self._filters:
            ids = [
                chunk_id
                for chunk_id, chunk in self.chunks.items()
                if (languages is None or chunk.language in languages)
                and (service_area is None or chunk.service_area == service_area)
            ]
            everything = len(ids) == len(self.chunks)
            self._filters[key] = None if everything else np.array(sorted(ids), dtype=np.int64)
        return self._filters[key]

    def snippet_source(self, chunk_id: int) -> SnippetUnits:
        """The chunk's sentences for snippets (an overview chunk shows the summary)."""
        units = self._snippet_units.get(chunk_id)
        if units is None:
            chunk = self.chunks[chunk_id]
            summary = self.articles[chunk.article_id].article.summary
            text = summary if chunk.kind == "overview" and summary else chunk.text
            units = self._snippet_units[chunk_id] = snippet_units(text, chunk.language)
        return units

    def version_in(self, article: IndexableArticle, language: str) -> ArticleId | None:
        """The id of this article's version in ``language``, if indexed."""
        return self._versions.get((translation_group(article), language))

    def stored(self) -> list[StoredArticle]:
        return list(self.articles.values())
