"""``SearchEngine``: hybrid search over published articles, kept fresh and on disk.

Concurrency: one re-entrant *mutation* lock serialises writers (rebuild,
upsert, remove, sync, save) end to end; a short *state* lock is held by a
writer only while it swaps prepared chunks in, and by a search while it
scores. Embedding (the slow part of a write) and saving happen outside the
state lock, so searches keep answering from a consistent snapshot while an
article is re-embedded or the index is written to disk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from knowledge.search.chunking import CHUNKER_VERSION, chunk_article
from knowledge.search.domain import (
    ArticleId,
    ArticleSource,
    IndexableArticle,
    Removal,
    SearchResponse,
)
from knowledge.search.embedding import Embedder
from knowledge.search.exceptions import CorruptIndex
from knowledge.search.fusion import DEFAULT_POLICY, AnswerPolicy, FusionWeights
from knowledge.search.ranking import Ranker
from knowledge.search.spelling import EnglishWords, english_words
from knowledge.search.state import IndexState, PreparedArticle, prepare
from knowledge.search.store import Identity, IndexStore, Snapshot
from knowledge.search.text import tokenize
from knowledge.search.vectors import FaissVectorIndex, PartitionedVectors, VectorIndex

logger = logging.getLogger(__name__)

EMBED_BATCH = 64


@dataclass(frozen=True)
class SyncReport:
    upserted: int
    removed: int
    revision: int
    full: bool  # True when the whole published set was compared (first sync, reset source)


class SearchEngine:
    """Hybrid (FAISS + BM25) search. ``index_dir=None`` keeps the index in memory only."""

    def __init__(
        self,
        index_dir: Path | str | None,
        embedder: Embedder,
        *,
        vector_index: type[VectorIndex] = FaissVectorIndex,
        policy: AnswerPolicy = DEFAULT_POLICY,
        fusion: FusionWeights | None = None,
        english: EnglishWords | None = None,
        progress: bool = True,
    ) -> None:
        """``english``: the query words spelling correction leaves alone; by default
        the search model's own vocabulary (``spelling.english_words``, read once a
        process; LexiconError when it cannot be read)."""
        self.embedder = embedder
        self._vector_index = vector_index
        self._store = IndexStore(Path(index_dir)) if index_dir is not None else None
        self._identity = Identity(embedder.name, embedder.dimension, CHUNKER_VERSION)
        self._ranker = Ranker(
            embedder,
            policy=policy,
            fusion=fusion or FusionWeights(),
            english=english if english is not None else english_words(),
        )
        self._mutation = threading.RLock()
        self._state_lock = threading.Lock()
        self._state = IndexState(self._new_vectors())
        self._revision = 0
        self._reconciled = False  # the first sync compares everything published
        self.load_status = "empty"  # empty | loaded | re-embedded | corrupt (for /healthz)
        if self._store is not None:
            self._load(progress)

    # ---- reading ------------------------------------------------------------

    @property
    def revision(self) -> int:
        """The source revision the index reflects (see ``sync``)."""
        return self._revision

    @property
    def english(self) -> EnglishWords:
        """The words spelling correction leaves alone (the website's "did you mean" too)."""
        return self._ranker.english

    def __len__(self) -> int:
        """Number of indexed articles."""
        return len(self._state.articles)

    @property
    def chunk_count(self) -> int:
        return len(self._state.chunks)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._state.articles

    def search(
        self,
        query: str,
        *,
        language: str | None = "en",
        limit: int = 5,
        service_area: str | None = None,
        mode: str = "hybrid",
    ) -> SearchResponse:
        """Best articles for ``query``, each with its best sections.

        ``language="en"`` searches English articles. Any other language also
        searches English ones (the model reads English best) and shows the
        article in the requested language wherever a translation is indexed.
        ``language=None`` searches every language as is. ``mode`` "dense" or
        "lexical" uses one retriever alone (benchmarks, diagnosis).
        """
        return self._ranker.search(
            query,
            state=self._state,
            lock=self._state_lock,
            language=language,
            limit=limit,
            service_area=service_area,
            revision=self._revision,
            mode=mode,
        )

    def configure(
        self, *, policy: AnswerPolicy | None = None, fusion: FusionWeights | None = None
    ) -> None:
        """Change the answer policy or fusion weights (calibration scripts use this)."""
        if policy is not None:
            self._ranker.policy = policy
        if fusion is not None:
            self._ranker.fusion = fusion

    # ---- writing ------------------------------------------------------------

    def rebuild(
        self,
        articles: Iterable[IndexableArticle],
        *,
        progress: bool = True,
        revision: int | None = None,
    ) -> None:
        """Replace the whole index with ``articles`` (embedding everything)."""
        with self._mutation:
            # Not shared until the swap below, so it may train as it grows (as it did
            # before training moved out of the lock: the same cells, the same results).
            fresh = IndexState(PartitionedVectors(self._vector_index, self.embedder.dimension))
            for prepared in self._prepare_many(list(articles), progress=progress):
                fresh.apply(prepared)
            fresh.vectors.train_on_add = False
            fresh.bm25.warm()  # long postings as arrays before the first query, not in it
            with self._state_lock:
                self._state = fresh
                if revision is not None:
                    self._revision = revision
            self._save()

    def upsert(self, article: IndexableArticle, *, revision: int | None = None) -> bool:
        """Index a new or changed article; False when it was already indexed as is."""
        with self._mutation:
            content_hash = article.content_hash()
            stored = self._state.articles.get(article.id)
            changed = stored is None or stored.content_hash != content_hash
            if changed:
                prepared = prepare(article, self.embedder, content_hash)
                with self._state_lock:
                    self._state.apply(prepared)
                self._train_aside()
            if self._advance(revision) or changed:
                self._save()
            return changed

    def remove(self, article_id: ArticleId, *, revision: int | None = None) -> bool:
        """Take an article out of the index; False when it was not in it."""
        with self._mutation:
            with self._state_lock:
                removed = self._state.remove(article_id)
            if self._advance(revision) or removed:
                self._save()
            return removed

    def sync(self, source: ArticleSource, *, progress: bool = False) -> SyncReport:
        """Catch up with ``source``; cheap when nothing changed (call it every second).

        The first sync after start-up (or after the source's revision went
        backwards, e.g. a re-created database) compares every published
        article by content hash and re-embeds only what differs.
        """
        with self._mutation:
            full = not self._reconciled
            if not full:
                changes, new_revision = source.changes_since(self._revision)
                if new_revision < self._revision:
                    logger.warning("Search source revision went back; reconciling in full.")
                    full = True
            if full:
                published, new_revision = source.all_published()
                wanted = {article.id: article for article in published}
                removals = [Removal(i) for i in self._state.articles if i not in wanted]
                changes = [*wanted.values(), *removals]
            upserted, removed = self._apply_changes(changes, progress=progress)
            self._reconciled = True
            if upserted or removed or new_revision != self._revision:
                self._revision = new_revision
                self._save()
            return SyncReport(upserted, removed, self._revision, full)

    def _apply_changes(
        self, changes: Iterable[IndexableArticle | Removal], *, progress: bool
    ) -> tuple[int, int]:
        latest: dict[ArticleId, IndexableArticle | Removal] = {}
        for change in changes:
            key = change.article_id if isinstance(change, Removal) else change.id
            latest[key] = change
        to_index = [
            c
            for c in latest.values()
            if isinstance(c, IndexableArticle)
            and (
                c.id not in self._state.articles
                or self._state.articles[c.id].content_hash != c.content_hash()
            )
        ]
        to_remove = [
            c.article_id
            for c in latest.values()
            if isinstance(c, Removal) and c.article_id in self._state.articles
        ]
        prepared = self._prepare_many(to_index, progress=progress)
        with self._state_lock:
            for article_id in to_remove:
                self._state.remove(article_id)
            for item in prepared:
                self._state.apply(item)
        self._train_aside()
        return len(prepared), len(to_remove)

    def _train_aside(self) -> None:
        """Restructure grown vector partitions (IVF training: seconds at 50,000
        vectors) outside the state lock, searches reading the old index meanwhile,
        and swap the result in under it. Writers hold the mutation lock, so
        nothing changes between the copy and the swap."""
        replacements = self._state.vectors.retrained()
        if replacements:
            with self._state_lock:
                self._state.vectors.swap(replacements)

    def _new_vectors(self) -> PartitionedVectors:
        return PartitionedVectors(self._vector_index, self.embedder.dimension, train_on_add=False)

    def _advance(self, revision: int | None) -> bool:
        if revision is None or revision <= self._revision:
            return False
        self._revision = revision
        return True

    def _prepare_many(
        self, articles: list[IndexableArticle], *, progress: bool
    ) -> list[PreparedArticle]:
        """Chunk everything, then embed in large batches (much faster than one by one)."""
        if not articles:
            return []
        chunked = [(article, chunk_article(article)) for article in articles]
        texts = [c.embedding_text(a.title) for a, chunks in chunked for c in chunks]
        bar = tqdm(total=len(texts), desc="Embedding chunks", unit="chunk", disable=not progress)
        vectors = []
        for start in range(0, len(texts), EMBED_BATCH):
            batch = texts[start : start + EMBED_BATCH]
            vectors.append(self.embedder.embed_documents(batch, batch_size=EMBED_BATCH))
            bar.update(len(batch))
        bar.close()
        matrix = np.vstack(vectors)
        prepared, offset = [], 0
        for article, chunks in chunked:
            own = texts[offset : offset + len(chunks)]
            prepared.append(
                PreparedArticle(
                    article=article,
                    content_hash=article.content_hash(),
                    chunks=chunks,
                    tokens=[tokenize(text, article.language) for text in own],
                    vectors=matrix[offset : offset + len(chunks)],
                )
            )
            offset += len(chunks)
        return prepared

    # ---- persistence --------------------------------------------------------

    def _save(self) -> None:
        # Writers hold the mutation lock, so the state cannot change underneath;
        # searches only read, so serialising here does not block them.
        if self._store is None:
            return
        self._store.save(
            self._identity,
            revision=self._revision,
            next_chunk_id=self._state.next_chunk_id,
            articles=self._state.stored(),
            vectors=self._state.vectors.to_bytes(),
        )

    def _load(self, progress: bool) -> None:
        assert self._store is not None
        try:
            snapshot = self._store.load(self._identity)
        except CorruptIndex as error:
            logger.error(
                "Search index at %s is corrupt (%s); it will be rebuilt.",
                self._store.folder,
                error.message,
            )
            self.load_status = "corrupt"
            return
        if snapshot is None:
            return
        self._revision = snapshot.revision
        if snapshot.vectors is not None and self._restore(snapshot):
            self.load_status = "loaded"
            return
        logger.warning("Search index vectors unusable (model, chunker or checksum); re-embedding.")
        articles = [stored.article for stored in snapshot.articles]
        self.rebuild(articles, progress=progress, revision=snapshot.revision)
        self.load_status = "re-embedded"

    def _restore(self, snapshot: Snapshot) -> bool:
        assert snapshot.vectors is not None
        try:
            vectors = PartitionedVectors.from_bytes(
                snapshot.vectors, self._vector_index, self.embedder.dimension, train_on_add=False
            )
        except ValueError:
            return False
        state = IndexState(vectors, next_chunk_id=snapshot.next_chunk_id)
        if not all(state.restore(stored) for stored in snapshot.articles):
            return False
        if len(vectors) != len(state.chunks):
            return False
        state.bm25.warm()
        self._state = state
        return True
