"""One search: embed, retrieve both ways, fuse, group per article, decide, snippet."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from knowledge.search.bm25 import weights_of
from knowledge.search.domain import (
    AnswerSignals,
    ArticleId,
    ChunkHit,
    Hit,
    SearchResponse,
)
from knowledge.search.embedding import MAX_QUERY_CHARS, Embedder
from knowledge.search.fusion import (
    AnswerPolicy,
    FusionWeights,
    fuse,
)
from knowledge.search.spelling import EnglishWords
from knowledge.search.state import IndexState
from knowledge.search.text import make_snippet, normalise_space, tokenize

MAX_QUERY_TOKENS = 64
MODES = ("hybrid", "dense", "lexical")  # the last two exist for benchmarks and diagnosis
MAX_LIMIT = 50
CHUNKS_PER_HIT = 3
UNKNOWN_WORD_IDF = 8.0  # a query word no article uses weighs like a very rare one

# A query is embedded on one of these threads while the searching thread resolves
# its words and runs BM25 (ONNX Runtime and numpy release the GIL), so the two
# stages overlap instead of adding up: at 100,000 chunks, same run, a question's
# first search p50 / p95 6.64 / 9.13 ms -> 5.85 / 8.07 (benchmarks/README.md). One
# pool for every engine in the process (threads start on first use); two workers.
_EMBEDDING: Executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="embed-query")


@dataclass
class _Candidate:
    article_id: ArticleId
    chunks: list[tuple[int, float]]  # (chunk id, fused score), best first
    score: float = 0.0


@dataclass(frozen=True)
class _Found:
    dense: dict[int, float]  # chunk id -> cosine
    lexical: dict[int, float]  # chunk id -> BM25
    terms: dict[str, float]  # the query's words as indexed (spelling corrected)
    idf: dict[str, float]  # of each of those words, for snippets


def clean_query(query: str) -> str:
    """Whitespace collapsed, cut at a word boundary near MAX_QUERY_CHARS."""
    text = normalise_space(query or "")
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
    return text


class Ranker:
    def __init__(
        self,
        embedder: Embedder,
        *,
        policy: AnswerPolicy,
        fusion: FusionWeights,
        english: EnglishWords,
        candidates: int = 40,
    ) -> None:
        self.embedder = embedder
        self.policy = policy
        self.fusion = fusion
        self.english = english  # query words never spelling-corrected
        self.candidates = candidates

    def search(
        self,
        query: str,
        *,
        state: IndexState,
        lock: threading.Lock,
        language: str | None,
        limit: int,
        service_area: str | None,
        revision: int,
        mode: str = "hybrid",
    ) -> SearchResponse:
        started = time.perf_counter()
        text = clean_query(query)
        limit = max(0, min(limit, MAX_LIMIT))
        if not any(ch.isalnum() for ch in text) or limit == 0:
            return SearchResponse(text, [], True, _ms(started), None, revision, language)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        # The embedding is the slow part: it starts first and runs beside the lexical
        # half, and only the vector search waits for it.
        embedding: Future[np.ndarray] | None = None
        if mode != "lexical":
            embedding = _EMBEDDING.submit(self.embedder.embed_query, text)
        tokens = tokenize(text, language)[:MAX_QUERY_TOKENS]
        known = self.english.known_terms(text, language)
        languages = None if language is None else tuple(dict.fromkeys((language, "en")))
        depth = max(self.candidates, limit * 4)

        def lexical_half() -> tuple[dict[str, str | None], list[tuple[int, float]]]:
            # Spelling correction once a query, before the vector is waited for: the
            # weights, the coverage signal and the snippets all use these spellings.
            spelled = state.bm25.spellings(tokens, known)
            if mode == "dense":
                return spelled, []
            allowed = state.allowed(languages, service_area)
            return spelled, state.bm25.search_resolved(weights_of(spelled), depth, allowed)

        with lock:
            writes = state.writes
            spelled, lexical = lexical_half()
        # Waited for outside the lock, so a search holds it no longer than before.
        vector = embedding.result() if embedding is not None else None
        with lock:
            if state.writes != writes:  # an article changed meanwhile: BM25 again
                spelled, lexical = lexical_half()
            terms = weights_of(spelled)
            dense: list[tuple[int, float]] = []
            if vector is not None:  # languages are partitions; only an area needs a filter
                in_area = state.allowed(None, service_area) if service_area else None
                dense = state.vectors.search(vector, depth, languages, in_area)
            fusion = self.fusion.for_language(language)
            exact = None
            if fusion.missing == "exact" and vector is not None and mode == "hybrid":
                exact = _exact_scores(state, vector, dense, lexical, terms)
            ranked = self._rank(state, dense, lexical, fusion, exact)
            if language not in (None, "en"):
                ranked = _prefer_language(state, ranked, language)
            signals = self._signals(state, ranked, dense, lexical, spelled)
            idf = {term: state.bm25.idf(term) for term in terms}
            found = _Found(dict(dense), dict(lexical), terms, idf)
            hits = [self._hit(state, candidate, found) for candidate in ranked[:limit]]
        good = bool(hits) and signals is not None and self.policy.has_good_answer(signals)
        return SearchResponse(text, hits, not good, _ms(started), signals, revision, language)

    # ---- fusion and grouping ----------------------------------------------

    def _rank(
        self,
        state: IndexState,
        dense: Sequence[tuple[int, float]],
        lexical: Sequence[tuple[int, float]],
        fusion: FusionWeights,
        exact: tuple[dict[int, float], dict[int, float]] | None = None,
    ) -> list[_Candidate]:
        fused = fuse(dense, lexical, fusion, exact)
        by_article: dict[ArticleId, _Candidate] = {}
        chunks = state.chunks
        for chunk_id, score in sorted(fused.items(), key=lambda item: (-item[1], item[0])):
            article_id = chunks[chunk_id].article_id
            candidate = by_article.get(article_id)
            if candidate is None:
                candidate = by_article[article_id] = _Candidate(article_id, [])
            candidate.chunks.append((chunk_id, score))
        share = fusion.second_chunk_share
        scale = fusion.best_possible() * (1 + share)
        for candidate in by_article.values():  # fusion.article_scores, inline: ~70 a query
            found = candidate.chunks
            second = found[1][1] if len(found) > 1 else 0.0
            candidate.score = (found[0][1] + share * second) / scale
        return sorted(by_article.values(), key=lambda c: (-c.score, str(c.article_id)))

    def _signals(
        self,
        state: IndexState,
        ranked: list[_Candidate],
        dense: Sequence[tuple[int, float]],
        lexical: Sequence[tuple[int, float]],
        spelled: dict[str, str | None],
    ) -> AnswerSignals | None:
        if not ranked:
            return None
        top = ranked[0]
        chunk_ids = set(state.articles[top.article_id].chunk_ids)
        top_cosine = max((s for cid, s in dense if cid in chunk_ids), default=0.0)
        lexical_articles: list[ArticleId] = []
        for chunk_id, _ in lexical:
            article_id = state.chunks[chunk_id].article_id
            if article_id not in lexical_articles:
                lexical_articles.append(article_id)
            if len(lexical_articles) == 3:
                break
        return AnswerSignals(
            top_cosine=round(top_cosine, 4),
            lexical_agreement=top.article_id in lexical_articles,
            lexical_coverage=round(_coverage(state, chunk_ids, spelled), 4),
        )

    # ---- presentation -------------------------------------------------------

    def _hit(self, state: IndexState, candidate: _Candidate, found: _Found) -> Hit:
        article = state.articles[candidate.article_id].article
        dense_of, lexical_of, terms = found.dense, found.lexical, found.terms
        weight = found.idf.__getitem__
        chunk_hits = []
        for chunk_id, score in candidate.chunks[:CHUNKS_PER_HIT]:
            chunk = state.chunks[chunk_id]
            source = state.snippet_source(chunk_id)
            chunk_hits.append(
                ChunkHit(
                    chunk_id=chunk_id,
                    section_anchor=chunk.section_anchor,
                    section_title=chunk.section_title,
                    snippet=make_snippet(source, terms, weight, language=chunk.language),
                    score=round(score, 6),
                    dense_score=_rounded(dense_of.get(chunk_id)),
                    lexical_score=_rounded(lexical_of.get(chunk_id)),
                )
            )
        best = chunk_hits[0]
        return Hit(
            article_id=article.id,
            slug=article.slug,
            title=article.title,
            url=article.url,
            language=article.language,
            service_area=article.service_area,
            section_anchor=best.section_anchor,
            section_title=best.section_title,
            snippet=best.snippet,
            score=round(candidate.score, 4),
            chunks=tuple(chunk_hits),
        )


def _exact_scores(
    state: IndexState,
    vector: np.ndarray,
    dense: Sequence[tuple[int, float]],
    lexical: Sequence[tuple[int, float]],
    weights: dict[str, float],
) -> tuple[dict[int, float], dict[int, float]]:
    """The cosine of each chunk only BM25 found and the BM25 of each only FAISS found
    (at most 2 x 40 look-ups: well under a millisecond)."""
    in_dense = {chunk_id for chunk_id, _ in dense}
    in_lexical = {chunk_id for chunk_id, _ in lexical}
    by_language: dict[str, list[int]] = {}
    for chunk_id in in_lexical - in_dense:
        by_language.setdefault(state.chunks[chunk_id].language, []).append(chunk_id)
    cosines = state.vectors.score(vector, by_language)
    bm25 = state.bm25.score(weights, sorted(in_dense - in_lexical)) if weights else {}
    return cosines, bm25


def _prefer_language(
    state: IndexState, ranked: list[_Candidate], language: str
) -> list[_Candidate]:
    """Show each article in ``language`` when a translation is indexed; drop the duplicates."""
    result: list[_Candidate] = []
    seen: set[ArticleId] = set()
    by_id = {candidate.article_id: candidate for candidate in ranked}
    for candidate in ranked:
        article = state.articles[candidate.article_id].article
        wanted = state.version_in(article, language) if article.language != language else None
        if wanted is not None and wanted != candidate.article_id:
            translated = by_id.get(wanted)
            overview = state.articles[wanted].chunk_ids[0]
            chunks = translated.chunks if translated else [(overview, 0.0)]
            candidate = _Candidate(wanted, chunks, candidate.score)
        if candidate.article_id not in seen:
            seen.add(candidate.article_id)
            result.append(candidate)
    return result


def _coverage(state: IndexState, chunk_ids: set[int], spelled: dict[str, str | None]) -> float:
    """Idf-weighted share of the query's words found in these chunks (a misspelt
    word counts through its correction; a word no article uses, English words
    never corrected included, counts against). ``spelled``: each distinct query
    word -> the indexed term it counts as (``BM25Index.spellings``)."""
    article_terms: set[str] = set()
    for chunk_id in chunk_ids:
        article_terms.update(state.bm25.terms_of(chunk_id).keys())
    found = total = 0.0
    for resolved in spelled.values():
        weight = state.bm25.idf(resolved) if resolved else UNKNOWN_WORD_IDF
        total += weight
        if resolved in article_terms:
            found += weight
    return found / total if total else 0.0


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
