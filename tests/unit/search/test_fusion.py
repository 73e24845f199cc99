from __future__ import annotations

import pytest

from knowledge.search.domain import AnswerSignals
from knowledge.search.fusion import (
    AnswerPolicy,
    FusionWeights,
    article_scores,
    convex_fusion,
    fuse,
    reciprocal_rank_fusion,
)


def test_rrf_adds_reciprocal_ranks_from_both_lists() -> None:
    fused = reciprocal_rank_fusion(
        [(1, 0.9), (2, 0.8)],
        [(2, 12.0), (3, 4.0)],
        FusionWeights(method="rrf", dense=1.0, lexical=1.0, k=60),
    )
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[3] == pytest.approx(1 / 62)
    assert max(fused, key=fused.__getitem__) == 2


def test_rrf_weights_each_ranking() -> None:
    fused = reciprocal_rank_fusion(
        [(1, 0.9)], [(2, 9.0)], FusionWeights(method="rrf", dense=2.0, lexical=1.0)
    )
    assert fused[1] > fused[2]


def test_convex_fusion_combines_cosine_and_relative_bm25() -> None:
    weights = FusionWeights(method="convex", dense=0.7, lexical=0.3)
    fused = convex_fusion([(1, 0.8), (2, 0.4)], [(2, 10.0), (3, 5.0)], weights)
    assert fused[1] == pytest.approx(0.7 * 0.8 + 0.3 * 0.5)  # missed by BM25: its floor
    assert fused[2] == pytest.approx(0.7 * 0.4 + 0.3 * 1.0)
    assert fused[3] == pytest.approx(0.7 * 0.4 + 0.3 * 0.5)  # missed by dense: its floor
    assert fuse([(1, 0.8)], [], weights) == {1: pytest.approx(0.56)}


def test_a_rare_word_only_bm25_finds_keeps_its_page_first() -> None:
    dense = [(chunk, 0.30 - chunk / 1000) for chunk in range(10, 50)]  # a vague query
    lexical = [(99, 15.0)] + [(chunk, 4.0) for chunk in range(10, 20)]
    convex = fuse(dense, lexical, FusionWeights())
    assert max(convex, key=convex.__getitem__) == 99
    rrf = fuse(dense, lexical, FusionWeights(method="rrf"))
    assert max(rrf, key=rrf.__getitem__) != 99  # why convex is the default


def test_article_score_is_best_chunk_plus_a_share_of_the_second() -> None:
    assert article_scores([0.5, 0.2, 0.1], 0.1) == pytest.approx(0.52)
    assert article_scores([], 0.1) == 0.0


@pytest.mark.parametrize(
    ("cosine", "agree", "coverage", "good"),
    [
        (0.80, False, 0.0, True),  # a confident dense match stands alone
        (0.45, True, 0.9, True),  # a fair match the words agree with
        (0.45, False, 0.9, False),
        (0.45, True, 0.2, False),
        (0.10, True, 1.0, False),  # words alone are not enough
    ],
)
def test_answer_policy(cosine: float, agree: bool, coverage: float, good: bool) -> None:
    policy = AnswerPolicy(confident_cosine=0.6, minimum_cosine=0.3, minimum_coverage=0.5)
    assert policy.has_good_answer(AnswerSignals(cosine, agree, coverage)) is good


def test_exact_scores_replace_the_floors_that_grow_with_the_index() -> None:
    weights = FusionWeights()
    dense = [(1, 0.8), (2, 0.6)]  # at 100,000 chunks the 40th cosine is high
    lexical = [(3, 10.0), (1, 5.0)]
    floored = fuse(dense, lexical, weights)
    assert floored[3] == pytest.approx(0.7 * 0.6 + 0.3 * 1.0)  # BM25 only: the floor cosine
    exact = fuse(dense, lexical, weights, ({3: 0.1}, {2: 0.0}))
    assert exact[3] == pytest.approx(0.7 * 0.1 + 0.3 * 1.0)  # its own cosine
    assert exact[2] == pytest.approx(0.7 * 0.6)  # none of the query's words
    assert exact[1] == floored[1]  # found by both: unchanged
    assert max(exact, key=exact.__getitem__) == 1
