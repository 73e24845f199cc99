"""Fusing dense and lexical rankings, and deciding whether there is a good answer.

Fusion works on chunks, by default as a convex combination of the cosine and
the BM25 score divided by the query's best BM25 score (Bruch, Gai and
Ingber 2023, "An analysis of fusion functions for hybrid retrieval"); weighted
reciprocal rank fusion (Cormack et al. 2009) is the alternative. An article
scores as its best chunk plus a small share of its second best, so a page that
answers in several places edges out one lucky sentence.

The "no good answer" decision uses signals of the top article:
the best dense cosine among its chunks, and how much of the query's content
words it contains (lexical coverage). ``AnswerPolicy`` holds the thresholds;
``DEFAULT_POLICY`` was calibrated for all-MiniLM-L6-v2 on
benchmarks/data/search_calibration.yaml (never on the evaluation set) by
benchmarks/search_calibrate.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from knowledge.search.domain import AnswerSignals


@dataclass(frozen=True)
class FusionWeights:
    """Default: the convex combination, 0.7 cosine + 0.3 normalised BM25.

    On the calibration questions it ties RRF (k=60) within one question
    (recall@3 0.952 vs 0.937, recall@1 0.825 vs 0.841), and unlike RRF it keeps
    a page first when only it contains a rare query word (a name such as
    "HomeChoice", a reference): RRF gives that BM25-only hit 1/61 and lets pages
    that both retrievers rank middling overtake it.
    """

    method: str = "convex"  # "convex" | "rrf"
    dense: float = 0.7
    lexical: float = 0.3
    k: float = 60.0  # RRF only
    second_chunk_share: float = 0.1
    # all-MiniLM-L6-v2 was trained on English: for other languages its scores are
    # weaker evidence than the words', so they count for less (chosen on the Welsh
    # calibration questions by benchmarks/search_calibrate.py).
    other_language_dense: float = 0.3
    # A chunk only one retriever found: its exact score from the other ("exact",
    # computed by the ranker) or that list's lowest ("floor", before 100k chunks).
    # The floor grows with the index (the 40th best cosine of 100,000 chunks is
    # high), so at scale it lifted BM25-only matches over pages both retrievers
    # found; exact scores do not depend on the index's size.
    missing: str = "exact"

    def for_language(self, language: str | None) -> FusionWeights:
        if language in (None, "en"):
            return self
        return replace(self, dense=self.other_language_dense)

    def best_possible(self) -> float:
        """The highest fused score a chunk can get (both retrievers rank it first)."""
        if self.method == "convex":
            return self.dense + self.lexical
        return (self.dense + self.lexical) / (self.k + 1)


def fuse(
    dense: Sequence[tuple[int, float]],
    lexical: Sequence[tuple[int, float]],
    weights: FusionWeights,
    exact: tuple[dict[int, float], dict[int, float]] | None = None,
) -> dict[int, float]:
    """``exact``: (cosines, BM25 scores) of the chunks only the other retriever found."""
    if weights.method == "convex":
        return convex_fusion(dense, lexical, weights, exact)
    return reciprocal_rank_fusion(dense, lexical, weights)


def convex_fusion(
    dense: Sequence[tuple[int, float]],
    lexical: Sequence[tuple[int, float]],
    weights: FusionWeights,
    exact: tuple[dict[int, float], dict[int, float]] | None = None,
) -> dict[int, float]:
    """``dense * cosine + lexical * bm25 / best bm25`` (Bruch et al. 2023's convex
    combination). A chunk one retriever missed gets its exact score from ``exact``,
    or else that list's lowest score."""
    floor_cosine = max(dense[-1][1], 0.0) if dense else 0.0
    top_bm25 = lexical[0][1] if lexical and lexical[0][1] > 0 else 1.0
    cosines = {chunk_id: max(score, 0.0) for chunk_id, score in dense}
    bm25 = {chunk_id: score / top_bm25 for chunk_id, score in lexical}
    floor_bm25 = lexical[-1][1] / top_bm25 if lexical else 0.0
    if exact is not None:
        cosines.update((i, max(score, 0.0)) for i, score in exact[0].items() if i not in cosines)
        bm25.update((i, score / top_bm25) for i, score in exact[1].items() if i not in bm25)
    return {
        chunk_id: weights.dense * cosines.get(chunk_id, floor_cosine)
        + weights.lexical * bm25.get(chunk_id, floor_bm25)
        for chunk_id in cosines.keys() | bm25.keys()
    }


def reciprocal_rank_fusion(
    dense: Sequence[tuple[int, float]],
    lexical: Sequence[tuple[int, float]],
    weights: FusionWeights = FusionWeights(),
) -> dict[int, float]:
    """Chunk id -> fused score; inputs are (chunk id, score) best first."""
    fused: dict[int, float] = {}
    for ranking, weight in ((dense, weights.dense), (lexical, weights.lexical)):
        for rank, (chunk_id, _score) in enumerate(ranking, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (weights.k + rank)
    return fused


def article_scores(chunk_scores: Sequence[float], share: float) -> float:
    """An article's score from its chunks' fused scores, best first."""
    if not chunk_scores:
        return 0.0
    second = chunk_scores[1] if len(chunk_scores) > 1 else 0.0
    return chunk_scores[0] + share * second


@dataclass(frozen=True)
class AnswerPolicy:
    """A good answer needs a close dense match, or a fair one the words agree with."""

    confident_cosine: float = 0.58
    minimum_cosine: float = 0.42
    minimum_coverage: float = 0.55

    def has_good_answer(self, signals: AnswerSignals) -> bool:
        if signals.top_cosine >= self.confident_cosine:
            return True
        return (
            signals.top_cosine >= self.minimum_cosine
            and signals.lexical_agreement
            and signals.lexical_coverage >= self.minimum_coverage
        )


# Calibrated with benchmarks/search_calibrate.py on 63 in-scope + 38 out-of-scope
# questions with the default fusion (balanced accuracy 0.934 on that set; 0.58
# and 0.60 tie for the confident cosine). Re-run it after changing the model,
# the chunker or the fusion, and paste the result here.
DEFAULT_POLICY = AnswerPolicy()
