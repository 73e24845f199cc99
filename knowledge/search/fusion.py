"""Fusing dense and lexical rankings, and deciding whether there is a good answer.

Fusion is weighted reciprocal rank fusion at chunk level (Cormack et al. 2009):
``sum(weight / (k + rank))``. Ranks, not raw scores, so BM25's unbounded scores
and cosine similarities need no common scale. An article scores as its best
chunk plus a small share of its second best, so a page that answers in
several places edges out one lucky sentence.

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
    dense: float = 1.0
    lexical: float = 1.0
    k: float = 60.0
    second_chunk_share: float = 0.1
    # all-MiniLM-L6-v2 was trained on English: for other languages its ranking is
    # weaker than the words', so it counts for less (0.25 was best of 1, 0.5, 0.25
    # and 0 on the Welsh calibration questions; benchmarks/search_calibrate.py).
    other_language_dense: float = 0.25

    def for_language(self, language: str | None) -> FusionWeights:
        if language in (None, "en"):
            return self
        return replace(self, dense=self.other_language_dense)


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

    confident_cosine: float = 0.56
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


# Calibrated with benchmarks/search_calibrate.py (59 in-scope + 38 out-of-scope
# questions, balanced accuracy 0.93 on that set). Re-run it after changing the
# model, the chunker or the fusion, and paste the result here.
DEFAULT_POLICY = AnswerPolicy()
